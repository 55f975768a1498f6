"""Who asserts a claim: a quote's speaker, a named source, the company or institution acting, or the
author of a note the article reports. Used by claims.py; offsets index Article.text.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from summarizer.resources import data_json, data_text
from summarizer.text import Sentence, alternation
from summarizer.values import TickerHit

_PERSON = r"[A-ZÆØÅ][a-zæøåéü]+(?:[\s\-][A-ZÆØÅ]\.?)?(?:\s+[A-ZÆØÅ][\w\-]+)+"
_ORG = r"(?:[A-ZÆØÅ0-9][\w&\-.’']*)(?:\s+(?:[A-ZÆØÅ0-9&][\w&\-.’']*|of|for|and))*"


def _words() -> dict:
    return data_json("claim_words.json")


@lru_cache(maxsize=1)
def _institutions() -> dict[str, str]:
    text = data_text("claim_sources.csv")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {r["written"]: r["canonical"] for r in rows}


@dataclass
class _Context:
    people: dict[str, str]  # surname -> "Full Name, Org"
    main_company: str | None  # display name of the article's main listed company
    main_symbol: str | None
    central_bank: str | None
    carried: str | None = None  # author of a note the article is reporting
    recent_company: str | None = None
    recent_symbol: str | None = None  # the listed company named last before the current sentence


def _clean_source(name: str) -> str:
    name = re.sub(r"^(?:the|The|et|en|den|det)\s+", "", name.strip(" ,.;:"))
    name = re.sub(r"(?:['’]s?|\s+(?:data|tool|survey|poll|figures|estimates?|analysts?|economists?))+$", "", name)
    return name.strip(" ,.;:")


def _entity_display(hits: list[TickerHit], text: str) -> dict[str, str]:
    """Symbol -> the name the article writes most often for it (the longer on a tie)."""
    counts: dict[str, Counter] = {}
    for h in hits:
        if h.confidence > 0.9:  # explicit forms ("$IWM", "NASDAQ: AAPL", "(DANSKE)") are symbols, not names
            continue
        counts.setdefault(h.symbol, Counter())[re.sub(r"\s+[AB]$", "", h.text)] += 1
    return {sym: max(c, key=lambda n: (c[n], len(n))) for sym, c in counts.items()}


def _build_context(text: str, hits: list[TickerHit]) -> _Context:
    stocks = Counter(h.symbol for h in hits if not h.symbol.startswith("^") and "=" not in h.symbol)
    shown = _entity_display(hits, text)
    main_symbol = stocks.most_common(1)[0][0] if stocks else None
    banks = Counter()
    for written, canonical in _institutions().items():
        n = len(re.findall(rf"(?<![\w-]){re.escape(written)}(?![\w-])", text))
        if n and canonical in ("Federal Reserve", "ECB", "Danmarks Nationalbank", "Bank of England", "Bank of Japan"):
            banks[canonical] += n
    return _Context(
        people={},
        main_company=shown.get(main_symbol) if main_symbol else None,
        main_symbol=main_symbol,
        central_bank=banks.most_common(1)[0][0] if banks else None,
    )


def _person_with_org(person: str, org: str | None) -> str:
    return f"{person}, {org}" if org else person


def _speaker(sentence: str, ctx: _Context) -> str | None:
    """Quote speakers and reported speech: 'siger analytiker X Y, Org' / 'said X Y, ... at Org' / 'Z says'."""
    w = _words()
    speech = alternation(w["speech_verbs"])
    m = re.search(
        rf"\b(?:{speech})\s+(?:[a-zæøå][\w\-]*\s+){{0,4}}(?P<p>{_PERSON})"
        rf"(?:\s*,\s*(?:(?:[a-zæøå][\w\-]*|CIO|CEO)\s+){{0,5}}(?:at\s+|hos\s+|i\s+|fra\s+|in\s+)?(?P<o1>{_ORG})|\s+(?:fra|hos|at|from|i)\s+(?P<o2>{_ORG}))?",
        sentence,
    )
    if m:
        person = m.group("p").strip()
        org = _clean_source(m.group("o1") or m.group("o2") or "") or None
        full = _person_with_org(person, org)
        ctx.people[person.split()[-1]] = full
        return full
    return None


def _reported(sentence: str, ctx: _Context) -> str | None:
    """'Lapthorne says that ...' / 'the Labor Department said.' / "Bank of America's economists point out"."""
    speech = alternation(_words()["reported_verbs"])
    m = re.search(rf"(?P<who>{_ORG})(?P<poss>['’]s?\s+(?:\w+\s+){{0,2}}(?:economists?|analysts?|strategists?|økonomer|analytikere))?\s+(?:{speech})\b", sentence)
    if not m:
        m = re.search(
            rf"(?P<who>{_ORG})(?:['’]s?)?\s+(?:(?:\w+\s+)?(?:analysts?|economists?|strategists?|analytikere|økonomer)\s+(?:had\s+|havde\s+|have\s+)?"
            rf"(?:expected|forecast|estimated|projected|see|expect|ventet|venter|forventer|forventet|vurderer)"
            rf"|(?:reported|rapporterer|oplyser|meddeler)\s*[.,;])",
            sentence,
        )
    if not m:
        # "Danske Bank venter, at EUR/USD falder": a known bank or company giving its view
        m = re.search(rf"(?P<who>{_ORG})\s+(?:venter|forventer|vurderer|spår|expects|forecasts|predicts|sees),?\s+(?:at|that)\b", sentence)
        if m and _clean_source(m.group("who")) not in _known_names():
            m = None
    if m:
        who = _clean_source(m.group("who"))
        who = re.sub(r"^(?:And|But|As|Men|Og|Som|Separately|Meanwhile)\s*,?\s+", "", who)
        if not who or who.lower() in _words()["generic_speakers"]:
            return None
        return ctx.people.get(who.split()[-1], _institutions().get(who, who))
    return None


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    from summarizer.facts.tickers import aliases

    return frozenset([a for a, _ in aliases()] + list(_institutions()))


def _named_source(sentence: str, ctx: _Context) -> str | None:
    m = re.search(
        rf"\b(?:[Ii]følge|[Aa]ccording to|polled by|compiled by|surveyed by)\s+(?:(?:the|et|en|de|det)\s+)?"
        rf"(?:(?:[a-zæøå][\w\-]*)\s+(?:fra|af|by|from)\s+(?:the\s+)?)?(?P<s>{_ORG}|selskabet|the company)",
        sentence,
    )
    if m:
        src = m.group("s")
        if src in ("selskabet", "the company"):
            return ctx.main_company
        return _institutions().get(_clean_source(src), _clean_source(src)) or None
    m = re.search(
        rf"\b(?:beregninger|tal|data|opgørelser|opgørelse|undersøgelse|analyse|rapport|calculations|figures|estimates|survey|report|study|analysis)"
        rf"\s+(?:fra|from|by)\s+(?:the\s+)?(?P<s>{_ORG})",
        sentence,
    )
    if m:
        return _clean_source(m.group("s")) or None
    m = re.search(rf"(?P<s>{_ORG})\s+(?:data|figures|tal|survey)\s+(?:show|shows|showed|viser|suggest)", sentence)
    if m:
        return _clean_source(re.sub(r"^(?:The|the)\s+(?:latest|newest|new|seneste)?\s*", "", m.group("s"))) or None
    return None


def _actor(sentence: str, s_start: int, hits: list[TickerHit], ctx: _Context, shown: dict[str, str]) -> str | None:
    """The company or institution doing something: 'Danske Bank (DANSKE) venter', 'ECB torsdag sænkede'."""
    w = _words()
    verbs = rf"(?:{alternation(w['report_verbs'])})\b"
    moves = rf"(?:{alternation(w['price_moves'])})\b"
    if hits and hits[0].start - s_start <= 12 and re.match(
        rf"(?:\s+[AB]\b)?(?:[-‑]aktien)?(?:\s*\([^)]*\))?\s+(?:\w+\s+){{0,1}}?{moves}", sentence[hits[0].end - s_start :]
    ):
        return None  # "$TSLA slid 4.8% ... after Tesla delivered ...": a price move, no one's claim
    for h in hits:
        if h.symbol.startswith("^") or "=" in h.symbol:
            continue
        rest = sentence[h.end - s_start :]
        if re.match(r"[-‑]?(?:aktien|aktie|s aktie|['’]s? (?:shares|stock))", rest):
            continue  # "DSV-aktien (DSV) er faldet": the share price, no one's claim
        if re.match(rf"(?:\.com|\s+(?:Inc|Corp|A/S|plc|Group|Holding|& Co)\.?)?(?:\s*\([^)]*\))?(?:\s*,[^,]{{3,80}},)?\s+(?:\w+\s+){{0,3}}?{verbs}", rest):
            return shown.get(h.symbol, h.name)
    for written, canonical in _institutions().items():
        if re.search(rf"(?<![\w-]){re.escape(written)}(?:['’]s)?\s+(?:\w+\s+){{0,2}}?{verbs}", sentence):
            return canonical
    first = re.match(rf"([A-ZÆØÅ][\w\-]+)\s+(?:\w+\s+){{0,2}}?{verbs}", sentence)
    if first:  # "Zealand venter ..." after "Zealand Pharma": the short name of a company in the article
        for name in shown.values():
            if name.split()[0] == first.group(1) and len(name.split()) > 1:
                return name
    lead = sentence.lower()
    for phrase in w["central_bank_anaphors"]:
        if ctx.central_bank and re.match(rf"(?:\w+\s+){{0,4}}{re.escape(phrase)}\s+(?:\w+\s+){{0,2}}?{verbs}", lead):
            return ctx.central_bank
    company = ctx.recent_company or ctx.main_company
    if company:
        if _starts_with_company_noun(lead):
            return company
        if re.match(rf"(?:[\w\-]+\s+){{0,2}}(?:{alternation(w['metric_subjects'])})\b", lead) and not re.match(
            rf"(?:{alternation(w['price_subjects'])})\b", lead
        ):
            return company
    return None


def _note_author(sentence: str, ctx: _Context) -> str | None:
    """'SocGen's Andrew Lapthorne ... in a note' / 'Nomura strategist Karen Whitfield points out'."""
    w = _words()
    if not re.search(rf"(?:{alternation(w['note_framing'])})|\b(?:says|said|siger|mener) (?:that|at)\b", sentence):
        return None
    m = re.search(rf"(?P<o>{_ORG})['’]s?\s+(?:[a-z][\w\-]*\s+){{0,3}}(?P<p>{_PERSON})", sentence)
    if m and len(m.group("p").split()) >= 2:
        person, org = m.group("p"), _clean_source(m.group("o"))
        full = _person_with_org(person, org)
        ctx.people[person.split()[-1]] = full
        return full
    m = re.search(rf"(?P<o>{_ORG})\s+(?:(?:[a-z][\w\-]*)\s+){{1,3}}(?P<p>{_PERSON})\s+(?:points out|pointed out|observes|påpeger|says that|said that|siger at|mener at)", sentence)
    if m:
        org = _clean_source(re.sub(r"^(?:In|I)\s.*", "", m.group("o"))) or None
        full = _person_with_org(m.group("p"), org)
        ctx.people[m.group("p").split()[-1]] = full
        return full
    m = re.search(r"\b(?P<s>[A-ZÆØÅ][\w\-]+)\s+(?:says|said|siger|mener)\s+(?:that|at)\b", sentence)
    if m and m.group("s") in ctx.people:
        return ctx.people[m.group("s")]
    return None



def _quote_speakers(text: str, sentences: list[Sentence], ctx: _Context) -> dict[int, str]:
    """Sentences inside a multi-sentence quote take the speaker named where the quote closes."""
    out: dict[int, str] = {}
    open_from: int | None = None
    for i, s in enumerate(sentences):
        raw_start = s.start - 1 if s.start > 0 and text[s.start - 1] in "»“\"" else s.start
        body = text[raw_start : s.end + 1]
        opens = body.count("»") + body.count("“")
        closes = body.count("«") + body.count("”")
        if open_from is None and opens > closes:
            open_from = i
        elif open_from is not None and closes > opens:
            who = _speaker(text[s.start : min(len(text), s.end + 200)].split("\n")[0], ctx)
            if who:
                for j in range(open_from, i):
                    out[j] = who
            open_from = None
    return out

def _starts_with_company_noun(lead: str) -> bool:
    """'Selskabet venter', 'Høreapparatkoncernen hæver', 'The Danish drugmaker, whose ... said':
    the sentence opens on the company."""
    words = re.findall(r"[\w\-]+", lead[:60])[:3]
    if not words:
        return False
    nouns = set(_words()["company_nouns"])
    if words[0] in nouns or words[0].endswith(tuple(_words()["company_noun_suffixes"])):
        return True
    return words[0] in ("the", "den", "det") and any(w in nouns for w in words[1:])
