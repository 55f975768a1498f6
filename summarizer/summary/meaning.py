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

from summarizer.facts.claims import move_direction
from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.facts.tickers import find_tickers, subjects
from summarizer.summary import dictionary
from summarizer.summary.article_index import ArticleIndex
from summarizer.summary.check import (
    CURRENCY_CODES,
    _found,
    _name_variants,
    _norm,
    supports,
)
from summarizer.summary.negation import negation_problems, poles
from summarizer.summary.wording import (
    CLAUSE_BREAK,
    WORD,
    Problem,
    countries_in,
    meaning_words,
)
from summarizer.text import MONTH_NAMES, WEEKDAYS, split_sentences

WINDOW_BEFORE = 3  # sentences before a figure that may name whom it belongs to ("The company ...")


LANGUAGE_NAMES = {"da": "Danish", "en": "English"}
WITH_ARTICLE = {"da": "a Danish", "en": "an English"}
ALTERNATIVES = re.compile(r"[^\W\d_]+ / [^\W\d_]+")  # "forsendelse / skibsfart": a hint copied, not a choice


def non_words(sentence: str, language: str, index: ArticleIndex) -> list[Problem]:
    """Words of no dictionary of the block's language. In a block of the article's own language a word of
    the article is fine (its names, its rare compounds); in a translation a lower-case word must be a word
    of the block's language even when the article has it: "retail euphoria" in a Danish block is English
    left untranslated."""
    out = []
    abbreviations = set(meaning_words()["abbreviations"]) | CURRENCY_CODES
    translated = index.language is not None and language != index.language
    for w in WORD.findall(sentence):
        low = w.lower().replace("’", "'")
        if low in abbreviations or len(low) <= 2 or (w.isupper() and len(w) <= 6):
            continue
        if low in WEEKDAYS or low in MONTH_NAMES:
            continue
        in_article = (low in index.all_words or ("'" in low and low.split("'")[0] in index.all_words)
                      or (w[:1].isupper() and low.endswith("s") and low[:-1] in index.all_words))  # "Nordisks"
        if in_article and (not translated or w[:1].isupper()):
            continue  # "CFTC's", "Nvidia's" when the name is in the article
        if dictionary.is_word(w, language):
            continue
        if in_article and dictionary.is_word(w, index.language):
            out.append(Problem(f"{WITH_ARTICLE[index.language]} word left untranslated", w, sentence))
        elif not in_article:
            out.append(Problem(f"not a {LANGUAGE_NAMES[language]} word", w, sentence))
    for m in ALTERNATIVES.finditer(sentence):
        out.append(Problem("alternatives left in the text", m.group(0), sentence))
    return out


def country_problems(sentence: str, index: ArticleIndex) -> list[Problem]:
    return [Problem("a country the article does not name", form, sentence)
            for key, form in countries_in(sentence).items() if key not in index.countries]


def _directions(sentence: str) -> list[tuple[Quantity, str | None]]:
    out, prev_end = [], 0
    for q in find_quantities(sentence):
        out.append((q, move_direction(sentence, q, q.start, prev_end)))
        prev_end = q.end
    return out


def _named_before(named: list[tuple[str, int, set[str]]], q: Quantity, sentence: str) -> tuple[str, int, set[str]] | None:
    """The name nearest before q in its clause (None when the clause names none: "..., and it fell 4%")."""
    clause_start = max([m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, q.start)] + [0])
    before = [t for t in named if clause_start <= t[1] < q.start]
    return before[-1] if before else None


def direction_problems(sentence: str, index: ArticleIndex) -> list[Problem]:
    """A figure's direction must be the article's for that figure (and, when the article gives the same
    figure to several names, for the summary's name)."""
    out = []
    named = _names_with_symbols(sentence, index)
    for q, direction in _directions(sentence):
        if direction is None or q.kind in ("tenor", "ordinal"):
            continue
        held = index.holding(q)
        who = _named_before(named, q, sentence)
        if who is not None:
            own = [i for i in held if _mentions(index.sentences[i], who[0], who[2])]
            held = own or held
        seen = {adir for i in held for aq, adir in _directions(index.sentences[i]) if adir is not None and supports(aq, q)}
        if seen and direction not in seen:
            out.append(Problem(f"the article's figure went {seen.pop()}, not {direction}", q.text.strip(), sentence))
    return out


def clause_problems(clause: str, sentence: str, language: str, index: ArticleIndex, *,
                    prefixes: bool = True) -> list[Problem]:
    """Polarity, negation and years of one clause against the article sentences it may come from."""
    out = []
    sources = index.sources(clause, language)
    if sources:
        mine = poles(clause)
        for axis, sides in mine.items():
            theirs = [poles(index.sentences[i]).get(axis) for i in sources]
            if any(t is not None for t in theirs) and not any(t and (t & sides) for t in theirs):
                side = next(iter(sides))
                words = {w.lower() for w in WORD.findall(clause)} & set(meaning_words()["polarity_axes"][axis][side])
                out.append(Problem(f"says the opposite of the article ({axis})", min(words), sentence))
    out += negation_problems(clause, sentence, language, index, sources, prefixes=prefixes)
    for q in find_quantities(clause):
        if q.kind != "year":
            continue
        around = index.sources(clause, language, skip=q)
        years = [[a for a in index.quantities[i] if a.kind == "year"] for i in around]
        if around and years[0] and not any(supports(a, q) for ys in years for a in ys):
            out.append(Problem(f"the article's sentence says {years[0][0].text.strip()}", q.text.strip(), sentence))
    return out


def _names_with_symbols(sentence: str, index: ArticleIndex) -> list[tuple[str, int, set[str]]]:
    """The securities and indices sentence names (the gazetteer's), with their position and symbol: the
    names a figure can belong to. Other capitalised words ("EBITDA", "EPS") are metrics as often as not."""
    return [(hit.text, hit.start, {hit.symbol}) for hit in subjects(find_tickers(sentence))]


def _mentions(window: str, name: str, symbols: set[str]) -> bool:
    norm = _norm(window)
    if any(_found(v, norm) for v in _name_variants(name)):
        return True
    return bool(symbols) and bool(symbols & {h.symbol for h in find_tickers(window)})


def _is(hit, name: str, symbols: set[str]) -> bool:
    if symbols:  # two securities are the same security only by symbol ("iShares Russell 2000 ETF" is not RUT)
        return hit.symbol in symbols
    return any(_found(v, _norm(hit.text)) for v in _name_variants(name))


def _belongs(index: ArticleIndex, i: int, q: Quantity, name: str, symbols: set[str]) -> bool:
    """In article sentence i, q belongs to name: the nearest security named before the figure is it, or
    none is named before it and the name is in the sentence, in the few sentences before it or the title."""
    sentence = index.sentences[i]
    positions = [a.start for a in index.quantities[i] if supports(a, q)]
    hits = index.tickers[i]
    for p in positions:
        before = [h for h in hits if h.end <= p]
        if before:
            if _is(before[-1], name, symbols):
                return True
            continue
        if _mentions(sentence, name, symbols):
            return True
        # "Aktien steg 5,1 pct. ..., C25 ...": no one named before the figure, so it is whoever the sentences
        # before (or the headline, the index's first sentence) are about
        if _mentions(" ".join(index.sentences[max(0, i - WINDOW_BEFORE) : i] + index.sentences[:1]), name, symbols):
            return True
    return False


def attribution_problems(sentence: str, index: ArticleIndex) -> list[Problem]:
    """The name a summary gives a figure to (the nearest before it) must be the article's for it."""
    out = []
    named = _names_with_symbols(sentence, index)
    if not named:
        return out
    for q in find_quantities(sentence):
        if q.kind in ("year", "date", "tenor", "ordinal"):
            continue
        held = index.holding(q)
        who = _named_before(named, q, sentence)
        if not held or who is None:
            continue  # grounding reports a figure the article lacks
        name, _, symbols = who
        if not any(_belongs(index, i, q, name, symbols) for i in held):
            out.append(Problem(f"the article gives {q.text.strip()} to someone else", name, sentence))
    return out


# Numbers written the other language's way, or neither language's: "5,224,62", "0.9 pct." in Danish,
# "1,5%" or "16.369,41" in English. A reader takes "5,224,62" for nothing at all, "1,5%" for fifteen.
_NUMBER_FORMATS = {
    "any": re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+,\d+(?![\d])|(?<![\d.,])\d{1,3}(?:\.\d{3})+\.\d+(?![\d])"),
    "da": re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d+(?![\d])|(?<![\d.,])\d+\.\d+\s*(?:%|pct\.|procent)"),
    "en": re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d+(?![\d])|(?<![\d.,])\d+,\d+\s*(?:%|per ?cent)"),
}


# Danish verb forms a small model gets wrong: a past tense after "har"/"havde" where the participle is meant
# ("har bemærkede" for "har bemærket"), and a finite verb after "er"/"var" ("er klarer sig" for "klarer sig").
_PAST_AFTER_HAVE = re.compile(r"\b(?:har|havde)\s+(?P<word>[a-zæøå]{3,}ede)\b")
_FINITE_AFTER_BE = re.compile(r"\b(?:er|var)\s+(?P<word>[a-zæøå]{3,}er)\s+sig\b")


def grammar_problems(sentence: str, language: str) -> list[Problem]:
    """Danish only: the verb forms above, and Norwegian or Swedish words (meaning_words.json)."""
    if language != "da":
        return []
    out = []
    for m in _PAST_AFTER_HAVE.finditer(sentence):
        participle = m.group("word")[:-3] + "et"
        if dictionary.available("da") and dictionary.is_word(participle, "da"):
            out.append(Problem(f"a past tense after '{m.group(0).split()[0]}' (the participle is '{participle}')",
                               m.group("word"), sentence))
    for m in _FINITE_AFTER_BE.finditer(sentence):
        out.append(Problem("a finite verb after 'er'/'var'", m.group("word"), sentence))
    neighbours = set(meaning_words()["neighbour_words"]["da"])
    out += [Problem("a Norwegian or Swedish word, not Danish", w, sentence) for w in WORD.findall(sentence)
            if w in neighbours]
    return out


def repair_grammar(sentence: str, language: str) -> str:
    """The two Danish verb slips above, put right where the right form is certain: "er klarer sig" ->
    "klarer sig", "har bemærkede" -> "har bemærket" (when the dictionary has the participle). Cheaper and
    safer than asking the model again, which may trade a slip for a wrong meaning."""
    if language != "da":
        return sentence

    def participle(m: re.Match) -> str:
        word = m.group("word")
        form = word[:-3] + "et"
        return m.group(0).replace(word, form) if dictionary.available("da") and dictionary.is_word(form, "da") else m.group(0)

    sentence = _PAST_AFTER_HAVE.sub(participle, sentence)
    return _FINITE_AFTER_BE.sub(lambda m: m.group(0).split(None, 1)[1], sentence)


def number_format_problems(sentence: str, language: str) -> list[Problem]:
    found = [m.group(0) for m in _NUMBER_FORMATS["any"].finditer(sentence)]
    found += [m.group(0) for m in _NUMBER_FORMATS[language].finditer(sentence)] if language in _NUMBER_FORMATS else []
    return [Problem(f"a number not written the {LANGUAGE_NAMES.get(language, language)} way", n.strip(), sentence)
            for n in found]


def lost_names(source: str, translation: str) -> list[Problem]:
    """The securities and indices source names that its translation does not: "Apple and Amazon reported"
    -> "æble og Amazon rapporterede" lost Apple (the model translated the name as a word)."""
    kept = {h.symbol for h in find_tickers(translation)}
    out, seen = [], set()
    for hit in subjects(find_tickers(source)):  # an analyst's employer may go ("SocGen's Lapthorne" -> "Lapthorne")
        if hit.symbol not in kept and hit.symbol not in seen:
            seen.add(hit.symbol)
            out.append(Problem("a name of the sentence is missing from its translation", hit.text, translation))
    return out


def meaning_problems(block: str, language: str, index: ArticleIndex, *, words: bool = True) -> list[Problem]:
    """The meaning problems of block (a summary in language) against the article index, in order. words:
    False skips what needs the dictionary, non-words and negative prefixes (a sentence written from a
    template has no words of its own to misspell or negate)."""
    out: list[Problem] = []
    for s in split_sentences(block):
        sentence = block[s.start : s.end]
        out += non_words(sentence, language, index) if words else []
        out += number_format_problems(sentence, language)
        out += grammar_problems(sentence, language)
        out += country_problems(sentence, index)
        out += direction_problems(sentence, index)
        out += attribution_problems(sentence, index)
        for clause in CLAUSE_BREAK.split(sentence):
            out += clause_problems(clause, sentence, language, index, prefixes=words)
    return out
