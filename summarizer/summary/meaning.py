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

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.facts.claims import move_direction
from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.facts.tickers import find_tickers
from summarizer.resources import data_json, data_lines, data_text
from summarizer.summary import dictionary
from summarizer.summary.check import CURRENCY_CODES, _found, _name_variants, _norm, names, supports
from summarizer.text import MONTH_NAMES, WEEKDAYS, split_sentences

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
WINDOW_BEFORE = 3  # sentences before a figure that may name whom it belongs to ("The company ...")
MIN_MATCH = 3  # evidence needed before a summary clause is compared with an article sentence
CANDIDATE_SHARE = 0.75  # article sentences scoring this share of the best are also where a clause may come from
# Where a summary sentence joins two statements, each is matched on its own ("..., while ...", "..., og ...").
CLAUSE_BREAK = re.compile(r"[,;:]\s+(?=(?:and|but|while|whereas|as|og|men|mens|da|fordi|så)\b)|;\s+")
NEGATIVE_PREFIXES = {"en": ("un", "non"), "da": ("u",)}  # "unprofitable", "urentabel": a negation in a word
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
    # "US" is not "us", "China" is not "china"; adjectives ("tyske") are lower-case in Danish, any case at
    # a sentence start
    flags = 0 if form[:1].isupper() else re.IGNORECASE
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
    tickers: list[list] = field(default_factory=list)
    all_words: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    sentence_countries: list[set[str]] = field(default_factory=list)

    @classmethod
    def of(cls, text: str, language: str | None = None) -> ArticleIndex:
        index = cls(text=text, language=language)
        for s in split_sentences(text):
            sentence = text[s.start : s.end]
            index.sentences.append(sentence)
            index.quantities.append(find_quantities(sentence))
            index.words.append({w.lower() for w in WORD.findall(sentence)})
            index.tickers.append(find_tickers(sentence))
            index.sentence_countries.append(set(countries_in(sentence)))
        for w in WORD.findall(text):  # "SocGen's" gives "socgen's" and "socgen"
            low = w.lower().replace("’", "'")
            index.all_words |= {low, low.split("'")[0]}
        index.countries = _countries_implied(text) | ({HOME_COUNTRY[language]} if language in HOME_COUNTRY else set())
        return index

    def holding(self, q: Quantity) -> list[int]:
        """The sentences whose figures back q."""
        return [i for i, qs in enumerate(self.quantities) if any(supports(a, q) for a in qs)]

    def sources(self, clause: str, language: str, skip: Quantity | None = None) -> list[int]:
        """The article sentences a summary clause may come from, best first, when the evidence suffices:
        a shared figure counts 3 (a year 2), a shared name or country 2, a shared word 1 (across
        languages through the bilingual word list). skip: a figure not to count (the one being judged)."""
        qs = [q for q in find_quantities(clause) if q is not skip and q.kind != "date"]
        clause_names = [n for n, _ in names(clause)]
        clause_countries = set(countries_in(clause))
        words = {w.lower() for w in WORD.findall(clause)} - _function_words()
        if language != self.language:
            words = set().union(*(_translations(w, language) for w in words)) if words else set()
        scores = []
        for i, article_sentence in enumerate(self.sentences):
            score = sum((2 if q.kind == "year" else 3) for q in qs if any(supports(a, q) for a in self.quantities[i]))
            norm = _norm(article_sentence)
            score += 2 * sum(any(_found(v, norm) for v in _name_variants(n)) for n in clause_names)
            score += 2 * len(clause_countries & self.sentence_countries[i])
            score += _shared(words, self.words[i])
            scores.append(score)
        best = max(scores, default=0)
        if best < MIN_MATCH:
            return []
        return sorted((i for i, sc in enumerate(scores) if sc >= max(MIN_MATCH, CANDIDATE_SHARE * best)),
                      key=lambda i: -scores[i])


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(w.lower() for lang in ("da", "en") for w in data_lines(f"stopwords.{lang}.txt"))


@lru_cache(maxsize=2)
def _lexicon(source: str) -> dict[str, set[str]]:
    """word of source -> words of the other language, from both directions of the bilingual word list."""
    other = "en" if source == "da" else "da"
    table: dict[str, set[str]] = {}
    for path, forward in ((f"lexicon.{source}-{other}.tsv", True), (f"lexicon.{other}-{source}.tsv", False)):
        for line in data_text(path).splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            head, translations = line.split("\t", 1)
            if translations.strip() == "-":
                continue
            words = {w.lower() for t in translations.split(";") for w in WORD.findall(t)}
            if forward:
                table.setdefault(head.lower(), set()).update(words)
            else:
                for w in words:
                    table.setdefault(w, set()).add(head.lower())
    return table


def _translations(word: str, language: str) -> set[str]:
    # names and shared words stay as they are; "faldet" -> "the fall" gives "fall"
    return (_lexicon(language).get(word, set()) - _function_words()) | {word}


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


def negated(text: str, language: str | None, prefixes: bool = True) -> bool:
    """An explicit negation ("not", "ikke", "no", "n't") or, with prefixes, a negative prefix on a word of
    the language ("unprofitable", "urentable"; "uændret" and the like are listed as no negation). Across
    languages prefixes are not compared: "innocent" is "uskyldig", "unprofitable" is "ikke rentabel"."""
    lowered = text.lower().replace("’", "'").replace("‘", "'").replace("n 't", "n't")
    words = {w.lower() for w in WORD.findall(text)} - set(_words()["not_negations"])
    if "n't" in lowered or words & set(_words()["negations"]):
        return True
    if not prefixes:
        return False
    for lang in ([language] if language else ["da", "en"]):
        for prefix in NEGATIVE_PREFIXES.get(lang, ()):
            for w in words:
                rest = w[len(prefix):]
                if w.startswith(prefix) and len(rest) >= 5 and dictionary.available(lang) and dictionary.is_word(rest, lang):
                    return True
    return False


def _clauses(sentence: str) -> list[str]:
    return [c for c in CLAUSE_BREAK.split(sentence) if c.strip()] or [sentence]


def _negation_at(clause: str) -> int:
    m = re.search(r"(?<!\w)(?:" + "|".join(map(re.escape, _words()["negations"])) + r")(?!\w)|n['’]t\b", clause, re.I)
    return m.start() if m else 0


def _negated_phrases(clause: str) -> list[list[str]]:
    """The content words right after each explicit negation of clause: what it negates (names aside:
    "not ... Trump" says nothing of what is negated)."""
    raw = [t.replace("’", "'") for t in WORD.findall(clause)]
    tokens = [t.lower() for t in raw]
    skip = _function_words() | set(_words()["abbreviations"])
    out = []
    for i, t in enumerate(tokens):
        if t in _words()["negations"] or t.endswith("n't"):
            out.append([w.lower() for w in raw[i + 1 : i + 7]
                        if w.lower() not in skip and len(w) > 2 and not w[:1].isupper()][:3])
    return out


def _in_article_language(words, language: str, index: ArticleIndex) -> set[str]:
    """words, translated into the article's language through the word list when the languages differ."""
    words = set(words)
    if language != index.language:
        words = set().union(*(_translations(w, language) for w in words)) if words else set()
    return words


def _same_word(a: str, b: str) -> bool:
    """Two forms of one word: equal, or sharing all but the last two letters of the shorter, at least four
    ("need" ~ "needed", "intervene" ~ "intervenere", "fald" ~ "faldet"; not "under" ~ "understand",
    not "salget" ~ "salgsvækst")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and long.endswith(short):  # a Danish compound's head word: "valutamarkedet" ~ "markedet"
        return True
    n = len(os.path.commonprefix([a, b]))
    return n >= max(4, min(len(a), len(b)) - 2) and max(len(a), len(b)) - n <= 5  # an ending, not a compound


def _shared(wanted: set[str], words: set[str]) -> int:
    return sum(any(_same_word(w, x) for x in words) for w in wanted)


def _negation_problems(clause: str, sentence: str, language: str, index: ArticleIndex,
                       sources: list[int]) -> list[Problem]:
    """A negation added (the summary negates what the article states) or dropped (the summary states
    what the article negates). The negated words are what tell: the few content words after "not"/"ikke"."""
    out = []
    same = language == index.language
    article_negated = [negated(s, index.language, same) for s in index.sentences]
    for phrase in _negated_phrases(clause):
        first = _in_article_language(phrase[:1], language, index)  # the word the negation is on
        if first and any(article_negated[i] and _shared(first, index.words[i]) for i in range(len(index.sentences))):
            continue  # the article negates it too
        wanted = [_in_article_language([w], language, index) for w in phrase]
        # Across languages the word list gives a word's usual translations, not every paraphrase: ask more.
        need = min(2 if same else 3, len(phrase))
        named = [n for n, _ in names(clause)]
        stating = [i for i in range(len(index.sentences)) if phrase
                   and sum(bool(_shared(w, index.words[i])) for w in wanted) >= need
                   and (i in sources or any(_found(v, _norm(index.sentences[i])) for n in named for v in _name_variants(n)))]
        # A figure the negation is on ("is not down 2.1%", "ikke faldet 6,8 pct.") ties it to the sentence
        # that gives the figure.
        negated_part = re.split(r"[,;:]\s", clause[_negation_at(clause):], maxsplit=1)[0]
        strong = [i for i in sources if any(supports(a, q) for q in find_quantities(negated_part)
                                            for a in index.quantities[i])]
        if stating or strong:
            out.append(Problem("negated, but the article states it", " ".join(phrase), sentence))
            return out
    if negated(clause, language, same) or not sources:
        return out
    clause_words = _in_article_language({w.lower() for w in WORD.findall(clause)} - _function_words(), language, index)
    # The clause of each source sentence that the summary's clause is from ("X rose, but Y did not").
    closest = [max(_clauses(index.sentences[i]), key=lambda c: _shared(clause_words, {w.lower() for w in WORD.findall(c)}))
               for i in sources]
    if all(negated(c, index.language, same) for c in closest):
        return [Problem("the article's sentence is negated, the summary's is not", clause.strip(), sentence)]
    best = closest[0]
    for i in sources:  # what the sentences it is from negate, stated: two of the negated words (one, in
        for c in _clauses(index.sentences[i]):  # the clause the summary's is from)
            if not negated(c, index.language, same):
                continue
            for phrase in _negated_phrases(c):
                if phrase and _shared(set(phrase), clause_words) >= (1 if c == best else 2):
                    return [Problem("the article negates this, the summary does not", " ".join(phrase), sentence)]
    return out


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


def clause_problems(clause: str, sentence: str, language: str, index: ArticleIndex) -> list[Problem]:
    """Polarity, negation and years of one clause against the article sentences it may come from."""
    out = []
    sources = index.sources(clause, language)
    if sources:
        mine = _poles(clause)
        for axis, sides in mine.items():
            theirs = [_poles(index.sentences[i]).get(axis) for i in sources]
            if any(t is not None for t in theirs) and not any(t and (t & sides) for t in theirs):
                side = next(iter(sides))
                words = {w.lower() for w in WORD.findall(clause)} & set(_words()["polarity_axes"][axis][side])
                out.append(Problem(f"says the opposite of the article ({axis})", sorted(words)[0], sentence))
    out += _negation_problems(clause, sentence, language, index, sources)
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
    return [(hit.text, hit.start, {hit.symbol}) for hit in find_tickers(sentence)]


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
    none is named before it and the name is in the sentence, or (the sentence naming no security at all)
    in the few sentences before it or the title."""
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
        if not hits and _mentions(" ".join(index.sentences[max(0, i - WINDOW_BEFORE) : i] + index.sentences[:1]),
                                  name, symbols):
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


def meaning_problems(block: str, language: str, index: ArticleIndex) -> list[Problem]:
    """The meaning problems of block (a summary in language) against the article index, in order."""
    out: list[Problem] = []
    for s in split_sentences(block):
        sentence = block[s.start : s.end]
        out += non_words(sentence, language, index)
        out += country_problems(sentence, index)
        out += direction_problems(sentence, index)
        out += attribution_problems(sentence, index)
        for clause in CLAUSE_BREAK.split(sentence):
            out += clause_problems(clause, sentence, language, index)
    return out
