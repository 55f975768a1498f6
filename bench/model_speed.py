"""Speed and memory of a model through newsum's own loader: cold start, load, prompt and generation speed, RSS.

    python bench/model_speed.py                       # the default model, all cores
    python bench/model_speed.py --threads 1 --model some.gguf --runs 3

Each run is a fresh child process (so the OS page cache is warm after the first run, as it is for a
user's second `newsum`, but nothing is loaded in-process). The parent measures cold start: from
spawning `python` to the child's first generated token (imports + join check + load + prompt + 1 token).
The child measures, in order: load_model seconds (and the llama.cpp load alone), prompt evaluation
tokens/s on the ØU sample's text (about 1,000 tokens, like a summary prompt), the same long prompt again
with a new question (shared-prefix reuse), two half-article prompts alternating twice (llama_batch.py keeps
both cached), generation tokens/s over --gen-tokens greedy tokens (plain steps: no prompt-lookup drafting),
the same for 4 sequences decoded side by side (chat_many; total tokens/s), and its peak RSS (getrusage
ru_maxrss, which counts the mmapped weights it touched). Saved prompt openings (kv_files.py) are not used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO.parent / "shared" / "seed" / "oeu-zerohedge-smallcap.txt"
FALLBACK = REPO / "samples" / "oeu-zerohedge-smallcap.txt"


def child(args: argparse.Namespace) -> None:
    t_start = float(os.environ["NEWSUM_BENCH_T0"])
    sys.path.insert(0, str(REPO))
    from summarizer.models import load_model

    # draft_tokens 0: the plain speed of a step (prompt-lookup drafting would guess the counted numbers)
    config = {"threads": args.threads, "draft_tokens": 0} if args.threads else {"draft_tokens": 0}
    if args.n_ctx:
        config["n_ctx"] = args.n_ctx
    t0 = time.perf_counter()
    model = load_model(args.model, config=config)
    load_s = time.perf_counter() - t0
    first = model.chat([{"role": "user", "content": "Say hi."}], max_tokens=1)
    print(json.dumps({"first_token_at": time.time() - t_start}), flush=True)

    text_path = ARTICLE if ARTICLE.exists() else FALLBACK
    article = " ".join(text_path.read_text(encoding="utf-8").split())
    question = "Summarize this article in three sentences."
    long_prompt = [{"role": "user", "content": f"{article}\n\n{question}"}]
    prompt_eval = model.chat(long_prompt, max_tokens=1)
    reuse = model.chat([{"role": "user", "content": f"{article}\n\nWhich index is named first?"}], max_tokens=1)
    # Two prompts alternating (as summary and translation prompts do): llama-cpp-python's own cache kept
    # only the last prompt, so each call read its whole prefix again.
    half = len(article) // 2
    alternating = [model.chat([{"role": "system", "content": part}, {"role": "user", "content": q}], max_tokens=1)
                   for part, q in ((article[:half], "q1"), (article[half:], "q2"),
                                   (article[:half], "q3"), (article[half:], "q4"))]
    count = "Count from {} to 500, separated by commas, and nothing else."
    gen = model.chat([{"role": "user", "content": count.format(1)}], max_tokens=args.gen_tokens)
    started = time.perf_counter()
    side_by_side = model.chat_many([[{"role": "user", "content": count.format(n)}] for n in (2, 3, 4, 5)],
                                   max_tokens=args.gen_tokens // 2)
    side_by_side_s = time.perf_counter() - started
    print(json.dumps({
        "model": model.name,
        "threads": getattr(model, "threads", None),
        "n_ctx": getattr(model, "n_ctx", None),
        "load_model_s": load_s,
        "backend_load_s": getattr(model, "load_seconds", load_s),
        "first_call_s": first.seconds,
        "prompt_tokens": prompt_eval.prompt_tokens,
        "prompt_tok_s": prompt_eval.prompt_tokens / prompt_eval.seconds,
        "shared_prefix_s": reuse.seconds,
        "prompt_s": prompt_eval.seconds,
        "alternate_first_s": (alternating[0].seconds + alternating[1].seconds) / 2,
        "alternate_repeat_s": (alternating[2].seconds + alternating[3].seconds) / 2,
        "gen_tokens": gen.completion_tokens,
        "gen_tok_s": gen.completion_tokens / gen.seconds,
        "side_by_side_tok_s": sum(g.completion_tokens for g in side_by_side) / side_by_side_s,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }), flush=True)


def run_once(argv: list[str]) -> dict:
    t0 = time.time()
    env = {**os.environ, "NEWSUM_BENCH_T0": repr(t0), "NEWSUM_NO_KV_FILES": "1"}
    proc = subprocess.Popen([sys.executable, __file__, "--child", *argv], stdout=subprocess.PIPE, text=True, env=env)
    first_line = proc.stdout.readline()
    cold = time.time() - t0
    rest = proc.stdout.read()
    if proc.wait() != 0 or not first_line:
        raise SystemExit(f"child failed (exit {proc.returncode})")
    result = json.loads(rest.strip().splitlines()[-1])
    result["cold_start_s"] = cold
    result["first_token_child_s"] = json.loads(first_line)["first_token_at"]
    return result


ROWS = [
    ("cold start: process start -> first token (s)", "cold_start_s", "{:.2f}"),
    ("load_model() incl. join check (s)", "load_model_s", "{:.2f}"),
    ("llama.cpp / transformers load alone (s)", "backend_load_s", "{:.2f}"),
    ("prompt eval, ØU article + question (tokens)", "prompt_tokens", "{:.0f}"),
    ("prompt eval speed (tokens/s)", "prompt_tok_s", "{:.1f}"),
    ("same article, new question (s)", "shared_prefix_s", "{:.2f}"),
    ("two alternating prompts, first call each (s)", "alternate_first_s", "{:.2f}"),
    ("two alternating prompts, repeat call each (s)", "alternate_repeat_s", "{:.2f}"),
    ("generation speed (tokens/s)", "gen_tok_s", "{:.1f}"),
    ("generated tokens per run", "gen_tokens", "{:.0f}"),
    ("4 sequences side by side, tokens/s in all (incl. their prompts)", "side_by_side_tok_s", "{:.1f}"),
    ("peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="spec as for --model (default: the default preset)")
    ap.add_argument("--threads", type=int, default=0, help="llama.cpp threads (default: all cores)")
    ap.add_argument("--n-ctx", type=int, default=0)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    argv = [f"--threads={args.threads}", f"--n-ctx={args.n_ctx}", f"--gen-tokens={args.gen_tokens}"]
    argv += [f"--model={args.model}"] if args.model else []
    results = [run_once(argv) for _ in range(args.runs)]
    r0 = results[0]
    print(f"model {r0['model']}, threads {r0['threads']}, n_ctx {r0['n_ctx']}, {args.runs} runs, "
          f"OMP_WAIT_POLICY {r0['omp_wait_policy']}, load average {os.getloadavg()[0]:.2f}")
    print("| measure | median | min | max |")
    print("| --- | ---: | ---: | ---: |")
    for label, key, fmt in ROWS:
        values = [r[key] for r in results]
        print(f"| {label} | {fmt.format(statistics.median(values))} | {fmt.format(min(values))} | {fmt.format(max(values))} |")


if __name__ == "__main__":
    main()
