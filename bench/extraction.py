"""Extraction benchmark: newsum's cleaner beside plain trafilatura, in one run, on the same pages.

Scores with ../shared/bench/score_extraction.py (Zyte's metric: 4-gram shingle P/R/F1, plus the
share of must-keep `with` snippets kept and must-not `without` snippets leaked), on
../shared/bench/zyte (181 pages), ../shared/bench/finance-dev (12 Danish/English finance pages) and
../shared/bench/wcxb-dev (793 article pages of WCXB's development split, ~700 sites nobody here tuned on).

    python bench/extraction.py                  # zyte and finance-dev, table + gate verdicts
    python bench/extraction.py --sets finance-dev
    python bench/extraction.py --sets wcxb-dev --rounds 1   # issue 12's set (about 4 minutes)
    python bench/extraction.py --write-baseline # record bench/baseline.json (the CI leak gate)
    python bench/extraction.py --sets wcxb-dev --ablation   # each rule kind off in turn (about 8 minutes)
    python bench/extraction.py --sets wcxb-dev --stages     # where newsum's time goes, stage by stage

P/R/F1 and the snippet shares are the scorer's. Pages/s is timed here like the scorer does (only the
extraction call, one page at a time, in this process) but with the extractors taking turns page by
page, --rounds times over the set: the machine is shared and its load comes and goes.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import json
import sys
import time
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
BASELINE = REPO / "bench" / "baseline.json"
SETS = {
    "zyte": (SHARED_BENCH / "zyte" / "html", SHARED_BENCH / "zyte" / "ground-truth.json"),
    "finance-dev": (SHARED_BENCH / "finance-dev" / "html", SHARED_BENCH / "finance-dev" / "ground-truth.json"),
    "wcxb-dev": (SHARED_BENCH / "wcxb-dev" / "html", SHARED_BENCH / "wcxb-dev" / "ground-truth"),
}


# The peers, as html -> text callables for the scorer.
def trafilatura_default(html, url=None):
    return trafilatura.extract(html, url=url)


def trafilatura_no_comments(html, url=None):
    return trafilatura.extract(html, url=url, include_comments=False)


def trafilatura_precision(html, url=None):
    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False)


EXTRACTORS = {
    "newsum": "summarizer:extract_text",
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
    """Quality from the scorer (one run each); speed from interleaved timing (see speeds)."""
    results = {name: score(scorer, set_name, EXTRACTORS[name], name) for name in names}
    for name, pages_per_s in speeds(scorer, set_name, rounds, names).items():
        results[name]["pages_per_s"] = pages_per_s
    return results


def speeds(scorer, set_name: str, rounds: int, names: list[str]) -> dict[str, float]:
    """Pages/s per extractor, timed page by page in turn (A, B, C on page 1, then B, C, A on page 2...).

    The machine is shared: load that comes and goes then hits every extractor alike, which
    timing one whole run after another does not. As in the scorer, only the extraction call is
    timed. Each round starts newsum's class/id cache cold.
    """
    from summarizer.clean.furniture import forget_seen_classes

    html_dir, gt = SETS[set_name]
    truth = scorer.load_truth(gt)
    files = scorer.html_files(html_dir)
    pages = [(scorer.decode(scorer.read_bytes(files[i])), truth[i]["url"]) for i in sorted(truth)]
    fns = {}
    for name in names:
        module, _, fn = EXTRACTORS[name].partition(":")
        fns[name] = getattr(importlib.import_module(module), fn)
        fns[name]("<html><body><p>warm up</p></body></html>")
    spent = dict.fromkeys(names, 0.0)
    for _ in range(rounds):
        forget_seen_classes()
        for n, (html, url) in enumerate(pages):
            order = names[n % len(names):] + names[: n % len(names)]
            for name in order:
                t0 = time.perf_counter()
                try:
                    fns[name](html, url=url)
                except Exception:  # the scorer counts a crash as an empty page; time it all the same
                    pass
                spent[name] += time.perf_counter() - t0
    return {name: round(len(pages) * rounds / s, 2) for name, s in spent.items()}


def newsum_outputs(scorer, set_name: str) -> tuple[list[str], dict[str, str], dict]:
    """newsum's text for every page of a set, in one pass (ids, outputs, truth)."""
    from summarizer import extract_text

    html_dir, gt = SETS[set_name]
    truth = scorer.load_truth(gt)
    files = scorer.html_files(html_dir)
    ids = sorted(truth)
    outputs = {}
    for i in ids:
        try:
            outputs[i] = extract_text(scorer.decode(scorer.read_bytes(files[i])), url=truth[i]["url"]) or ""
        except Exception:  # as the scorer does: a crash is an empty page
            outputs[i] = ""
    return ids, outputs, truth


def quality(scorer, ids, outputs, truth) -> dict:
    """The scorer's P/R/F1 and `without` share over given outputs."""
    m = scorer.aggregate([scorer.tp_fp_fn(truth[i]["articleBody"], outputs[i]) for i in ids])
    leaked = sum(1 for i in ids for s in truth[i]["without"] if scorer._norm(s) in scorer._norm(outputs[i]))
    total = sum(len(truth[i]["without"]) for i in ids) or 1
    return {**m, "without_leaked": leaked / total}


def ablation(scorer, set_name: str) -> str:
    """Each rule kind switched off in turn: on how many pages it changes the output, and F1 without it."""
    from summarizer.clean import line_rules

    ids, base, truth = newsum_outputs(scorer, set_name)
    q0 = quality(scorer, ids, base, truth)
    lines = [f"### rule ablation on {set_name} ({len(ids)} pages; all rules on: F1 {q0['f1']:.4f}, "
             f"`without` leaked {q0['without_leaked']:.3f})", "",
             "| rule kind switched off | pages it changes | F1 without it | F1 change | `without` leaked |",
             "|---|---|---|---|---|"]
    for kind in line_rules.RULE_KINDS:
        line_rules.rules_off = {kind}
        try:
            _, off, _ = newsum_outputs(scorer, set_name)
        finally:
            line_rules.rules_off = set()
        q = quality(scorer, ids, off, truth)
        changed = sum(1 for i in ids if off[i] != base[i])
        lines.append(f"| {kind} | {changed} | {q['f1']:.4f} | {q['f1'] - q0['f1']:+.4f} | {q['without_leaked']:.3f} |")
    return "\n".join(lines)


STAGES = {  # function name in the profile -> stage
    "load_html": "parse (lxml, once)",
    "extract_metadata": "metadata",
    "_find_dek": "dek",
    "_prune_furniture": "furniture pruning",
    "_trafilatura_body": "trafilatura (fast, then fallbacks under 4,000 chars)",
    "_body_blocks": "XML -> blocks",
    "_filter_blocks": "line rules",
    "extract_text": "total",
}


def stages(scorer, set_name: str) -> str:
    """Cumulative seconds per stage of extract_text over a set, from cProfile (which slows Python code
    more than C code: read the shares, not the absolute seconds)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    ids, _, _ = newsum_outputs(scorer, set_name)
    profile.disable()
    seen: dict[str, float] = {}
    for (path, _line, name), row in pstats.Stats(profile).stats.items():
        if name in STAGES and ("summarizer" in path or "trafilatura" in path):
            if (name == "load_html" and "summarizer" in path) or (name == "extract_text" and "clean" not in path):
                continue  # a re-export or a wrapper of the same call: count it once
            seen[STAGES[name]] = seen.get(STAGES[name], 0.0) + row[3]
    total = seen.get("total", 1.0)
    lines = [f"### stages on {set_name} ({len(ids)} pages, under cProfile)", "", "| stage | seconds | share |", "|---|---|---|"]
    for stage in STAGES.values():
        if stage in seen:
            lines.append(f"| {stage} | {seen[stage]:.2f} | {seen[stage] / total:.0%} |")
    return "\n".join(lines)


def metadata_check(scorer) -> str:
    """finance-dev also labels title, author, date and language: how many does clean_html get right?"""
    from summarizer.clean import clean_html

    html_dir, gt = SETS["finance-dev"]
    labels = json.loads(gt.read_text("utf-8"))
    files = scorer.html_files(html_dir)
    fields = {"title": "title", "author": "author", "published": "datePublished", "language": "language"}
    right = dict.fromkeys(fields, 0)
    for page_id, label in labels.items():
        article = clean_html(scorer.decode(scorer.read_bytes(files[page_id])), url=label["url"])
        for ours, theirs in fields.items():
            right[ours] += getattr(article, ours) == label[theirs]
    return "metadata (clean_html, finance-dev): " + ", ".join(f"{k} {v}/{len(labels)}" for k, v in right.items())


def table(set_name: str, results: dict[str, dict]) -> str:
    lines = [f"### {set_name} ({next(iter(results.values()))['pages']} pages)", "",
             "| extractor | P | R | F1 | with kept | without leaked | empty | pages/s |", "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        w = f"{r['with_found']:.3f}" if "with_found" in r else "–"
        wo = f"{r['without_leaked']:.3f}" if "without_leaked" in r else "–"
        lines.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {w} | {wo} | {r.get('empty', '–')} "
                     f"| {r['pages_per_s']} |")
    return "\n".join(lines)


def gates(set_name: str, results: dict[str, dict]) -> list[tuple[str, bool]]:
    ours = results["newsum"]
    peers = {k: v for k, v in results.items() if k != "newsum"}
    out = []
    if set_name == "wcxb-dev":  # issue 12's "done when"
        peer = results["trafilatura (defaults)"]
        out.append((f"WCXB-dev F1 {ours['f1']:.3f} >= trafilatura defaults {peer['f1']:.3f} + 0.01", ours["f1"] >= peer["f1"] + 0.01))
        out.append((f"without leaked {ours['without_leaked']:.3f} < trafilatura defaults {peer['without_leaked']:.3f}",
                    ours["without_leaked"] < peer["without_leaked"]))
        out.append((f"empty {ours['empty']} <= trafilatura defaults {peer['empty']}", ours["empty"] <= peer["empty"]))
        out.append((f"speed {ours['pages_per_s']} >= 1.0 x trafilatura defaults {peer['pages_per_s']}",
                    ours["pages_per_s"] >= peer["pages_per_s"]))
    elif set_name == "zyte":
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
    ap.add_argument("--sets", default="zyte,finance-dev", help="comma-separated: zyte, finance-dev, wcxb-dev")
    ap.add_argument("--rounds", type=int, default=2, help="timing passes over each set")
    ap.add_argument("--only-newsum", action="store_true", help="skip the peers (quick check)")
    ap.add_argument("--write-baseline", action="store_true", help=f"record newsum's figures in {BASELINE.name}")
    ap.add_argument("--ablation", action="store_true", help="each rule kind off in turn (newsum only)")
    ap.add_argument("--stages", action="store_true", help="newsum's time per stage (cProfile)")
    args = ap.parse_args(argv)

    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    scorer = load_scorer()
    if args.ablation or args.stages:
        for set_name in args.sets.split(","):
            print(ablation(scorer, set_name.strip()) if args.ablation else stages(scorer, set_name.strip()), "\n")
        return 0
    names = ["newsum"] if args.only_newsum else list(EXTRACTORS)
    ok, baseline = True, {}
    for set_name in args.sets.split(","):
        results = run_set(scorer, set_name.strip(), args.rounds, names)
        print(table(set_name, results), "\n")
        if set_name.strip() == "finance-dev":
            print(metadata_check(scorer), "\n")
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
