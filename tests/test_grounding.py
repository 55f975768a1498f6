"""Grounding fed crafted bad outputs, and the summary's retry -> fallback path with a fake model."""

from __future__ import annotations

import pytest

from summarizer.models.fake import FakeModel
from summarizer.summary.check import check, names, strip_residue
from summarizer.summary.write import summarize
from summarizer.values import Article

ARTICLE_EN = (
    "Small caps lag the S&P 500\n\n"
    "The Russell 2000 has dropped 6.8% since the end of March, while the S&P 500 is down just 2.1% "
    "over the same period. SocGen's Andrew Lapthorne said on Tuesday that 2017 EPS expectations for "
    "the index are down 4%.\n\n"
    "The index rocketed 20% higher in the weeks after the election of Donald Trump.\n\n"
    "Hedge funds have started to press the index lower."
)
ARTICLE_DA = (
    "Aktien i Novo Nordisk steg 4,2 pct. tirsdag, efter at selskabet opjusterede forventningerne. "
    "Omsætningen blev på 1.234,5 mia. kr. i 2023, og indtjeningen pr. aktie steg med 0,5 procentpoint."
)


def en_article() -> Article:
    title, *paras = ARTICLE_EN.split("\n\n")
    return Article(paragraphs=paras, title=title, language="en")


# --- check(): crafted bad outputs ------------------------------------------------------------

def test_faithful_summary_passes():
    out = "The Russell 2000 has dropped 6.8% since March while the S&P 500 is down 2.1%, SocGen's Lapthorne says."
    assert check(out, ARTICLE_EN) == []


def test_invented_number_is_flagged():
    issues = check("The Russell 2000 has dropped 9.5% since March.", ARTICLE_EN)
    assert len(issues) == 1 and "9.5%" in issues[0]


def test_summary_more_precise_than_article_is_flagged():
    # The article says 4%; "4.3%" would pass a rounding-tolerant comparison, but it invents digits.
    assert any("4.3%" in i for i in check("EPS expectations are down 4.3%.", ARTICLE_EN))
    assert check("The Russell 2000 has dropped about 7%.", ARTICLE_EN) == []  # rounding the article is fine


def test_wrong_weekday_is_flagged():
    issues = check("Lapthorne said on Friday that EPS expectations are down 4%.", ARTICLE_EN)
    assert issues == ["weekday 'Friday' is not in the article"]
    assert check("Lapthorne sagde tirsdag, at forventningerne er faldet 4 pct.", ARTICLE_EN) == []


def test_invented_company_and_ticker_are_flagged():
    issues = check("Goldman Sachs says the index fell 4%, and $IWM and AAPL followed.", ARTICLE_EN)
    joined = " | ".join(issues)
    assert "Goldman Sachs" in joined and "$IWM" in joined and "AAPL" in joined
    assert not any("4%" in i for i in issues)


def test_invented_index_number_is_flagged():
    assert any("Russell 3000" in i for i in check("The Russell 3000 fell 4%.", ARTICLE_EN))


@pytest.mark.parametrize(
    "summary, article",
    [
        ("Shares in Novo Nordisk rose 4.2% on Tuesday.", ARTICLE_DA),
        ("Aktien steg 4,2 pct.", "The share rose 4.2% on Tuesday."),
        ("Revenue was 1,234.5 billion kroner in 2023.", ARTICLE_DA),
        ("Omsætningen var 1.234,5 mia. kr.", "Revenue was 1,234.5 billion kroner."),
        ("Earnings per share rose 0.5 percentage points.", ARTICLE_DA),
    ],
)
def test_danish_and_english_number_formats_are_the_same(summary, article):
    assert check(summary, article) == []


def test_changed_amount_in_other_format_is_flagged():
    assert check("Revenue was 1,243.5 billion kroner.", ARTICLE_DA) != []
    assert check("Aktien steg 2,4 pct.", "The share rose 4.2% on Tuesday.") != []


def test_danish_compound_and_genitive_names_are_found():
    out = "Russell 2000-indekset er faldet 6,8 pct., og ifølge SocGens Andrew Lapthorne er S&P 500's fald 2,1 pct."
    assert check(out, ARTICLE_EN) == []


def test_prompt_residue_is_flagged_and_stripped():
    raw = "Here is the summary: The index rocketed 20% higher."
    assert any("residue" in i for i in check(raw, ARTICLE_EN))
    assert strip_residue(raw) == "The index rocketed 20% higher."
    assert strip_residue('Resumé: "Aktien steg."') == "Aktien steg."


def test_sentence_initial_words_are_not_names():
    found = [n for n, _ in names("The index fell. Hedge funds sold. Analysts at Goldman Sachs agree.")]
    assert found == ["Goldman Sachs"]


# --- summarize(): retry, fallback, flags, cache -------------------------------------------------

GOOD_DA = "Russell 2000 er faldet 6,8 pct., mens S&P 500 kun er faldet 2,1 pct."


def test_grounded_summary_first_try():
    model = FakeModel(["Here is the summary: The Russell 2000 has dropped 6.8% while the S&P 500 is down 2.1%.", GOOD_DA])
    s = summarize(en_article(), model)
    assert s.grounded and s.grounding_issues == []
    assert s.en == "The Russell 2000 has dropped 6.8% while the S&P 500 is down 2.1%."
    assert s.da == GOOD_DA and s.source_language == "en" and s.model == "fake"
    assert len(model.calls) == 2 and "summary_en" in s.timings


def test_ungrounded_twice_falls_back_to_selected_sentences_and_says_why():
    bad = "The Russell 2000 crashed 35% on Friday, Goldman Sachs said."
    model = FakeModel([bad, bad] + [GOOD_DA] * 3)  # the key sentences are translated one by one
    s = summarize(en_article(), model)
    assert s.grounded is False
    joined = " | ".join(s.grounding_issues)
    assert "35%" in joined and "Friday" in joined and "Goldman Sachs" in joined
    assert "key sentences" in joined
    assert s.en.startswith("The Russell 2000 has dropped 6.8%")  # the article's own sentence
    assert "35%" not in s.en
    # the retry is a follow-up turn of the first conversation (cached in the model), naming what failed
    first, retry = model.calls[0], model.calls[1]
    assert retry[:len(first)] == first and retry[len(first)] == {"role": "assistant", "content": bad}
    assert "failed these checks" in retry[-1]["content"] and "35%" in retry[-1]["content"]
    assert len(s.en.split()) <= 70 and s.en.count(". ") <= 2


def test_strict_retry_that_succeeds_is_grounded():
    model = FakeModel(["The index fell 35%.", "The Russell 2000 has dropped 6.8%.", "Russell 2000 er faldet 6,8 pct."])
    s = summarize(en_article(), model)
    assert s.grounded and s.en == "The Russell 2000 has dropped 6.8%." and "summary_en_retry" in s.timings


def test_translation_that_fails_every_attempt_is_shown_untranslated_with_a_note():
    # The summary's translation invents. Neither that sentence nor the article's key sentences are
    # translated again (a queued answer for them would be left over, and the block would read it).
    model = FakeModel(["The Russell 2000 has dropped 6.8%.", "Russell 2000 er faldet 9 pct.", "Russell 2000 er faldet 6,8 pct."])
    s = summarize(en_article(), model)
    assert not s.grounded and len(model.calls) == 2
    assert s.da.startswith("[Ikke oversat") and "6.8%" in s.da
    assert any(i.startswith("da: number '9 pct.'") for i in s.grounding_issues)


def test_a_danish_block_written_in_english_fails_the_check_and_is_translated_instead():
    # The small model sometimes answers "write it in Danish" in English (seen on the ØU sample).
    model = FakeModel(["The Russell 2000 has dropped 6.8%.", "The Russell 2000 index has fallen 6.8% since March.",
                      "Russell 2000 er faldet 6,8 pct."])
    s = summarize(en_article(), model, other_language="direct")
    assert s.da == "Russell 2000 er faldet 6,8 pct." and s.grounded
    assert "translate_da" in s.timings and len(model.calls) == 3
    assert "Translate" in model.calls[2][0]["content"] or "oversætter" in model.calls[2][0]["content"]


def test_rerun_is_served_from_the_cache():
    model = FakeModel(["The Russell 2000 has dropped 6.8% while the S&P 500 is down 2.1%.", GOOD_DA])
    first = summarize(en_article(), model)
    second = summarize(en_article(), model)  # the queue is empty: any model call would fail
    assert (second.en, second.da, second.grounded) == (first.en, first.da, first.grounded)
    assert len(model.calls) == 2
    other = FakeModel(["The Russell 2000 has dropped 6.8%.", GOOD_DA], name="another-model")
    assert summarize(en_article(), other).en == "The Russell 2000 has dropped 6.8%."  # keyed by model name


def test_long_model_output_is_trimmed_to_three_sentences():
    long = " ".join(["The Russell 2000 has dropped 6.8%."] * 6)
    model = FakeModel([long] + [GOOD_DA] * 3)
    s = summarize(en_article(), model)
    assert s.en.count("6.8%") == 3 and len(model.calls) == 4  # only the 3 kept sentences are translated


def test_known_company_at_sentence_start_is_checked_with_the_gazetteer():
    pytest.importorskip("summarizer.facts.tickers")
    assert any("Apple" in i for i in check("Apple fell 4%.", ARTICLE_EN))
    assert check("Novo Nordisk steg 4,2 pct.", "Novo steg 4,2 pct. tirsdag.") == []


def test_words_tacked_onto_a_real_name_are_repaired():
    from summarizer.summary.check import repair_names

    out = "The Russell 2000 ETF lags the S&P 500 ETF, Goldman Sachs says."
    fixed = repair_names(out, ARTICLE_EN)
    assert fixed == "The Russell 2000 lags the S&P 500, Goldman Sachs says."
    issues = check(fixed, ARTICLE_EN)  # invented names stay flagged
    assert len(issues) == 1 and "Goldman Sachs" in issues[0]


def test_repaired_model_summary_is_grounded():
    model = FakeModel(["The Russell 2000 ETF has dropped 6.8%.", GOOD_DA])
    s = summarize(en_article(), model)
    assert s.grounded and s.en == "The Russell 2000 has dropped 6.8%." and len(model.calls) == 2


def test_a_failed_translation_keeps_the_sentences_that_pass_and_says_what_it_left_out():
    summary = "The Russell 2000 has dropped 6.8% since March. The S&P 500 is down 2.1%."
    model = FakeModel([summary,
                      "Russell 2000 er faldet 6,8 pct. siden marts i 2016.",  # sentence 1: invents 2016
                      "S&P 500 er faldet 2,1 pct."])  # sentence 2: passes
    s = summarize(en_article(), model)
    assert len(model.calls) == 3  # the failed sentence is not translated again
    assert s.en == summary and s.da == "S&P 500 er faldet 2,1 pct."
    assert not s.grounded
    assert "da: number '2016' is not in the article" in s.grounding_issues
    assert "da: left out 1 of 2 sentences: their translation failed the check" in s.grounding_issues


def test_a_sentence_handed_back_untranslated_is_left_out_not_mixed_in():
    summary = "The Russell 2000 has dropped 6.8% since March. The S&P 500 is down 2.1% this year so far."
    model = FakeModel([summary,
                      "Russell 2000-indekset er faldet 6,8 pct. siden marts, viser tallene.",  # sentence 1: fine
                      "The S&P 500 is down 2.1% this year so far."])  # sentence 2: English, untranslated
    s = summarize(en_article(), model)
    assert s.da == "Russell 2000-indekset er faldet 6,8 pct. siden marts, viser tallene." and not s.grounded
    assert "da: a sentence came back in English" in s.grounding_issues
    assert "da: left out 1 of 2 sentences: their translation failed the check" in s.grounding_issues


def test_a_translation_whose_every_sentence_passes_is_grounded():
    summary = "The Russell 2000 has dropped 6.8% since March. The S&P 500 is only down 2.1%."
    model = FakeModel([summary,
                      "Russell 2000-indekset er faldet 6,8 pct. siden marts, og det er meget.",
                      "Det brede S&P 500 er til gengæld kun faldet 2,1 pct. i år."])
    s = summarize(en_article(), model)
    assert s.da == ("Russell 2000-indekset er faldet 6,8 pct. siden marts, og det er meget. "
                    "Det brede S&P 500 er til gengæld kun faldet 2,1 pct. i år.")
    assert s.grounded and s.grounding_issues == []


def test_dollar_amounts_are_numbers_not_cashtags():
    article = "Selskabet tjente 839 mio. dollar, og $IWM faldt."
    assert check("The company earned $839 million.", article) == []
    assert any("$1.1" in i for i in check("The company earned $1.1 billion.", article))  # as a number
    assert any("$SPY" in i for i in check("$SPY fell.", article))  # a cashtag is still a name
