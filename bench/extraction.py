"""Extraction benchmark: newsum's cleaner beside plain trafilatura, in one run, on the same pages.

Scores with ../shared/bench/score_extraction.py (Zyte's metric: 4-gram shingle P/R/F1, plus the
share of must-keep `with` snippets kept and must-not `without` snippets leaked), on
../shared/bench/zyte (181 pages) and ../shared/bench/finance-dev (12 Danish/English finance pages).

    python bench/extraction.py                  # both sets, table + gate verdicts
    python bench/extraction.py --sets finance-dev
    python bench/extraction.py --write-baseline # record bench/baseline.json (the CI leak gate)

Timing is the scorer's: only the extraction call, one page at a time in this process. The machine
is shared and noisy, so each extractor is run --rounds times, alternating, and its best pages/s kept.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
BASELINE = REPO / "bench" / "baseline.json"
SETS = {
    "zyte": (SHARED_BENCH / "zyte" / "html", SHARED_BENCH / "zyte" / "ground-truth.json"),
    "finance-dev": (SHARED_BENCH / "finance-dev" / "html", SHARED_BENCH / "finance-dev" / "ground-truth.json"),
}


# The peers, as html -> text callables for the scorer.
def trafilatura_default(html, url=None):
    return trafilatura.extract(html, url=url)


def trafilatura_no_comments(html, url=None):
    return trafilatura.extract(html, url=url, include_comments=False)


def trafilatura_precision(html, url=None):
    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False)


EXTRACTORS = {
    "newsum": "summarizer.clean:extract_text",
    "trafilatura (defaults)": "extraction:trafilatura_default",
    "trafilatura (no comments)": "extraction:trafilatura_no_comments",
    "trafilatura (favor_precision, no comments)": "extraction:trafilatura_precision",
}


def load_scorer():
    """Import the shared, read-only scorer from its path."""
    path = SHARED_BENCH / "score_extraction.py"
    if not path.exists():
        raise SystemExit(f"scorer not found at {path}: clone the repo next to a copy of shared/")
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer, set_name: str, callable_spec: str, label: str) -> dict:
    html_dir, gt = SETS[set_name]
    argv = ["--html", str(html_dir), "--gt", str(gt), "--callable", callable_spec, "--name", label,
            "--path", str(REPO), "--path", str(REPO / "bench"), "--n-bootstrap", "1"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return scorer.main(argv)


def run_set(scorer, set_name: str, rounds: int, names: list[str]) -> dict[str, dict]:
    best: dict[str, dict] = {}
    from summarizer import clean

    for _ in range(rounds):
        for name in names:
            clean.forget_seen_classes()  # every round starts cold: no credit for pages seen before
            res = score(scorer, set_name, EXTRACTORS[name], name)
            if name not in best or (res["pages_per_s"] or 0) > (best[name]["pages_per_s"] or 0):
                best[name] = res
    return best


def table(set_name: str, results: dict[str, dict]) -> str:
    lines = [f"### {set_name} ({next(iter(results.values()))['pages']} pages)", "",
             "| extractor | P | R | F1 | with kept | without leaked | pages/s |", "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        w = f"{r['with_found']:.3f}" if "with_found" in r else "–"
        wo = f"{r['without_leaked']:.3f}" if "without_leaked" in r else "–"
        lines.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {w} | {wo} | {r['pages_per_s']} |")
    return "\n".join(lines)


def gates(set_name: str, results: dict[str, dict]) -> list[tuple[str, bool]]:
    ours = results["newsum"]
    peers = {k: v for k, v in results.items() if k != "newsum"}
    out = []
    if set_name == "zyte":
        fastest = max(p["pages_per_s"] for p in peers.values())
        out.append((f"Zyte F1 {ours['f1']:.3f} >= 0.960", ours["f1"] >= 0.960))
        out.append((f"speed {ours['pages_per_s']} >= 0.8 x fastest trafilatura {fastest}",
                    ours["pages_per_s"] >= 0.8 * fastest))
    else:
        best_leak = min(p.get("without_leaked", 1) for p in peers.values())
        best_with = max(p.get("with_found", 0) for p in peers.values())
        out.append((f"finance-dev leaked {ours['without_leaked']:.3f} == 0", ours["without_leaked"] == 0))
        out.append((f"finance-dev kept {ours['with_found']:.3f} >= 0.98", ours["with_found"] >= 0.98))
        out.append((f"leaks below every trafilatura ({best_leak:.3f})", ours["without_leaked"] < best_leak))
        out.append((f"kept above every trafilatura ({best_with:.3f})", ours["with_found"] > best_with))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="zyte,finance-dev", help="comma-separated: zyte, finance-dev")
    ap.add_argument("--rounds", type=int, default=2, help="runs per extractor; the best pages/s is kept")
    ap.add_argument("--only-newsum", action="store_true", help="skip the peers (quick check)")
    ap.add_argument("--write-baseline", action="store_true", help=f"record newsum's figures in {BASELINE.name}")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO / "bench"))
    scorer = load_scorer()
    names = ["newsum"] if args.only_newsum else list(EXTRACTORS)
    ok, baseline = True, {}
    for set_name in args.sets.split(","):
        results = run_set(scorer, set_name.strip(), args.rounds, names)
        print(table(set_name, results), "\n")
        if not args.only_newsum:
            for text, passed in gates(set_name, results):
                print(f"  [{'pass' if passed else 'FAIL'}] {text}")
                ok &= passed
            print()
        r = results["newsum"]
        baseline[set_name] = {k: r[k] for k in ("pages", "precision", "recall", "f1", "with_found", "without_leaked") if k in r}
    if args.write_baseline:  # merge: a run over one set keeps the other's figures
        old = json.loads(BASELINE.read_text("utf-8")) if BASELINE.exists() else {}
        BASELINE.write_text(json.dumps({**old, **baseline}, indent=2) + "\n", "utf-8")
        print(f"wrote {BASELINE}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
