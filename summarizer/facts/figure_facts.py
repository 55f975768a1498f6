"""Key facts of two shapes a move verb does not announce.

A rate decision: a central bank (a list kept as data), a verb that cuts, raises or keeps, its rate, and
the figures "med/by X" and "til/to/at Y" or "i intervallet/in a range of X-Y":
  "Danmarks Nationalbank sætter den ledende rente ned med 0,25 procentpoint til 3,35 pct."
A figure against what it was before: a result or a guidance ("resultat efter skat", "EBITDA",
"omsætning", "udbytte", ...), the figure, "mod/fra/from/against" and the earlier figure:
  "et driftsresultat før af- og nedskrivninger (EBITDA) på 839 mio. dollar mod 4,8 mia. dollar i samme
  periode året før".
The direction is not read from the words but computed from the two figures (839m < 4.8bn: it fell;
18-20bn > 17-19bn: the guidance was raised), so it is right whenever the figures are read right. Only
plain words may stand between the metric and the figure (gap_words): "organic operating profit growth
to 4%-7%" is not operating profit, and is left out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarizer.facts.fact_text import both, figure_at, figure_text, fill, genitive, period_phrase, sentence_period, words
from summarizer.facts.market_facts import market_fact
from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.text import alternation
from summarizer.values import Claim, KeyFact, TickerHit

_CLAUSE_BREAK = re.compile(r"[;:]\s|\.\s|\s(?:mens|men|while|but)\s")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    w = words()
    banks = alternation([n for b in w["central_banks"] for n in b["names"]])
    rate_nouns = alternation([f for r in w["rates"].values() for f in r["da"] + r["en"]])
    verbs = {d: alternation(v["da"] + v["en"]) for d, v in w["rate_verbs"].items()}
    results = alternation([f for r in w["results"].values() for f in r["da"] + r["en"]])
    markers = alternation(w["previous_markers"]["earlier"]["da"] + w["previous_markers"]["earlier"]["en"]
                          + w["previous_markers"]["any"]["da"] + w["previous_markers"]["any"]["en"])
    return {
        "bank": re.compile(rf"(?<![\w-])(?:{banks})(?![\w-])"),  # case-sensitive: "Fed", not "fed"
        # "sænkede sin indlånsrente", "kept its benchmark rate", "sætter den ledende rente ned"
        "rate": re.compile(rf"\b(?P<verb>{'|'.join(verbs.values())})\s+(?:(?:\w+dag|i dag|today|on \w+day)\s+)?"
                           rf"(?:(?:sin|sine|den|de|its|the|their|key|"
                           rf"main)\s+)*(?P<noun>{rate_nouns})\b(?:\s+(?P<particle>ned|op)\b)?", re.I),
        "rate_inverted": re.compile(rf"\b(?P<verb>{'|'.join(verbs.values())})\s+(?P<bank>{banks})\s+(?:(?:sin|sine|den|de)\s+)*"
                                    rf"(?:ledende\s+)?(?P<noun>{rate_nouns})\b(?:\s+(?P<particle>ned|op)\b)?"),
        "rate_figure": re.compile(r"\s*(?:(?:uændret|unchanged|steady)\s+)?(?P<prep>med|by|til|to|at|på|"
                                  r"i intervallet|i et interval på|in a range of|in the range of|within a range of)\s+$",
                                  re.I),
        "result": re.compile(rf"(?:\b(?P<underlying>{alternation(w['underlying']['da'] + w['underlying']['en'])})\s+)?"
                             rf"(?<![\w-])(?P<noun>{results})(?![\w-])", re.I),
        "marker": re.compile(rf"\s*,?\s*(?P<marker>{markers})\s+$", re.I),
        "qualifier": re.compile(rf"(?:\s+(?P<qualifier>{alternation(w['figure_qualifiers']['da'] + w['figure_qualifiers']['en'])}))?"
                                r"(?:\s+(?:i|in|for)\s+(?P<year>(?:19|20)\d\d))?", re.I),
        "per_share": re.compile(rf"\s+(?:{alternation(w['per_share']['forms'])})", re.I),
        "year_before": re.compile(rf"\s*,?\s+(?:{alternation(w['year_before']['da'] + w['year_before']['en'])})\b",
                                  re.I),
        "previously": re.compile(rf"\s*,?\s+(?:{alternation(w['previously']['da'] + w['previously']['en'])})\b", re.I),
        "guidance": re.compile(rf"\b(?:{alternation(w['guidance_words']['da'] + w['guidance_words']['en'])})\b", re.I),
        "year": re.compile(r"\b(?:for|i|in)\s+(?:hele\s+|the\s+full\s+year\s+|full-year\s+)?(?P<year>(?:19|20)\d\d)\b",
                           re.I),
    }


def figure_facts(text: str, claims: list[Claim], tickers: list[TickerHit], first_mention: dict[str, TickerHit],
                 main: TickerHit | None) -> list[KeyFact]:
    """Rate decisions and figures-against-before in the claims. first_mention: a symbol -> its first mention;
    main: the company the article is about, the owner of a figure in a sentence that names no one."""
    out = []
    for claim in claims:
        sentence = text[claim.start:claim.end]
        hits = [h for h in tickers if claim.start <= h.start and h.end <= claim.end]
        quantities = find_quantities(sentence)
        owner = first_mention.get(claim.subject)
        owner = owner if owner is not None and not owner.symbol.startswith("^") else main
        fact = (_rate_decision(sentence, quantities, claim)
                or market_fact(sentence, quantities, claim, hits, owner, first_mention))
        if fact is None and (hits or owner is not None):
            fact = _against_before(sentence, quantities, claim, hits, owner, first_mention)
        if fact is not None:
            out.append(fact)
    return out


def _rate_decision(sentence: str, quantities: list[Quantity], claim: Claim) -> KeyFact | None:
    p, w = _patterns(), words()
    m = p["rate"].search(sentence)
    # whose decision: the bank named nearest before the verb ("Following the ECB, the Fed cut ...": the Fed)
    banks = list(p["bank"].finditer(sentence, 0, m.start())) if m else []
    if banks and not _CLAUSE_BREAK.search(sentence[banks[-1].end():m.start()]) and m.start() - banks[-1].end() <= 40:
        bank = banks[-1].group(0)
    else:  # "Samtidig holdt Norges Bank renten uændret": the verb before the bank (Danish word order)
        m = p["rate_inverted"].search(sentence)
        if m is None:
            return None
        bank = m.group("bank")
    verb = m.group("verb").lower()
    directions = [d for d, v in w["rate_verbs"].items() if verb in (x.lower() for x in v["da"] + v["en"])]
    if m.group("particle"):  # "sætter renten ned"
        directions = ["down" if m.group("particle").lower() == "ned" else "up"]
    elif verb in ("sætter", "satte"):
        return None
    if len(directions) != 1:
        return None
    direction = directions[0]
    noun = m.group("noun").lower()
    metric = next(r for r, forms in w["rates"].items() if noun in (f.lower() for f in forms["da"] + forms["en"]))
    change = level = high = None
    pos = m.end()
    i = next((k for k, q in enumerate(quantities) if q.start >= pos), None)
    while i is not None and i < len(quantities):
        gap = p["rate_figure"].fullmatch(sentence, pos, quantities[i].start)
        if gap is None:
            break
        low, hi, i = figure_at(quantities, i, sentence)
        prep = gap.group("prep").lower()
        if prep in ("med", "by") and change is None and level is None and low.unit in ("pp", "bp", "%") and hi is None:
            change = low
        elif prep not in ("med", "by") and level is None and low.unit == "%":
            level, high = low, hi
        else:
            return None
        pos = (hi or low).end
    if level is None and change is None:
        return None
    if direction == "unchanged" and (change is not None or level is None):
        return None
    if high is not None and direction != "unchanged":
        return None
    level_text = figure_text(level, high) if level is not None else both("")
    change_text = figure_text(change, None) if change is not None else both("")
    if level_text is None or change_text is None:
        return None
    if direction == "unchanged":
        shape = "hold+range" if high is not None else "hold"
    else:
        shape = "+".join(s for s, q in (("change", change), ("level", level)) if q is not None)
    bank_row = next(b for b in w["central_banks"] if bank in b["names"])
    out = fill("rate", shape, subject={"da": bank_row["da"], "en": bank_row["en"]},
               verb=w["rate_render"].get(direction, both("")), rate=w["rates"][metric]["name"],
               change=change_text, level=level_text)
    if out is None:
        return None
    headline = change or level
    return KeyFact(subject=bank, symbol=None, metric=metric, direction=direction, value=headline.value,
                   unit=headline.unit, level=level.amount if level is not None else None,
                   level_unit=level.unit if level is not None else None, period=None, source=claim.attributed_to,
                   en=out["en"], da=out["da"], start=claim.start, end=claim.end,
                   value_high=high.value if high is not None and headline is level else None)


def _against_before(sentence: str, quantities: list[Quantity], claim: Claim, hits: list[TickerHit],
                    owner: TickerHit | None, first_mention: dict[str, TickerHit]) -> KeyFact | None:
    p, w = _patterns(), words()
    for m in p["result"].finditer(sentence):
        i = next((k for k, q in enumerate(quantities) if q.start >= m.end() and q.kind not in ("year", "date")), None)
        if i is None or not _plain_gap(sentence[m.end():quantities[i].start]):
            continue
        low, high, j = figure_at(quantities, i, sentence)
        pos = (high or low).end
        per_share = p["per_share"].match(sentence, pos)
        pos = per_share.end() if per_share else pos
        qualifier = p["qualifier"].match(sentence, pos)  # "32-38 pct. i lokale valutaer i 2023 mod tidligere"
        pos = qualifier.end() if qualifier else pos
        j = next((k for k in range(j, len(quantities)) if quantities[k].start >= pos), len(quantities))
        if j >= len(quantities):
            continue
        marker = p["marker"].fullmatch(sentence, pos, quantities[j].start)
        if marker is None:
            continue
        prev_low, prev_high, _ = figure_at(quantities, j, sentence)
        if prev_low.unit != low.unit or low.unit not in w["currencies"] | {"%": None}:
            continue
        after = (prev_high or prev_low).end
        year_before = bool(p["year_before"].match(sentence, after))
        earlier = (marker.group("marker").lower() in (x.lower() for x in w["previous_markers"]["earlier"]["da"]
                                                       + w["previous_markers"]["earlier"]["en"])
                   or bool(p["previously"].match(sentence, after)))
        start_of_clause = sentence[:m.start()]
        guidance = bool(p["guidance"].search(start_of_clause)) and earlier
        subject = _subject(start_of_clause, claim, hits, owner, first_mention)
        if subject is None:
            return None
        return _render_against(sentence, m, claim, subject, (low, high), (prev_low, prev_high),
                               guidance=guidance, year_before=year_before and not guidance,
                               per_share=per_share is not None,
                               qualifier=qualifier.group("qualifier").lower() if qualifier and qualifier.group("qualifier")
                               else None, year_after=qualifier.group("year") if qualifier else None)
    return None


def _plain_gap(gap: str) -> bool:
    """Between a metric and its figure: only plain words ("på", "for 2023", "i fjerde kvartal", "(EBITDA)")."""
    gap = re.sub(r"\([^()]{1,30}\)", " ", gap)
    allowed = set(words()["gap_words"])
    return all(t in allowed or re.fullmatch(r"(?:19|20)\d\d", t) for t in re.findall(r"[\w-]+", gap.lower()))


def _subject(before: str, claim: Claim, hits: list[TickerHit], owner: TickerHit | None,
             first_mention: dict[str, TickerHit]) -> TickerHit | None:
    """Whose figure: the last security named before the metric in the sentence (as the article first names
    it: "A.P. Møller - Mærsk", not "MAERSK B"), else, when the sentence names none, the claim's subject or
    the company the article is about ("Omsætningen faldt ...")."""
    named = [h for h in hits if h.end - claim.start <= len(before)]
    if named:
        last = named[-1]
        return None if last.symbol.startswith("^") else first_mention.get(last.symbol, last)
    return None if hits or owner is None or owner.symbol.startswith("^") else owner


def _render_against(sentence: str, m: re.Match, claim: Claim, subject: TickerHit, now: tuple, before: tuple, *,
                    guidance: bool, year_before: bool, per_share: bool, qualifier: str | None, year_after: str | None) -> KeyFact | None:
    w = words()
    (low, high), (prev_low, prev_high) = now, before
    mid_now = (low.amount + (high or low).amount) / 2
    mid_before = (prev_low.amount + (prev_high or prev_low).amount) / 2
    width_now = (high or low).amount - low.amount
    width_before = (prev_high or prev_low).amount - prev_low.amount
    if mid_now != mid_before:
        direction = "up" if mid_now > mid_before else "down"
    elif guidance and width_now < width_before:
        direction = "narrowed"
    else:
        return None
    if direction == "narrowed" and not guidance:
        return None
    metric = next(r for r, forms in w["results"].items()
                  if m.group("noun").lower() in (f.lower() for f in forms["da"] + forms["en"]))
    name = dict(w["results"][metric]["name"])
    if m.group("underlying"):
        name = {key: f"{w['underlying']['name'][key]} {name[key if key != 'da_def' else 'da']}" for key in name}
    if qualifier:
        extra = w["qualifier_names"][qualifier]
        name = {key: f"{name[key]} {extra[key[:2]]}" for key in name}
    level, previous = figure_text(low, high), figure_text(prev_low, prev_high)
    if level is None or previous is None:
        return None
    if per_share:
        level = {lang: f"{level[lang]} {w['per_share'][lang]}" for lang in ("da", "en")}
        previous = {lang: f"{previous[lang]} {w['per_share'][lang]}" for lang in ("da", "en")}
    period_code = sentence_period(sentence)
    year = _patterns()["year"].search(sentence[:m.start()] + " " + sentence[m.end():m.end() + 25]
                                      + (f" i {year_after}" if year_after else ""))
    if guidance:
        period = {"da": f" for {year.group('year')}", "en": f" for {year.group('year')}"} if year else both("")
        name_def = {"da": name["da_def"], "en": name["en"]}
        out = fill("guidance", "previous", subject=both(subject.text), verb=w["guidance_render"][direction],
                   name={"da": name["da"], "en": name["en"]}, name_def=name_def, period=period, level=level, previous=previous)
    else:
        period = period_phrase(period_code) if period_code else (
            {"da": f" i {year.group('year')}", "en": f" in {year.group('year')}"} if year else both(""))
        out = fill("result", "previous", subject_gen={lang: genitive(subject.text, lang) for lang in ("da", "en")},
                   name={"da": name["da"], "en": name["en"]}, verb={lang: w["directions"][direction][lang] for lang in ("da", "en")},
                   level=level, previous=previous, period=period,
                   year_before={"da": " året før", "en": " a year earlier"} if year_before else both(""))
    if out is None:
        return None
    return KeyFact(subject=subject.text, symbol=subject.symbol, metric=("guidance:" if guidance else "") + metric,
                   direction=direction, value=low.value, unit=low.unit, level=low.amount, level_unit=low.unit,
                   period=period_code or (year.group("year") if year else None), source=claim.attributed_to,
                   en=out["en"], da=out["da"], start=claim.start, end=claim.end,
                   value_high=high.value if high is not None else None, previous=prev_low.amount,
                   previous_high=prev_high.amount if prev_high is not None else None)
