"""Key facts against hand labels: precision, recall (all labelled facts and the headline's), and whether
every rendered sentence passes newsum's own checks and every word is a word of its language (meaning.py's non-word check: hunspell, or a name of the article).

    python bench/key_facts.py [--show]

Pages: the bundled samples, finance-dev (../shared/bench/finance-dev) and the texts in
bench/data/key-facts-texts/ (written for this bench: first line the headline, then paragraphs). Labels:
bench/data/key-facts-labels.jsonl, one fact a line, written by reading the pages, not newsum's output:
subject (names or symbols that identify it), metric, direction, value (the figure as written: the change
when the sentence gives one, else the figure), headline (the headline announces it). Labels may name
metrics newsum has no reader for (bond prices, currencies, inflation): they count as missed, on purpose.

An extracted fact is right when a label of its page has the same subject, metric, direction and value;
anything else counts against precision, even a fact a person would call right but nobody labelled.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from summarizer.pipeline import analyse, load_article  # noqa: E402
from summarizer.summary.meaning import non_words  # noqa: E402
from summarizer.summary.wording import WORD  # noqa: E402
from summarizer.summary.write import Checker  # noqa: E402
from summarizer.values import Article  # noqa: E402

FINANCE_DEV = REPO.parent / "shared" / "bench" / "finance-dev" / "html"
TEXTS = REPO / "bench" / "data" / "key-facts-texts"
LABELS = REPO / "bench" / "data" / "key-facts-labels.jsonl"


def _page(name: str) -> Article:
    if name.endswith(".txt"):
        title, _, body = (TEXTS / name).read_text(encoding="utf-8").partition("\n")
        return Article(paragraphs=[p.strip() for p in body.split("\n\n") if p.strip()], title=title.strip())
    path = REPO / "samples" / name if (REPO / "samples" / name).exists() else FINANCE_DEV / name
    return load_article(str(path))


def _matches(fact, label: dict) -> bool:
    who = f"{fact.subject} {fact.symbol or ''}".lower()
    return (any(s.lower() in who for s in label["subject"]) and fact.metric == label["metric"]
            and fact.direction == label["direction"] and abs(fact.value - label["value"]) < 1e-6)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print each page's facts, misses and wrong ones")
    args = ap.parse_args()
    labels: dict[str, list[dict]] = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels.setdefault(row["page"], []).append(row)
    pages = sorted(labels, key=lambda p: (p.endswith(".txt"), p))
    extracted = right = found = headline_found = headline_total = 0
    by_set: dict[str, list[int]] = {}  # set -> [extracted, right, labelled, found, headline labelled, headline found]
    sentences = passing = words = unknown = 0
    for name in pages:
        if not name.endswith(".txt") and not (REPO / "samples" / name).exists() and not FINANCE_DEV.exists():
            print(f"skipped {name}: ../shared/bench/finance-dev is not here", file=sys.stderr)
            continue
        article = _page(name)
        facts = analyse(article, summarize=False).key_facts or []
        page_labels = labels[name]
        wrong = [f for f in facts if not any(_matches(f, lb) for lb in page_labels)]
        hit = [lb for lb in page_labels if any(_matches(f, lb) for f in facts)]
        extracted += len(facts)
        right += len(facts) - len(wrong)
        found += len(hit)
        headline_total += sum(lb["headline"] for lb in page_labels)
        headline_found += sum(lb["headline"] for lb in hit)
        row = by_set.setdefault("texts written for this bench" if name.endswith(".txt") else "samples and finance-dev",
                                [0] * 6)
        for k, v in enumerate((len(facts), len(facts) - len(wrong), len(page_labels), len(hit),
                               sum(lb["headline"] for lb in page_labels), sum(lb["headline"] for lb in hit))):
            row[k] += v
        check = Checker(article, None)  # what every summary sentence passes: grounding and meaning
        for f in facts:
            for lang in ("da", "en"):
                text = getattr(f, lang)
                sentences += 1
                problems = check(text, lang)
                passing += not problems
                words += len(WORD.findall(text))
                unknown += len(non_words(text, lang, check.index))
                if problems and args.show:
                    print(f"   FAILS {lang}: {text} {problems}")
        if args.show:
            print(f"== {name}: {len(facts)} facts, {len(wrong)} unlabelled, {len(hit)}/{len(page_labels)} labels found")
            for f in facts:
                print(f"   {'  ' if f not in wrong else 'X '}{f.en} | {f.da}")
            for lb in page_labels:
                if lb not in hit:
                    print(f"   missed{' (headline)' if lb['headline'] else ''}: {lb['subject'][0]} {lb['metric']} "
                          f"{lb['direction']} {lb['value']}")
    for name, (n, ok, lab, hit_n, head, head_hit) in by_set.items():
        print(f"{name}: extracted={n} precision={ok / max(n, 1):.3f} recall={hit_n}/{lab}={hit_n / max(lab, 1):.3f} "
              f"headline_recall={head_hit}/{head}={head_hit / max(head, 1):.3f}")
    total = sum(len(v) for v in labels.values())
    print(f"pages={len(pages)} labelled_facts={total} extracted={extracted} "
          f"precision={right / max(extracted, 1):.3f} recall={found / max(total, 1):.3f} "
          f"headline_recall={headline_found}/{headline_total}={headline_found / max(headline_total, 1):.3f} "
          f"rendered_sentences_passing_checks={passing}/{sentences} "
          f"non_words={unknown}/{words}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
