"""Clean: a fetched page (HTML or plain text) -> the Article and nothing else, with its metadata.

HTML goes through trafilatura (favor_precision, comments off) after a finance layer has pruned
page furniture by class/id (newsletter, paywall, login, consent, share, related, ads, job lists,
offers). Plain text (feed content, a copied page) has no markup, so the body is found as the
densest run of prose lines. Both then pass the same line rules: boilerplate phrases, paywall
prompts (cut there, flag `paywalled`), a source line ("Fra Zerohedge:") that becomes the
attribution, and ad headlines injected between paragraphs. All phrase and selector lists are
data: summarizer/data/boilerplate.json and dates.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from itertools import islice

import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from . import langid
from .article import Article, Fetched
from .errors import NoArticleError

_WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_LETTER_RE = re.compile(r"[^\W\d_]")
_SENTENCE_END_RE = re.compile(r"[.!?…:;»”\"')\]]\s*$")
_HTML_SNIFF_RE = re.compile(r"\s*(?:<!doctype|<html|<\?xml|<head|<body|<div|<article|<p[\s>]|<meta)", re.I)
_DOCUMENT_RE = re.compile(r"<(?:html|body|head)[\s>]", re.I)
_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")

PROSE_MIN_WORDS = 12  # a line this long is body text whatever its punctuation
SENTENCE_MIN_WORDS = 6  # a shorter punctuated line is prose too
BOILER_MAX_WORDS = 40  # prefix rules only fire on short blocks, never on a long paragraph


@dataclass
class Block:
    """One paragraph-level piece of text; kind is 'p', 'head', 'item', 'quote', 'row' or 'line'."""

    text: str
    kind: str = "p"


# ---------------------------------------------------------------- rules (data, compiled once)


@dataclass(frozen=True)
class _Rules:
    prune: re.Pattern
    prune_paywall: re.Pattern
    protect_tags: frozenset
    content_name: re.Pattern
    prune_tags: tuple
    box_label: etree.XPath
    box_max_chars: int
    dek: re.Pattern
    exact: frozenset
    prefix: re.Pattern
    regex: re.Pattern
    paywall: re.Pattern
    chrome: re.Pattern
    attribution: re.Pattern
    months: dict
    date_words: frozenset
    dmy_text: re.Pattern
    mdy_text: re.Pattern


def _load_json(name: str) -> dict:
    return json.loads(resources.files("summarizer.data").joinpath(name).read_text("utf-8"))


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=1)
def rules() -> _Rules:
    b = _load_json("boilerplate.json")
    d = _load_json("dates.json")
    token_shapes = "|".join(f"(?:{t})" for t in b["prune_token_patterns"])
    month_names = "|".join(sorted(d["months"], key=len, reverse=True))
    return _Rules(
        # one class/id token: contains a furniture word, or has the shape of an ad/job token
        prune=re.compile(rf"{_alternation(b['prune_token_contains'])}|{token_shapes}"),
        prune_paywall=re.compile(_alternation(b["paywall_token_contains"]), re.I),
        protect_tags=frozenset(b["protect_tags"]),
        content_name=re.compile(b["content_tokens"], re.I),
        prune_tags=tuple(b["prune_tags"]),
        # a leaf element whose whole text is a label (case and a trailing colon ignored)
        box_label=etree.XPath(
            "//*[not(*)][string-length(.) < 40][contains($labels, concat('|', translate(normalize-space(.), "
            "'ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ:', 'abcdefghijklmnopqrstuvwxyzæøå'), '|'))]"
        ),
        box_max_chars=int(b["box_max_chars"]),
        dek=re.compile(rf"(?:^|\s)(?:{b['dek_tokens']})(?=\s|$)", re.I),
        exact=frozenset(b["drop_exact"]),
        prefix=re.compile(rf"(?:{_alternation(b['drop_prefix'])})"),
        regex=re.compile("|".join(f"(?:{r})" for r in b["drop_regex"])),
        paywall=re.compile(_alternation(b["paywall_phrases"])),
        chrome=re.compile(rf"(?<![\w-])(?:{_alternation(b['chrome_words'])})(?![\w-])"),
        attribution=re.compile(
            rf"^(?:{_alternation(b['attribution_prefixes'])})\s*:?\s+(?P<name>[^\W\d_][\w&.'’ /-]{{1,40}}?)\s*:?$", re.I
        ),
        months=d["months"],
        date_words=frozenset(d["date_words"]),
        dmy_text=re.compile(rf"\b(\d{{1,2}})\.?\s+(?:den\s+)?({month_names})\.?,?\s+(\d{{4}})\b", re.I),
        mdy_text=re.compile(rf"\b({month_names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
    )


# ---------------------------------------------------------------- line rules


def _squash(text: str) -> str:
    return " ".join(text.split())


def _norm(text: str) -> str:
    """Lower case, one space, no trailing colon: the form the phrase lists are written in."""
    return _squash(text).lower().rstrip(" :")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def is_prose(text: str) -> bool:
    n = len(_words(text))
    return n >= PROSE_MIN_WORDS or (n >= SENTENCE_MIN_WORDS and bool(_SENTENCE_END_RE.search(text)))


def is_boilerplate(text: str) -> bool:
    """Page furniture: a known phrase, a known line start (on short lines), or UI words only."""
    r = rules()
    n = _norm(text)
    if not n or n in r.exact:
        return True
    if len(n) > 400:  # furniture is short; a long block is body text
        return False
    if r.regex.fullmatch(n):
        return True
    if len(_words(n)) <= BOILER_MAX_WORDS and r.prefix.match(n):
        return True
    if len(n) > 60:
        return False
    stripped, hits = r.chrome.subn("", n)
    return hits > 0 and not _LETTER_RE.search(stripped)


def is_paywall_prompt(text: str) -> bool:
    """'Resten af artiklen er kun for abonnenter...': a short block that opens with a paywall phrase
    (a phrase deep inside a body sentence, '...enough to keep reading the signals', is not one)."""
    n = _norm(text)
    if len(n) > 400:
        return False
    m = rules().paywall.search(n)
    return m is not None and (m.start() <= 40 or len(_words(n)) <= 20)


def attribution_of(text: str) -> str | None:
    """'Fra Zerohedge:' / 'Kilde: Reuters' / 'Source: Bloomberg' -> the source's name, else None."""
    m = rules().attribution.match(_squash(text))
    if not m:
        return None
    name = m.group("name").strip(" .")
    words = name.split()
    if not words or len(words) > 4 or not name[0].isupper():
        return None
    return name


def looks_like_ad_headline(text: str) -> bool:
    """A short Title Case line with no closing punctuation: what ad widgets push between paragraphs.

    Real subheads are kept: Danish and most English news sites write them in sentence case.
    """
    t = _squash(text)
    if not t or _SENTENCE_END_RE.search(t) or t.endswith(",") or t.isupper() or "|" in t or "[" in t:
        return False
    words = [w for w in _words(t) if _LETTER_RE.match(w)]
    if not 3 <= len(words) <= 14:
        return False
    long_words = [w for w in words if len(w) >= 4]
    if len(long_words) < 3:
        return False
    capitalised = sum(w[0].isupper() for w in long_words)
    return capitalised / len(long_words) >= 0.75 and words[0][0].isupper()


# ---------------------------------------------------------------- dates and names


def parse_date(text: str) -> str | None:
    """The first date written in TEXT, as YYYY-MM-DD: ISO, '14. marts 2017', 'March 20, 2024', '06.06.2024'."""
    r = rules()
    candidates = []
    if m := _ISO_DATE_RE.search(text):
        candidates.append((m.start(), int(m[1]), int(m[2]), int(m[3])))
    if m := r.dmy_text.search(text):
        candidates.append((m.start(), int(m[3]), r.months[m[2].lower()], int(m[1])))
    if m := r.mdy_text.search(text):
        candidates.append((m.start(), int(m[3]), r.months[m[1].lower()], int(m[2])))
    if m := re.search(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b", text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        day, month = (b, a) if b > 12 >= a else (a, b)  # day first (Danish) unless impossible
        candidates.append((m.start(), y, month, day))
    for _, y, mo, d in sorted(candidates):
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


def is_date_line(text: str) -> bool:
    """A line that is a date and little else ('tirsdag 14. marts 2017 kl. 10:14')."""
    if len(text) > 80 or parse_date(text) is None:
        return False
    r = rules()
    rest = [w for w in _words(text.lower()) if not w[0].isdigit() and w not in r.date_words and w not in r.months]
    return len(rest) <= 1


_NAME_PARTICLES = frozenset({"af", "de", "van", "von", "der", "den", "la", "le", "og", "and"})
_BYLINE_PREFIX_RE = re.compile(r"^(?:af|by|skrevet af|written by)\s+", re.I)


def author_of(line: str) -> str | None:
    """'Morten W. Langer' / 'Af Lene Bak' / 'By Tom Lindqvist' -> the name; None when not a byline."""
    name = _BYLINE_PREFIX_RE.sub("", _squash(line))
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or any(ch.isdigit() for ch in name):
        return None
    for tok in tokens:
        if tok.lower() in _NAME_PARTICLES:
            continue
        if not tok[0].isupper():
            return None
        if not re.fullmatch(r"[^\W\d_]\.|[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*", tok):
            return None
    return name


def tidy_author(author: str | None, page: str = "") -> str | None:
    """A byline as metadata gives it -> the name: no 'Af'/'By', no date glued on, initials' dots kept."""
    if not author:
        return None
    r = rules()
    tokens = re.split(r"[·|•]", _BYLINE_PREFIX_RE.sub("", _squash(author)))[0].split()
    for i, tok in enumerate(tokens):
        if tok[0].isdigit() or tok.lower().strip(".,") in r.date_words:
            tokens = tokens[:i]
            break
    name = " ".join(tokens).strip(" ,|-")
    if not name:
        return None
    if any(len(t) == 1 and t.isupper() for t in tokens) and page:
        # metadata drops the dot after an initial ('Morten W Langer'); the page has the real spelling
        pattern = r"\s+".join(re.escape(t) + (r"\." if len(t) == 1 else "") for t in tokens)
        if m := re.search(pattern, page):
            name = _squash(m.group(0))
    return name


# ---------------------------------------------------------------- HTML


def _class_id(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _long_paragraphs(el) -> int:
    return sum(1 for p in el.iter("p") if len(p.text_content()) >= 120)


_VERDICTS: dict[str, bool] = {}  # class/id value -> furniture?; values repeat across pages of a site
_TOKEN_VERDICTS: dict[str, bool] = {}  # one token of a value ('menu-item') -> furniture?


def _is_furniture(value: str) -> bool:
    """Does a class/id attribute value hold a furniture token ('newsletter-signup', 'ad-slot', ...)?"""
    verdict = _VERDICTS.get(value)
    if verdict is None:
        if len(_VERDICTS) > 50_000:
            _VERDICTS.clear()
            _TOKEN_VERDICTS.clear()
        verdict = False
        for tok in value.lower().split():
            hit = _TOKEN_VERDICTS.get(tok)
            if hit is None:
                hit = _TOKEN_VERDICTS[tok] = rules().prune.search(tok) is not None
            if hit:
                verdict = True
                break
        _VERDICTS[value] = verdict
    return verdict


def forget_seen_classes() -> None:
    """Empty the class/id verdict caches (the benchmark starts every round cold)."""
    _VERDICTS.clear()
    _TOKEN_VERDICTS.clear()


# Attribute values as strings, judged in Python (a cached dict lookup each), their elements fetched
# only for the hits: cheaper than an element object per tag.
_CLASS_ID_XPATH = etree.XPath("//@class | //@id")


@lru_cache(maxsize=1)
def _box_labels() -> str:
    return "|" + "|".join(_load_json("boilerplate.json")["box_labels"]) + "|"


def _prune_furniture(tree, source: str = "", page_url: str | None = None, find_paywall: bool = True) -> bool:
    """Drop page furniture by class/id, tag and label; returns True when a paywall box was seen.

    An element holding most of the page's long paragraphs is kept (see content_tokens in the data),
    so a content wrapper whose class happens to say 'paywall' or 'comments' keeps the article.
    """
    r = rules()
    doomed = [v.getparent() for v in _CLASS_ID_XPATH(tree) if _is_furniture(v)]
    doomed = [el for el in doomed if el.tag not in r.protect_tags]
    if not source or "sponsored" in source:
        doomed.extend(tree.xpath("//a[contains(@rel, 'sponsored')]"))
    doomed.extend(tree.iter(*r.prune_tags))
    doomed.extend(_external_link_blocks(tree, page_url))
    for label in r.box_label(tree, labels=_box_labels()):
        box = label.getparent()
        if box is not None and box.tag not in r.protect_tags and len(box.text_content()) <= r.box_max_chars:
            doomed.append(box)
    page_long, paywall_seen = None, False
    for el in doomed:
        if el.getparent() is None:  # listed twice, and already dropped
            continue
        held = _long_paragraphs(el)
        if held >= 2 or (held == 1 and r.content_name.search(_class_id(el))):
            page_long = page_long if page_long is not None else _long_paragraphs(tree)
            if held * 2 >= page_long:
                continue
        if find_paywall and not paywall_seen:
            paywall_seen = _is_paywall_box(el)
        _drop(el)
    return paywall_seen


_LINK_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "div"})


_HOST_RE = re.compile(r"https?://([^/:?#\s]+)", re.I)


def _site(url: str | None) -> str | None:
    """'https://www.oeugebrev.dk/x' -> 'oeugebrev.dk' (the last two host labels, three for co.uk and the like)."""
    m = _HOST_RE.match(url or "")
    return _site_of_host(m.group(1).lower()) if m else None


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> str:
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov") and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _external_link_blocks(tree, page_url: str | None) -> list:
    """Blocks whose whole text is one link to another site: ad and partner headlines pushed into
    the body ('Sådan fik jeg 8 pct. om året' -> a click tracker), whatever their markup."""
    if page_url is None:
        canonical = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
        page_url = str(canonical[0]) if canonical else None
    home = _site(page_url)
    if home is None:
        return []
    found = []
    for a in tree.xpath("//body//a[starts-with(@href, 'http')]"):
        site = _site(a.get("href"))
        if site is None or site == home:
            continue
        text = _squash(a.text_content())
        if not 3 <= len(_words(text)) <= 20 or _SENTENCE_END_RE.search(text):
            continue
        block = a.getparent()
        while block is not None and block.tag not in _LINK_BLOCK_TAGS:
            block = block.getparent()
        if block is not None and _squash(block.text_content()) == text:
            found.append(block)
    return found


def _is_paywall_box(el) -> bool:
    """A dropped box that is the paywall: its first lines are a paywall prompt, or it has a paywall
    class and talks subscriptions. (A sidebar of teasers badged 'Kun for abonnenter' is neither.)"""
    if len(el) >= 40:  # a big container (a whole sidebar) is not a paywall box
        return False
    first_lines = [t for t in islice((t for t in el.itertext() if t.strip()), 2)]
    if any(is_paywall_prompt(t) for t in first_lines):
        return True
    r = rules()
    return r.prune_paywall.search(_class_id(el)) is not None and re.search(
        r"abonn|subscri|member|medlem", _norm(el.text_content())[:2000]
    ) is not None


def _drop(el) -> None:
    """Remove EL; loose text after it becomes a paragraph of its own (old pages write body text as
    bare text between <br>s, and glued to the previous element it would be lost)."""
    tail, el.tail = el.tail, None
    if tail and tail.strip():
        para = el.makeelement("p", {})
        para.text = tail
        el.addnext(para)
    el.getparent().remove(el)


def _headline(tree):
    """The article's h1: the longest of the first few (a cookie dialog may own the first)."""
    h1s = [h for _, h in zip(range(4), tree.iter("h1"))]
    return max(h1s, key=lambda h: len(h.text_content())) if h1s else None


_BYLINE_WORD_RE = re.compile(r"^(?:af|by|skrevet af|written by)$", re.I)
_BYLINE_IN_TEXT_RE = re.compile(r"(?:^|[|·•]\s*)(?:af|by|skrevet af|written by)\s+(?P<rest>.+)$", re.I)
_BYLINE_CUT_RE = re.compile(r"\s*(?:[·|•,–/]|\s-\s|\d).*$")


def _byline_near_headline(tree) -> tuple[str | None, str | None]:
    """(author, date) from the lines right under the headline, for pages without byline markup."""
    h1 = _headline(tree)
    if h1 is None:
        return None, None
    texts = [
        _squash(t) for t in h1.xpath("following::text()[normalize-space()][position() <= 40]")
        if t.getparent() is not None and t.getparent().tag not in ("script", "style")
    ]
    author = published = None
    for i, t in enumerate(texts):
        if published is None and len(t) <= 80 and (iso := parse_date(t)):
            published = iso
        if author is None:
            if _BYLINE_WORD_RE.match(t) and i + 1 < len(texts):
                candidate = texts[i + 1]
            elif m := _BYLINE_IN_TEXT_RE.search(t):  # 'Af Lene Bak' or '20. juli 2023 | Af Lene Bak'
                candidate = m["rest"]
            else:
                continue
            author = author_of(_BYLINE_CUT_RE.sub("", candidate))
    return author, published


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
    doc = trafilatura.bare_extraction(
        tree, url=url, favor_precision=True, include_comments=False, with_metadata=False
    )
    blocks = _body_blocks(doc.body) if doc is not None and doc.body is not None else []
    return _Page(blocks, meta, byline, dek, headlines, paywall_seen)


# ---------------------------------------------------------------- shared line filtering


@dataclass
class _Filtered:
    paragraphs: list[str]
    attribution: str | None = None
    paywalled: bool = False


def _filter_blocks(blocks: list[Block], *, titles: tuple[str, ...] = (), markup: bool = True) -> _Filtered:
    """Apply the line rules to the body's blocks, in order."""
    out = _Filtered([])
    title_norms = {_norm(t) for t in titles if t}
    # a source line heads or closes a republished piece
    edges = {0, 1, 2, len(blocks) - 1, len(blocks) - 2}
    kept: list[Block] = []
    for i, b in enumerate(blocks):
        if i in edges and out.attribution is None and (name := attribution_of(b.text)):
            out.attribution = name
            continue
        if i < 3 and title_norms and _norm(b.text) in title_norms:
            continue
        if is_paywall_prompt(b.text):
            out.paywalled = True
            if any(is_prose(k.text) for k in kept):
                break  # the teaser ends here; the rest is the paywall box
            continue
        if is_boilerplate(b.text):
            continue
        kept.append(b)
    for i, b in enumerate(kept):
        # ad headlines: a Title Case line squeezed between body paragraphs (headings are kept in HTML)
        if (not markup or b.kind == "p") and 0 < i < len(kept) - 1 and looks_like_ad_headline(b.text):
            if is_prose(kept[i - 1].text) and is_prose(kept[i + 1].text):
                continue
        out.paragraphs.append(b.text)
    return out


# ---------------------------------------------------------------- plain text


def _text_units(text: str) -> list[str]:
    """Lines of a plain text; a hard-wrapped paragraph (even, long lines) is joined back into one."""
    units: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_squash(line) for line in chunk.split("\n") if line.strip()]
        if len(lines) >= 2:
            heads = [len(line) for line in lines[:-1]]
            if min(heads) >= 55 and max(heads) - min(heads) <= 25:
                units.append(" ".join(lines))
                continue
        units.extend(lines)
    return units


def _densest_run(units: list[str]) -> tuple[int, int]:
    """The stretch of lines richest in prose (maximum-sum run): boilerplate breaks it, short lines cost a little."""
    best, best_span = 0, (0, 0)
    total, start = 0, 0
    for i, u in enumerate(units):
        if is_boilerplate(u) or is_paywall_prompt(u):
            w = -40
        elif is_prose(u):
            w = len(_words(u))
        else:
            w = -3
        if total <= 0:
            total, start = 0, i
        total += w
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _read_header(lines: list[str]) -> dict:
    """Title, author, date and source line from the lines above a plain-text article."""
    meta: dict = {"title": None, "author": None, "published": None, "attribution": None}
    rest = []
    for line in lines:
        if is_boilerplate(line):
            continue
        if meta["published"] is None and is_date_line(line):
            meta["published"] = parse_date(line)
        elif name := attribution_of(line):
            meta["attribution"] = name
        else:
            rest.append(line)
    for line in rest:
        if meta["title"] is None and len(_words(line)) >= 3 and not author_of(line):
            meta["title"] = line
        elif meta["author"] is None and (name := author_of(line)):
            meta["author"] = name
    return meta


def clean_text(text: str, url: str | None = None) -> Article:
    """A plain-text page (feed content, a copied page) -> Article."""
    units = _text_units(text or "")
    start, end = _densest_run(units)
    header = _read_header(units[:start])
    body = units[start:end]
    # the line right after the body may still be the source line or the paywall prompt
    tail = units[end:end + 2]
    blocks = [Block(u, "line") for u in body + [t for t in tail if attribution_of(t) or is_paywall_prompt(t)]]
    filtered = _filter_blocks(blocks, titles=(header["title"],), markup=False)
    return _article(
        filtered,
        url=url,
        title=header["title"],
        author=header["author"],
        published=header["published"],
        site=None,
        attribution=header["attribution"],
    )


# ---------------------------------------------------------------- public API


def _with_dek(paragraphs: list[str], dek: str | None) -> list[str]:
    if dek and paragraphs and _norm(dek) not in {_norm(p) for p in paragraphs[:3]}:
        return [dek, *paragraphs]
    return paragraphs


_NOT_FREE_RE = re.compile(r"[\"']isAccessibleForFree[\"']\s*:\s*[\"']?false", re.I)
TEASER_MAX_WORDS = 200


def _marked_locked_and_short(html: str | bytes, paragraphs: list[str]) -> bool:
    """schema.org says the article is not free and the page holds only a short text: a teaser."""
    source = html if isinstance(html, str) else html.decode("latin-1")
    return bool(_NOT_FREE_RE.search(source)) and sum(len(_words(p)) for p in paragraphs) < TEASER_MAX_WORDS


def clean_html(html: str | bytes, url: str | None = None) -> Article:
    """An HTML page -> Article (raises NoArticleError when it holds no article text)."""
    page = _extract_page(html, url, with_meta=True)
    meta = page.meta
    title = meta.title if meta else None
    filtered = _filter_blocks(page.blocks, titles=(title, *page.headlines))
    filtered.paragraphs = _with_dek(filtered.paragraphs, page.dek)
    filtered.paywalled = filtered.paywalled or page.paywall_seen or _marked_locked_and_short(html, filtered.paragraphs)
    published = parse_date(meta.date) if meta and meta.date else None
    author = tidy_author(meta.author if meta else None, html if isinstance(html, str) else "")
    author, published = author or page.byline[0], published or page.byline[1]
    return _article(
        filtered,
        url=url or (meta.url if meta else None),
        title=title,
        author=author,
        published=published,
        site=meta.sitename if meta else None,
        attribution=filtered.attribution,
    )


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """Only the body text (no metadata, no language): the function the extraction benchmark times."""
    page = _extract_page(html, url, with_meta=False)
    paragraphs = _filter_blocks(page.blocks, titles=page.headlines).paragraphs
    return "\n".join(_with_dek(paragraphs, page.dek))


def looks_like_html(text: str, content_type: str = "") -> bool:
    return "html" in (content_type or "").lower() or bool(_HTML_SNIFF_RE.match(text[:2000]))


def clean(fetched: Fetched) -> Article:
    """Fetched page -> Article, choosing HTML or plain-text cleaning by content."""
    if looks_like_html(fetched.text, fetched.content_type):
        return clean_html(fetched.text, url=fetched.url)
    return clean_text(fetched.text, url=fetched.url)


def _article(filtered: _Filtered, **fields) -> Article:
    paragraphs = filtered.paragraphs
    if not any(is_prose(p) for p in paragraphs):
        raise NoArticleError("no article text found (the page holds only navigation, forms or other page furniture)")
    return Article(
        paragraphs=paragraphs,
        language=langid.article_language(paragraphs),
        paywalled=filtered.paywalled,
        **fields,
    )
