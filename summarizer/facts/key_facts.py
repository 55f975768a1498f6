"""Key figures in both languages, correct by construction.

A key fact is read off one claim sentence only where the sentence says it plainly: a security the article
names (a ticker hit), then, within the same clause, a move verb and a change with its direction (a
percentage, percentage points or basis points), optionally "til/to/at" a level. Which figure moved comes
from the words between the name and the verb (none or "-aktien"/"shares": the share price; an index: the
index; "s omsætning"/"'s revenue": revenue ...) or from "Aktien i X"/"shares of X" before the name.
Anything else is left out: a fact is rendered only when every piece of its template is filled.

This module reads that shape (a security's move, also "since the end of March", "so far this year",
"from a year earlier", "as much as", and EPS estimates cut or raised); figure_facts.py reads rate
decisions and figures against what they were before, market_facts.py yields, currencies, orders and bond
prices. The sentence is then written from a template per metric and shape (data/key_fact_templates.tsv,
fact_text.py) with each language's own number format ("2,4 pct." / "2.4%", "58,7 mia. kr." / "DKK
58.7bn"), and kept only when it passes the checks every summary sentence passes: every figure in the
article, and the meaning checks (whose figure, its direction, negation).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from summarizer.facts.claims import move_direction
from summarizer.facts.fact_text import (both, figure, fill, genitive, period_at, period_phrase, since_event,
                                         sentence_period, words)
from summarizer.facts.figure_facts import figure_facts
from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.language import guess_language
from summarizer.summary.article_index import ArticleIndex
from summarizer.summary.check import check  # the same checks every summary passes
from summarizer.summary.meaning import meaning_problems
from summarizer.text import alternation
from summarizer.values import Claim, KeyFact, TickerHit

MAX_KEY_FACTS = 5
CHANGE_UNITS = ("%", "pp", "bp")
_INDEX_GAP = re.compile(r"\s*(?:-?indekset|-?indeks|index)?\s*(?:\([^()]{1,20}\))?\s*(?:(?:has|have|had|is|was|har|er|var|"
                        r"just|also|også|then|så)\s+)*", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s(?:mens|men|og|while|and|but|after|efter)\s")
# "godt 2 pct.", "roughly 45%": the sentence does not give the figure exactly; a key fact would
_APPROXIMATE = re.compile(r"\b(?:godt|knap|knapt|ca\.|cirka|omkring|næsten|over|under|mere end|mindre end|op mod|"
                          r"about|around|roughly|nearly|almost|some|more than|less than|over|under|up to)\s*$", re.I)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    w = words()
    verbs = alternation(w["move_verbs"]["da"] + w["move_verbs"]["en"])
    nouns = {m: alternation(forms["da"] + forms["en"]) for m, forms in w["metrics"].items()}
    all_nouns = alternation([w_ for forms in w["metrics"].values() for w_ in forms["da"] + forms["en"]])
    return {
        "bound": re.compile(rf"\b(?:{alternation(w['bound_words'])})\s*$", re.I),
        "verb": re.compile(rf"\b(?:{verbs})\b", re.I),
        "state": re.compile(r"\b(?:is|are|er)\s+(?:now\s+|nu\s+)?(?:up|down|oppe|nede)\b", re.I),
        "perfect": re.compile(rf"\b(?:{alternation(w['perfect_moves']['da'] + w['perfect_moves']['en'])})\b", re.I),
        # "have been cut by 7%": how a forecast moves, not a price
        "adjust": re.compile(rf"\b(?:{alternation(w['adjust_verbs']['da'] + w['adjust_verbs']['en'])})\b", re.I),
        "lead": re.compile(rf"(?:(?:den|det|the|its|selskabets|koncernens)\s+)?(?P<noun>{all_nouns})\b", re.I),
        # "Novo Nordisk-aktien", "Carlsberg's revenue", "Russell 2000 2017 EPS expectations"
        **{f"noun:{m}": re.compile(rf"^(?:-|s\s+|'s\s+|’s\s+|\s+)?(?:(?P<year>\d{{4}})\s+)?(?:{p})\b", re.I)
           for m, p in nouns.items()},
        # "Aktien i Novo Nordisk", "Consensus 2024 EPS estimates for the Russell 2000"
        **{f"before:{m}": re.compile(rf"(?:\b(?P<year>\d{{4}})\s+)?\b(?:{p})\s+(?:i|hos|for|in|at|of)\s+(?:the\s+)?$",
                                     re.I) for m, p in nouns.items()},
    }


# characters of article above which a fact's meaning is checked against its neighbourhood only
LOCAL_CHECK_ABOVE = 40_000
LOCAL_CHECK_REACH = 3_000


def find_key_facts(text: str, title: str | None, claims: list[Claim], tickers: list[TickerHit]) -> list[KeyFact]:
    """The article's key facts, the headline's first, at most MAX_KEY_FACTS, each rendered in both languages."""
    lang = guess_language(text)
    tickers = sorted(tickers, key=lambda h: h.start)
    first_mention = {}
    for h in tickers:
        first_mention.setdefault(h.symbol, h)
    main = _main_company(tickers, title, text.find("\n\n") if "\n\n" in text else len(text))
    starts = [h.start for h in tickers]
    candidates: list[KeyFact] = []
    for claim in claims:
        hits = [h for h in tickers[bisect.bisect_left(starts, claim.start):bisect.bisect_left(starts, claim.end)]
                if h.end <= claim.end]
        found = [_fact(text, claim, hit, hits, lang) for hit in hits]
        owner = first_mention.get(claim.subject)
        owner = owner if owner is not None and not owner.symbol.startswith("^") else main
        if owner is not None and not any(f is not None and f.start == claim.start and f.symbol == owner.symbol
                                         for f in found):
            # "Omsætningen steg 29 pct." / "The shares rose 2.4%": the sentence opens on the metric, and
            # the claim's subject (else the company the article is about) is who it belongs to
            found.append(_fact_from_lead(text, claim, owner, hits, lang))
        candidates += [f for f in found if f is not None]
    candidates += figure_facts(text, claims, tickers, first_mention, main)
    # the same move said twice (the lead and the body): the telling with a level wins, else the first
    best: dict[tuple, KeyFact] = {}
    for f in candidates:
        key = (f.symbol or f.subject.lower(), f.metric, f.direction, f.value, f.unit)  # a yield, a bank: by name
        if key not in best or (best[key].level is None and f.level is not None):
            best[key] = f
    headline = (title or "").lower()
    in_headline = {h.symbol for h in tickers if h.text.lower() in headline}
    ranked = sorted(best.values(), key=lambda f: (not (f.symbol in in_headline or _in_headline(f, headline)), f.start))
    # every sentence must pass the summaries' checks, grounding and meaning (a figure's owner, its direction,
    # negation); the article's figures are read once for all of them
    quantities = find_quantities(text)
    symbols = {h.symbol for h in tickers}
    whole = ArticleIndex.of("\n\n".join([title or "", text]), lang) if len(text) <= LOCAL_CHECK_ABOVE else None
    kept = []
    for f in ranked:
        if len(kept) == MAX_KEY_FACTS:
            break
        # On a huge page (a wrap of thousands of items) the meaning checks read the text around the fact's
        # own sentence: against the whole page each candidate took seconds.
        index = whole or ArticleIndex.of(
            "\n\n".join([title or "", text[max(0, f.start - LOCAL_CHECK_REACH) : f.end + LOCAL_CHECK_REACH]]), lang)
        if not any(check(s, text, article_quantities=quantities, article_symbols=symbols)
                   or meaning_problems(s, language, index, words=False)  # template words: no dictionary needed
                   for language, s in (("en", f.en), ("da", f.da))):
            kept.append(f)
    return kept


def _main_company(tickers: list[TickerHit], title: str | None, lead_end: int) -> TickerHit | None:
    """The company the article is about: the first one the headline names, else the first one its lead
    paragraph names (a rival named further down is not what "Net profit fell ..." is about)."""
    companies = [h for h in tickers if not h.symbol.startswith("^")]
    headline = (title or "").lower()
    return next((h for h in companies if h.text.lower() in headline or h.name.lower() in headline),
                next((h for h in companies if h.start < lead_end), None))


def _in_headline(fact: KeyFact, headline: str) -> bool:
    """Does the headline name the fact's subject (any of a central bank's names)?"""
    if not headline:
        return False
    names = next((b["names"] for b in words()["central_banks"] if fact.subject in b["names"]), [fact.subject])
    return any(n.lower() in headline for n in names)


def _is_proper_name(mention: str) -> bool:
    """"Novo Nordisk", "S&P 500", "C25", "A.P. Moller-Maersk": a name both languages write alike. A
    mention with ordinary words ("10-year Treasury yield") would need translating: no key fact."""
    return all(w[:1].isupper() or w[:1].isdigit() or not w[:1].isalpha() for w in mention.split())


def _fact_from_lead(text: str, claim: Claim, subject: TickerHit, hits: list[TickerHit], lang: str) -> KeyFact | None:
    sentence = text[claim.start:claim.end]
    if subject.symbol.startswith("^"):
        return None
    # at the start of the sentence or of a clause: "Aktien steg ...", "..., and the shares slipped 2%"
    starts = [0] + [b.end() for b in re.finditer(r",\s+(?:and|og|men|but)\s+|;\s+", sentence)]
    m = next((m for m in (_patterns()["lead"].match(sentence, i) for i in starts) if m), None)
    if m is None:
        return None
    metric = next(m_ for m_ in words()["metrics"] if _patterns()[f"noun:{m_}"].match(" " + m.group("noun")))
    return _fact(text, claim, subject, hits, lang, offset=m.end(), metric=metric)


def _fact(text: str, claim: Claim, hit: TickerHit, hits: list[TickerHit], lang: str, *,
          offset: int | None = None, metric: str | None = None) -> KeyFact | None:
    """The fact of the clause after `offset` (by default: after the mention `hit`) in claim's sentence."""
    if not _is_proper_name(hit.text):
        return None
    sentence = text[claim.start:claim.end]
    named_here = offset is None
    offset = hit.end - claim.start if named_here else offset
    quantities = find_quantities(sentence, lang)
    change_index = next((i for i, q in enumerate(quantities) if q.start >= offset and q.unit in CHANGE_UNITS), None)
    if change_index is None:
        return None
    change = quantities[change_index]
    between = sentence[offset:change.start]
    # the clause must run from the name to the change: no other security, no new clause in between
    # (in a sentence that opens on the metric, any name in between is a reason to stop: "Sales at Amazon Web
    # Services rose" is not the subject's own revenue)
    if _CLAUSE_BREAK.search(between) or any(offset <= h.start - claim.start < change.start
                                            for h in hits if h.symbol != hit.symbol or not named_here):
        return None
    if named_here and re.match(r"\s+[A-ZÆØÅ]", between):
        return None  # "Amazon Web Services rose": the name goes on, it is another entity
    moved, adjusted = _patterns()["verb"].search(between), _patterns()["adjust"].search(between)
    if not (moved or adjusted) or _APPROXIMATE.search(between):
        return None
    if not _FOLLOWER.match(sentence, change.end) and not period_at(sentence, change.end):
        return None  # "rose 8.4% organically", "dropped 6.8% from a year ago": the figure means more than it says
    direction = move_direction(sentence, change, change.start, offset)
    if direction not in ("up", "down") or change.value <= 0:
        return None
    before = sentence[:hit.start - claim.start]
    metric = metric or _metric(before, between, hit)
    if metric is None or (metric != "eps_estimates" and moved is None):
        return None  # a forecast is "cut", a price "fell": the verb must fit the metric
    level = _level(sentence, quantities[change_index + 1:], change, metric)
    year = _metric_year(before, between, metric) if metric in words()["metrics_with_year"] else None
    period = sentence_period(sentence, change.end)
    if period is None and _patterns()["state"].search(between):
        period = "since:event"  # "is up 24.5%": a state since a time the sentence does not say ("has risen")
    if since_event(sentence, change.end):
        if not _patterns()["perfect"].search(between):
            return None  # "faldt 4 pct., siden ...": a period the fact cannot name
        period = "since:event"  # "er faldet 4,2 pct., siden handlen ...": "er faldet 4,2 pct." says it still
    return _render(hit, metric, direction, change, level, period, claim,
                   bound=bool(_patterns()["bound"].search(between)), year=year)


def _metric_year(before: str, between: str, metric: str) -> str | None:
    """The year a metric is for, written next to it: "2017 EPS expectations" -> "2017"."""
    p = _patterns()
    m = p[f"noun:{metric}"].match(between) or p[f"before:{metric}"].search(before)
    return m.group("year") if m else None


def _metric(before: str, between: str, hit: TickerHit) -> str | None:
    p = _patterns()
    named = [m for m in words()["metrics"] if p[f"noun:{m}"].match(between) or p[f"before:{m}"].search(before)]
    if not named and re.search(r"\b(?:for|of|in|on|i|på|af)\s+(?:the\s+)?$", before):
        return None  # "estimates for the S&P 500 rose": something of the index, not the index
    if hit.symbol.startswith("^"):  # an index moves, or what analysts expect of its companies does
        if named == ["eps_estimates"]:
            return named[0]
        verb = _patterns()["verb"].search(between)
        # "Nikkei futures NKc1 lost 0.66%": between the index and its verb only "index", its symbol or an auxiliary
        if named or verb is None or not _INDEX_GAP.fullmatch(between[:verb.start()]):
            return None
        return "index"
    if len(named) == 1:
        return named[0]
    if not named and re.match(r"^\s+\w+", between) and len(between.split()) <= 3:
        return "share_price"  # "Rockwool steg 3,1 pct.": a listed company's move is its share price
    return None


def _level(sentence: str, after: list[Quantity], change: Quantity, metric: str) -> Quantity | None:
    """The figure the move ended at: right after the change, introduced by til/to/at."""
    if not after:
        return None
    q = after[0]
    joint = sentence[change.end:q.start]
    if not re.fullmatch(r"\s*(?:lower|higher|op|ned|højere|lavere)?\s*(?:til|to|at|to close at|to end at)\s+", joint,
                        re.I):
        return None
    wanted = {"share_price": ("money",), "index": ("number", "points")}.get(metric, ("money",))
    return q if q.kind in wanted or (q.unit == "points" and metric == "index") else None


# What may follow the change for the fact to say all the sentence says: the end of the clause, the level,
# a direction word, or the start of another clause. Anything else ("organically", "since March", "from a
# year earlier", "i lokale valutaer") qualifies the figure, and the fact is left out.
_FOLLOWER = re.compile(r"\s*(?:$|[.,;:)]|(?i:til|to|at|higher|lower|op|ned|højere|lavere|og|and|mens|while|as|"
                       r"efter|after|but|men)\b|(?i:in|i|på)\s+[A-ZÆØÅ][\w-]+"  # "... 6% in Copenhagen"
                       rf"|(?i:{alternation(words()['trading_sessions'])})\b)")  # "... 2% in extended trading"


def _render(hit: TickerHit, metric: str, direction: str, change: Quantity, level: Quantity | None,
            period: str | None, claim: Claim, *, bound: bool = False, year: str | None = None) -> KeyFact | None:
    # a move since a date or this year is a state now: "er faldet" / "has fallen", not "faldt" / "fell"
    perfect = bool(period) and (period == "YTD" or period.startswith("since:"))
    shape = ("change+level" if level is not None else "change") + ("+since" if perfect else "")
    level_text = {lang: figure(level, lang) if level is not None else "" for lang in ("da", "en")}
    change_text = {lang: figure(change, lang) for lang in ("da", "en")}
    if not all(change_text.values()) or (level is not None and not all(level_text.values())):
        return None  # a figure this code cannot write correctly: no half sentence
    if bound:  # "rose as much as 6%": the figure is how far it went, and says so
        change_text = {lang: f"{words()['bound'][lang]} {change_text[lang]}" for lang in ("da", "en")}
    d = words()["directions"][direction]
    out = fill(metric, shape, subject=both(hit.text),
               subject_gen={lang: genitive(hit.text, lang) for lang in ("da", "en")},
               subject_the={"da": hit.text, "en": ("the " if hit.symbol.startswith("^") else "") + hit.text},
               verb={"da": d["da"], "en": d["en"]}, moved={"da": d["da_perfect"], "en": d["en_perfect"]},
               adjusted={"da": d["da_adjusted"], "en": d["en_adjusted"]},
               year={"da": f" i {year}", "en": f"{year} "} if year else both(""),
               change=change_text, level=level_text, period=period_phrase(period))
    if out is None:
        return None
    return KeyFact(subject=hit.text, symbol=hit.symbol, metric=metric, direction=direction, value=change.value,
                   unit=change.unit, level=level.amount if level is not None else None,
                   level_unit=level.unit if level is not None else None, period=period or year,
                   source=claim.attributed_to, en=out["en"], da=out["da"], start=claim.start, end=claim.end)
