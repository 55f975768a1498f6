"""Meaning checks (summary/meaning.py) and `newsum verify`: each kind of wrong sentence is caught, and
right sentences in either language pass. The articles and summaries here are written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLES

from summarizer.models.fake import FakeModel
from summarizer.pipeline import analyse, load_article
from summarizer.summary import dictionary, verify
from summarizer.summary.negation import negated
from summarizer.values import Article

GERMAN = Article(
    title="German economy shrinks as exports fall",
    paragraphs=[
        "The German economy shrank 0.3% in the second quarter, official data showed on Tuesday.",
        "Exports fell 1.2% while the DAX rose 0.4%.",
        "Heineken said revenue rose 4.2% in the quarter. Carlsberg did not change its outlook.",
        "Hedge funds are net short 48,000 contracts, the most bearish stance since October 2021.",
    ],
    language="en",
)


def problems(summary: str, lang: str, article: Article = GERMAN) -> list[str]:
    v = verify(article, summary, lang)
    return [p for s in v.sentences for p in s.problems] + v.problems


def test_hunspell_dictionaries_are_installed():
    assert dictionary.available("da") and dictionary.available("en"), (
        "install the hunspell dictionaries: bash scripts/install.sh (Debian: hunspell-da hunspell-en-us)")


@pytest.mark.parametrize("summary,lang", [
    ("Den tyske økonomi skrumpede 0,3 pct. i andet kvartal. Eksporten faldt 1,2 pct.", "da"),
    ("Heineken oplyste, at omsætningen steg 4,2 pct. Carlsberg ændrede ikke sin forventning.", "da"),
    ("Hedgefonde har en netto kort position på 48.000 kontrakter, den mest negative siden oktober 2021.", "da"),
    ("The German economy shrank 0.3% in the second quarter, while exports fell 1.2%.", "en"),
    ("Carlsberg did not change its outlook, and Heineken's revenue rose 4.2%.", "en"),
])
def test_right_summaries_pass_in_both_languages(summary, lang):
    assert problems(summary, lang) == []


@pytest.mark.parametrize("summary,lang,reason", [
    ("Den engelske økonomi skrumpede 0,3 pct. i andet kvartal.", "da", "a country the article does not name"),
    ("The British economy shrank 0.3% in the second quarter.", "en", "a country the article does not name"),
    ("Hedgefonde presser kasserindeksen ned.", "da", "not a Danish word"),
    ("Eksporten steg 1,2 pct.", "da", "went down, not up"),
    ("Exports rose 1.2% while the DAX rose 0.4%.", "en", "went down, not up"),
    ("Carlsberg said revenue rose 4.2%.", "en", "gives 4.2% to someone else"),
    ("Carlsberg changed its outlook.", "en", "the article's sentence is negated"),
    ("The German economy did not shrink 0.3% in the second quarter.", "en", "negated, but the article states it"),
    ("Hedge funds are net long 48,000 contracts, the most bullish stance since October 2021.", "en", "opposite"),
    ("Hedge funds are net short 48,000 contracts, the most bearish stance since October 2020.", "en",
     "not in the article"),
    ("Eksporten faldt 1.2 pct., mens DAX steg 0,4 pct.", "da", "a number not written the Danish way"),
    ("Exports fell 1,2% while the DAX rose 0,4%.", "en", "a number not written the English way"),
    ("Hedgefonde har bemærkede, at eksporten faldt 1,2 pct.", "da", "a past tense after 'har'"),
    ("Eksporten er falder sig 1,2 pct.", "da", "a finite verb after"),
    ("Eksporten faldt 1,2 pct. i mars.", "da", "a Norwegian or Swedish word"),
])
def test_each_kind_of_wrong_sentence_is_caught_with_its_word(summary, lang, reason):
    found = problems(summary, lang)
    assert any(reason in p for p in found), found


def test_a_year_from_elsewhere_in_the_article_is_caught_in_its_sentence():
    article = Article(paragraphs=[
        "Novo Nordisk raised its outlook for 2023 for the fourth time.",
        "The company plans to expand capacity during 2024.",
    ], language="en")
    assert problems("Novo Nordisk raised its outlook for 2023.", "en", article) == []
    assert any("says 2023" in p for p in problems("Novo Nordisk raised its outlook for 2024.", "en", article))


def test_negation_of_one_clause_is_compared_with_the_clause_it_comes_from():
    article = Article(paragraphs=["Revenue rose 5% in the quarter, but the bank did not raise its dividend."],
                      language="en")
    assert problems("Revenue rose 5% in the quarter.", "en", article) == []
    assert problems("The bank did not raise its dividend.", "en", article) == []
    assert any("negat" in p for p in problems("The bank raised its dividend, and revenue rose 5%.", "en", article))


def test_negative_prefixes_count_within_a_language_only():
    assert negated("40% of the companies are unprofitable.", "en")
    assert not negated("Novo Nordisk finished unchanged.", "en")  # listed: not a negation
    assert not negated("He was innocent.", "en", prefixes=False)


@pytest.fixture(scope="module")
def sample_rows() -> list[dict]:
    lines = (REPO / "bench" / "data" / "correct-summaries.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r.get("source", "").startswith("samples/")]


def test_hand_written_summaries_of_the_samples_pass(sample_rows):
    for row in sample_rows:
        article = load_article(str(REPO / row["source"]))
        assert problems(row["text"], row["lang"], article) == [], row


def test_planted_errors_in_the_samples_are_caught(sample_rows):
    sys.path.insert(0, str(REPO / "bench"))
    from planted_errors import KINDS, plant

    caught = total = 0
    for row in sample_rows:
        article = load_article(str(REPO / row["source"]))
        for kind in KINDS:
            planted = plant(kind, row["text"], row["lang"], article)
            if planted and planted != row["text"]:
                total += 1
                caught += not verify(article, planted, row["lang"]).grounded
    assert total >= 60 and caught / total >= 0.9, (caught, total)


def test_a_failed_translation_shows_the_key_figures_in_that_language():
    article = load_article(str(SAMPLES / "northgate-en.html"))
    summary = "The Stoxx 600 fell 0.8% to 512.40. Novo Nordisk shares dropped 3.4% to 612.80 crowns."

    translated: list[str] = []

    def respond(messages):
        text = messages[-1]["content"]
        if "Stoxx" in text and "Danish" not in messages[0]["content"] and "dansk" not in text.lower():
            return summary
        translated.append(text)
        return "Stoxx 600 kasserindekset faldt 0,8 pct."  # a non-word: every translation fails

    report = analyse(article, model=FakeModel(respond=respond))
    s = report.summary
    assert s.en == summary
    assert s.da.startswith("[Nøgletal") and "Stoxx 600 faldt 0,8 pct. til 512,40." in s.da
    assert not s.grounded and any("key figures instead" in i for i in s.grounding_issues)
    # the summary's own sentences were sent to translation once each, not again with examples and not the
    # article's key sentences after them: those cost more than they gave (BENCHMARKS.md "Session 9")
    assert translated and len(translated) == len(set(translated))
    assert set(translated) <= set(summary.replace(". ", ".\n").splitlines())


def test_a_translation_that_lost_a_sentence_gets_the_key_figures_it_does_not_state():
    article = load_article(str(SAMPLES / "northgate-en.html"))
    summary = "The Stoxx 600 fell 0.8% to 512.40. Germany's DAX lost 0.6%."

    def respond(messages):
        text = messages[-1]["content"]
        if len(text) > 300:  # the article: the summary prompt
            return summary
        if "DAX" in text and "Stoxx" not in text:
            return "Tysklands DAX-kasserindeks faldt 0,6 pct."  # a non-word: fails
        if "Stoxx" in text and "DAX" not in text:
            return "Stoxx 600 faldt 0,8 pct. til 512,40."
        return "Kasserindekset faldt."  # the whole block at once: fails

    s = analyse(article, model=FakeModel(respond=respond)).summary
    # the key figure for the lost sentence, and only that one
    assert s.da == "Stoxx 600 faldt 0,8 pct. til 512,40. [Nøgletal, som oversættelsen udelod:] DAX faldt 0,6 pct."
    assert any("key figures the translation left out" in i for i in s.grounding_issues)


def test_a_danish_passive_move_is_a_direction():
    article = Article(title="Renten sænkes", paragraphs=["Renten på udlån sænkes til 3,50 pct. fra fredag."], language="da")
    assert any("opposite" in p for p in problems("The lending rate is raised to 3.50%.", "en", article))
    assert problems("The lending rate is lowered to 3.50%.", "en", article) == []


def test_danish_verb_slips_are_put_right_where_the_form_is_certain():
    from summarizer.summary.meaning import repair_grammar

    assert repair_grammar("Russell 2000 er klarer sig dårligere end S&P 500.", "da") == (
        "Russell 2000 klarer sig dårligere end S&P 500.")
    assert repair_grammar("Hedgefonde har bemærkede problemerne.", "da") == "Hedgefonde har bemærket problemerne."
    assert repair_grammar("Butikkerne er lukkede, og banken har haft et godt år.", "da") == (
        "Butikkerne er lukkede, og banken har haft et godt år.")
    assert repair_grammar("It is closed.", "en") == "It is closed."


def test_a_translation_that_loses_a_name_fails():
    from summarizer.summary.meaning import lost_names

    lost = lost_names("Apple and Amazon reported results after the bell.", "Æble og Amazon fremlagde regnskab.")
    assert [p.word for p in lost] == ["Apple"]
    assert lost_names("Novo Nordisk-aktien steg 2,4 pct.", "Novo Nordisk shares rose 2.4%.") == []


def run_verify(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "summarizer.cli", "verify", *args], check=False,
                          capture_output=True,
                          text=True, cwd=REPO, timeout=120)


def test_verify_exits_0_when_grounded_and_7_when_not(tmp_path: Path):
    page = str(SAMPLES / "northgate-en.html")
    ok = run_verify(page, "--summary", "Stoxx 600 faldt 0,8 pct. Det tyske DAX tabte 0,6 pct.")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("Danish summary of ") and "grounded" in ok.stdout.splitlines()[0]
    (tmp_path / "s.txt").write_text("Stoxx 600 steg 0,8 pct. Den engelske DAX tabte 0,6 pct.", encoding="utf-8")
    bad = run_verify(page, "--summary", f"@{tmp_path / 's.txt'}", "--format", "json")
    assert bad.returncode == 7, bad.stderr
    out = json.loads(bad.stdout)
    assert out["grounded"] is False and out["language"] == "da"
    assert [bool(s["problems"]) for s in out["sentences"]] == [True, True]
    assert any("engelske" in p for p in out["sentences"][1]["problems"])


def test_verify_usage_errors_are_one_line_exit_2(tmp_path: Path):
    page = str(SAMPLES / "northgate-en.html")
    for args in (["--summary", ""], ["--summary", "Aktien steg.", "--lang", "de"],
                 ["--summary", f"@{tmp_path / 'missing.txt'}"]):
        r = run_verify(page, *args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, (args, r.stderr)
