"""Key facts of market figures that are not a listed security's: a benchmark yield, a currency, and the
orders a company received.

  "US 10-year Treasury yields fell 5 basis points to 4.21%" -> "Den amerikanske 10-årige statsrente faldt
  5 basispoint til 4,21 pct." (the issuer from the bond's name: Treasury, Bund, gilt; the tenor as written)
  "Den svenske krone faldt efter meddelelsen 0,6 pct. over for euroen" -> "The Swedish krona fell 0.6%
  against the euro." (currencies and what they are quoted against: a list kept as data)
  "Vestas Wind Systems fik i tredje kvartal ordrer på i alt 4.573 MW" -> "Vestas Wind Systems received
  orders of 4,573 MW in the third quarter."
The move verb must stand close to the figure (at most a few words, no new clause), as in key_facts.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarizer.facts.claims import move_direction
from summarizer.facts.fact_text import both, figure_at, figure_text, fill, period_phrase, sentence_period, words
from summarizer.facts.quantities import Quantity
from summarizer.text import alternation
from summarizer.values import Claim, KeyFact, TickerHit

MAX_WORDS_TO_FIGURE = 4  # "faldt efter meddelelsen 0,6 pct.": a verb this close still governs the figure


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    w = words()
    currencies = alternation([n for c in w["currency_names"] for n in c["names"]])
    orders = w["orders"]
    return {
        # "US 10-year Treasury yields", "the 2-year note yield", "den 10-årige amerikanske statsrente"
        "yield": re.compile(r"\b(?:(?:US|U\.S\.|UK)\s+)?(?P<tenor>\d{1,2})-year\s+(?:(?P<issuer>Treasury|T-note|Bund|"
                            r"gilt)\s+)?(?:note\s+|bond\s+)?yields?\b|\b(?P<tenor_da>\d{1,2})-årige\s+(?:(?P<issuer_da>"
                            r"amerikanske|tyske|britiske|danske)\s+)?stats(?:obligations)?rente\b", re.I),
        "move_verb": re.compile(rf"\b(?:{alternation(w['move_verbs']['da'] + w['move_verbs']['en'])})\b", re.I),
        "currency": re.compile(rf"(?<![\w-])(?P<name>{currencies})(?![\w-])", re.I),
        "against": re.compile(rf"\s+(?:{alternation(w['against']['da'] + w['against']['en'])})\s+(?P<name>{currencies})"
                              r"(?![\w-])", re.I),
        # "Kursen på den toneangivende 30-årige 5 pct.-obligation fra Nykredit lå tirsdag formiddag på 100,8"
        "bond": re.compile(r"\b(?:[Dd]en\s+)?(?:[a-zæøå]+\s+)?(?P<tenor>\d{1,2})-årige\s+(?:(?P<kind>fastforrentede|"
                           r"konverterbare)\s+)?(?P<coupon>\d+(?:,\d+)?)\s+pct\.-obligation(?:\s+fra\s+(?P<issuer>[A-ZÆØÅ][\w-]+))?"
                           r"|\b(?:the\s+)?(?P<tenor_en>\d{1,2})-year\s+(?:(?P<kind_en>fixed-rate|callable)\s+)?"
                           r"(?P<coupon_en>\d+(?:\.\d+)?)%\s+(?:mortgage\s+)?bond(?:\s+from\s+(?P<issuer_en>[A-Z][\w-]+))?"),
        # "blev handlet til kurs", "lå tirsdag formiddag på": a verb of price, a few words of time allowed
        "bond_verb": re.compile(rf"\s+(?:(?:{alternation(w['bond_verbs']['da'] + w['bond_verbs']['en'])})"
                                r"|(?:lå|stod)\s+(?:[\wæøå]+\s+){0,3}?(?:på|i))\s+$", re.I),
        "day_before": re.compile(rf"\s+(?:{alternation(w['day_before']['da'] + w['day_before']['en'])})\b", re.I),
        "orders": re.compile(rf"\b(?:{alternation(orders['verbs']['da'] + orders['verbs']['en'])})\s+"
                             r"(?:(?:i|in)\s+(?:the\s+)?\w+\s+(?:kvartal|quarter|halvår|half)\s+)?"
                             rf"(?:{alternation(orders['nouns']['da'] + orders['nouns']['en'])})\s+"
                             rf"(?:{alternation(orders['joints']['da'] + orders['joints']['en'])})\s+$", re.I),
    }


def market_fact(sentence: str, quantities: list[Quantity], claim: Claim, hits: list[TickerHit],
                owner: TickerHit | None, first_mention: dict[str, TickerHit]) -> KeyFact | None:
    """A yield's or a currency's move, or orders received, in the claim's sentence; owner: whose orders
    when the sentence names no company."""
    return (_yield_move(sentence, quantities, claim) or _currency_move(sentence, quantities, claim)
            or _orders(sentence, quantities, claim, hits, owner, first_mention) or _bond_price(sentence, quantities, claim))


def _bond_price(sentence: str, quantities: list[Quantity], claim: Claim) -> KeyFact | None:
    """A Danish mortgage bond's price, and what it was the day before when the sentence says."""
    p, w = _patterns(), words()
    m = p["bond"].search(sentence)
    if m is None:
        return None
    i = next((k for k, q in enumerate(quantities) if q.start >= m.end() and q.unit is None and q.kind == "number"), None)
    if i is None or not p["bond_verb"].fullmatch(sentence, m.end(), quantities[i].start):
        return None
    price = quantities[i]
    previous = None
    if i + 1 < len(quantities) and re.fullmatch(r"\s+(?:mod|fra|from|against)\s+", sentence[price.end:quantities[i + 1].start]):
        previous = quantities[i + 1] if quantities[i + 1].unit is None and quantities[i + 1].kind == "number" else None
    tenor = m.group("tenor") or m.group("tenor_en")
    coupon_text = m.group("coupon") or m.group("coupon_en")
    coupon = float(coupon_text.replace(",", "."))
    kind = w["bond_kinds"].get((m.group("kind") or m.group("kind_en") or "").lower())
    issuer = m.group("issuer") or m.group("issuer_en")
    coupon_da, coupon_en = f"{coupon:g}".replace(".", ","), f"{coupon:g}"
    subject = {"da": f"den {tenor}-årige {'fastforrentede ' if kind == 'fixed-rate' else ''}{coupon_da} pct.-obligation"
                     + (f" fra {issuer}" if issuer else ""),
               "en": f"the {tenor}-year {kind + ' ' if kind else ''}{coupon_en}% bond" + (f" from {issuer}" if issuer else "")}
    level = figure_text(price)
    if previous is not None and previous.value != price.value:
        direction = "up" if price.value > previous.value else "down"
        day_before = p["day_before"].match(sentence, previous.end)
        out = fill("bond", "previous", subject=subject, verb={lang: w["directions"][direction][lang] for lang in ("da", "en")},
                   level=level, previous=figure_text(previous),
                   day_before={lang: " " + w["day_before"][lang][0] for lang in ("da", "en")} if day_before else both(""))
    else:
        direction, out = "level", fill("bond", "level", subject=subject, level=level)
    if out is None:
        return None
    return KeyFact(subject=m.group(0), symbol=None, metric="bond_price", direction=direction, value=price.value,
                   unit=None, level=price.amount, level_unit=None, period=None, source=claim.attributed_to,
                   en=out["en"], da=out["da"], start=claim.start, end=claim.end,
                   previous=previous.amount if previous is not None and direction != "level" else None)


def _move(sentence: str, quantities: list[Quantity], start: int, units: tuple[str, ...]):
    """(change, its index, direction) of the first figure in units after start, moved by a verb close
    before it in the same clause; None when there is none."""
    i = next((k for k, q in enumerate(quantities) if q.start >= start and q.unit in units), None)
    if i is None:
        return None
    change = quantities[i]
    between = sentence[start:change.start]
    if (not _patterns()["move_verb"].search(between) or len(between.split()) > MAX_WORDS_TO_FIGURE
            or re.search(r"[,;:]", between)):
        return None
    direction = move_direction(sentence, change, change.start, start)
    return (change, i, direction) if direction in ("up", "down") else None


def _level_after(sentence: str, quantities: list[Quantity], i: int, units: tuple) -> Quantity | None:
    if i + 1 < len(quantities) and re.fullmatch(r"\s+(?:til|to)\s+", sentence[quantities[i].end:quantities[i + 1].start]):
        return quantities[i + 1] if quantities[i + 1].unit in units else None
    return None


def _yield_move(sentence: str, quantities: list[Quantity], claim: Claim) -> KeyFact | None:
    w = words()
    m = _patterns()["yield"].search(sentence)
    moved = _move(sentence, quantities, m.end(), ("bp", "pp")) if m else None
    if moved is None:
        return None
    change, i, direction = moved
    level = _level_after(sentence, quantities, i, ("%",))
    if level is None and not re.match(r"\s*(?:$|[.,;]|(?:and|og|while|mens|after|efter)\b)", sentence[change.end:]):
        return None
    tenor = m.group("tenor") or m.group("tenor_da")
    issuer = w["yield_issuers"].get((m.group("issuer") or m.group("issuer_da") or "").lower())
    subject = {"da": f"den {issuer['da'] + ' ' if issuer else ''}{tenor}-årige statsrente",
               "en": f"the {tenor}-year {issuer['en'] + ' ' if issuer else ''}yield"}
    return _render("yield", m.group(0), direction, change, level, claim, subject=subject, against=both(""))


def _currency_move(sentence: str, quantities: list[Quantity], claim: Claim) -> KeyFact | None:
    m = _patterns()["currency"].search(sentence)
    if m is None or not re.search(r"(?:^|[,;]\s+(?:while|mens|and|og|but|men)?)\s*(?:[Tt]he|[Dd]en)?\s*$",
                                  sentence[:m.start()]):
        return None  # the currency is the subject of a clause, not a price quoted in it ("rose to $1.04")
    moved = _move(sentence, quantities, m.end(), ("%",))
    if moved is None:
        return None
    change, i, direction = moved
    level = _level_after(sentence, quantities, i, tuple(words()["currencies"]))
    after = sentence[(level or change).end:]
    vs = _patterns()["against"].match(after)
    if not vs and not re.match(r"\s*(?:$|[.,;]|(?:and|og|while|mens|after|efter)\b)", after):
        return None
    row = _currency(m.group("name"))
    against = ({lang: f" {words()['against'][lang][0]} {_currency(vs.group('name'))[lang]}" for lang in ("da", "en")}
               if vs else both(""))
    return _render("currency", m.group("name"), direction, change, level, claim,
                   subject={"da": row["da"], "en": row["en"]}, against=against)


def _currency(name: str) -> dict:
    return next(c for c in words()["currency_names"] if name.lower() in (n.lower() for n in c["names"]))


def _render(metric: str, mention: str, direction: str, change: Quantity, level: Quantity | None, claim: Claim,
            *, subject: dict[str, str], against: dict[str, str]) -> KeyFact | None:
    w = words()
    change_text = figure_text(change)
    level_text = figure_text(level) if level is not None else both("")
    out = fill(metric, "change+level" if level is not None else "change", subject=subject,
               verb={lang: w["directions"][direction][lang] for lang in ("da", "en")}, change=change_text,
               level=level_text, against=against)
    if out is None:
        return None
    return KeyFact(subject=mention, symbol=None, metric=metric, direction=direction, value=change.value,
                   unit=change.unit, level=level.amount if level is not None else None,
                   level_unit=level.unit if level is not None else None, period=None, source=claim.attributed_to,
                   en=out["en"], da=out["da"], start=claim.start, end=claim.end)


def _orders(sentence: str, quantities: list[Quantity], claim: Claim, hits: list[TickerHit], owner: TickerHit | None,
            first_mention: dict[str, TickerHit]) -> KeyFact | None:
    """"Vestas fik i tredje kvartal ordrer på i alt 4.573 MW": the orders a company received."""
    for i, q in enumerate(quantities):
        m = _patterns()["orders"].search(sentence[:q.start])
        if m is None or q.kind in ("year", "date"):
            continue
        named = [h for h in hits if h.end - claim.start <= m.start() and not h.symbol.startswith("^")]
        subject = first_mention.get(named[-1].symbol, named[-1]) if named else (None if hits else owner)
        _, high, _ = figure_at(quantities, i, sentence)
        level = figure_text(q, high)
        if subject is None or level is None:
            return None
        out = fill("orders", "level", subject=both(subject.text), level=level,
                   period=period_phrase(sentence_period(sentence)))
        if out is None:
            return None
        return KeyFact(subject=subject.text, symbol=subject.symbol, metric="orders", direction="level", value=q.value,
                       unit=q.unit, level=q.amount, level_unit=q.unit, period=sentence_period(sentence),
                       source=claim.attributed_to, en=out["en"], da=out["da"], start=claim.start, end=claim.end,
                       value_high=high.value if high is not None else None)
    return None
