"""Grounding: is every checkable token of a summary (or translation) in the article?

Checked, in Danish and English forms alike:
- numbers, percentages, money, years and dates (summarizer.numbers: "4,2 pct." == "4.2%",
  "1.234,5 mia. kr." == "1,234.5 billion kroner");
- weekdays and months ("tirsdag" == "Tuesday"), which the number parser does not see;
- names: runs of capitalised words ("Russell 2000", "Goldman Sachs"), all-caps tokens and $tickers
  ("RUT", "$IWM"). A name is found when it, an alias from name_aliases.tsv, or its glossary
  translation is in the article. A single capitalised word that starts a sentence is only checked
  when it looks like a name on its own (all caps, inner capitals, digits or "&"), because Danish and
  English capitalise every sentence's first word.
- prompt residue ("Here is the summary:", "Resumé:") left in the output.

`check` returns the problems as short sentences; an empty list means grounded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarizer.facts.quantities import Quantity, find_quantities, same_quantity
from summarizer.facts.tickers import find_tickers
from summarizer.resources import data_text
from summarizer.text import MONTH_NAMES, WEEKDAYS

# Currency codes are units, checked with their number ("DKK 612.80" is the article's "612.80 crowns").
CURRENCY_CODES = {"dkk", "usd", "eur", "gbp", "sek", "nok", "chf", "jpy"}
# Capitalised words that are not names: pronouns and the words English capitalises anyway.
NOT_NAMES = {"i", "i'm", "i've", "q1", "q2", "q3", "q4", "h1", "h2"}
RESIDUE = re.compile(
    r"^\s*(?:here(?:'s| is| are)\b[^:\n]*:|sure[,!.][^\n]*|summary\s*:|resumé\s*:|sammendrag\s*:|"
    r"translation\s*:|oversættelse\s*:|her er\b[^:\n]*:|english\s*:|danish\s*:|dansk\s*:|engelsk\s*:)",
    re.IGNORECASE,
)
TOKEN = re.compile(r"\$?[\w&][\w&.'’-]*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?:]\s*$|^\s*$")


@lru_cache(maxsize=1)
def alias_groups() -> list[set[str]]:
    raw = data_text("name_aliases.tsv")
    groups = [{a.strip().lower() for a in line.split("\t") if a.strip()} for line in raw.splitlines()
              if line.strip() and not line.startswith("#")]
    for da, en in glossary_pairs():
        groups.append({da.lower(), en.lower()})
    for line in data_text("countries.tsv").splitlines():  # a country's names and adjectives, both languages
        if line.strip() and not line.startswith("#"):
            _, en, da = (line.split("\t") + ["", ""])[:3]
            groups.append({f.strip().lower() for f in (en + "," + da).split(",") if f.strip()})
    return groups


@lru_cache(maxsize=1)
def glossary_pairs() -> list[tuple[str, str]]:
    raw = data_text("glossary.tsv")
    pairs = []
    for line in raw.splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            da, en = line.split("\t", 1)
            pairs.append((da.strip(), en.strip()))
    return pairs


def strip_residue(text: str) -> str:
    """Drop a leading "Here is the summary:" style preamble and wrapping quotes the model adds."""
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"^\s*(?:[-*•]|\d+\.)\s+", "", text, flags=re.MULTILINE)  # bullets -> plain sentences
    previous = None
    while previous != text:
        previous = text
        text = RESIDUE.sub("", text, count=1).strip()
        if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'“”":
            text = text[1:-1].strip()
    return text


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).lower()


def _found(name: str, article_norm: str) -> bool:
    """name (lowercased) in the article as whole words, or through an alias."""
    candidates = {name}
    for group in alias_groups():
        if name in group:
            candidates |= group
    for c in candidates:  # an English plural or genitive in the article counts ("ETFs", "CFTC's")
        if re.search(r"(?<![\w&])" + re.escape(c) + r"(?:s|'s)?(?![\w&])", article_norm):
            return True
    return False


def _name_variants(name: str) -> list[str]:
    """Genitive and compound forms: "SocGen's", "Nordeas", "Russell 2000-indekset" -> the bare name."""
    n = name.lower().replace("’", "'")
    out = [n]
    acronym = re.sub(r"(?<=[A-ZÆØÅ])[-']?(?:erne|er|en|s)$", "", name.replace("’", "'"))  # "ETF'er", "CFTC's"
    if acronym != name:
        out.append(acronym.lower())
    base = re.sub(r"-[a-zæøå]+$", "", n)  # Danish compound suffix on a name
    for v in (base, re.sub(r"'s?$", "", base), re.sub(r"s$", "", base)):
        if v and v not in out:
            out.append(v)
    return out


def _looks_like_name_alone(tok: str) -> bool:
    core = tok.lstrip("$")
    return tok.startswith("$") or (core.isupper() and len(core) > 1) or bool(
        re.search(r"[a-zæøå][A-ZÆØÅ]|\d|&", core))


def names(text: str) -> list[tuple[str, bool]]:
    """Capitalised-word runs, all-caps tokens and $tickers in text, in order, each with whether it
    starts a sentence (then its first word may just be a capitalised ordinary word: "The Russell 2000")."""
    out: list[tuple[str, bool]] = []
    run: list[str] = []
    run_started_sentence = False

    def flush() -> None:
        nonlocal run
        if run:
            if not (run_started_sentence and len(run) == 1 and not _looks_like_name_alone(run[0])):
                name = " ".join(run).strip(".,;:'’-")
                if name.lower() not in NOT_NAMES and name.lower() not in WEEKDAYS and name.lower() not in MONTH_NAMES:
                    out.append((name, run_started_sentence))
            run = []

    prev_end = 0
    for m in TOKEN.finditer(text):
        tok = m.group(0).rstrip(".,;:")
        gap = text[prev_end:m.start()]
        at_sentence_start = bool(SENTENCE_END.search(text[:m.start()])) or prev_end == 0
        # A cashtag is "$" and letters ($IWM); "$839" is money, checked as a number.
        is_cap = tok[:1].isupper() or tok.startswith("$") and tok[1:2].isalpha()
        is_num_after_name = tok[:1].isdigit() and run and gap == " "
        if (is_cap or is_num_after_name) and (not run or gap in (" ", " & ")):
            if tok.lower() in WEEKDAYS or tok.lower() in MONTH_NAMES or tok.lower() in CURRENCY_CODES:
                flush()
            else:
                if not run:
                    run_started_sentence = at_sentence_start
                run.append(tok)
        else:
            flush()
            if is_cap and tok.lower() not in WEEKDAYS and tok.lower() not in MONTH_NAMES and tok.lower() not in CURRENCY_CODES:
                run_started_sentence = at_sentence_start
                run.append(tok)
        prev_end = m.start() + len(m.group(0))
        if m.group(0).endswith((".", ":", ";", ",")) or text[prev_end:prev_end + 1] in ",;:()":
            flush()
    flush()
    return out


def _precision(q: Quantity) -> float:
    return q.scale * 10.0 ** -q.decimals


def supports(article_q: Quantity, summary_q: Quantity) -> bool:
    """The article's figure backs the summary's: the same, or the summary rounds it ("4.23%" -> "4.2%").
    Never the other way: a summary more precise than its source ("4.2%" from "4%") invented digits."""
    if not same_quantity(summary_q, article_q):
        return False
    if abs(summary_q.amount - article_q.amount) <= 1e-9 * max(abs(summary_q.amount), 1.0):
        return True
    return _precision(summary_q) >= _precision(article_q)





def check(
    output: str,
    article_text: str,
    *,
    article_quantities: list[Quantity] | None = None,
    article_symbols: set[str] | None = None,
) -> list[str]:
    """Problems with output as a statement about article_text; [] when everything checkable is there."""
    issues: list[str] = []
    if article_symbols is None:
        article_symbols = {h.symbol for h in find_tickers(article_text)}
    output_hits = find_tickers(output)
    article_norm = _norm(article_text)
    for hit in output_hits:  # known securities, also at a sentence start ("Apple rose 4%.")
        # The article may name it in a way the gazetteer does not take on its own ("..., Fynske Bank."):
        # its very name in the article is enough.
        if hit.symbol not in article_symbols and not any(_found(v, article_norm) for v in _name_variants(hit.text)):
            issues.append(f"name {hit.text!r} ({hit.symbol}) is not in the article")
    if RESIDUE.search(output):
        issues.append(f"prompt residue in the output: {RESIDUE.search(output).group(0).strip()!r}")
    source_qs = article_quantities if article_quantities is not None else find_quantities(article_text)
    for q in find_quantities(output):
        if not any(supports(a, q) for a in source_qs):
            issues.append(f"number {q.text.strip()!r} is not in the article")
    article_words = set(re.findall(r"[^\W\d_]+", article_norm))
    for word, day in WEEKDAYS.items():
        if re.search(rf"\b{word}\b", output, re.IGNORECASE):
            if not any(w in article_words for w, d in WEEKDAYS.items() if d == day):
                issues.append(f"weekday {word.capitalize()!r} is not in the article")
    for word, month in MONTH_NAMES.items():
        if word == "may" or word == "maj":  # also a verb / too ambiguous without a day number
            continue
        if re.search(rf"\b{word}\b", output, re.IGNORECASE):
            if not any(w in article_words for w, mo in MONTH_NAMES.items() if mo == month):
                issues.append(f"month {word.capitalize()!r} is not in the article")
    seen: set[str] = {h.text.lower() for h in output_hits}  # the gazetteer already judged these
    for name, starts_sentence in names(output):
        if name.lower() in seen or any(_found(v, h.text.lower()) for h in output_hits for v in _name_variants(name)):
            continue
        seen.add(name.lower())
        if any(_found(v, article_norm) for v in _name_variants(name)):
            continue
        if starts_sentence and " " in name:
            rest = name.split(" ", 1)[1]
            if any(_found(v, article_norm) for v in _name_variants(rest)):
                continue
        # A run of capitalised words can be two names side by side ("Trump rally"); each must be found.
        parts = [p for p in name.split(" ") if p[:1].isupper() or p.startswith("$")]
        if len(parts) > 1 and not re.search(r"\d", name) and all(
            any(_found(v, article_norm) for v in _name_variants(p)) for p in parts
        ):
            continue
        # "Nykredit's 30-year 5": a name followed by figures used as adjectives ("30-year", "10-årige"),
        # which the number check judges on their own.
        tokens = name.split(" ")
        while tokens and tokens[-1][:1].isdigit():
            tokens.pop()
        if tokens and len(tokens) < len(name.split(" ")) and re.search(r"\d-[^\W\d_]", name) and any(
                _found(v, article_norm) for v in _name_variants(" ".join(tokens))):
            continue
        issues.append(f"name {name!r} is not in the article")
    return issues


# What a small model tacks onto a name ("Russell 2000 ETF"): dropping one of these changes no meaning. Any
# other word after a name may be the meaning ("Tysklands DAX-indeks"), so it stays for the checks to judge.
NAME_SUFFIXES = {"etf", "etfs", "index", "indeks", "indekset", "fund", "inc", "inc.", "corp", "corp.", "group",
                 "a/s", "plc", "holding", "aktie", "aktien", "shares", "stock"}


def repair_names(output: str, article_text: str) -> str:
    """Drop words a small model tacks onto a real name ("Russell 2000 ETF" -> "Russell 2000") when the
    shorter name is in the article, the longer one is not, and the words dropped are NAME_SUFFIXES.
    Nothing else is changed."""
    article_norm = _norm(article_text)
    for name, _ in names(output):
        if any(_found(v, article_norm) for v in _name_variants(name)):
            continue
        tokens = name.split(" ")
        for k in range(len(tokens) - 1, 0, -1):
            if tokens[k].lower() not in NAME_SUFFIXES:
                break
            shorter = " ".join(tokens[:k])
            if any(_found(v, article_norm) for v in _name_variants(shorter)):
                output = re.sub(r"(?<![\w&])" + re.escape(name) + r"(?![\w&])", shorter, output)
                break
    return output
