"""An HTML page -> body blocks plus what the page says about itself (metadata, byline, dek, h1s).

Parse once, read metadata, prune furniture (furniture.py), run trafilatura, then turn its output
tree into `Block`s for the line rules. Kept apart from clean.py, which decides what an Article is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from summarizer.clean.furniture import _class_id, _prune_furniture
from summarizer.clean.line_rules import _LETTER_RE, Block, _squash, is_paywall_prompt, is_prose, rule_on, rules
from summarizer.clean.metadata import _byline_near_headline

_DOCUMENT_RE = re.compile(r"<(?:html|body|head)[\s>]", re.I)


def _find_dek(tree) -> str | None:
    """The standfirst under the headline (class dek/standfirst/manchet/lead...), which trafilatura skips.

    Every h1 is tried (a cookie dialog may carry the page's first), and only the few elements that
    follow it, so a long page costs no more than a short one.
    """
    r = rules()
    for h1 in tree.iter("h1"):
        for el in islice(h1.itersiblings(), 6):
            for cand in islice(el.iter("p", "div", "h2", "span"), 40):
                if r.dek.search(_class_id(cand)) and next(cand.iter("script", "style"), None) is None:
                    text = _squash(cand.text_content())
                    if 40 <= len(text) <= 600 and is_prose(text):
                        return text
    return None


def _cell_text(cell) -> str:
    """A table cell's text, its <lb/>s as spaces (xmltotxt frames a cell in '| ... |')."""
    return _squash(xmltotxt(cell, False)).strip(" |")


def _figure_table_chars(table) -> int:
    """The characters of a table of figures (key numbers, quarterly results), 0 for any other table."""
    cells = [_cell_text(c) for c in table.iter("cell")]
    cells = [c for c in cells if c]
    numeric = sum(1 for c in cells if any(ch.isdigit() for ch in c) and len(_LETTER_RE.findall(c)) <= 6)
    if len(cells) < 4 or numeric * 5 < len(cells) * 2 or _is_ranking(table):
        return 0
    return sum(map(len, cells))


def _is_ranking(table) -> bool:
    """Rows numbered 1, 2, 3... in their first cell: a ranking or a standings table, which is what the
    article is about (a key-figures box beside a story is never numbered)."""
    firsts = [_cell_text(next(row.iter("cell"), row)).rstrip(".") for row in table.iter("row")]
    numbers = [int(f) for f in firsts if f.isdigit()]
    return len(numbers) >= 3 and numbers[:3] == list(range(numbers[0], numbers[0] + 3))


def _figures_beside_prose(body) -> bool:
    """Are the body's tables of figures charts in table form beside the prose (dropped), or together
    most of the body (standings, price lists, rankings split over several tables: the article)?"""
    figures = sum(_figure_table_chars(t) for t in body if t.tag == "table")
    return figures * 2 < len("".join(body.itertext()))


_BLOCK_TAGS = ("p", "head", "list", "quote", "table")


def _main_cell(table):
    """In a layout table (cells holding paragraphs), the cell with the article, or None when unclear."""
    cells = [c for c in table.iter("cell") if any(ch.tag in _BLOCK_TAGS for ch in c)]
    if not cells:
        return None
    prose = [sum(len(t) for t in c.itertext()) for c in cells]
    best = max(range(len(cells)), key=prose.__getitem__)
    return cells[best] if prose[best] * 10 >= sum(prose) * 6 else None


def _body_blocks(body) -> list[Block]:
    """trafilatura's output tree -> blocks, one per paragraph, list item or table row."""
    blocks: list[Block] = []
    drop_figures = None
    for child in body:
        tag = child.tag
        if tag == "list":
            for item in child.findall("item"):
                # an item's <lb/>s are lines of their own ("Buyback<lb/>Size: 5 bn"), not glued words;
                # a nested list comes out as its own lines, once
                for line in xmltotxt(item, False).split("\n"):
                    text = _squash(line).removeprefix("- ")
                    if text:
                        blocks.append(Block(text, "item"))
        elif tag == "table":
            main = _main_cell(child)
            if main is not None:  # an old-style page laid out in a table: read the article's cell
                blocks.extend(_body_blocks(main))
                continue
            if drop_figures is None:
                drop_figures = rule_on("figure tables") and _figures_beside_prose(body)
            if drop_figures and _figure_table_chars(child):
                continue
            for row in child.iter("row"):
                cells = [_cell_text(c) for c in row.iter("cell")]
                text = " | ".join(c for c in cells if c)
                if text:
                    blocks.append(Block(text, "row"))
        else:
            kind = "head" if tag == "head" else ("quote" if tag == "quote" else "p")
            for line in xmltotxt(child, False).split("\n"):
                text = _squash(line)
                if text:
                    blocks.append(Block(text, kind))
    return blocks


@dataclass
class _Page:
    blocks: list[Block]
    meta: object | None = None  # trafilatura's Document with the metadata fields
    byline: tuple[str | None, str | None] = (None, None)  # (author, ISO date) read under the headline
    dek: str | None = None
    headlines: tuple[str, ...] = ()
    paywall_seen: str | None = None  # why the page is paywalled, when its markup says so


def _extract_page(html: str | bytes, url: str | None, with_meta: bool) -> _Page:
    """Parse once, read metadata, prune furniture, run trafilatura."""
    if isinstance(html, str) and not _DOCUMENT_RE.search(html[:3000]):
        html = f"<html><body>{html}</body></html>"  # a fragment (feed content): trafilatura wants a document
    tree = load_html(html)
    if tree is None:
        return _Page([])
    # extensive=False: dates only from markup; a year guessed from the body text is worse than none
    meta = extract_metadata(tree, url, extensive=False) if with_meta else None
    byline = _byline_near_headline(tree) if with_meta else (None, None)
    dek = _find_dek(tree) if rule_on("dek") else None
    headlines = tuple(_squash(h.text_content()) for h in tree.iter("h1"))
    source = html if isinstance(html, str) else html.decode("latin-1")
    # the prompt of a teaser is looked for before trafilatura, which often drops it with its box
    prompt = _paywall_prompt(tree) if with_meta else None
    paywall_seen = _prune_furniture(tree, source, url, find_paywall=with_meta)
    paywall_seen = f"the page holds a paywall prompt ({prompt[:80]!r})" if prompt else (
        "the page holds a paywall box" if paywall_seen else None)
    if sum(1 for _ in islice(tree.iter(*_TEXT_TAGS), HUGE_PAGE_BLOCKS + 1)) > HUGE_PAGE_BLOCKS:
        return _Page(_tree_blocks(tree), meta, byline, dek, headlines, paywall_seen)
    body = _trafilatura_body(tree, url)
    blocks = _body_blocks(body) if body is not None else []
    return _Page(blocks, meta, byline, dek, headlines, paywall_seen)


# trafilatura's own extractor first, without its fallbacks (readability, jusText); they run, in a second
# full pass, only when the first found little text. On WCXB-dev their result replaced the first one on 38
# of 793 pages, all but a few of them with under this many characters; the fallbacks took a third of
# trafilatura's time on every page. BENCHMARKS.md, "Session 10", has the measurement.
FALLBACK_BELOW_CHARS = 4000


def _trafilatura_body(tree, url: str | None):
    """The article's body as trafilatura's XML tree (or None).

    Balanced mode: favor_precision lost 0.014 F1 and left 12 pages empty on WCXB-dev's ~700 sites; the
    furniture pruning before and the line rules after give the precision back. output_format='txt'
    only spares trafilatura a text conversion this module does itself from the tree.
    """
    options = dict(url=url, include_comments=False, with_metadata=False, output_format="txt")
    doc = trafilatura.bare_extraction(tree, fast=True, **options)  # works on a copy: tree stays as it is
    found = len(doc.raw_text or "") if doc is not None else 0
    if found < FALLBACK_BELOW_CHARS:
        rescue = trafilatura.bare_extraction(tree, **options)
        # the rescue replaces the first result only when it adds text: its own version of the same text
        # is no better, and the first result went through fewer hands
        if rescue is not None and len(rescue.raw_text or "") > found * 1.1:
            doc = rescue
    return doc.body if doc is not None else None


_SHORT_TEXTS = etree.XPath("//body//text()[string-length(normalize-space(.)) > 15][string-length(.) < 300]")


def _paywall_prompt(tree) -> str | None:
    """The first short text of the page that is a paywall prompt ('Log ind for at læse resten')."""
    return next((_squash(t) for t in _SHORT_TEXTS(tree) if is_paywall_prompt(t)), None)


# Past this many text elements, trafilatura's extraction grows quadratically (a 4 MB page of 64,000
# paragraphs took 22 s, half of it in two of its passes); no article is that long, so such a page (a data
# dump, a generated market wrap) is read element by element, after the same furniture pruning, and the
# line rules judge each block as usual. bench/scaling.py shows the difference.
HUGE_PAGE_BLOCKS = 8000
_TEXT_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")


def _tree_blocks(tree) -> list[Block]:
    """Every text element of the pruned page as a block, in document order (linear in the page)."""
    blocks = []
    for el in tree.iter(*_TEXT_TAGS):
        if el.getparent() is not None and el.getparent().tag in ("li", "blockquote"):
            continue  # its text is read with the enclosing element
        text = _squash(el.text_content())
        if text:
            kind = "head" if el.tag.startswith("h") else "item" if el.tag == "li" else "quote" if el.tag == "blockquote" else "p"
            blocks.append(Block(text, kind))
    return blocks
