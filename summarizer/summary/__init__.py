"""summary: the bilingual summary of an Article, written by a model and checked against the article.

write.py is the entry point (select key sentences, let the model summarize, translate, check, fall
back); key_sentences.py picks what the model reads; translate.py translates Danish <-> English with any
model; check.py (grounding) checks every number, date, name and ticker of a text against its source;
meaning.py checks what each sentence means (non-words, countries, directions, polarity,
negation, whose figure); verify.py checks anyone's summary with all of these; word_hints.py looks up the bilingual word list for translation hints.
"""

from summarizer.summary.translate import Translation, translate_texts
from summarizer.summary.verify import verify
from summarizer.summary.write import summarize

__all__ = ["Translation", "summarize", "translate_texts", "verify"]
