"""Planted-error bench for the meaning checks (issue 13): does `newsum verify` catch one wrong detail?

Reads the hand-written correct summaries in bench/data/correct-summaries.jsonl (one per article and
language: samples/ and ../shared/bench/finance-dev), checks each against its article (a flagged correct
summary is a false alarm), then plants one error of each kind into a copy and checks that (a copy that
passes is a miss). The planting rules live here, never in summarizer/: the checks must not know them.

    python bench/planted_errors.py [--show-misses] [--show-false-alarms] [--right-text]

Prints recall per kind, false alarms per language, and seconds per check. --right-text also counts false
alarms on text that is right by construction, written by nobody here: each Zyte and finance-dev article's
first three sentences checked against the article (same language), and Tatoeba dev pairs (dev.tsv only)
checked across languages, the Danish sentence as a summary of the English one and the other way round.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"

COUNTRY_SWAPS = {
    "en": [("German", "British"), ("Germany's", "Britain's"), ("Danish", "Swedish"), ("Denmark", "Norway"),
           ("US", "UK"), ("Nordic", "Baltic"), ("European", "Asian"), ("Sweden", "Finland")],
    "da": [("tyske", "engelske"), ("danske", "norske"), ("Danmark", "Finland"), ("amerikanske", "britiske"),
           ("nordiske", "baltiske"), ("Europæiske", "Asiatiske"), ("Sverige", "Island")],
}
DIRECTION_SWAPS = {
    "en": [("rose", "fell"), ("fell", "rose"), ("gained", "lost"), ("lost", "gained"), ("higher", "lower"),
           ("dropped", "rose"), ("slid", "rose"), ("tumbled", "jumped"), ("jumped", "fell"), ("climbed", "fell"),
           ("soared", "slumped"), ("slipped", "gained"), ("raised", "cut"), ("lifted", "lowered"), ("cut", "raised"),
           ("down", "up"), ("fall", "rise")],
    "da": [("steg", "faldt"), ("faldt", "steg"), ("højere", "lavere"), ("faldet", "steget"), ("hæver", "sænker"),
           ("sænker", "hæver"), ("tabte", "vandt"), ("hævede", "sænkede"), ("falde", "stige"), ("fald", "stigning")],
}
MAGNITUDE_SWAPS = [("mia.", "mio."), ("mio.", "mia."), ("billion", "million"), ("million", "billion")]
OTHER_COMPANIES = ["Carlsberg", "Vestas", "Heineken", "Ørsted", "Siemens"]
WEEKDAY = {"en": (" on Friday", "friday"), "da": (" fredag", "fredag")}
NEGATIONS = {"en": [" not ", "n't ", " un"], "da": [" ikke ", " u"]}
AUXILIARIES = {"en": ["is", "are", "has", "have", "was", "were", "will", "can", "could"],
               "da": ["er", "har", "var", "kan", "vil", "ventes", "venter"]}


def load_rows() -> list[dict]:
    rows = []
    for line in (ROOT / "bench" / "data" / "correct-summaries.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "source" in row:
            rows.append(row)
    return rows


def article_of(source: str):
    from summarizer.pipeline import load_article

    if source.startswith("finance-dev/"):
        path = SHARED / "finance-dev" / "html" / (source.split("/", 1)[1] + ".html")
        if not path.exists():
            return None
        return load_article(str(path))
    return load_article(str(ROOT / source))


def _swap_word(text: str, pairs: list[tuple[str, str]], fresh: bool = False) -> str | None:
    for old, new in pairs:
        if fresh and re.search(r"(?<![\w.])" + re.escape(new) + r"(?![\w])", text):
            continue  # "Sweden, Norway and Norway" would plant a repetition, not a swap
        m = re.search(r"(?<![\w.])" + re.escape(old) + r"(?![\w])", text)
        if m:
            return text[: m.start()] + new + text[m.end():]
    return None


def plant(kind: str, text: str, lang: str, article) -> str | None:
    """text with one error of kind, or None when the summary has nothing to plant it in."""
    from summarizer.facts.tickers import find_tickers

    if kind == "country":
        return _swap_word(text, COUNTRY_SWAPS[lang], fresh=True)
    if kind == "direction":
        return _swap_word(text, DIRECTION_SWAPS[lang])
    if kind == "magnitude":
        return _swap_word(text, MAGNITUDE_SWAPS)
    if kind in ("company_in_article", "company_elsewhere"):
        hits = find_tickers(text)
        if not hits:
            return None
        hit = hits[0]
        if kind == "company_in_article":
            others = [h for h in find_tickers(article.text) if h.symbol not in {x.symbol for x in hits}]
            if not others:
                return None
            name = others[0].text
        else:
            name = next(c for c in OTHER_COMPANIES if c.lower() not in article.text.lower())
        return text[: hit.start] + name + text[hit.end:]
    if kind == "weekday":
        from summarizer.text import WEEKDAYS

        clause, word = WEEKDAY[lang]
        if any(w in article.text.lower() for w, d in WEEKDAYS.items() if d == WEEKDAYS[word]):
            return None  # the article has that weekday (in either language): not an error
        return re.sub(r"\.(\s|$)", clause + r".\1", text, count=1)
    if kind == "year":
        years = [m.group(0) for m in re.finditer(r"\b(?:19|20)\d\d\b", text)
                 if not re.search(r"[A-Z][\w&]*\s$", text[: m.start()])]  # not a name's number ("Russell 2000")
        if years:
            return re.sub(r"\b" + years[0] + r"\b", str(int(years[0]) + 1), text, count=1)
        return re.sub(r"\.(\s|$)", (" in 2019" if lang == "en" else " i 2019") + r".\1", text, count=1)
    if kind == "non_word":
        words = [w for w in re.findall(r"\b[a-zæøå]{7,}\b", text) if w not in article.text.lower()]
        if not words:
            words = re.findall(r"\b[a-zæøå]{7,}\b", text)
        w = max(words, key=len)
        i = len(w) // 2
        corrupted = w[: i - 1] + w[i] + w[i - 1] + w[i + 1:]
        return text.replace(w, corrupted, 1) if corrupted != w else None
    if kind == "negation_dropped":
        for neg in NEGATIONS[lang]:
            if neg in text:
                return text.replace(neg, " " if neg.strip() else neg.replace("un", "").replace(" u", " "), 1) \
                    if neg.strip() not in ("un", "u") else re.sub(r"\b" + neg.strip() + r"(?=[a-zæøå]{5,})", "", text, count=1)
        return None
    if kind == "negation_added":
        for aux in AUXILIARIES[lang]:
            m = re.search(rf"(?<!not |kke )\b{aux}\b(?! (?:not|no|ikke|ingen)\b)", text)
            if m:
                return text[: m.end()] + (" not" if lang == "en" else " ikke") + text[m.end():]
        return None
    raise ValueError(kind)


def right_text_alarms(show: bool) -> None:
    """False alarms on right text: lead sentences of benchmark articles, and human translations."""
    from summarizer.summary import verify
    from summarizer.text import split_sentences
    from summarizer.values import Article

    for name in ("zyte", "finance-dev"):
        path = SHARED / name / "ground-truth.json"
        if not path.exists():
            continue
        flagged = total = 0
        for key, row in json.loads(path.read_text(encoding="utf-8")).items():
            body = row.get("articleBody") or ""
            sentences = [body[x.start:x.end] for x in split_sentences(body)][:3]
            from summarizer.language import detect

            lang = row.get("language") or detect(body)  # Zyte's set has pages in other languages: skipped
            if len(sentences) < 1 or lang not in ("da", "en"):
                continue
            article = Article(paragraphs=[p for p in body.split("\n") if p.strip()], title=row.get("headline"))
            try:
                v = verify(article, " ".join(sentences), lang)
            except Exception as exc:  # a summary the checker cannot read: counted, shown
                print(f"ERROR {name}/{key}: {exc}")
                continue
            total += 1
            if not v.grounded:
                flagged += 1
                if show:
                    print(f"RIGHT-TEXT ALARM {name}/{key}: " + "; ".join(
                        [p for x in v.sentences for p in x.problems] + v.problems)[:400])
        if total:
            print(f"false alarms, lead sentences of {name}: {flagged}/{total} = {flagged / total:.2f}")
    path = SHARED / "tatoeba-dan-eng" / "dev.tsv"
    if path.exists():
        pairs = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line][:400]
        for source, target in (("en", "da"), ("da", "en")):
            flagged = 0
            for da, en in pairs:
                text, summary = (en, da) if source == "en" else (da, en)
                v = verify(Article(paragraphs=[text], language=source), summary, target)
                if not v.grounded:
                    flagged += 1
                    if show:
                        print(f"TATOEBA ALARM {source}->{target}: {summary} | {text} | "
                              + "; ".join([p for x in v.sentences for p in x.problems] + v.problems)[:300])
            print(f"false alarms, Tatoeba dev {source} sentence summarized in {target}: "
                  f"{flagged}/{len(pairs)} = {flagged / len(pairs):.2f}")


KINDS = ["country", "direction", "magnitude", "company_in_article", "company_elsewhere", "weekday", "year",
         "non_word", "negation_dropped", "negation_added"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--show-false-alarms", action="store_true")
    parser.add_argument("--right-text", action="store_true", help="also false alarms on right text (slower)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from summarizer.summary import verify

    rows = load_rows()
    caught: dict[str, list[bool]] = defaultdict(list)
    alarms: dict[str, list[bool]] = defaultdict(list)
    seconds, checks, skipped = 0.0, 0, 0
    for row in rows:
        article = article_of(row["source"])
        if article is None:
            skipped += 1
            continue
        started = time.perf_counter()
        v = verify(article, row["text"], row["lang"])
        seconds += time.perf_counter() - started
        checks += 1
        alarms[row["lang"]].append(not v.grounded)
        if not v.grounded and args.show_false_alarms:
            print(f"FALSE ALARM {row['source']} {row['lang']}: "
                  + "; ".join([p for s in v.sentences for p in s.problems] + v.problems))
        for kind in KINDS:
            planted = plant(kind, row["text"], row["lang"], article)
            if planted is None or planted == row["text"]:
                continue
            started = time.perf_counter()
            pv = verify(article, planted, row["lang"])
            seconds += time.perf_counter() - started
            checks += 1
            caught[kind].append(not pv.grounded)
            if pv.grounded and args.show_misses:
                print(f"MISS {kind} {row['source']} {row['lang']}: {planted}")
    print(f"summaries: {sum(len(v) for v in alarms.values())} (skipped {skipped}: no ../shared)")
    for lang, flags in sorted(alarms.items()):
        print(f"false alarms {lang}: {sum(flags)}/{len(flags)} = {sum(flags) / len(flags):.2f}")
    total_caught = total = 0
    for kind in KINDS:
        flags = caught.get(kind, [])
        total_caught += sum(flags)
        total += len(flags)
        if flags:
            print(f"planted {kind:20s} caught {sum(flags):3d}/{len(flags):3d} = {sum(flags) / len(flags):.2f}")
    print(f"planted all                  caught {total_caught:3d}/{total:3d} = {total_caught / max(total, 1):.2f}")
    print(f"seconds per check: {seconds / max(checks, 1):.3f} ({checks} checks)")
    if args.right_text:
        right_text_alarms(args.show_false_alarms)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
