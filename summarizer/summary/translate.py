"""Danish <-> English translation with the loaded model, checked like a summary.

A chat model is prompted with prompts/translate.<src>-<tgt>.vN.txt (system message and fixed examples:
the same for every source, so llama.cpp keeps them cached), the example pairs from the curated bank and
translation memory (data/*.da-en.tsv) that share the most words with the source (a small model copies
the register and word choice of close examples far better than it follows instructions), and a hint
turn: the source's numbers as the target language writes them, its glossary terms, and the word list's
translations of its content words (lexicon.py). Several sources are decoded side by side when the
backend can. A seq2seq translator (opus-mt preset) is called directly. Every translation is checked with
grounding.check against its source (numbers, dates, names), and model outputs go through the on-disk cache.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.facts.quantities import find_quantities, written_as
from summarizer.models.base import Model, Translator
from summarizer.models.cache import LLMCache, cached_chat_many
from summarizer.resources import data_text, load_prompt
from summarizer.summary import check as grounding
from summarizer.summary.word_hints import word_hints

LANGUAGES = ("da", "en")
EXAMPLES_PER_PROMPT = 4
# Retrieved pairs per prompt version (default EXAMPLES_PER_PROMPT). Measured on Tatoeba (BENCHMARKS.md):
# da->en does best without retrieved look-alikes (the model copies their words); en->da gains from 6.
RETRIEVED_PER_PROMPT = {"translate.da-en.v2": 0, "translate.en-da.v2": 3,
                        "translate.da-en.v3": 0, "translate.en-da.v3": 6,
                        "translate.da-en.v4": 0, "translate.en-da.v4": 6}
# Prompt versions that get a word-hint turn (lexicon.py) just before the source: +0.05-0.08 chrF.
# From v4 on the glossary terms open that turn instead of sitting in the system message.
WORD_HINTS_PER_PROMPT = {"translate.da-en.v3": True, "translate.en-da.v3": True,
                         "translate.da-en.v4": True, "translate.en-da.v4": True}
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Units `newsum translate` hands over at once: llama.cpp decodes up to 4 side by side (models/llama_batch.py).



@dataclass
class Translation:
    source: str
    text: str
    issues: list[str] = field(default_factory=list)
    from_cache: bool = False
    seconds: float = 0.0


BANK_FILES = ("examples.da-en.tsv", "translation_memory.da-en.tsv")


@lru_cache(maxsize=1)
def example_bank() -> list[tuple[str, str]]:
    """The curated pairs (finance and everyday) and the everyday translation memory, in that order."""
    pairs: list[tuple[str, str]] = []
    for name in BANK_FILES:
        raw = data_text(name)
        pairs += [tuple(line.split("\t", 1)) for line in raw.splitlines() if "\t" in line and not line.startswith("#")]
    return pairs


def _stems(text: str) -> set[str]:
    return {w.lower()[:5] for w in WORD.findall(text)}


@lru_cache(maxsize=2)
def _bank_index(side: int) -> tuple[list[set[str]], dict[str, float]]:
    bags = [_stems(pair[side]) for pair in example_bank()]
    df: dict[str, int] = {}
    for bag in bags:
        for w in bag:
            df[w] = df.get(w, 0) + 1
    idf = {w: math.log((1 + len(bags)) / (1 + n)) + 1 for w, n in df.items()}
    return bags, idf


def retrieve_examples(text: str, source_language: str, k: int = EXAMPLES_PER_PROMPT) -> list[tuple[str, str]]:
    """The k bank pairs (source, target) sharing the most (idf-weighted) words with text, best last."""
    side = 0 if source_language == "da" else 1
    bags, idf = _bank_index(side)
    query = _stems(text)
    scored = []
    for i, bag in enumerate(bags):
        overlap = sum(idf.get(w, 0) for w in query & bag)
        scored.append((overlap / math.sqrt(len(bag) + 1), i))
    best = [i for _, i in sorted(scored, reverse=True)[:k]]
    pairs = example_bank()
    ordered = [pairs[i] if side == 0 else (pairs[i][1], pairs[i][0]) for i in reversed(best)]
    return ordered


def glossary_terms(text: str, source_language: str) -> list[tuple[str, str]]:
    """(source term, target term) for the glossary entries in text, longest first, overlaps skipped."""
    lowered = text.lower()
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    pairs = grounding.glossary_pairs()
    for da, en in sorted(pairs, key=lambda p: -len(p[0 if source_language == "da" else 1])):
        src, tgt = (da, en) if source_language == "da" else (en, da)
        for m in re.finditer(r"(?<!\w)" + re.escape(src.lower()) + r"(?!\w)", lowered):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if (src, tgt) not in found:
                found.append((src, tgt))
            break
    return found


def glossary_hint(text: str, source_language: str, terms: list[tuple[str, str]] | None = None) -> str:
    """' Terms: realkredit = mortgage credit; ...' for the glossary entries in text (longest first)."""
    terms = glossary_terms(text, source_language) if terms is None else terms
    found = [f"{src} = {tgt}" for src, tgt in terms if src != tgt]
    return (" Terms: " + "; ".join(found) + ".") if found else ""


def build_messages(text: str, source_language: str, target_language: str, *,
                   retrieved: int | None = None, hint_words: bool | None = None) -> tuple[list[dict[str, str]], str]:
    """System, the prompt file's fixed example turns, retrieved example turns, the hint turn, then the source.

    Fixed parts come first so llama.cpp reuses their KV cache from one source to the next. retrieved
    overrides the prompt version's number of retrieved pairs (RETRIEVED_PER_PROMPT), hint_words whether it
    has a word-list hint turn (WORD_HINTS_PER_PROMPT).
    """
    prompt = load_prompt(f"translate.{source_language}-{target_language}")
    terms = glossary_terms(text, source_language)
    in_system = "$glossary" in "".join(t for _, t in prompt.messages)  # before v4
    messages = prompt.render(text=text, glossary=glossary_hint(text, source_language, terms) if in_system else "")
    shots: list[dict[str, str]] = []
    k = RETRIEVED_PER_PROMPT.get(prompt.version, EXAMPLES_PER_PROMPT) if retrieved is None else retrieved
    fixed = {m["content"] for m in messages[:-1] if m["role"] == "user"}
    chosen = [p for p in retrieve_examples(text, source_language, k + len(fixed)) if p[0] not in fixed][-k:]
    for src, tgt in (chosen if k else []):
        shots += [{"role": "user", "content": src}, {"role": "assistant", "content": tgt}]
    # Numbers first: the small model keeps Danish separators and scale words in English ("4.573 MW",
    # "60,2 million euros" for "60,2 mia. euro"); the check then fails the sentence.
    hints = [] if in_system else number_hints(text, source_language, target_language)
    hints += [] if in_system else [(src, tgt) for src, tgt in terms if src != tgt]
    if WORD_HINTS_PER_PROMPT.get(prompt.version) if hint_words is None else hint_words:
        hints += shown_word_hints(text, source_language, target_language, terms)
    if hints:  # numbers, glossary terms and words with their translations, as one more example turn: copied
        shots += [{"role": "user", "content": "; ".join(w for w, _ in hints)},
                  {"role": "assistant", "content": "; ".join(t for _, t in hints)}]
    return messages[:-1] + shots + messages[-1:], prompt.version


def shown_word_hints(text: str, source_language: str, target_language: str,
                     terms: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The word list's hints for text, as the hint turn shows them."""
    terms = glossary_terms(text, source_language) if terms is None else terms
    # A glossary term's words are not hinted one by one: "small caps" is "småselskaber", not "små kasketter".
    in_terms = {w.lower() for src, _ in terms for w in WORD.findall(src)}
    return word_hints(text, source_language, target_language, skip=in_terms)


def resolve_alternatives(translation: str, source: str, source_language: str, target_language: str) -> str:
    """translation with each hint's "sense / sense" that the model copied whole replaced by its first sense.

    The hint turn shows two senses of a word ("opening = åbning / åbner") and the small model sometimes
    copies both; the first is the word list's most common sense, the one a reader would expect. Only the
    hints build_messages shows for this source (by default) are resolved: any other "a / b" stays, and the
    meaning check flags it."""
    version = load_prompt(f"translate.{source_language}-{target_language}").version
    if not WORD_HINTS_PER_PROMPT.get(version):
        return translation
    for _, senses in shown_word_hints(source, source_language, target_language):
        if " / " in senses:
            first = senses.split(" / ", 1)[0]
            translation = re.sub(r"(?<!\w)" + re.escape(senses) + r"(?!\w)", first, translation)
    return translation


def number_hints(text: str, source_language: str, target_language: str) -> list[tuple[str, str]]:
    """(quantity as written, as the target language writes it) for text's quantities that are written
    differently there: ("60,2 mia. euro", "60.2 billion euros"), ("4,2 pct.", "4.2%")."""
    hints = []
    for q in find_quantities(text, source_language):
        target = written_as(q, target_language)
        if target and target != q.text and (q.text, target) not in hints:
            hints.append((q.text, target))
    return hints


def _clean_output(output: str, source: str) -> str:
    text = grounding.strip_residue(output.strip())
    if "\n" not in source.strip():  # one line in, one line out
        text = text.strip().split("\n", 1)[0].strip()
    return text


def _budget(text: str) -> int:
    # ~3.5 characters a token for these languages; room for a translation 1.6x as long.
    return max(24, int(len(text) / 3.5 * 1.6) + 16)


def translate_texts(
    texts: list[str],
    model,
    source_language: str,
    target_language: str,
    *,
    check: bool = True,
    cache: LLMCache | None = None,
    retrieved: int | None = None,
    hint_words: bool | None = None,
) -> list[Translation]:
    """Translate each text on its own (a chat model decodes them side by side when it can).
    Empty texts stay empty. Issues list what grounding found. retrieved, hint_words: see build_messages."""
    if source_language == target_language:
        return [Translation(t, t) for t in texts]
    cache = cache or LLMCache()
    out = [Translation(text, "") for text in texts]
    todo = [i for i, text in enumerate(texts) if text.strip()]
    seq2seq = _seq2seq(model, source_language, target_language)
    if seq2seq is not None:
        for i in todo:
            gen = seq2seq.translate([texts[i]], max_tokens=_budget(texts[i]))[0]
            out[i] = Translation(texts[i], _clean_output(gen.text, texts[i]), seconds=gen.seconds)
    else:
        # A source of one line stops at the newline: sources with and without newlines go in separate batches.
        groups: dict[bool, list[int]] = {}
        for i in todo:
            groups.setdefault("\n" in texts[i].strip(), []).append(i)
        for multiline, members in groups.items():
            built = [build_messages(texts[i], source_language, target_language, retrieved=retrieved,
                                    hint_words=hint_words) for i in members]
            gens = cached_chat_many(model, [m for m, _ in built], prompt_version=built[0][1],
                                    opening=load_prompt(f"translate.{source_language}-{target_language}").opening,
                                    max_tokens=[_budget(texts[i]) for i in members],
                                    stop=None if multiline else ["\n"], cache=cache)
            for i, (gen, hit) in zip(members, gens):
                out[i] = Translation(texts[i], _clean_output(gen.text, texts[i]), from_cache=hit, seconds=gen.seconds)
    if check:
        for t in out:
            if t.text:
                t.issues = grounding.check(t.text, t.source)
    return out


def _seq2seq(model: Model, source_language: str, target_language: str) -> Translator | None:
    """The model's seq2seq translator for the direction; None when it is a chat model (it translates by
    prompting)."""
    return model.translator(source_language, target_language)
