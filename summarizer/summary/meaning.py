"""Meaning checks: does each sentence of a summary mean what the article says, in either language?

Grounding (check.py) asks whether a summary's numbers, dates and names are in the article. These checks
ask whether the sentence around them is right, sentence by sentence, for a Danish or an English block
of a Danish or an English article:

- non-words: a word in no dictionary of the block's language and not in the article ("kasserindeksen",
  "Deutschlands" in Danish; dictionary.py);
- countries and nationalities: a country the article never names, in any form of either language or
  through what implies it (data/countries.tsv): "den engelske økonomi" for the German economy;
- direction of a figure: "steg 4 pct." where the article's 4% "fell" (the article's own direction words
  per figure, as the claims stage reads them);
- polarity: the sentence of the article a summary sentence comes from (the one sharing its figures and
  names) uses one side of an axis (better/worse, profit/loss, bullish/bearish, inflows/outflows, ...,
  data/meaning_words.json) and the summary only the other;
- negation: that sentence is negated and the summary's is not, or the other way round;
- who: the name a figure is given to must be near that figure in the article (its sentence or the three
  before it, or the title): "Carlsberg" for Heineken's 4.2%.

Each problem names the reason, the word and the sentence. A side with no evidence (no sentence of the
article shares the summary sentence's figures or names) is not judged: the checks flag what the article
contradicts, not what it does not mention (grounding does that for figures and names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.facts.claims import move_direction
from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.facts.tickers import find_tickers
from summarizer.resources import data_json, data_text
from summarizer.summary import dictionary
from summarizer.summary.check import CURRENCY_CODES, _found, _name_variants, _norm, names, supports
from summarizer.text import MONTH_NAMES, WEEKDAYS, split_sentences

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
WINDOW_BEFORE = 3  # sentences before a figure that may name whom it belongs to ("The company ...")
MIN_MATCH = 3  # evidence needed before a summary sentence is compared with an article sentence
HOME_COUNTRY = {"da": "DK"}  # a Danish article about Danish matters need not say "Danish"


@dataclass(frozen=True)
class Problem:
    reason: str
    word: str
    sentence: str

    def __str__(self) -> str:
        short = self.sentence if len(self.sentence) <= 90 else self.sentence[:87] + "..."
        return f"{self.reason}: {self.word!r} in \"{short}\""


@lru_cache(maxsize=1)
def _words() -> dict:
    return data_json("meaning_words.json")


@lru_cache(maxsize=1)
def _countries() -> list[tuple[str, list[str], list[str]]]:
    """(key, forms the country is named by, things that imply it)."""
    rows = []
    for line in data_text("countries.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, en, da, implied = (line.split("\t") + ["", "", ""])[:4]
        forms = [f.strip() for f in (en + "," + da).split(",") if f.strip()]
        rows.append((key, forms, [f.strip() for f in implied.split(",") if f.strip()]))
    return rows


def _form_pattern(form: str) -> re.Pattern:
    flags = 0 if form.isupper() or "." in form else re.IGNORECASE  # "US" is not "us"
    return re.compile(r"(?<![\w&])" + re.escape(form) + r"(?:s|'s|’s)?(?![\w&])", flags)


@lru_cache(maxsize=2048)
def _compiled(form: str) -> re.Pattern:
    return _form_pattern(form)


def countries_in(text: str) -> dict[str, str]:
    """{country key: the form that names it} for the countries text names directly."""
    found = {}
    for key, forms, _ in _countries():
        for form in forms:
            m = _compiled(form).search(text)
            if m:
                found[key] = m.group(0)
                break
    return found


def _countries_implied(text: str) -> set[str]:
    return {key for key, forms, implied in _countries() for f in forms + implied if _compiled(f).search(text)}


@dataclass
class ArticleIndex:
    """An article read once for the meaning checks: its sentences with their figures, words and names."""

    text: str
    language: str | None = None
    sentences: list[str] = field(default_factory=list)
    quantities: list[list[Quantity]] = field(default_factory=list)
    words: list[set[str]] = field(default_factory=list)
    all_words: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, text: str, language: str | None = None) -> ArticleIndex:
        index = cls(text=text, language=language)
        for s in split_sentences(text):
            sentence = text[s.start : s.end]
            index.sentences.append(sentence)
            index.quantities.append(find_quantities(sentence))
            index.words.append({w.lower() for w in WORD.findall(sentence)})
        for w in WORD.findall(text):  # "SocGen's" gives "socgen's" and "socgen"
            low = w.lower().replace("’", "'")
            index.all_words |= {low, low.split("'")[0]}
        index.countries = _countries_implied(text) | ({HOME_COUNTRY[language]} if language in HOME_COUNTRY else set())
        return index

    def holding(self, q: Quantity) -> list[int]:
        """The sentences whose figures back q."""
        return [i for i, qs in enumerate(self.quantities) if any(supports(a, q) for a in qs)]

    def best_match(self, sentence: str, qs: list[Quantity], sentence_names: list[str]) -> int | None:
        """The article sentence this summary sentence most likely comes from, if the evidence is enough:
        shared figures count 3, shared names 2, shared words 1 (same language only, by nature)."""
        words = {w.lower() for w in WORD.findall(sentence)} - _function_words()
        best, best_score = None, 0
        for i, article_sentence in enumerate(self.sentences):
            score = 3 * sum(any(supports(a, q) for a in self.quantities[i]) for q in qs if q.kind != "year")
            norm = _norm(article_sentence)
            score += 2 * sum(any(_found(v, norm) for v in _name_variants(n)) for n in sentence_names)
            score += len(words & self.words[i]) // 2
            if score > best_score:
                best, best_score = i, score
        return best if best_score >= MIN_MATCH else None


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from summarizer.resources import data_lines

    return frozenset(w.lower() for lang in ("da", "en") for w in data_lines(f"stopwords.{lang}.txt"))


def non_words(sentence: str, language: str, index: ArticleIndex) -> list[Problem]:
    out = []
    abbreviations = set(_words()["abbreviations"]) | CURRENCY_CODES
    for w in WORD.findall(sentence):
        low = w.lower().replace("’", "'")
        if low in index.all_words or low in abbreviations or len(low) <= 2 or (w.isupper() and len(w) <= 6):
            continue
        if low in WEEKDAYS or low in MONTH_NAMES:
            continue
        if "'" in low and low.split("'")[0] in index.all_words:
            continue  # "CFTC's", "Nvidia's" when the name is in the article
        if not dictionary.is_word(w, language):
            out.append(Problem(f"not a {'Danish' if language == 'da' else 'English'} word", w, sentence))
    return out


def country_problems(sentence: str, index: ArticleIndex) -> list[Problem]:
    return [Problem("a country the article does not name", form, sentence)
            for key, form in countries_in(sentence).items() if key not in index.countries]


def _poles(text: str) -> dict[str, set[int]]:
    words = {w.lower() for w in WORD.findall(text)}
    out: dict[str, set[int]] = {}
    for axis, sides in _words()["polarity_axes"].items():
        found = {i for i, side in enumerate(sides) if words & set(side)}
        if found:
            out[axis] = found
    return out


def _negated(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return "n't" in lowered or bool({w.lower() for w in WORD.findall(text)} & set(_words()["negations"]))


def _directions(sentence: str) -> list[tuple[Quantity, str | None]]:
    out, prev_end = [], 0
    for q in find_quantities(sentence):
        out.append((q, move_direction(sentence, q, q.start, prev_end)))
        prev_end = q.end
    return out


def direction_problems(sentence: str, index: ArticleIndex) -> list[Problem]:
    out = []
    for q, direction in _directions(sentence):
        if direction is None:
            continue
        seen = set()
        for i in index.holding(q):
            for aq, adir in _directions(index.sentences[i]):
                if adir is not None and supports(aq, q):
                    seen.add(adir)
        if seen and direction not in seen:
            out.append(Problem(f"the article's figure went {seen.pop()}, not {direction}", q.text.strip(), sentence))
    return out


def polarity_problems(sentence: str, source: str, sentence_names: list[str]) -> list[Problem]:
    out = []
    mine, theirs = _poles(sentence), _poles(source)
    for axis, sides in mine.items():
        if axis in theirs and not (sides & theirs[axis]):
            side = next(iter(sides))
            words = {w.lower() for w in WORD.findall(sentence)} & set(_words()["polarity_axes"][axis][side])
            out.append(Problem(f"says the opposite of the article ({axis})", sorted(words)[0], sentence))
    if _negated(sentence) != _negated(source):
        out.append(Problem("negation differs from the article's sentence",
                           "negated" if _negated(sentence) else "not negated", sentence))
    return out


def _names_with_symbols(sentence: str, index: ArticleIndex) -> list[tuple[str, int, set[str]]]:
    """Names in sentence that the article has, with their position and ticker symbols."""
    out = []
    article_norm = _norm(index.text)
    for hit in find_tickers(sentence):
        out.append((hit.text, hit.start, {hit.symbol}))
    taken = {n.lower() for n, _, _ in out}
    for name, _ in names(sentence):
        if name.lower() in taken or not any(_found(v, article_norm) for v in _name_variants(name)):
            continue
        pos = sentence.find(name)
        out.append((name, pos, set()))
    return sorted(out, key=lambda t: t[1])


def attribution_problems(sentence: str, index: ArticleIndex) -> list[Problem]:
    """The name nearest before each figure must be near that figure in the article."""
    out = []
    named = _names_with_symbols(sentence, index)
    if not named:
        return out
    title_qs = index.quantities[0] if index.quantities else []
    for q in find_quantities(sentence):
        if q.kind in ("year", "date"):
            continue
        before = [t for t in named if t[1] < q.start]
        name, _, symbols = before[-1] if before else named[0]
        held = index.holding(q)
        if not held:
            continue  # grounding reports a figure the article lacks
        windows = [" ".join(index.sentences[max(0, i - WINDOW_BEFORE) : i + 1]) for i in held]
        if any(supports(a, q) for a in title_qs):
            windows.append(index.sentences[0])
        if not any(_mentions(w, name, symbols) for w in windows):
            out.append(Problem(f"the article gives {q.text.strip()} to someone else", name, sentence))
    return out


def _mentions(window: str, name: str, symbols: set[str]) -> bool:
    norm = _norm(window)
    if any(_found(v, norm) for v in _name_variants(name)):
        return True
    return bool(symbols) and bool(symbols & {h.symbol for h in find_tickers(window)})


def meaning_problems(block: str, language: str, index: ArticleIndex) -> list[Problem]:
    """The meaning problems of block (a summary in language) against the article index, in order."""
    out: list[Problem] = []
    for s in split_sentences(block):
        sentence = block[s.start : s.end]
        out += non_words(sentence, language, index)
        out += country_problems(sentence, index)
        out += direction_problems(sentence, index)
        out += attribution_problems(sentence, index)
        sentence_names = [n for n, _ in names(sentence)]
        match = index.best_match(sentence, find_quantities(sentence), sentence_names)
        if match is not None:
            out += polarity_problems(sentence, index.sentences[match], sentence_names)
    return out
