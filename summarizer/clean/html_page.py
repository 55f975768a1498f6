"""An HTML page -> body blocks plus what the page says about itself (metadata, byline, dek, h1s).

Parse once, read metadata, prune furniture (furniture.py), run trafilatura, then turn its output
tree into `Block`s for the line rules. Kept apart from clean.py, which decides what an Article is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from summarizer.clean.furniture import _class_id, _prune_furniture
from summarizer.clean.line_rules import _LETTER_RE, Block, _squash, is_prose, rules
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


def _is_figure_table(table, body_chars: int) -> bool:
    """A table of figures (key numbers, quarterly results) beside the prose: a chart in table form.

    A table that is most of the body (standings, a price list) is the article and stays.
    """
    cells = [_squash("".join(c.itertext())) for c in table.iter("cell")]
    cells = [c for c in cells if c]
    numeric = sum(1 for c in cells if any(ch.isdigit() for ch in c) and len(_LETTER_RE.findall(c)) <= 6)
    return len(cells) >= 4 and numeric * 5 >= len(cells) * 2 and sum(map(len, cells)) * 2 < body_chars


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
    body_chars = None
    for child in body:
        tag = child.tag
        if tag == "list":
            for item in child.iter("item"):
                text = _squash("".join(item.itertext()))
                if text:
                    blocks.append(Block(text, "item"))
        elif tag == "table":
            main = _main_cell(child)
            if main is not None:  # an old-style page laid out in a table: read the article's cell
                blocks.extend(_body_blocks(main))
                continue
            body_chars = body_chars if body_chars is not None else len("".join(body.itertext()))
            if _is_figure_table(child, body_chars):
                continue
            for row in child.iter("row"):
                cells = [_squash("".join(c.itertext())) for c in row.iter("cell")]
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
    paywall_seen: bool = False


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
    dek = _find_dek(tree)
    headlines = tuple(_squash(h.text_content()) for h in tree.iter("h1"))
    source = html if isinstance(html, str) else html.decode("latin-1")
    paywall_seen = _prune_furniture(tree, source, url, find_paywall=with_meta)
    if sum(1 for _ in islice(tree.iter(*_TEXT_TAGS), HUGE_PAGE_BLOCKS + 1)) > HUGE_PAGE_BLOCKS:
        return _Page(_tree_blocks(tree), meta, byline, dek, headlines, paywall_seen)
    doc = trafilatura.bare_extraction(
        tree, url=url, favor_precision=True, include_comments=False, with_metadata=False
    )
    blocks = _body_blocks(doc.body) if doc is not None and doc.body is not None else []
    return _Page(blocks, meta, byline, dek, headlines, paywall_seen)


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
