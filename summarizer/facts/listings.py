"""Which listing a name means, and whether an ambiguous name is a company at all.

A company listed on several exchanges (Nordea in Helsinki, Stockholm and Copenhagen; Novo Nordisk in
Copenhagen and as an ADR in New York) is written the same way everywhere: the text's own words about
exchanges and currencies decide, else the primary listing (the first row of the name in
ticker_aliases.csv). A short name that is also a word or a person's name ("Orange", "Elisa",
"Kongsberg") counts only with a corroborating word in its sentence ("shares", "aktien", "plc") or a
ticker in brackets right after it. Cues are data: summarizer/data/exchange_cues.json.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Protocol, Sequence

from summarizer.resources import data_text

# US boards in gazetteer.csv: the cues speak of "US", not of one board
_US_BOARDS = {"NYQ", "NMS", "NGM", "NCM", "ASE", "PCX", "BTS", "US"}
_WINDOW = 160
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ\"»“])|\n")
# a company word makes a short name a company only this close to it
_CLAUSE = 60


class Listing(Protocol):
    symbol: str
    exchange: str | None


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, re.Pattern | None], dict[str, re.Pattern | None], dict[str, re.Pattern]]:
    data = json.loads(data_text("exchange_cues.json"))

    def joined(patterns: list[str]) -> re.Pattern | None:
        return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    near = {code: joined(cues["sentence"]) for code, cues in data["exchanges"].items()}
    anywhere = {code: joined(cues["article"]) for code, cues in data["exchanges"].items()}
    corroboration = {
        key: re.compile(pattern, re.I if key == "words_any_case" else 0) for key, pattern in data["corroboration"].items()
    }
    return near, anywhere, corroboration


def _board(exchange: str | None) -> str:
    return "US" if exchange in _US_BOARDS else exchange or ""


def _sentence_at(text: str, start: int, end: int, reach: int = _WINDOW) -> tuple[int, str]:
    """The sentence around text[start:end], at most `reach` characters either side, and its offset."""
    left = max(0, start - reach)
    right = min(len(text), end + reach)
    # a sentence ends before a capital, not at "pct. på" or "mio. kr."
    cut = max((m.end() for m in _SENTENCE_END.finditer(text, left, start)), default=left)
    after = _SENTENCE_END.search(text, end, right)
    return cut, text[cut : after.start() + 1 if after else right]


def _sentence(text: str, start: int, end: int, reach: int = _WINDOW) -> str:
    return _sentence_at(text, start, end, reach)[1]


class ArticleCues:
    """Counts of each exchange's article-wide cues in one text, computed once and only when asked."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._counts: dict[str, int] | None = None

    def count(self, board: str) -> int:
        if self._counts is None:
            _, anywhere, _ = _cues()
            self._counts = {code: len(p.findall(self._text)) if p else 0 for code, p in anywhere.items()}
        return self._counts.get(board, 0)


def choose_listing(listings: Sequence[Listing], text: str, start: int, end: int, article: ArticleCues) -> Listing:
    """The listing the text's cues point to; the primary (first) one when they point nowhere or tie."""
    if len(listings) == 1:
        return listings[0]
    near, _, _ = _cues()
    # in the mention's sentence, the exchange named nearest to it ("Nordea and Danske Bank slipped in
    # Copenhagen, and Swedbank fell in Stockholm"); else the article's currency words, most often named
    left, sentence = _sentence_at(text, start, end)
    distances = []
    for listing in listings:
        pattern = near.get(_board(listing.exchange))
        found = [abs(m.start() + left - start) for m in pattern.finditer(sentence)] if pattern else []
        distances.append(min(found, default=None))
    if any(d is not None for d in distances):
        nearest = min(d for d in distances if d is not None)
        if distances.count(nearest) == 1:
            return listings[distances.index(nearest)]
    counts = [article.count(_board(listing.exchange)) for listing in listings]
    best = max(counts)
    if best == 0 or counts.count(best) > 1:
        return listings[0]
    return listings[counts.index(best)]


def corroborated(text: str, start: int, end: int) -> bool:
    """An ambiguous short name counts only as a company: a company word in its clause ("Elisa, the telecom
    operator"), a legal form or a price move right after it ("Kone lå uændret"), "shares in" before it."""
    _, _, cue = _cues()
    return bool(
        cue["legal_forms"].match(text, end)
        or cue["move_after"].match(text, end)
        or cue["shares_before"].search(text, max(0, start - 20), start)
        or cue["words_any_case"].search(_sentence(text, start, end, reach=_CLAUSE))
    )
