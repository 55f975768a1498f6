"""Digest throughput: a 30-article `newsum digest` run (3 local feeds x 10 real articles) with the
default model, and where the time goes (fetch, clean, tickers+claims, model).

    python bench/digest.py                     # the full figure: 3 feeds x 10 articles, default model
    python bench/digest.py --no-summary        # the same run without the model (fetch/clean/tickers)
    python bench/digest.py --stop-after 60     # stop after 60 min; report the articles finished by then
    python bench/digest.py --per-feed 2        # a quick check while developing
    python bench/digest.py --model-concurrency 1   # one article at a time in the model (default: the digest's)

Serves tests/digest_site.py's news web on 127.0.0.1 (no network), with host_delay = 0: the
politeness pause between two requests to one host would otherwise dominate a local run. Fetching
runs in threads while the model works, so the stage times are sums of per-article seconds, not
shares of the wall clock. Articles per minute count committed articles over the wall time up to
the last commit. A second run over the unchanged feeds is timed too (all 304s) when the first ran
to the end.
"""

from __future__ import annotations

import _thread
import argparse
import io
import json
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
os.environ["NEWSUM_NO_LLM_CACHE"] = "1"  # measure generation, not the on-disk cache of earlier runs

from conftest import LocalServer
from digest_site import DigestSite

from summarizer import models, pipeline
from summarizer.clean import cleaner as clean
from summarizer.cli import TerminalProgress
from summarizer.digest import run as digest
from summarizer.digest.store import Store
from summarizer.fetch import source as fetch
from summarizer.summary import write as summarize

SECONDS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
COMMITS: list[float] = []
TOKENS: dict[str, int] = defaultdict(int)  # in-process llama.cpp only: what the decoder read and wrote
_lock = threading.Lock()


def timed(stage: str, fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            with _lock:
                SECONDS[stage] += time.perf_counter() - start
                CALLS[stage] += 1

    return wrapper


def instrument() -> None:
    """Time the stages where the single-article pipeline calls them (module attributes)."""
    # pipeline.load_article imports them from the stage packages when it runs: patch both names
    import summarizer.clean
    import summarizer.fetch

    fetch.read_source = summarizer.fetch.read_source = timed("fetch", fetch.read_source)
    clean.clean = summarizer.clean.clean = timed("clean", clean.clean)
    summarize.summarize = timed("model (summary)", summarize.summarize)
    models.load_model = timed("model load", models.load_model)
    from summarizer.models.llama_batch import BatchDecoder

    generate = BatchDecoder.generate

    def counted_generate(self, prompts, **kwargs):
        outs = generate(self, prompts, **kwargs)
        with _lock:
            TOKENS["prompt"] += sum(o.prompt_tokens for o in outs)
            TOKENS["prompt read"] += sum(o.evaluated_prompt_tokens for o in outs)  # the rest was cached
            TOKENS["generated"] += sum(len(o.tokens) for o in outs)
        return outs

    BatchDecoder.generate = counted_generate
    save = Store.save_result

    def save_result(self, *args, **kwargs):
        save(self, *args, **kwargs)
        COMMITS.append(time.perf_counter())

    Store.save_result = save_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-feed", type=int, default=10, help="articles per feed (3 feeds)")
    parser.add_argument("--model", default=None, help="model spec (default: the default model)")
    parser.add_argument("--no-summary", action="store_true", help="tickers and claims only, no model")
    parser.add_argument("--stop-after", type=float, default=None, help="minutes; then report what finished")
    parser.add_argument("--model-concurrency", type=int, default=None,
                        help="articles in the model at once (config key model_concurrency; default: the digest's own)")
    parser.add_argument("--json", type=Path, default=None, help="default: bench/out/digest[-no-summary].json")
    args = parser.parse_args()
    instrument()
    analyse = (lambda article: pipeline.analyse(article, summarize=False)) if args.no_summary else None
    if args.stop_after:
        timer = threading.Timer(args.stop_after * 60, _thread.interrupt_main)
        timer.daemon = True
        timer.start()

    server = LocalServer()
    stopped = False
    again = None
    try:
        site = DigestSite(server, per_feed=args.per_feed)
        with tempfile.TemporaryDirectory() as tmp:
            config = site.write_config(Path(tmp) / "config.toml", concurrency=4)
            if args.model_concurrency:  # a top-level key: before the [digest] table
                config.write_text(f"model_concurrency = {args.model_concurrency}\n" + config.read_text())
            used_concurrency = model_concurrency(config, args.model)
            options = dict(config_path=config, since="all", out=None, formats=None, group_by=None,
                           dry_run=False, model_spec=args.model, analyse=analyse)
            start = time.perf_counter()
            try:
                digest.run_from_config(**options, progress=TerminalProgress(sys.stderr))
            except KeyboardInterrupt:
                stopped = True
            except digest.DigestError as exc:
                print(f"digest: {exc}", file=sys.stderr)
            with Store(Path(tmp) / "state.sqlite3") as store:
                rows = list(store.iter_results())
            analyse_seconds = sum(json.loads(r["timings"])["analyse"] for r in rows)
            if not stopped:
                second = time.perf_counter()
                again = digest.run_from_config(**options, progress=TerminalProgress(io.StringIO()))
                second_wall = time.perf_counter() - second
    finally:
        server.close()

    n = len(rows)
    wall = (COMMITS[-1] - start) if COMMITS else float("nan")
    # Pages are all fetched and cleaned up front; the model stage counts committed articles only
    # (from their reports), so a run stopped mid-article does not charge that article's model time.
    summary_seconds = _summary_timings(rows).get("total", 0.0)
    stages = {
        "fetch": SECONDS["fetch"],
        "clean": SECONDS["clean"],
        "tickers+claims": analyse_seconds - summary_seconds - SECONDS["model load"],
        "model (summary)": summary_seconds,
        "model load": SECONDS["model load"],
    }
    total = sum(stages.values())
    result = {
        "articles": n, "of": 3 * args.per_feed, "stopped_early": stopped, "no_summary": args.no_summary,
        "wall_seconds_to_last_commit": round(wall, 1),
        "articles_per_minute": round(n / wall * 60, 3),
        "pages_fetched": CALLS["fetch"],
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "stage_share": {k: round(v / total, 4) for k, v in stages.items()},
        "summary_stage_seconds": _summary_timings(rows),
        "other_block": _other_block_outcomes(rows),
        "model_concurrency": used_concurrency,
        "model_calls_merged": _merged(),
        "tokens": dict(TOKENS),
        "tokens_per_article": {k: round(v / max(n, 1)) for k, v in TOKENS.items()},
    }
    if again is not None:
        result["second_run"] = {"processed": again.processed, "wall_seconds": round(second_wall, 2),
                                "feeds_not_modified": sum(r.status == "not_modified" for r in again.feeds)}
    out = args.json or REPO / f"bench/out/digest{'-no-summary' if args.no_summary else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{n} of {3 * args.per_feed} articles in {wall:.1f} s: {result['articles_per_minute']} articles/min"
          + (" (stopped early)" if stopped else ""))
    print(f"{CALLS['fetch']} pages fetched and cleaned, {n} articles analysed, "
          f"model_concurrency {result['model_concurrency']}, model calls/decodes {result['model_calls_merged']}")
    print("| stage | seconds (sum over articles) | share |\n|---|---|---|")
    for k, v in stages.items():
        print(f"| {k} | {v:.1f} | {v / total:.1%} |")
    print("other language's block: " + ", ".join(f"{k} {v}" for k, v in result["other_block"].items()))
    if TOKENS:
        print("tokens per article: " + ", ".join(f"{k} {v}" for k, v in result["tokens_per_article"].items()))
    if again is not None:
        print(f"second run: {again.processed} processed, {result['second_run']['feeds_not_modified']}/3 feeds 304, "
              f"{second_wall:.2f} s")
    print(f"written to {out}")


def model_concurrency(config: Path, model_spec: str | None) -> int:
    """What the digest will use: the config's key, else its default for this model."""
    from summarizer.digest.options import load_options
    from summarizer.settings import load_config

    return load_options(load_config(config), config_path=config, model=model_spec).model_concurrency


def _merged() -> dict[str, int]:
    """Model calls and the decodes they took (models/gather.py): fewer decodes than calls = merged."""
    gathers = [m._gather for m in models.loaded_models() if getattr(m, "_gather", None) is not None]
    return {"calls": sum(g.calls for g in gathers), "decodes": sum(g.turns for g in gathers)}


# How the other language's block was made, read from the issues summarize() records (summary/write.py's
# wording): the first that matches names the article's path.
OUTCOMES = [
    ("key figures", "showing the article's key figures instead"),
    ("untranslated", "summary untranslated"),
    ("translated, key figures added", "of the article's key figures the translation left out"),
    ("translated, sentences left out", "their translation failed the check"),
]


def _other_block_outcomes(rows) -> dict[str, int]:
    """Articles per way the other language's block was made (the summary translated whole is the rest)."""
    counts: dict[str, int] = {name: 0 for name, _ in OUTCOMES}
    counts["summary translated"] = 0
    for r in rows:
        issues = " | ".join(json.loads(r["report"]).get("grounding_issues") or [])
        name = next((n for n, phrase in OUTCOMES if phrase in issues), "summary translated")
        counts[name] += 1
    return counts


def _summary_timings(rows) -> dict[str, float]:
    """The summarizer's own split (selection, summary, translation), summed over articles."""
    totals: dict[str, float] = defaultdict(float)
    for r in rows:
        for k, v in (json.loads(r["report"]).get("timings") or {}).items():
            totals[k] += v
    return {k: round(v, 1) for k, v in totals.items()}


if __name__ == "__main__":
    main()
