"""Doubling bench: is every stage from cleaning to claims O(n log n) or better in the article's size?

Builds pages of 1k, 2k, ... 32k short number-bearing paragraphs (names, tickers and figures, like a
market wrap), times each stage on each, and prints the time ratio from one size to the next: about 2
is linear, about 4 is quadratic. Issue 15 asks for ratios <= 2.3.

    python bench/scaling.py                    # 1k .. 32k paragraphs
    python bench/scaling.py --max 8000         # a quicker look
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMPANIES = ["Novo Nordisk", "Mærsk", "Vestas", "Carlsberg", "Danske Bank", "Apple", "Nvidia", "DSV", "Ørsted",
             "Genmab", "Coloplast", "Microsoft"]
VERBS = [("steg", "pct."), ("faldt", "pct."), ("rose", "%"), ("fell", "%")]


def paragraphs(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = rng.choice(COMPANIES)
        verb, unit = rng.choice(VERBS)
        value = f"{rng.randint(1, 9)},{rng.randint(0, 9)}" if unit == "pct." else f"{rng.randint(1, 9)}.{rng.randint(0, 9)}"
        sep = " " if unit == "pct." else ""
        out.append(f"{name} {verb} {value}{sep}{unit} til {rng.randint(100, 999)} kr. i handel nummer {i}.")
    return out


def timed(fn, arg, repeats: int = 2):
    """fn(arg) and its best time of `repeats` runs (the machine is shared: a slow run is its load)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        out = fn(arg)
        best = min(best, time.perf_counter() - started)
    return out, best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--min", type=int, default=1000)
    ap.add_argument("--max", type=int, default=32000)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from summarizer.clean import clean_html
    from summarizer.facts.claims import find_claims
    from summarizer.facts.tickers import find_tickers

    rows = []
    n = args.min
    while n <= args.max:
        paras = paragraphs(n)
        html = "<html><body><article><h1>Markedet</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>"
        # each stage: garbage of the one before collected first, best of two runs
        article, clean_s = timed(clean_html, html)
        tickers, tickers_s = timed(find_tickers, article.text)
        claims, claims_s = timed(lambda t: find_claims(t, tickers=tickers), article.text)
        rows.append((n, len(html), clean_s, tickers_s, claims_s, len(tickers), len(claims)))
        print(f"{n:>6} paragraphs ({len(html) / 1e6:.1f} MB): clean {clean_s:7.2f} s  tickers {tickers_s:7.2f} s  "
              f"claims {claims_s:7.2f} s  ({len(tickers)} tickers, {len(claims)} claims)", file=sys.stderr, flush=True)
        n *= 2
    print("| paragraphs | MB | clean s | tickers s | claims s | ratio clean | ratio tickers | ratio claims |")
    print("|---|---|---|---|---|---|---|---|")
    for i, (n, size, c, t, k, _, _) in enumerate(rows):
        ratios = ["–"] * 3 if i == 0 else [f"{a / b:.2f}" for a, b in zip((c, t, k), rows[i - 1][2:5])]
        print(f"| {n} | {size / 1e6:.1f} | {c:.2f} | {t:.2f} | {k:.2f} | " + " | ".join(ratios) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
