"""The bilingual summary: select key sentences, let the model summarize, translate, check, fall back.

1. select: the article's key sentences (select.py), within the model's context budget;
2. the model writes the summary in the article's language (prompts/summarize.<lang>.vN.txt);
3. grounding.check: every number, date, weekday and name must be in the article, and the block must
   be in its language; on failure one retry, a follow-up turn naming what failed
   (prompts/summarize-retry.<lang>), then the extractive fallback: the top selected sentences themselves,
   trimmed to the length;
4. the other language by translating that summary sentence by sentence (translate.py; the sentences are
   decoded side by side), each checked the same way; sentences that fail are left out (flagged); if none
   passes, the block shows the article's key figures (right in both languages by construction), or when
   it has none the untranslated summary with a visible note (or, with other_language="direct", first as
   the next turn of the summary's conversation);
5. any fallback sets grounded=False and records why in grounding_issues: never silent.

Length is enforced by trimming whole sentences. All model calls go through the on-disk cache.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from summarizer.errors import ModelError, UsageError
from summarizer.facts.quantities import Quantity, find_quantities, same_quantity
from summarizer.facts.tickers import find_tickers
from summarizer.language import detect, summary_language
from summarizer.models.base import Model
from summarizer.models.cache import LLMCache, cached_chat
from summarizer.resources import load_prompt
from summarizer.summary import check as grounding
from summarizer.summary import dictionary
from summarizer.summary.article_index import ArticleIndex
from summarizer.summary.key_sentences import Sentence, select_sentences, split_sentences
from summarizer.summary.meaning import lost_names, meaning_problems, repair_grammar
from summarizer.summary.translate import resolve_alternatives, translate_texts
from summarizer.values import Article, Facts, KeyFact, Summary


@dataclass(frozen=True)
class Length:
    max_sentences: int
    max_words: int  # enforced by trim()
    max_tokens: int  # generation budget: tight, it is most of the time spent
    # Words the prompt asks for: below max_words because the model overshoots what it is asked, and on
    # 2 CPU cores every generated token costs ~0.1 s, twice over (both languages).
    prompt_words: int


LENGTHS = {"short": Length(3, 60, 80, 40), "medium": Length(5, 120, 180, 100)}
# Tokens per word of this model's tokenizer, relative to English: a Danish summary needs ~1.5x the budget.
TOKEN_RATIO = {"en": 1.0, "da": 1.5}
KEY_FACTS_NOTE = {
    "da": "[Nøgletal i stedet for en oversættelse, som ikke bestod kontrollen:]",
    "en": "[Key figures instead of a translation that failed the check:]",
}
KEY_FACTS_ADDED_NOTE = {
    "da": "[Nøgletal, som oversættelsen udelod:]",
    "en": "[Key figures the translation left out:]",
}
UNTRANSLATED_NOTE = {
    "da": "[Ikke oversat: oversættelsen kunne ikke kontrolleres mod artiklen.]",
    "en": "[Not translated: the translation could not be checked against the article.]",
}
# How the other language's block is written: "direct" (a follow-up turn in the summary's conversation)
# or "translate" (translate.py's prompt on the finished summary). See BENCHMARKS.md "Summaries".
OTHER_LANGUAGE = "translate"
# Retrieved translation-memory pairs per prompt when a summary is translated sentence by sentence (by
# target language): fewer than for Tatoeba lines, because every pair is prompt the model must read first.
SENTENCE_EXAMPLES = {"da": 0, "en": 0}
CONTEXT_CHARS = 1200


def trim(text: str, language: str, length: Length) -> str:
    """At most max_sentences whole sentences and about max_words words (the first sentence always stays)."""
    kept: list[str] = []
    words = 0
    sentences = split_sentences(text.replace("\n", " "), language)
    if len(sentences) > 1 and not re.search(r"[.!?…\"”')]$", sentences[-1]):
        sentences = sentences[:-1]  # cut off by max_tokens mid-sentence
    for s in sentences:
        n = len(s.split())
        if kept and (len(kept) >= length.max_sentences or words + n > length.max_words * 1.15):
            break
        kept.append(s)
        words += n
    return " ".join(kept).strip()


def extractive(selected: list[Sentence], language: str, length: Length) -> str:
    """The best selected sentences, in article order, trimmed: faithful by construction."""
    # The lead (news puts the point first), then greedy by score per word: a long sentence must earn its place.
    if not selected:
        return ""
    top = min(selected, key=lambda s: s.position)
    chosen: list[Sentence] = [top]
    words = len(top.text.split())
    rest = [s for s in selected if s is not top]
    for s in sorted(rest, key=lambda s: -s.score / max(len(s.text.split()), 8) ** 0.5):
        n = len(s.text.split())
        if len(chosen) < length.max_sentences and words + n <= length.max_words * 1.15:
            chosen.append(s)
            words += n
    ordered = " ".join(s.text for s in sorted(chosen, key=lambda s: s.position))
    return trim(ordered, language, length)


LANGUAGE_NAMES = {"da": "Danish", "en": "English"}


def language_issues(text: str, language: str) -> list[str]:
    """A block that is not in its language is a failed check too: the small model sometimes answers a
    "write it in Danish" turn in English (seen on the ØU sample)."""

    found = detect(text)
    if found is None or found == language:
        return []
    # Language detection is unsure of short texts ("Carlsberg did not change its outlook" reads as Dutch):
    # a third language is believed only when most words are not in the block's dictionary either.
    if found not in LANGUAGE_NAMES and dictionary.available(language):
        words = re.findall(r"[^\W\d_]+", text)
        if words and sum(dictionary.is_word(w, language) for w in words) / len(words) >= 0.5:
            return []
    return [f"the {LANGUAGE_NAMES[language]} block is not in {LANGUAGE_NAMES[language]} (detected {found})"]


class Checker:
    """grounding.check against one article, with its quantities parsed once; with a language, also the
    meaning checks (meaning.py) of a block in that language."""

    def __init__(self, article: Article, facts: Facts | None) -> None:
        self.text = "\n\n".join([article.title or "", article.text])
        self.quantities = find_quantities(self.text)
        if facts is None:
            self.symbols = {h.symbol for h in find_tickers(self.text)}
        else:  # the body's tickers are already found; only the title is new
            self.symbols = {h.symbol for h in facts.tickers} | {h.symbol for h in find_tickers(article.title or "")}
        self.index = ArticleIndex.of(self.text, summary_language(article))
        self.headline = headline_figures(article.title or "", article.text)

    def __call__(self, output: str, language: str | None = None) -> list[str]:
        found = grounding.check(output, self.text, article_quantities=self.quantities, article_symbols=self.symbols)
        if language is not None:
            found += [str(p) for p in meaning_problems(output, language, self.index)]
        return found

    def missing_headline(self, block: str) -> list[str]:
        """The headline's figures (years aside) that the body has and block leaves out."""
        block_qs = find_quantities(block)
        return [f"the headline's figure {q.text.strip()!r} is missing" for q in self.headline
                if not any(grounding.supports(q, b) or grounding.supports(b, q) for b in block_qs)]


def headline_figures(title: str, body: str) -> list[Quantity]:
    """Figures of the title that the body also gives (a headline's "2025" or a page number is not news)."""
    body_qs = find_quantities(body)
    return [q for q in find_quantities(title) if q.kind not in ("year", "date", "ordinal")
            and any(grounding.supports(b, q) or grounding.supports(q, b) for b in body_qs)]


def _unsaid(key_facts: list[KeyFact], text: str, language: str, summary: str, source: str) -> list[str]:
    """The key facts (in language) for what the translation text lost: those whose figures the summary
    states and text does not; else (a headline figure lost) the first key fact text does not state."""
    said, meant = find_quantities(text, language), find_quantities(summary, source)

    def states(quantities: list[Quantity], k: KeyFact, lang: str) -> bool:
        figures = [q for q in find_quantities(getattr(k, lang), lang) if q.kind not in ("year", "date")]
        return bool(figures) and all(any(same_quantity(q, s) for s in quantities) for q in figures)

    missing = [k for k in key_facts if not states(said, k, language)]
    lost = [getattr(k, language) for k in missing if states(meant, k, source)]
    return lost or [getattr(k, language) for k in missing[:1]]


def _model_summary(model, language: str, context: str, length: Length, check: Checker, cache: LLMCache,
                   timings: dict[str, float]) -> tuple[str | None, list[str], list[dict[str, str]]]:
    """(summary, flags, messages) when the model's summary (first try or retry) passes the checks, else
    (None, issues, []). The retry is a follow-up turn (prompts/summarize-retry.<lang>) naming what failed:
    the article and the first summary are already in the model's cache, so it reads only that turn. flags:
    the headline's figures a retried summary still leaves out (kept, and shown). messages is the
    conversation that wrote it, for the other language's turn."""
    prompt = load_prompt(f"summarize.{language}")
    values = {"max_sentences": str(length.max_sentences), "max_words": str(length.prompt_words)}
    messages = prompt.render(article=context, **values)
    version = prompt.version
    issues: list[str] = []
    answer = ""
    for attempt in (0, 1):
        if attempt:
            retry = load_prompt(f"summarize-retry.{language}")
            messages = messages + [{"role": "assistant", "content": answer}] + retry.render(
                problems="; ".join(issues), **values)
            version = f"{version}+{retry.version}"
        started = time.perf_counter()
        gen, _ = cached_chat(model, messages, prompt_version=version, opening=prompt.opening,
                             max_tokens=int(length.max_tokens * TOKEN_RATIO[language]), cache=cache)
        timings[f"summary_{language}" + ("_retry" if attempt else "")] = round(time.perf_counter() - started, 3)
        answer = gen.text
        text = trim(grounding.strip_residue(gen.text), language, length)
        if not text:
            issues = ["the model returned an empty summary"]
            continue
        repaired = repair_grammar(grounding.repair_names(text, check.text), language)
        if repaired != text and not check(repaired, language):
            text = repaired
        failed = check(text, language) + language_issues(text, language)
        missing = check.missing_headline(text)
        if not failed and (not missing or attempt):
            return text, missing, messages
        issues = failed + missing
    return None, issues, []


def _other_budget(model, summary: str, source: str, other: str, length: Length) -> int:
    """Tokens for the other language's block: the summary's own length scaled by the tokenizer's ratio,
    plus slack (an open budget lets the model ramble on; each token is ~0.1 s on 2 CPU cores)."""
    return int(model.count_tokens(summary) * TOKEN_RATIO[other] / TOKEN_RATIO[source] * 1.15) + 12


def _direct_other(model, conversation: list[dict[str, str]], summary: str, source: str, other: str,
                  length: Length, check: Checker, cache: LLMCache) -> tuple[str, list[str]]:
    """The summary in the other language, as the next turn of the conversation that wrote it.

    The conversation (article + instructions + the model's own summary) is already in llama.cpp's KV
    cache, so this costs only the short follow-up turn and the new tokens: several seconds less than a
    separate translation prompt, and the model sees the article's names while it writes."""
    prompt = load_prompt(f"summary-in.{other}")
    messages = conversation + [{"role": "assistant", "content": summary}] + prompt.render()
    gen, _ = cached_chat(model, messages, prompt_version=prompt.version,
                         max_tokens=_other_budget(model, summary, source, other, length), cache=cache)
    text = repair_grammar(grounding.repair_names(trim(grounding.strip_residue(gen.text), other, length), check.text),
                          other)
    if not text:
        return text, ["the model returned an empty summary"]
    return text, check(text, other) + language_issues(text, other) + [str(p) for p in lost_names(summary, text)]


def _translated_by_sentence(text: str, model, source: str, other: str, length: Length, check: Checker,
                            cache: LLMCache) -> tuple[str, list[str], int]:
    """text translated one sentence at a time (decoded side by side), keeping the sentences whose translation
    passes the check: one invented date ("last year's election" -> "valget i 2016") then costs a sentence,
    not the block. A sentence that fails is not translated again: a second prompt with retrieved example
    pairs rescued 4 of 20 failed Danish sentences and was 126 s of a 567 s digest of 30 articles
    (BENCHMARKS.md "Session 9"). Returns (translation, what failed, sentences left out); the translation
    is "" when no sentence passed."""

    def verdict(sentence: str, t) -> tuple[str | None, list[str]]:
        out = resolve_alternatives(grounding.strip_residue(t.text).strip(), sentence, source, other)
        out = repair_grammar(grounding.repair_names(out, check.text), other)
        # A sentence handed back untranslated passes the fact check, so it is tested on its own: mixed
        # into the translated ones it would make the whole block fail the language check.
        if not out:
            return None, ["a sentence's translation is empty"]
        if out == sentence or detect(out) == source:
            return None, [f"a sentence came back in {LANGUAGE_NAMES[source]}"]
        found = check(out, other) + [str(p) for p in lost_names(sentence, out)]
        return (None, found) if found else (out, [])

    sentences = split_sentences(text, source)
    results = [verdict(s, t) for s, t in zip(sentences, translate_texts(
        sentences, model, source, other, check=False, cache=cache, retrieved=SENTENCE_EXAMPLES[other]))]
    kept = [out for out, _ in results if out is not None]
    problems = [p for _, found in results for p in found]
    return trim(" ".join(kept), other, length), problems, len(sentences) - len(kept)


def _other_by_translation(text: str, model, source: str, other: str, length: Length, check: Checker,
                          cache: LLMCache) -> tuple[str, list[str], list[str]]:
    """(translation, issues that make it fail, issues to report alongside a partial one)."""
    translated, problems, dropped = _translated_by_sentence(text, model, source, other, length, check, cache)
    if not translated:
        return "", _dedupe(problems) or ["the translation is empty"], []
    failed = language_issues(translated, other)
    if failed or not dropped:
        return translated, failed, []
    total = len(split_sentences(text, source))
    return translated, [], _dedupe(problems) + [
        f"left out {dropped} of {total} sentences: their translation failed the check"]


def summarize(article: Article, model: Model | None, *, facts: Facts | None = None, length: str = "short",
              cache: LLMCache | None = None, other_language: str = OTHER_LANGUAGE,
              key_facts: list[KeyFact] | None = None) -> Summary:
    """The bilingual summary of article, checked against it. facts: the article's tickers and claims when
    the caller has them (the pipeline does), so they are not found again. key_facts: shown in the other
    language's block when no translation passes the checks."""
    if other_language not in ("direct", "translate"):
        raise UsageError(f"other_language must be 'direct' or 'translate', not {other_language!r}")
    if length not in LENGTHS:
        raise UsageError(f"--length must be one of {', '.join(LENGTHS)}, not {length!r}")
    if model is None:
        raise ModelError("a summary needs a model; run `newsum models` to see which are available")
    limits = LENGTHS[length]
    cache = cache or LLMCache()
    timings: dict[str, float] = {}
    begun = time.perf_counter()
    started = time.perf_counter()
    source = summary_language(article)
    other = "en" if source == "da" else "da"
    selected = select_sentences(article.paragraphs, source, max_sentences=8, max_chars=CONTEXT_CHARS,
                                title=article.title)
    check = Checker(article, facts)
    if model is not None and model.can_chat:
        dictionary.read_ahead(other)  # the other block's dictionary, needed once the summary is written
    timings["select"] = round(time.perf_counter() - started, 3)
    issues: list[str] = []
    fallback = extractive(selected, source, limits)

    # The article's language.
    conversation: list[dict[str, str]] = []
    if model.can_chat:
        # The headline first, when it is in the summary's language: it says what the news is.
        headline = [article.title] if article.title and detect(article.title) == source else []
        context = "\n".join(headline + [s.text for s in selected])
        summary, failed, conversation = _model_summary(model, source, context, limits, check, cache, timings)
    else:  # translators only (opus-mt): the summary is extractive by design, faithful by construction
        summary, failed = fallback, []
    if summary is not None:
        issues += [f"{source}: {p}" for p in failed]
    else:
        summary = fallback
        issues += [f"{source}: {p}" for p in failed]
        issues.append(f"{source}: used the article's own key sentences instead of the model's summary")

    # The other language: with OTHER_LANGUAGE="direct" first written as the next turn of the summary's
    # conversation; else (or if that fails the check) the summary translated sentence by sentence, keeping
    # the sentences that pass (any left out: flagged); else the article's key figures, else say so (flagged).
    started = time.perf_counter()
    translated, t_issues, partial = "", ["no attempt"], []
    if conversation and other_language == "direct":
        translated, t_issues = _direct_other(model, conversation, summary, source, other, limits, check, cache)
        timings[f"summary_{other}"] = round(time.perf_counter() - started, 3)
    if t_issues:
        translate_started = time.perf_counter()
        translated, t_issues, partial = _other_by_translation(summary, model, source, other, limits, check, cache)
        timings[f"translate_{other}"] = round(time.perf_counter() - translate_started, 3)
        issues += [f"{other}: {p}" for p in partial]
    # No second translation of the article's key sentences when the summary's fails: on the 30-article
    # digest that cost 98 s of 677 and rarely passed where the summary's own sentences had not
    # (BENCHMARKS.md "Session 9"); the key figures below are right by construction.
    key_facts_text = " ".join(getattr(k, other) for k in key_facts or [])
    if t_issues and key_facts_text:  # key figures are right in both languages by construction (key_facts.py)
        issues += [f"{other}: {p}" for p in t_issues]
        issues.append(f"{other}: translation failed the check; showing the article's key figures instead")
        translated = f"{KEY_FACTS_NOTE[other]} {key_facts_text}"
    elif t_issues:
        issues += [f"{other}: {p}" for p in t_issues]
        issues.append(f"{other}: translation failed the check; showing the {source} summary untranslated")
        translated = f"{UNTRANSLATED_NOTE[other]} {summary}"
    else:  # a figure of the headline the translation lost (the summary's own losses are flagged already)
        already = set(check.missing_headline(summary))
        lost = [p for p in check.missing_headline(translated) if p not in already]
        issues += [f"{other}: {p}" for p in lost]
        if lost or partial:  # what the translation left out, the key figures say in that language
            added = _unsaid(key_facts or [], translated, other, summary, source)
            if added:
                translated = f"{translated} {KEY_FACTS_ADDED_NOTE[other]} {' '.join(added)}"
                issues.append(f"{other}: added {len(added)} of the article's key figures the translation left out")
    # everything summarize() did, the checks included (the parts above time the model's calls only)
    timings["total"] = round(time.perf_counter() - begun, 3)

    texts = {source: summary, other: translated}
    return Summary(
        en=texts["en"],
        da=texts["da"],
        source_language=source,
        model=model.name,
        grounded=not issues,
        grounding_issues=_dedupe(issues),
        timings=timings,
    )


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (i in seen or seen.add(i))]
