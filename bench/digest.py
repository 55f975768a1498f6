"""Digest throughput: a 30-article `newsum digest` run (3 local feeds x 10 real articles) with the
default model, and where the time goes (fetch, clean, tickers+claims, model).

    python bench/digest.py                 # the full figure: 3 feeds x 10 articles, default model
    python bench/digest.py --per-feed 2    # a quick check while developing

Serves tests/digest_site.py's news web on 127.0.0.1 (no network), with host_delay = 0: the
politeness pause between two requests to one host would otherwise dominate a local run. Fetching
runs in threads while the model works, so the stage times are sums of per-article seconds, not
shares of the wall clock. A second run over the unchanged feeds is timed too (all 304s).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import LocalServer  # noqa: E402
from digest_site import DigestSite  # noqa: E402

from summarizer import clean, digest, fetch, models, summarize  # noqa: E402
from summarizer.store import Store  # noqa: E402

SECONDS: dict[str, float] = defaultdict(float)
_lock = threading.Lock()


def timed(stage: str, fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            with _lock:
                SECONDS[stage] += time.perf_counter() - start

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-feed", type=int, default=10, help="articles per feed (3 feeds)")
    parser.add_argument("--model", default=None, help="model spec (default: the default model)")
    parser.add_argument("--json", type=Path, default=REPO / "bench/out/digest.json")
    args = parser.parse_args()

    # Instrument the stages where the single-article pipeline calls them (module attributes).
    fetch.read_source = timed("fetch", fetch.read_source)
    clean.clean = timed("clean", clean.clean)
    summarize.summarize = timed("model (summary)", summarize.summarize)
    models.load_model = timed("model load", models.load_model)

    server = LocalServer()
    try:
        site = DigestSite(server, per_feed=args.per_feed)
        with tempfile.TemporaryDirectory() as tmp:
            config = site.write_config(Path(tmp) / "config.toml", concurrency=4)
            start = time.perf_counter()
            outcome = digest.run_digest_command(config_path=config, since="all", out=None, formats=None,
                                                group_by=None, dry_run=False, model_spec=args.model,
                                                progress=digest.Progress(sys.stderr))
            wall = time.perf_counter() - start
            with Store(Path(tmp) / "state.sqlite3") as store:
                analyse = sum(json.loads(r["timings"])["analyse"] for r in store.iter_results())
            start = time.perf_counter()
            again = digest.run_digest_command(config_path=config, since="all", out=None, formats=None,
                                              group_by=None, dry_run=False, model_spec=args.model,
                                              progress=digest.Progress(io.StringIO()))
            second_wall = time.perf_counter() - start
    finally:
        server.close()

    n = outcome.processed
    stages = {
        "fetch": SECONDS["fetch"],
        "clean": SECONDS["clean"],
        "tickers+claims": analyse - SECONDS["model (summary)"],
        "model (summary)": SECONDS["model (summary)"],
    }
    total = sum(stages.values())
    result = {
        "articles": n, "failures": len(outcome.failures), "wall_seconds": round(wall, 1),
        "articles_per_minute": round(n / wall * 60, 2),
        "articles_per_minute_after_model_load": round(n / (wall - SECONDS["model load"]) * 60, 2),
        "model_load_seconds": round(SECONDS["model load"], 1),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "stage_share": {k: round(v / total, 3) for k, v in stages.items()},
        "second_run": {"processed": again.processed, "wall_seconds": round(second_wall, 2),
                       "feeds_not_modified": sum(r.status == "not_modified" for r in again.feeds)},
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{n} articles in {wall:.1f} s: {result['articles_per_minute']} articles/min "
          f"({result['articles_per_minute_after_model_load']} after the {SECONDS['model load']:.1f} s model load)")
    print("| stage | seconds (sum over articles) | share |\n|---|---|---|")
    for k, v in stages.items():
        print(f"| {k} | {v:.1f} | {v / total:.0%} |")
    print(f"second run: {again.processed} processed, {result['second_run']['feeds_not_modified']}/3 feeds 304, "
          f"{second_wall:.2f} s")
    if outcome.failures:
        print("failures:", *(f"{f.what}: {f.error}" for f in outcome.failures), sep="\n  ")


if __name__ == "__main__":
    main()
