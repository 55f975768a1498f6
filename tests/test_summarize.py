"""Content selection, length trimming, prompt files and the model-output cache (no real model)."""

from __future__ import annotations

import pytest
from test_grounding import ARTICLE_DA, en_article

from summarizer.errors import UsageError
from summarizer.models.cache import LLMCache, cached_chat
from summarizer.models.fake import FakeModel
from summarizer.resources import load_prompt, parse_prompt, prompt_dirs
from summarizer.summary.key_sentences import select_sentences, split_sentences
from summarizer.summary.write import LENGTHS, summarize, trim
from summarizer.values import Article

DA_PARAGRAPHS = [
    "Faldende renter har sendt kursen på de fastforrentede 5 pct.-obligationer over 100. Det åbner for en ny "
    "konverteringsbølge til oktober-terminen.",
    "Kursen på den 30-årige 5 pct.-obligation fra Nykredit lå tirsdag på 100,8, mens den nye 4 pct.-obligation "
    "blev handlet til kurs 97,4. Boligejere med lån for knap 160 mia. kr. kan konvertere.",
    "Det er godt nyt, siger chefanalytiker Rasmus Kjeldgaard, Nordea Kredit.",
    "Vejret var fint.",
]


def test_danish_abbreviations_do_not_end_sentences():
    assert split_sentences("Aktien steg 4,2 pct. Omsætningen var 1.234,5 mia. kr. i 2023, bl.a. pga. hr. Jensen.", "da") == [
        "Aktien steg 4,2 pct.",
        "Omsætningen var 1.234,5 mia. kr. i 2023, bl.a. pga. hr. Jensen.",
    ]


def test_selection_prefers_lead_numbers_and_central_sentences_and_keeps_order():
    chosen = select_sentences(DA_PARAGRAPHS, "da", max_sentences=3, max_chars=2000)
    texts = [s.text for s in chosen]
    assert texts[0].startswith("Faldende renter")
    assert "Vejret var fint." not in texts
    assert [s.position for s in chosen] == sorted(s.position for s in chosen)


def test_selection_respects_the_context_budget():
    chosen = select_sentences(DA_PARAGRAPHS, "da", max_sentences=10, max_chars=200)
    assert sum(len(s.text) for s in chosen) <= 200


def test_trim_keeps_whole_sentences_within_the_length():
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(1, 9))
    short = trim(text, "en", LENGTHS["short"])
    assert short.count(".") == 3 and short.endswith("seven words.")
    medium = trim(text, "en", LENGTHS["medium"])
    assert medium.count(".") == 5


def test_prompt_files_load_by_name_and_version():
    p = load_prompt("summarize.en")
    assert p.version.startswith("summarize.en.v") and p.messages[0][0] == "system"
    messages = p.render(article="A B C.", max_sentences="3", max_words="60")
    assert "A B C." in messages[-1]["content"] and "$" not in messages[-1]["content"]
    assert load_prompt(p.version) == p
    for name in ("summarize.da", "summarize-retry.en", "summarize-retry.da", "translate.da-en", "translate.en-da"):
        assert load_prompt(name).messages
    assert prompt_dirs()


def test_prompt_file_parsing_takes_the_highest_version(tmp_path, monkeypatch):
    import summarizer.resources as pf

    (tmp_path / "task.xx.v1.txt").write_text("comment\n### user\none $x\n", encoding="utf-8")
    (tmp_path / "task.xx.v2.txt").write_text("### system\nsys\n### user\ntwo $x\n", encoding="utf-8")
    monkeypatch.setattr(pf, "prompt_dirs", lambda: [tmp_path])
    pf.load_prompt.cache_clear()
    try:
        p = pf.load_prompt("task.xx")
        assert p.version == "task.xx.v2"
        assert p.render(x="!") == [{"role": "system", "content": "sys"}, {"role": "user", "content": "two !"}]
    finally:
        pf.load_prompt.cache_clear()
    assert parse_prompt("t", "t.v1", "### assistant\nhi").messages == (("assistant", "hi"),)


def test_llm_cache_is_keyed_by_model_and_prompt_version(tmp_path):
    cache = LLMCache(tmp_path)
    model = FakeModel(["one", "two", "three"])
    msgs = [{"role": "user", "content": "hi"}]
    assert cached_chat(model, msgs, prompt_version="p.v1", max_tokens=5, cache=cache)[0].text == "one"
    gen, hit = cached_chat(model, msgs, prompt_version="p.v1", max_tokens=5, cache=cache)
    assert (gen.text, hit) == ("one", True)
    assert cached_chat(model, msgs, prompt_version="p.v2", max_tokens=5, cache=cache)[0].text == "two"
    model.name = "other"
    assert cached_chat(model, msgs, prompt_version="p.v1", max_tokens=5, cache=cache)[0].text == "three"
    assert len(list(tmp_path.rglob("*.json"))) == 3


def test_corrupt_cache_entry_is_a_miss(tmp_path):
    cache = LLMCache(tmp_path)
    model = FakeModel(["first", "second"])
    msgs = [{"role": "user", "content": "hi"}]
    cached_chat(model, msgs, prompt_version="p.v1", max_tokens=5, cache=cache)
    for f in tmp_path.rglob("*.json"):
        f.write_text("{not json", encoding="utf-8")
    assert cached_chat(model, msgs, prompt_version="p.v1", max_tokens=5, cache=cache)[0].text == "second"


def test_danish_article_is_summarized_in_danish_then_translated():
    article = Article(paragraphs=[ARTICLE_DA], title="Novo Nordisk stiger", language="da")
    model = FakeModel(["Novo Nordisk steg 4,2 pct. tirsdag.", "Novo Nordisk rose 4.2% on Tuesday."])
    s = summarize(article, model)
    assert (s.da, s.en, s.source_language, s.grounded) == (
        "Novo Nordisk steg 4,2 pct. tirsdag.", "Novo Nordisk rose 4.2% on Tuesday.", "da", True)
    assert model.calls[1][-1] == {"role": "user", "content": "Novo Nordisk steg 4,2 pct. tirsdag."}


def test_the_other_language_can_be_written_directly_as_the_next_turn():
    article = Article(paragraphs=[ARTICLE_DA], title="Novo Nordisk stiger", language="da")
    model = FakeModel(["Novo Nordisk steg 4,2 pct. tirsdag.", "Novo Nordisk rose 4.2% on Tuesday."])
    s = summarize(article, model, other_language="direct")
    assert s.en == "Novo Nordisk rose 4.2% on Tuesday." and s.grounded
    # the English block as the next turn of the same conversation (its KV cache is reused)
    assert model.calls[1][: len(model.calls[0])] == model.calls[0]
    assert model.calls[1][-2] == {"role": "assistant", "content": "Novo Nordisk steg 4,2 pct. tirsdag."}
    assert "English" in model.calls[1][-1]["content"]
    with pytest.raises(UsageError):
        summarize(article, model, other_language="guess")


def test_bad_length_is_a_usage_error():
    with pytest.raises(UsageError):
        summarize(en_article(), FakeModel([]), length="long")


def test_translator_only_model_gives_extractive_summary_translated():
    from summarizer.models.base import Generation, Translator, TranslatorPair

    class Upper(Translator):

        def __init__(self, src, tgt):
            self.name, self.source_language, self.target_language = "upper", src, tgt

        def translate(self, texts, *, max_tokens=256):
            # Danish sentences with the article's figures: grounded, and detected as Danish.
            return [Generation(DANISH_BY_FIGURE[next(k for k in DANISH_BY_FIGURE if k in t)], 1, 1, 0.0)
                    for t in texts]

    pair = TranslatorPair("fake-opus", da_en=Upper("da", "en"), en_da=Upper("en", "da"))
    s = summarize(en_article(), pair)
    assert s.grounded and s.en.startswith("The Russell 2000 has dropped 6.8%"), s.grounding_issues
    assert s.da == " ".join(DANISH_BY_FIGURE.values())  # the extractive summary, sentence by sentence


DANISH_BY_FIGURE = {
    "6.8%": "Russell 2000-indekset er faldet 6,8 pct. siden marts, mens S&P 500 kun er faldet 2,1 pct.",
    "2017": "Andrew Lapthorne fra SocGen sagde tirsdag, at forventningerne til indtjeningen for 2017 er faldet 4 pct.",
    "20%": "Indekset steg 20 pct. i ugerne efter valget af Donald Trump.",
}
