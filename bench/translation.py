"""Translation quality: chrF and BLEU (sacrebleu) on the Tatoeba Danish-English dev pairs.

Runs the same code as `newsum translate --lines` (translate.translate_texts, in process) over an evenly
spaced subset of dev.multiref.jsonl, scoring against every reference the source gives.

    python bench/translation.py --direction da-en --limit 100
    python bench/translation.py --direction en-da            # all 1,279 pairs (slow: ~1 h on 2 cores)

Outputs are cached on disk (llmcache), so a rerun with the same prompt is fast; NEWSUM_NO_LLM_CACHE=1
measures generation afresh.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import sacrebleu

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "tatoeba-dan-eng" / "dev.multiref.jsonl"


TUNING_SUBSET = 100  # prompts and word lists were chosen on this evenly spaced subset (BENCHMARKS.md)


def evenly_spaced(rows: list, n: int) -> list:
    step = len(rows) / n
    return [rows[int(i * step)] for i in range(n)]


def load_pairs(path: Path, limit: int | None, heldout: bool = False) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if heldout:  # every pair outside the tuning subset: the honest figure for unseen sentences
        tuning = {id(r) for r in evenly_spaced(rows, TUNING_SUBSET)}
        rows = [r for r in rows if id(r) not in tuning]
    if limit and limit < len(rows):
        rows = evenly_spaced(rows, limit)  # the file is in alphabetical blocks
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--direction", choices=["da-en", "en-da"], default="da-en")
    ap.add_argument("--limit", type=int, default=None, help="evenly spaced subset of N pairs")
    ap.add_argument("--heldout", action="store_true",
                    help=f"only pairs outside the {TUNING_SUBSET}-pair tuning subset (--limit then spaces over those)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default=None, help="model spec (default: the default model)")
    ap.add_argument("--show", type=int, default=0, help="print the first N translations")
    ap.add_argument("--retrieved", type=int, default=None,
                    help="retrieved example pairs per prompt (default: translate.RETRIEVED_PER_PROMPT)")
    ap.add_argument("--word-hints", choices=["on", "off"], default=None,
                    help="word-list hint turn (default: translate.WORD_HINTS_PER_PROMPT)")
    ap.add_argument("--out", type=Path, default=None, help="write hypotheses (one a line) here")
    args = ap.parse_args()

    sys.path.insert(0, str(REPO))
    from summarizer.models import load_model
    from summarizer.pipeline import TRANSLATE_BATCH
    from summarizer.summary.translate import translate_texts

    word_hints = None if args.word_hints is None else args.word_hints == "on"

    src, tgt = args.direction.split("-")
    rows = load_pairs(args.data, args.limit, heldout=args.heldout)
    sources = [r[src] for r in rows]
    refs = [r.get(f"{tgt}_refs") or [r[tgt]] for r in rows]
    model = load_model(args.model)
    started = time.perf_counter()
    hyps, flagged = [], 0
    for start in range(0, len(sources), TRANSLATE_BATCH):  # as `newsum translate --lines` hands them over
        batch = sources[start:start + TRANSLATE_BATCH]
        for i, t in enumerate(translate_texts(batch, model, src, tgt, retrieved=args.retrieved, hint_words=word_hints), start):
            hyps.append(t.text)
            flagged += bool(t.issues)
            if i < args.show:
                print(f"{t.source}\n  -> {t.text}\n  ref {refs[i][0]}", file=sys.stderr)
    seconds = time.perf_counter() - started
    width = max(len(r) for r in refs)
    ref_streams = [[r[k] if k < len(r) else r[0] for r in refs] for k in range(width)]
    # Pad missing references with the first one: sacrebleu needs equal-length streams.
    chrf = sacrebleu.corpus_chrf(hyps, ref_streams)
    bleu = sacrebleu.corpus_bleu(hyps, ref_streams, tokenize="13a")
    if args.out:
        args.out.write_text("\n".join(hyps) + "\n", encoding="utf-8")
    print(f"{args.direction}{' heldout' if args.heldout else ''} n={len(rows)} model={model.name} chrF={chrf.score / 100:.3f} BLEU={bleu.score:.1f} "
          f"flagged={flagged} seconds={seconds:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
