"""Bilingual summaries over the bundled samples and the finance dev pages: speed and groundedness.

For each page: load_article (fetch + clean), then summarize with the default model; reports seconds
per bilingual summary (model already loaded, no output cache), generated tokens/s, whether both
languages are present, and whether the summary is grounded or flagged (never silently wrong). Fluency
proxies (no reference summaries exist): each block's language as detected, and its known-word rate, the
share of its words that wordfreq lists for that language (words found in the article, names mostly, are
left out): "declineringen" or "performansen" are not Danish words. Needs `pip install -e '.[bench]'`.

    python bench/summaries.py                        # samples/*.html and finance-dev
    python bench/summaries.py --pages samples/oeu-zerohedge-smallcap.html --show
    python bench/summaries.py --score before.json after.json   # outputs of two runs, scored alike

--score reads the --json files of earlier runs (of any checkout) and scores their blocks with this
checkout's checks: the headline's figures present in each block; the words of the translated block that
are neither in the hunspell dictionary of its language nor in the article (plain hunspell, without
newsum's compound and loanword additions); sentences the meaning checks flag (`newsum verify`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FINANCE_DEV = REPO.parent / "shared" / "bench" / "finance-dev" / "html"


class CountingModel:
    """Wraps a chat model and adds up what it generated (for tokens/s)."""

    def __init__(self, model) -> None:
        self.model, self.name, self.kind = model, model.name, model.kind
        self.completion_tokens = self.prompt_tokens = 0
        self.seconds = 0.0

    def chat(self, messages, **kw):
        return self._count([self.model.chat(messages, **kw)])[0]

    def chat_many(self, conversations, **kw):
        return self._count(self.model.chat_many(conversations, **kw))

    def _count(self, gens):
        for gen in gens:
            self.completion_tokens += gen.completion_tokens
            self.prompt_tokens += gen.prompt_tokens
            self.seconds += gen.seconds
        return gens

    def __getattr__(self, name):  # remember_prefix, count_tokens, ...: the wrapped model's
        return getattr(self.model, name)


def known_word_rate(text: str, language: str, article: str) -> float:
    """Share of text's words (not in the article) that wordfreq knows in language; 1.0 when none are left."""
    import re

    from wordfreq import zipf_frequency

    in_article = {w.lower() for w in re.findall(r"[^\W\d_]+", article)}
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in in_article]
    if not words:
        return 1.0
    return round(sum(zipf_frequency(w, language) > 0 for w in words) / len(words), 3)


def _page_path(name: str) -> Path:
    for folder in (REPO / "samples", FINANCE_DEV, FINANCE_DEV.parent.parent / "zyte" / "html"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


def hunspell_unknown(text: str, language: str, article_text: str) -> tuple[int, int]:
    """(words of text in neither the plain hunspell dictionary nor the article, words)."""
    import re

    from summarizer.summary import dictionary

    in_article = {w.lower() for w in re.findall(r"[^\W\d_]+", article_text)}
    # "pct." and "mia." are in the Danish dictionary with their period: look a word up with it when it has one
    words = [w for w in re.findall(r"[^\W\d_]+\.?", text) if len(w.rstrip(".")) > 2
             and not (w.rstrip(".").isupper() and len(w.rstrip(".")) <= 6)]
    unknown = [w for w in words if w.rstrip(".").lower() not in in_article
               and not dictionary._lookup(w.rstrip("."), language)
               and not (w.endswith(".") and dictionary._lookup(w, language))]
    return len(unknown), len(words)


def score(paths: list[Path]) -> int:
    import re

    sys.path.insert(0, str(REPO))
    from summarizer.pipeline import load_article
    from summarizer.summary import verify
    from summarizer.summary.write import UNTRANSLATED_NOTE, Checker

    for path in paths:
        rows = [r for r in json.loads(path.read_text(encoding="utf-8")) if "error" not in r]
        headline = blocks = unknown = words = flagged = sentences = 0
        translated_unknown = translated_words = 0
        seconds = []
        for r in rows:
            article = load_article(str(_page_path(r["page"])))
            check = Checker(article, None)
            other = "da" if r["language"] == "en" else "en"
            seconds.append(r["seconds"])
            for lang in ("en", "da"):
                text = re.sub(r"^\[[^\]]*\]\s*", "", r[lang])  # newsum's own note before a fallback block
                blocks += 1
                headline += not check.missing_headline(text)
                if not text or r[lang].startswith(UNTRANSLATED_NOTE[lang]):
                    continue
                v = verify(article, text, lang)
                sentences += len(v.sentences)
                flagged += sum(bool(s.problems) for s in v.sentences)
                if lang == other:
                    u, n = hunspell_unknown(text, lang, article.text)
                    translated_unknown += u
                    translated_words += n
                    if lang == "da":
                        unknown, words = unknown + u, words + n
        print(f"{path}: pages={len(rows)} headline_figures_in_block={headline}/{blocks} "
              f"danish_blocks_of_english_articles_unknown_words={unknown}/{words}={unknown / max(words, 1):.3f} "
              f"translated_blocks_unknown_words={translated_unknown}/{translated_words}="
              f"{translated_unknown / max(translated_words, 1):.3f} "
              f"sentences_flagged_by_verify={flagged}/{sentences} "
              f"grounded={sum(r['grounded'] for r in rows)}/{len(rows)} "
              f"median_s={sorted(seconds)[len(seconds) // 2] if seconds else 0}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--score", nargs="+", type=Path, help="score the --json outputs of earlier runs")
    ap.add_argument("--pages", nargs="*", type=Path, help="pages to summarize (default: samples + finance-dev)")
    ap.add_argument("--length", default="short")
    ap.add_argument("--show", action="store_true", help="print each summary")
    ap.add_argument("--cache", action="store_true", help="keep the model-output cache on (default: off)")
    ap.add_argument("--json", type=Path, help="write per-page results here")
    ap.add_argument("--other", choices=["direct", "translate"], default=None,
                    help="how the other language is written (default: summarize.OTHER_LANGUAGE)")
    ap.add_argument("--no-kv-files", action="store_true",
                    help="do not load or save prompt openings' KV caches (models/kv_files.py): a first run")
    ap.add_argument("--no-draft", action="store_true",
                    help="plain greedy steps, no prompt-lookup drafting (models/llama_batch.py): its effect")
    args = ap.parse_args()
    if args.score:
        return score(args.score)
    if not args.cache:
        os.environ["NEWSUM_NO_LLM_CACHE"] = "1"
    if args.no_kv_files:
        os.environ["NEWSUM_NO_KV_FILES"] = "1"

    sys.path.insert(0, str(REPO))
    from summarizer.facts import find_facts
    from summarizer.facts.key_facts import find_key_facts
    from summarizer.language import detect
    from summarizer.models import load_model
    from summarizer.pipeline import load_article
    from summarizer.summary.write import OTHER_LANGUAGE, summarize

    pages = args.pages or sorted((REPO / "samples").glob("*.html")) + sorted(FINANCE_DEV.glob("*.html"))
    started = time.perf_counter()
    model = CountingModel(load_model(None, config={"draft_tokens": 0} if args.no_draft else None))
    print(f"model {model.name} loaded in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    rows = []
    for page in pages:
        try:
            article = load_article(str(page))
        except Exception as exc:  # a page the cleaner rejects is reported, not fatal
            rows.append({"page": page.name, "error": f"{type(exc).__name__}: {exc}"})
            print(f"{page.name}: {rows[-1]['error']}", file=sys.stderr)
            continue
        # as the pipeline does: facts and key facts first (no model), so a failed translation shows key figures
        facts = find_facts(article.text)
        key_facts = find_key_facts(article.text, article.title, facts.claims, facts.tickers)
        tokens_before, gen_before = model.completion_tokens, model.seconds
        t0 = time.perf_counter()
        s = summarize(article, model, facts=facts, length=args.length, other_language=args.other or OTHER_LANGUAGE,
                      key_facts=key_facts)
        seconds = time.perf_counter() - t0
        tokens = model.completion_tokens - tokens_before
        row = {
            "page": page.name, "language": s.source_language, "seconds": round(seconds, 1),
            "tokens": tokens, "tokens_per_s": round(tokens / max(model.seconds - gen_before, 1e-9), 1),
            "both": bool(s.en.strip() and s.da.strip()), "grounded": s.grounded,
            "flagged": bool(s.grounding_issues), "issues": s.grounding_issues, "en": s.en, "da": s.da,
            "lang_ok": detect(s.en) == "en" and detect(s.da) == "da",
            "known_en": known_word_rate(s.en, "en", article.text), "known_da": known_word_rate(s.da, "da", article.text),
        }
        rows.append(row)
        print(f"{page.name}: {s.source_language} {seconds:.1f}s {tokens} tok grounded={s.grounded} "
              f"issues={len(s.grounding_issues)}", file=sys.stderr)
        if args.show:
            print(f"  EN: {s.en}\n  DA: {s.da}\n  issues: {s.grounding_issues}", file=sys.stderr)
    done = [r for r in rows if "error" not in r]
    n = len(done) or 1
    print(f"pages={len(rows)} summarized={len(done)} both_languages={sum(r['both'] for r in done) / n:.0%} "
          f"grounded={sum(r['grounded'] for r in done) / n:.0%} "
          f"grounded_or_flagged={sum(r['grounded'] or r['flagged'] for r in done) / n:.0%} "
          f"languages_detected_right={sum(r['lang_ok'] for r in done) / n:.0%} "
          f"known_words_en={sum(r['known_en'] for r in done) / n:.3f} known_words_da={sum(r['known_da'] for r in done) / n:.3f} "
          f"median_s={sorted(r['seconds'] for r in done)[len(done) // 2] if done else 0} "
          f"tokens_per_s={sum(r['tokens'] for r in done) / max(model.seconds, 1e-9):.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
