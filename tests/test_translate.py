"""Translation plumbing with a fake chat model: prompts, retrieved examples, glossary, checks, CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

import summarizer.models
from summarizer.cli import app
from summarizer.models.fake import FakeModel
from summarizer.summary import translate
from summarizer.summary.translate import (
    build_messages,
    glossary_hint,
    retrieve_examples,
    translate_texts,
)

DEV = None


def test_examples_are_retrieved_by_shared_words_best_last():
    shots = retrieve_examples("Aktien steg 4,2 pct. tirsdag.", "da")
    assert len(shots) == 4
    assert shots[-1] == ("Aktien steg 4,2 pct. tirsdag.", "The share rose 4.2% on Tuesday.")
    en_shots = retrieve_examples("The share rose 4.2% on Tuesday.", "en")
    assert en_shots[-1] == ("The share rose 4.2% on Tuesday.", "Aktien steg 4,2 pct. tirsdag.")


def test_example_bank_shares_no_sentence_with_the_tatoeba_dev_set():
    from conftest import SHARED

    dev = SHARED / "bench" / "tatoeba-dan-eng" / "dev.tsv"
    if not dev.exists():
        pytest.skip("shared Tatoeba dev set not present")
    pairs = [line.split("\t") for line in dev.read_text(encoding="utf-8").splitlines() if "\t" in line]
    dev_sentences = {s.strip().lower() for pair in pairs for s in pair}
    bank = {s.strip().lower() for pair in translate.example_bank() for s in pair}
    assert not (bank & dev_sentences)


def test_glossary_terms_found_in_the_source_are_named():
    hint = glossary_hint("Realkredit: indtjening pr. aktie steg 0,5 procentpoint.", "da")
    assert "indtjening pr. aktie = earnings per share" in hint
    assert "procentpoint = percentage point" in hint
    assert "aktie = share" not in hint  # the longer term took those words
    assert glossary_hint("Tom is here.", "en") == ""


def test_messages_are_system_then_examples_then_hints_then_source():
    messages, version = build_messages("Jeg har ikke tid til aftensmad.", "da", "en")
    assert version == "translate.da-en.v4"
    assert messages[0]["role"] == "system" and "English" in messages[0]["content"]
    # v4 da->en: 3 fixed examples, 0 retrieved, then the word-hint turn
    assert [m["role"] for m in messages[1:-1]] == ["user", "assistant"] * 4
    assert messages[-3]["content"] == "aftensmad" and "dinner" in messages[-2]["content"]
    en_da, _ = build_messages("I have no time for dinner.", "en", "da")
    assert [m["role"] for m in en_da[1:-1]] == ["user", "assistant"] * 10  # 3 fixed + 6 retrieved + hints
    assert len({m["content"] for m in en_da[1:-3:2]}) == 9  # a retrieved pair never repeats a fixed one
    assert messages[-1] == {"role": "user", "content": "Jeg har ikke tid til aftensmad."}


def test_translation_is_cleaned_checked_and_cached():
    model = FakeModel(["Translation: The share rose 4.2% on Monday.\nExtra line", "Aktien steg 4,2 pct."])
    (t,) = translate_texts(["Aktien steg 4,2 pct. tirsdag."], model, "da", "en")
    assert t.text == "The share rose 4.2% on Monday."
    assert t.issues == ["weekday 'Monday' is not in the article"]
    (again,) = translate_texts(["Aktien steg 4,2 pct. tirsdag."], model, "da", "en")
    assert again.from_cache and again.text == t.text and len(model.calls) == 1


def test_seq2seq_translators_are_called_directly():
    from summarizer.models.base import Generation, Translator, TranslatorPair

    class Fixed(Translator):

        def __init__(self, src, tgt):
            self.name, self.source_language, self.target_language = f"fake-{src}-{tgt}", src, tgt

        def translate(self, texts, *, max_tokens=256):
            return [Generation(f"<{self.target_language}> {t}", 1, 1, 0.0) for t in texts]

    pair = TranslatorPair("fake-pair", da_en=Fixed("da", "en"), en_da=Fixed("en", "da"))
    (t,) = translate_texts(["Hej 4,2 pct."], pair, "da", "en", check=False)
    assert t.text == "<en> Hej 4,2 pct."


def test_translate_command_lines_with_fake_model(monkeypatch, capsys):
    model = FakeModel(["The share rose 4.2%.", "Tom is 30 years old."])
    monkeypatch.setattr(summarizer.models, "load_model", lambda spec, config=None: model)
    result = CliRunner().invoke(app, ["translate", "-", "--to", "en", "--lines"],
                                input="Aktien steg 4,2 pct.\n\nTom er 31 år.\n")
    out, err = result.stdout, result.stderr
    assert out == "The share rose 4.2%.\n\nTom is 30 years old.\n"  # one output line per input line
    assert err.strip() == "newsum: warning: line 3: number '30' is not in the article (check this translation)"


def test_translate_command_rejects_unknown_language():
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "translate", "-", "--to", "fr", "--lines"],
        input="Hej\n", capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["newsum: error: --to must be da or en, not 'fr'"]
    assert "Traceback" not in proc.stderr


def test_translate_command_missing_file_is_a_usage_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "translate", str(tmp_path / "nope.txt"), "--to", "en"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "no such file" in proc.stderr


def test_word_hints_name_content_words_from_the_word_list_in_text_order():
    from summarizer.summary.word_hints import lexicon, word_hints

    assert lexicon("en", "da")["buy"][0] == "købe" and lexicon("da", "en")["snart"][0] == "soon"
    hints = word_hints("Where can we buy it? Tom went outside to smoke.", "en", "da")
    words = [w for w, _ in hints]
    assert words[:2] == ["buy", "went"] and "smoke" in words
    assert "Where" not in words and "can" not in words  # stopwords: the model knows them
    assert dict(hints)["smoke"] == "røg / ryge"  # at most two senses


def test_a_hint_copied_whole_is_resolved_to_its_first_sense_and_nothing_else_is():
    from summarizer.summary.translate import resolve_alternatives, shown_word_hints

    source = "The opening ceremony was held in the park."
    assert ("opening", "åbning / åbner") in shown_word_hints(source, "en", "da")
    copied = "Åbnings-ceremonien: åbning / åbner ceremoni blev holdt i parken, ja / nej."
    # the hinted pair becomes its first sense; "ja / nej" was never hinted for this source, so it stays
    assert resolve_alternatives(copied, source, "en", "da") == (
        "Åbnings-ceremonien: åbning ceremoni blev holdt i parken, ja / nej.")
    # a pair hinted for another source is not this sentence's to resolve
    assert resolve_alternatives("tåre / rive", source, "en", "da") == "tåre / rive"
    # nor the senses of a glossary term's word, which the hint turn does not show ("small caps" is one term)
    caps = "Hedge funds pressed the small caps index lower."
    assert resolve_alternatives("lille / små selskaber, trykkede / presset", caps, "en", "da") == (
        "lille / små selskaber, trykkede")


def test_word_hints_skip_names_that_are_also_words():
    from summarizer.summary.word_hints import word_hints

    # Danish "tom" is "empty": the name Tom must not be hinted, neither first in a sentence nor inside one.
    assert "Tom" not in [w for w, _ in word_hints("Tom siger, at Tom er træt.", "da", "en")]
    assert ("tom", "empty") in word_hints("Kassen er tom.", "da", "en")


def test_prompt_gets_a_word_hint_turn_only_when_its_version_asks_for_it():
    version = translate.load_prompt("translate.en-da").version
    assert translate.WORD_HINTS_PER_PROMPT[version] is True
    default, _ = build_messages("Where can we buy it?", "en", "da")
    plain, _ = build_messages("Where can we buy it?", "en", "da", hint_words=False)
    hinted, _ = build_messages("Where can we buy it?", "en", "da", hint_words=True)
    assert default == hinted and len(hinted) == len(plain) + 2
    assert hinted[-3:-1] == [{"role": "user", "content": "buy"}, {"role": "assistant", "content": "købe"}]
    assert hinted[-1] == plain[-1] == {"role": "user", "content": "Where can we buy it?"}


def test_words_of_a_glossary_term_are_not_hinted_one_by_one():
    # "caps" alone is "kasketter" (headwear): the glossary's "small caps = småselskaber" must win.
    messages, _ = build_messages("Hedge funds pressed the small caps index lower.", "en", "da")
    hinted, hints = messages[-3]["content"].split("; "), messages[-2]["content"].split("; ")
    assert hints[hinted.index("small caps")] == "småselskaber"  # glossary terms open the hint turn
    assert "caps" not in hinted


def test_the_system_message_and_fixed_examples_are_the_same_for_every_source():
    # From v4 the glossary sits in the hint turn: a prompt that changed at its start would make llama.cpp
    # re-read the whole prompt for every sentence (its KV cache is reused only up to the first difference).
    a, _ = build_messages("Hedge funds pressed the small caps index lower.", "en", "da")
    b, _ = build_messages("Where can we buy it?", "en", "da")
    assert a[:7] == b[:7]
    assert "småselskaber" not in a[0]["content"]


def test_word_hints_stop_at_the_limit_and_none_means_none():
    from summarizer.summary.word_hints import word_hints

    text = "Where can we buy apples, bread, cheese, butter, milk, coffee and sugar today?"
    assert len(word_hints(text, "en", "da", max_hints=3)) == 3
    assert word_hints(text, "en", "da", max_hints=0) == []


def test_numbers_written_the_target_languages_way_open_the_hint_turn():
    messages, _ = build_messages("Ørsted tabte 60,2 mia. euro på 4.573 MW i 2022.", "da", "en")
    sources, targets = messages[-3]["content"].split("; "), messages[-2]["content"].split("; ")
    assert sources[:2] == ["60,2 mia. euro", "4.573 MW"] and targets[:2] == ["60.2 billion euros", "4,573 MW"]
    assert "2022" not in sources  # written alike in both languages: no hint
