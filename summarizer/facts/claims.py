"""Checkable claims: verbatim sentences of the article that state a figure or a forecast.

Each claim carries its normalised numbers (value after scale, unit, direction where the sentence
says up/down), the ticker it is about where one is named, and who asserts it:
- a quote's speaker ("siger analytiker Line Abildgaard fra Danske Bank" -> "Line Abildgaard, Danske Bank");
- a named source ("ifølge Bloomberg", "according to FactSet data", "the Labor Department said",
  "Bank of America's economists point out", "The latest CFTC data show");
- the company or institution doing the thing ("Danske Bank venter ...", "ECB sænkede ...", and
  "Omsætningen steg ..." in an article about one company);
- the author of a note the article is reporting ("SocGen's Andrew Lapthorne ... observes",
  "Lapthorne says that ...") for the sentences that follow it;
otherwise None. Offsets index the text given (Article.text).
"""

from __future__ import annotations

import bisect
import re
import time
from collections import Counter

from summarizer.facts.attribution import (
    _actor,
    _build_context,
    _Context,
    _entity_display,
    _named_source,
    _note_author,
    _quote_speakers,
    _reported,
    _speaker,
)
from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.language import guess_language
from summarizer.resources import data_json
from summarizer.text import CLOSERS, alternation, split_sentences
from summarizer.values import Claim, ClaimNumber, TickerHit


def _words() -> dict:
    return data_json("claim_words.json")

# ---------------------------------------------------------------- numbers and direction


def move_direction(sentence: str, q: Quantity, q_start: int, prev_end: int) -> str | None:
    """'rose 0.9%' / 'down 4%' / '20% higher' / 'steg med 29 pct.' -> up/down; a level ('to 4.97%') -> None."""
    if q.kind in ("year", "date"):
        return None
    if q.value < 0:
        return "down"
    w = _words()
    after = re.findall(r"\w+", sentence[q_start + len(q.text) : q_start + len(q.text) + 20].lower())[:1]
    if after and after[0] in ("higher", "lower", "up", "down", "op", "ned", "højere", "lavere"):
        return "up" if after[0] in ("higher", "up", "op", "højere") else "down"
    tokens = [t for t in re.findall(r"[\w/]+", sentence[prev_end:q_start].lower()) if t not in w["filler_words"]][-5:]
    if tokens[-2:] in (["op", "til"], ["up", "to"], ["much", "as"]):  # a bound of the move, not a level
        tokens = tokens[:-3] if tokens[-2:] == ["much", "as"] else tokens[:-2]
    if tokens and tokens[-1] in w["level_words"]:
        return None  # "to 4.97%", "til 58,7 mia. kr.", "from 1.4%": a level, not a change
    for t in reversed(tokens):
        if t in w["up_words"]:
            return "up"
        if t in w["down_words"]:
            return "down"
    return None


def _claim_numbers(sentence: str, quantities: list[Quantity]) -> list[ClaimNumber]:
    """The figures of a sentence as ClaimNumbers: value after scale ("3,1 mia." -> 3.1e9), unit, direction."""
    out = []
    prev_end = 0
    for q in quantities:
        if q.kind not in ("tenor", "ordinal"):
            out.append(ClaimNumber(value=_clean_float(q.amount), unit=q.unit, direction=move_direction(sentence, q, q.start, prev_end)))
        prev_end = q.end
    return out


def _clean_float(x: float) -> float:
    return float(f"{x:.10g}")


def _is_checkable(qs: list[Quantity], sentence: str) -> bool:
    """A figure worth checking: any number except a bare year, a tenor ("10-year") or an ordinal
    ("3. kvartal"); a year counts only in a forecast ("venter at lancere i 2025") or a sourced
    statement ("Ifølge Roche kan produktet være på markedet i 2029")."""
    if any(q.kind not in ("tenor", "year", "ordinal") for q in qs):
        return True
    forecast = rf"\b(?:{alternation(_words()['forecast_words'])})\b|\b(?:ifølge|according to)\b"
    return any(q.kind == "year" for q in qs) and re.search(forecast, sentence.lower()) is not None


# ---------------------------------------------------------------- claims


def find_claims(text: str, tickers: list[TickerHit] | None = None, *, deadline: float | None = None,
                with_progress: bool = False):
    """Sentences of text that assert a checkable figure, in order, each verbatim with offsets. With a
    deadline (time.monotonic()), it stops there; with_progress also returns how far into text it got."""
    if tickers is None:
        from summarizer.facts.tickers import find_tickers, subjects

        tickers = subjects(find_tickers(text))
    lang = guess_language(text)
    ctx = _build_context(text, tickers)
    shown = _entity_display(tickers, text)
    sentences = split_sentences(text)
    claims: list[Claim] = []
    quote_speaker = _quote_speakers(text, sentences, ctx)
    tickers = sorted(tickers, key=lambda h: h.start)
    starts = [h.start for h in tickers]
    seen = _TickersSoFar(tickers)
    reached = len(text)
    for i, s in enumerate(sentences):
        if deadline is not None and i % 64 == 0 and time.monotonic() > deadline:
            reached = s.start
            break
        body = text[s.start : s.end]
        first, last = bisect.bisect_left(starts, s.start), bisect.bisect_left(starts, s.end)
        in_sentence = [h for h in tickers[first:last] if h.end <= s.end]
        seen.advance(s.start)
        _recent_company(ctx, seen, sentences[i - 1].start if i else s.start, shown)
        note = _note_author(body, ctx)
        explicit = _speaker(body, ctx) or _named_source(body, ctx) or _reported(body, ctx) or quote_speaker.get(i)
        actor = _actor(body, s.start, in_sentence, ctx, shown)
        if note:
            ctx.carried = note
        elif explicit and ctx.carried and explicit != ctx.carried and "," in explicit:
            ctx.carried = None  # someone else is now speaking
        quantities = find_quantities(body, lang)
        if not _is_checkable(quantities, body) or not _asserts(body):
            continue
        subject = _subject(body, in_sentence, quantities, seen, ctx, s.start)
        claims.append(
            Claim(
                text=body,
                start=s.start,
                end=s.end,
                numbers=_claim_numbers(body, quantities),
                subject=subject,
                attributed_to=explicit or note or actor or ctx.carried,
            )
        )
    return (claims, reached) if with_progress else claims


class _TickersSoFar:
    """The ticker hits that end before a position, for sentences visited in order: each hit is looked at
    once, so a long article costs O(n log n), not O(sentences x hits)."""

    def __init__(self, tickers: list[TickerHit]) -> None:
        self._tickers = tickers  # in offset order, not overlapping: their ends are in order too
        self._next = 0
        self.companies: list[TickerHit] = []
        self.company_starts: list[int] = []
        self.counts: Counter[str] = Counter()
        self.last_index: TickerHit | None = None

    def advance(self, position: int) -> None:
        while self._next < len(self._tickers) and self._tickers[self._next].end <= position:
            h = self._tickers[self._next]
            self._next += 1
            if _is_company(h):
                self.companies.append(h)
                self.company_starts.append(h.start)
                self.counts[h.symbol] += 1
            elif h.symbol.startswith("^"):
                self.last_index = h


def _recent_company(ctx: _Context, seen: _TickersSoFar, window_start: int, shown: dict[str, str]) -> None:
    """The company 'Omsætningen' / 'the company' refers to: among those named in the previous
    sentence, the one the article names most; else the one named last."""
    companies = seen.companies
    if not companies:
        ctx.recent_company = ctx.recent_symbol = None
        return
    near = companies[bisect.bisect_left(seen.company_starts, window_start):] or companies[-1:]
    symbol = max(near, key=lambda h: (seen.counts[h.symbol], h.start)).symbol
    ctx.recent_symbol = symbol
    ctx.recent_company = shown.get(symbol, next(h.name for h in near if h.symbol == symbol))


def _is_company(h: TickerHit) -> bool:
    return not h.symbol.startswith("^") and "=" not in h.symbol and "." not in h.symbol.replace(".CO", "") and h.symbol not in _ETF_LIKE


_ETF_LIKE = {"SPY", "IWM", "QQQ", "DIA", "DX-Y.NYB"}


def _subject(body: str, in_sentence: list[TickerHit], qs: list[Quantity], seen: _TickersSoFar, ctx: _Context,
             start: int) -> str | None:
    """The ticker the figure is about: the one named last before the first figure; else what
    'the index' / 'aktien' / 'the company' points back to."""
    first = next((q for q in qs if q.kind not in ("year", "tenor")), None)
    if in_sentence:
        before = [h for h in in_sentence if first is None or h.end - start <= first.start]
        return (before[-1] if before else in_sentence[0]).symbol
    w = _words()
    lead = body.lower()
    if re.search(rf"\b(?:{alternation(w['index_anaphors'])})\b", lead):
        return seen.last_index.symbol if seen.last_index else None
    if re.match(rf"(?:\w+\s+){{0,1}}(?:{alternation(w['company_anaphors'] + w['price_subjects'] + w['metric_subjects'])})\b", lead):
        return ctx.recent_symbol or ctx.main_symbol
    return None


def _asserts(sentence: str) -> bool:
    """A statement, not a headline, question or timestamp line."""
    stripped = sentence.rstrip(CLOSERS + " ")
    if stripped.endswith("?"):
        return False
    return stripped.endswith((".", "!", ":", ";", "…")) or len(sentence.split()) >= 12
