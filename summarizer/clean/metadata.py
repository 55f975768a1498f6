"""Who wrote an article, and when: date parsing, byline names, the lines under the headline.

Shared by the HTML cleaner (metadata from markup, bylines read under the h1) and the plain-text
cleaner (a header above the body), so it sits apart from both. Month names and date words are
data (summarizer/data/dates.json), compiled in boilerplate.rules().
"""

from __future__ import annotations

import re
from datetime import date

from summarizer.clean.line_rules import _squash, _words, rules

_ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")


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
