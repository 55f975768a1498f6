"""The line rules every cleaned body passes, HTML or plain text: what is page furniture.

Boilerplate phrases, paywall prompts (cut there, flag `paywalled`), a source line ("Fra Zerohedge:")
that becomes the attribution, and ad headlines injected between paragraphs. The phrase, selector
and date lists are data (summarizer/data/boilerplate.json and dates.json), compiled once by
`rules()`, which furniture.py and metadata.py share. Split out of clean.py so the rules can be
read, and tuned against the benchmark, apart from the extraction that feeds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from summarizer.resources import data_json
from summarizer.text import MONTHS

_WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_LETTER_RE = re.compile(r"[^\W\d_]")
_SENTENCE_END_RE = re.compile(r"[.!?…:;»”\"')\]]\s*$")

PROSE_MIN_WORDS = 12  # a line this long is body text whatever its punctuation
SENTENCE_MIN_WORDS = 6  # a shorter punctuated line is prose too
BOILER_MAX_WORDS = 40  # prefix rules only fire on short blocks, never on a long paragraph
DISCLAIMER_MAX_WORDS = 60  # a disclosure is a short paragraph; a long one quoting the phrase is the story


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
    link_list: re.Pattern
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
    disclaimer: re.Pattern
    chrome: re.Pattern
    attribution: re.Pattern
    months: dict
    date_words: frozenset
    dmy_text: re.Pattern
    mdy_text: re.Pattern


def _load_json(name: str) -> dict:
    return data_json(name)


def _alternation(phrases: list[str]) -> str:
    """One regex for many phrases, written as a trie ('sign (?:in|up)'): Python's re tries a flat
    alternation phrase by phrase at every position, a trie one letter at a time (half the time on the
    class/id tokens of WCXB-dev). Longer phrases still win: every optional tail is greedy."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@lru_cache(maxsize=1)
def rules() -> _Rules:
    b = _load_json("boilerplate.json")
    d = _load_json("dates.json")
    token_shapes = "|".join(f"(?:{t})" for t in b["prune_token_patterns"])
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    return _Rules(
        # one class/id token: contains a furniture word, or has the shape of an ad/job token
        prune=re.compile(rf"{_alternation(b['prune_token_contains'])}|{token_shapes}"),
        prune_paywall=re.compile(_alternation(b["paywall_token_contains"]), re.I),
        link_list=re.compile(_alternation(b["link_list_token_contains"])),
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
        disclaimer=re.compile(_alternation(b["disclaimer_phrases"])),
        chrome=re.compile(rf"(?<![\w-])(?:{_alternation(b['chrome_words'])})(?![\w-])"),
        attribution=re.compile(
            rf"^(?:{_alternation(b['attribution_prefixes'])})\s*:?\s+(?P<name>[^\W\d_][\w&.'’ /-]{{1,40}}?)\s*:?$", re.I
        ),
        months=MONTHS,
        date_words=frozenset(d["date_words"]),
        dmy_text=re.compile(rf"\b(\d{{1,2}})\.?\s+(?:den\s+)?({month_names})\.?,?\s+(\d{{4}})\b", re.I),
        mdy_text=re.compile(rf"\b({month_names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
    )


# ---------------------------------------------------------------- switching rules off

# The rule kinds of the HTML cleaner and the line rules, by name. bench/extraction.py --ablation switches
# each off in turn to show what it gains or costs on WCXB-dev; nothing else touches this.
RULE_KINDS = (
    "class/id tokens", "hidden by style", "sponsored links", "link blocks", "labelled boxes", "form tags",
    "figure tables", "dek", "exact phrases", "line patterns", "line prefixes", "disclaimers", "chrome words",
    "ad headlines", "title lines",
)
rules_off: set[str] = set()


def rule_on(kind: str) -> bool:
    return kind not in rules_off


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
    if not n or (n in r.exact and rule_on("exact phrases")):
        return True
    if len(n) > 400:  # furniture is short; a long block is body text
        return False
    if r.regex.fullmatch(n) and rule_on("line patterns"):
        return True
    if len(_words(n)) <= BOILER_MAX_WORDS and r.prefix.match(n) and rule_on("line prefixes"):
        return True
    if len(_words(n)) <= DISCLAIMER_MAX_WORDS and r.disclaimer.search(n) and rule_on("disclaimers"):
        return True
    if len(n) > 60 or not rule_on("chrome words"):
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


def _stems(text: str) -> set[str]:
    """Lower-case five-letter stems of the words of four letters or more ('Budgeting' ~ 'budget')."""
    return {w.lower()[:5] for w in _words(text) if len(w) >= 4}


def _taken_up(headline: str, below: list[Block]) -> bool:
    """Does the text under a headline use one of its words?"""
    return bool(_stems(headline) & _stems(" ".join(b.text for b in below)))


def _without_headline(block: Block, title_norms: set[str]) -> Block:
    """A first paragraph that opens with the headline ('Renten stiger Renten på ...': on a short page
    trafilatura's balanced mode glues the h1 to the text under it) -> the paragraph alone."""
    n = _norm(block.text)
    for title in title_norms:
        if len(title) >= 10 and n.startswith(title + " "):
            rest = _squash(block.text)[len(title) + 1:]
            if is_prose(rest):
                return Block(rest, block.kind)
    return block


# ---------------------------------------------------------------- shared line filtering


@dataclass
class _Filtered:
    paragraphs: list[str]
    attribution: str | None = None
    paywalled: bool = False
    paywall_reason: str | None = None


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
        if i < 3 and title_norms and rule_on("title lines"):
            if _norm(b.text) in title_norms:
                continue
            b = _without_headline(b, title_norms)
        if is_paywall_prompt(b.text):
            out.paywalled = True
            out.paywall_reason = out.paywall_reason or f"the text stops at a paywall prompt ({_squash(b.text)[:80]!r})"
            if any(is_prose(k.text) for k in kept):
                break  # the teaser ends here; the rest is the paywall box
            continue
        if is_boilerplate(b.text):
            continue
        kept.append(b)
    for i, b in enumerate(kept):
        # ad headlines: a Title Case line squeezed between body paragraphs that the text below it does not
        # take up. A subhead announces its section ('Freight Rates Lift the Outlook' -> '...freight rates...'); an
        # injected headline ('Wall Street Furious Over New Trading Algorithm') shares no word with it.
        if (not markup or b.kind == "p") and 0 < i < len(kept) - 1 and rule_on("ad headlines") and looks_like_ad_headline(b.text):
            if is_prose(kept[i - 1].text) and is_prose(kept[i + 1].text) and not _taken_up(b.text, kept[i + 1:i + 3]):
                continue
        out.paragraphs.append(b.text)
    return out
