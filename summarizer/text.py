"""Text helpers every stage shares: the one sentence splitter (with character offsets), the one month and
weekday table, regex alternations of word lists, and control-character hygiene for output.

The splitter knows Danish and English abbreviations (pct., mia., kr., bl.a., f.eks., ca., dvs., Inc.,
U.S.), initials (A.P. Møller), decimals (4.2, 4,2) and quotes (».. ,« siger); its word lists are package
data (claim_words.json), so a new abbreviation is a data change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.resources import data_json

OPENERS = "»“\"‘„("
CLOSERS = "«”\"’)"
_CORPORATE = {"inc", "corp", "co", "ltd", "plc"}


def _words() -> dict:
    return data_json("claim_words.json")


# The one month and weekday table (data/dates.json): full names, and with abbreviations for reading dates.
MONTH_NAMES: dict[str, int] = dict(data_json("dates.json")["months"])
MONTHS: dict[str, int] = MONTH_NAMES | data_json("dates.json")["month_abbreviations"]
WEEKDAYS: dict[str, int] = dict(data_json("dates.json")["weekdays"])


def alternation(words) -> str:
    """A regex alternation of words, longest first (cached: the word lists are fixed)."""
    return _alternation(tuple(words))


@lru_cache(maxsize=64)
def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of text, in order, with offsets into it; a sentence never spans two lines."""
    words = _words()
    never = {w.lower() for w in words["abbreviations_never_end"]}
    unit = {w.lower() for w in words["abbreviations_unit"]}
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(_lines(text)):
        start = p_start
        for m in re.finditer(r"[.!?…]+[" + re.escape(CLOSERS) + r"]*(?=\s+(\S))", text[p_start:p_end]):
            cut = p_start + m.end()
            nxt = m.group(1)
            token = re.search(r"(\S+?)[.!?…]+[" + re.escape(CLOSERS) + r"]*$", text[start:cut])
            word = (token.group(1) if token else "").lower().lstrip(OPENERS)
            ends_with_dot = text[p_start + m.start()] == "." and len(m.group(0).rstrip(CLOSERS)) == 1
            closer = m.group(0)[-1] in CLOSERS
            if ends_with_dot and not closer:
                initials = re.fullmatch(r"(?:\w\.)*\w", word) and len(word.replace(".", "")) <= 2 and word[:1].isalpha()
                if word in never or initials and not (len(word) > 1 and _starts_sentence(text, p_start + m.end())):
                    continue  # "bl.a. Novo", "A.P. Møller", "U.S. credit" (but "in the U.S. The company")
                if word in unit and not (nxt[0].isupper() or nxt[0] in OPENERS.replace("(", "")):
                    continue  # "58,7 mia. kr. efter skat", "Tesla Inc. (TSLA) shares"
                if word in _CORPORATE and not _starts_sentence(text, p_start + m.end()):
                    continue  # "Apple Inc. CEO Tim Cook" (but "... Apple Inc. The company ...")
            if not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in OPENERS):
                continue
            out.append(Sentence(start, cut, p_index))
            start = cut + len(text[cut:p_end]) - len(text[cut:p_end].lstrip())
        if start < p_end:
            out.append(Sentence(start, p_end, p_index))
    return [_trim(text, s) for s in out if text[s.start : s.end].strip()]


def _starts_sentence(text: str, pos: int) -> bool:
    word = re.match(r"\s+([\w]+)", text[pos : pos + 30])
    return bool(word) and word.group(1) in _words()["sentence_starters"]


def _lines(text: str) -> list[tuple[int, int]]:
    """Paragraph/line spans, without surrounding space or a leading list bullet."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        bullet = re.match(r"[•*▪·–-]\s+", text[s:e])
        if bullet:
            s += bullet.end()
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
    return spans


def _trim(text: str, s: Sentence) -> Sentence:
    """Drop an opening quote mark with no closer in the sentence, and a closer with no opener."""
    start, end = s.start, s.end
    body = text[start:end]
    if body[:1] in OPENERS and not any(c in body[1:] for c in CLOSERS if c != "("):
        start += 1
    body = text[start:end]
    if body[-1:] in CLOSERS and not any(c in body[:-1] for c in OPENERS if c != ")"):
        end -= 1
    return Sentence(start, end, s.paragraph)


# C0 controls but tab and newline, DEL, and C1 controls: ESC/CSI/OSC sequences in a page's text would
# otherwise move the cursor, retitle the window or write the clipboard of the terminal showing them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """text with every control character removed except newline and tab."""
    return _CONTROLS.sub("", text)


def escape_controls(json_text: str) -> str:
    """A JSON document with the C1 controls and DEL escaped too (json.dumps escapes only C0)."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


# A document starts with a tag (comments and white space may come first), or names its <html>/<body> soon.
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*(?:<!doctype|<html|<\?xml|<head|<body|<div|<article|<p[\s>]|<meta|<title)",
                         re.I | re.S)
_HTML_EARLY = re.compile(r"<!doctype html|<html[\s>]|<body[\s>]", re.I)
_MARKUP = re.compile(r"<[a-zA-Z/][^>]*>")


def looks_like_html(text: str) -> bool:
    """Is this text an HTML document? (Where a Content-Type or a file suffix does not say.)"""
    head = text[:4096].lstrip("\ufeff")
    return bool(_HTML_START.match(head) or _HTML_EARLY.search(head))


def has_markup(text: str) -> bool:
    """Does this fragment (a feed entry's content) hold any tag, so it is cleaned as HTML?"""
    return bool(_MARKUP.search(text))


# user:password@ after a scheme, in a URL or in a message that quotes one
_CREDENTIALS = re.compile(r"(?<=://)[^/?#@\s]*@")


def without_credentials(text: str) -> str:
    """text with the user:password@ part of every URL in it removed (it stays only in the request)."""
    return _CREDENTIALS.sub("", text)


def for_display(text: str) -> str:
    """What may reach a terminal, a log or a file: no control characters, no URL credentials."""
    return without_controls(without_credentials(text))
