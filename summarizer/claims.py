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

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .article import Claim, ClaimNumber, Report, TickerHit
from .numbers import Quantity, find_quantities, guess_language, same_quantity

_OPENERS = "»“\"‘„("
_CORPORATE = {"inc", "corp", "co", "ltd", "plc"}
_CLOSERS = "«”\"’)"
_PERSON = r"[A-ZÆØÅ][a-zæøåéü]+(?:[\s\-][A-ZÆØÅ]\.?)?(?:\s+[A-ZÆØÅ][\w\-]+)+"
_ORG = r"(?:[A-ZÆØÅ0-9][\w&\-.’']*)(?:\s+(?:[A-ZÆØÅ0-9&][\w&\-.’']*|of|for|and))*"


@lru_cache(maxsize=1)
def _words() -> dict:
    return json.loads(resources.files("summarizer").joinpath("data", "claim_words.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _institutions() -> dict[str, str]:
    text = resources.files("summarizer").joinpath("data", "claim_sources.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {r["written"]: r["canonical"] for r in rows}


def _alt(words) -> str:
    """A regex alternation of words, longest first (cached: the word lists are fixed)."""
    return _alt_cached(tuple(words))


@lru_cache(maxsize=64)
def _alt_cached(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets. Knows Danish/English abbreviations (pct., mia., kr., bl.a., f.eks.,
    ca., dvs., Inc., U.S.), initials (A.P. Møller), decimals (4.2, 4,2) and quotes (».. ,« siger)."""
    words = _words()
    never = {w.lower() for w in words["abbreviations_never_end"]}
    unit = {w.lower() for w in words["abbreviations_unit"]}
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(_lines(text)):
        start = p_start
        for m in re.finditer(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s+(\S))", text[p_start:p_end]):
            cut = p_start + m.end()
            nxt = m.group(1)
            token = re.search(r"(\S+?)[.!?…]+[" + re.escape(_CLOSERS) + r"]*$", text[start:cut])
            word = (token.group(1) if token else "").lower().lstrip(_OPENERS)
            ends_with_dot = text[p_start + m.start()] == "." and len(m.group(0).rstrip(_CLOSERS)) == 1
            closer = m.group(0)[-1] in _CLOSERS
            if ends_with_dot and not closer:
                initials = re.fullmatch(r"(?:\w\.)*\w", word) and len(word.replace(".", "")) <= 2 and word[:1].isalpha()
                if word in never or initials and not (len(word) > 1 and _starts_sentence(text, p_start + m.end())):
                    continue  # "bl.a. Novo", "A.P. Møller", "U.S. credit" (but "in the U.S. The company")
                if word in unit and not (nxt[0].isupper() or nxt[0] in _OPENERS.replace("(", "")):
                    continue  # "58,7 mia. kr. efter skat", "Tesla Inc. (TSLA) shares"
                if word in _CORPORATE and not _starts_sentence(text, p_start + m.end()):
                    continue  # "Apple Inc. CEO Tim Cook" (but "... Apple Inc. The company ...")
            if not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in _OPENERS):
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
    if body[:1] in _OPENERS and not any(c in body[1:] for c in _CLOSERS if c != "("):
        start += 1
    body = text[start:end]
    if body[-1:] in _CLOSERS and not any(c in body[:-1] for c in _OPENERS if c != ")"):
        end -= 1
    return Sentence(start, end, s.paragraph)


# ---------------------------------------------------------------- numbers and direction


def _direction(sentence: str, q: Quantity, q_start: int, prev_end: int) -> str | None:
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
            out.append(ClaimNumber(value=_clean_float(q.amount), unit=q.unit, direction=_direction(sentence, q, q.start, prev_end)))
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
    forecast = rf"\b(?:{_alt(_words()['forecast_words'])})\b|\b(?:ifølge|according to)\b"
    return any(q.kind == "year" for q in qs) and re.search(forecast, sentence.lower()) is not None


# ---------------------------------------------------------------- attribution


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
    speech = _alt(w["speech_verbs"])
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
    speech = _alt(_words()["reported_verbs"])
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
    from .tickers import aliases

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
    verbs = rf"(?:{_alt(w['report_verbs'])})\b"
    moves = rf"(?:{_alt(w['price_moves'])})\b"
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
        if re.match(rf"(?:[\w\-]+\s+){{0,2}}(?:{_alt(w['metric_subjects'])})\b", lead) and not re.match(
            rf"(?:{_alt(w['price_subjects'])})\b", lead
        ):
            return company
    return None


def _note_author(sentence: str, ctx: _Context) -> str | None:
    """'SocGen's Andrew Lapthorne ... in a note' / 'Nomura strategist Karen Whitfield points out'."""
    w = _words()
    if not re.search(rf"(?:{_alt(w['note_framing'])})|\b(?:says|said|siger|mener) (?:that|at)\b", sentence):
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


# ---------------------------------------------------------------- claims


def find_claims(text: str, tickers: list[TickerHit] | None = None) -> list[Claim]:
    """Sentences of text that assert a checkable figure, in order, each verbatim with offsets."""
    if tickers is None:
        from .tickers import find_tickers

        tickers = find_tickers(text)
    lang = guess_language(text)
    ctx = _build_context(text, tickers)
    shown = _entity_display(tickers, text)
    sentences = split_sentences(text)
    claims: list[Claim] = []
    quote_speaker = _quote_speakers(text, sentences, ctx)
    for i, s in enumerate(sentences):
        body = text[s.start : s.end]
        in_sentence = [h for h in tickers if s.start <= h.start and h.end <= s.end]
        _recent_company(ctx, tickers, sentences[i - 1].start if i else s.start, s.start, shown)
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
        subject = _subject(body, s.start, in_sentence, quantities, tickers, ctx)
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
    return claims


def _recent_company(ctx: _Context, tickers: list[TickerHit], window_start: int, start: int, shown: dict[str, str]) -> None:
    """The company 'Omsætningen' / 'the company' refers to: among those named in the previous
    sentence, the one the article names most; else the one named last."""
    companies = [h for h in tickers if h.end <= start and _is_company(h)]
    if not companies:
        ctx.recent_company = ctx.recent_symbol = None
        return
    near = [h for h in companies if h.start >= window_start] or companies[-1:]
    counts = Counter(h.symbol for h in companies)
    symbol = max(near, key=lambda h: (counts[h.symbol], h.start)).symbol
    ctx.recent_symbol = symbol
    ctx.recent_company = shown.get(symbol, next(h.name for h in near if h.symbol == symbol))


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


def _is_company(h: TickerHit) -> bool:
    return not h.symbol.startswith("^") and "=" not in h.symbol and "." not in h.symbol.replace(".CO", "") and h.symbol not in _ETF_LIKE


_ETF_LIKE = {"SPY", "IWM", "QQQ", "DIA", "DX-Y.NYB"}


def _subject(body: str, start: int, in_sentence: list[TickerHit], qs: list[Quantity], tickers: list[TickerHit], ctx: _Context) -> str | None:
    """The ticker the figure is about: the one named last before the first figure; else what
    'the index' / 'aktien' / 'the company' points back to."""
    first = next((q for q in qs if q.kind not in ("year", "tenor")), None)
    if in_sentence:
        before = [h for h in in_sentence if first is None or h.end - start <= first.start]
        return (before[-1] if before else in_sentence[0]).symbol
    w = _words()
    lead = body.lower()
    if re.search(rf"\b(?:{_alt(w['index_anaphors'])})\b", lead):
        indices = [h for h in tickers if h.end <= start and h.symbol.startswith("^")]
        return indices[-1].symbol if indices else None
    if re.match(rf"(?:\w+\s+){{0,1}}(?:{_alt(w['company_anaphors'] + w['price_subjects'] + w['metric_subjects'])})\b", lead):
        return ctx.recent_symbol or ctx.main_symbol
    return None


def _asserts(sentence: str) -> bool:
    """A statement, not a headline, question or timestamp line."""
    stripped = sentence.rstrip(_CLOSERS + " ")
    if stripped.endswith("?"):
        return False
    return stripped.endswith((".", "!", ":", ";", "…")) or len(sentence.split()) >= 12


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


# ---------------------------------------------------------------- model pass


_MODEL_PROMPT = "claims-extract"
_MODEL_INPUT_CHARS = 6000  # small local models have a short context; claims past this are left to the rules


def add_model_claims(report: Report, model) -> None:
    """--llm-extract: ask the model for more claims; keep one only when its sentence is verbatim in
    the article and every number in it is also in the article (numbers.same_quantity)."""
    from .promptfiles import load_prompt

    text = report.article.text
    messages = load_prompt(_MODEL_PROMPT).render(article=text[:_MODEL_INPUT_CHARS])
    reply = model.chat(messages, max_tokens=512).text
    lang = guess_language(text)
    article_qs = find_quantities(text, lang)
    existing = list(report.claims or [])
    added: list[Claim] = []
    for line in reply.splitlines():
        candidate = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip().strip('"')
        start = text.find(candidate) if len(candidate) >= 20 else -1
        if start < 0:
            continue  # not verbatim: dropped
        end = start + len(candidate)
        if any(c.start <= start and end <= c.end for c in existing + added):
            continue  # already a claim
        found = find_quantities(candidate, lang)
        if not found or not all(any(same_quantity(q, a) for a in article_qs) for q in found):
            continue  # no figure, or a figure the article does not state
        added.append(Claim(text=candidate, start=start, end=end, numbers=_claim_numbers(candidate, found)))
    report.claims = sorted(existing + added, key=lambda c: c.start)
