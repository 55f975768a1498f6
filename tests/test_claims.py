"""summarizer.facts.claims: sentence splitting, claim selection, numbers, subject, attribution, model pass."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, SAMPLES, SHARED

from summarizer.facts.claims import find_claims
from summarizer.facts.model_claims import with_model_claims
from summarizer.models.fake import FakeModel
from summarizer.text import split_sentences
from summarizer.values import Article, Report

OEU = SAMPLES / "oeu-zerohedge-smallcap.txt"  # the seed page, as bundled
FINANCE_DEV = SHARED / "bench" / "finance-dev" / "ground-truth.json"
LABELLED = REPO / "tests" / "data" / "entities.jsonl"


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def claim(text: str, starting: str):
    found = [c for c in find_claims(text) if c.text.startswith(starting)]
    assert found, [c.text for c in find_claims(text)]
    return found[0]


# ---------------------------------------------------------------- sentences


def test_danish_abbreviations_and_decimals_do_not_end_sentences():
    text = (
        "Omsætningen steg 4,2 pct. til 58,7 mia. kr. efter skat, bl.a. på grund af Wegovy, dvs. ca. 2 mia. kr. mere. "
        "Det fremgår af regnskabet, f.eks. side 3. Aktien steg 2,4 pct. Novo Nordisk venter mere."
    )
    assert sentences(text) == [
        "Omsætningen steg 4,2 pct. til 58,7 mia. kr. efter skat, bl.a. på grund af Wegovy, dvs. ca. 2 mia. kr. mere.",
        "Det fremgår af regnskabet, f.eks. side 3.",
        "Aktien steg 2,4 pct.",
        "Novo Nordisk venter mere.",
    ]


def test_english_abbreviations_initials_and_decimals():
    text = "A.P. Møller - Mærsk and J.P. Morgan rose 4.2% after the U.S. data. Apple Inc. said revenue was $81.8 billion. It fell."
    assert sentences(text) == [
        "A.P. Møller - Mærsk and J.P. Morgan rose 4.2% after the U.S. data.",
        "Apple Inc. said revenue was $81.8 billion.",
        "It fell.",
    ]


def test_quotes_split_inside_and_keep_the_speaker_with_the_last_sentence():
    text = "»Vi ser en stigning. En familie kan spare 1.100 kr. om måneden,« siger analytiker Rasmus Kjeldgaard, Nordea Kredit."
    assert sentences(text) == [
        "Vi ser en stigning.",
        "En familie kan spare 1.100 kr. om måneden,« siger analytiker Rasmus Kjeldgaard, Nordea Kredit.",
    ]


def test_paragraph_breaks_end_sentences_and_offsets_index_the_text():
    text = "Kapaciteten er flaskehalsen\n\nSalget steg til 9,6 mia. kr. i kvartalet."
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == ["Kapaciteten er flaskehalsen", "Salget steg til 9,6 mia. kr. i kvartalet."]
    assert spans[1].paragraph == 1


# ---------------------------------------------------------------- claims


def test_only_sentences_with_checkable_figures_are_claims():
    text = (
        "Stocks had a quiet day. The S&P 500 rose 0.9% to 5,224.62. Is 5% next? "
        "The Russell 2000 and the S&P 500 are indices. It was the first time since 2021 that this happened."
    )
    assert [c.text for c in find_claims(text)] == ["The S&P 500 rose 0.9% to 5,224.62."]


def test_numbers_are_normalised_with_direction():
    c = claim("The S&P 500 rose 0.9% to close at 5,224.62, and yields fell 6 basis points.", "The S&P")
    assert [(n.value, n.unit, n.direction) for n in c.numbers] == [(0.9, "%", "up"), (5224.62, None, None), (6.0, "bp", "down")]
    d = claim("Omsætningen faldt 35 pct. til 11,7 mia. dollar.", "Omsætningen")
    assert [(n.value, n.unit, n.direction) for n in d.numbers] == [(35.0, "%", "down"), (11.7e9, "USD", None)]
    e = claim("Russell 2000 2017 EPS expectations are down 4%, while the index is 20% higher.", "Russell")
    assert [(n.value, n.unit, n.direction) for n in e.numbers if n.unit == "%"] == [(4.0, "%", "down"), (20.0, "%", "up")]


def test_subject_links_to_a_ticker():
    text = "Novo Nordisk hæver forventningerne. Aktien steg 2,4 pct. til 694,20 kr."
    assert claim(text, "Aktien").subject == "NOVO-B.CO"
    assert claim("The Invesco QQQ Trust (QQQ) was down 0.4% at midday.", "The").subject == "QQQ"


@pytest.mark.parametrize(
    "text, starting, who",
    [
        ("Analytikerne havde ifølge Bloomberg ventet 1,1 mia. dollar.", "Analytikerne", "Bloomberg"),
        ("Analytikerne havde ifølge et konsensusestimat fra Infront regnet med 410 mio. kr.", "Analytikerne", "Infront"),
        ("Estimates were cut by 7%, according to FactSet data.", "Estimates", "FactSet"),
        ("The odds are 70%, according to the CME FedWatch tool.", "The odds", "CME FedWatch"),
        ("Claims rose by 6,000 to 227,000, the Labor Department said.", "Claims", "Labor Department"),
        ("As Bank of America's economists point out, core inflation is 4.5%.", "As", "Bank of America"),
        ("The latest CFTC data show a net short position of 48,000 contracts.", "The latest", "CFTC"),
        ("»Vi hæver kursmålet til 1.750 kr.,« skriver analytiker Line Abildgaard fra Danske Bank.", "»Vi hæver", "Line Abildgaard, Danske Bank"),
        ("Renten stiger 0,5 pct., siger cheføkonom Tore Vestergaard, Arbejdernes Landsbank.", "Renten", "Tore Vestergaard, Arbejdernes Landsbank"),
        ("Danmarks Nationalbank sætter renten ned med 0,25 procentpoint til 3,35 pct.", "Danmarks", "Danmarks Nationalbank"),
        ("Det sker, efter at ECB torsdag sænkede renten med 0,25 procentpoint.", "Det sker", "ECB"),
        ("Danske Bank (DANSKE) venter et resultat på 18-20 mia. kr.", "Danske", "Danske Bank"),
        ("Aktien steg 5,1 pct. til 162,90 kr.", "Aktien", None),
        ("The 2-year Treasury yield jumped 22bp to 4.97%.", "The 2-year", None),
    ],
)
def test_attribution(text, starting, who):
    assert claim(text, starting).attributed_to == who


def test_company_results_are_attributed_to_the_company_and_price_moves_to_no_one():
    text = (
        "Shares of Carlsberg (CARL-B.CO) rose as much as 6% on Wednesday.\n\n"
        "Revenue for the first half rose 8.4% organically to 39.8 billion Danish crowns.\n\n"
        "The stock has gained 12% so far this year."
    )
    assert claim(text, "Revenue").attributed_to == "Carlsberg"
    assert claim(text, "The stock").attributed_to is None
    assert claim(text, "Shares").attributed_to is None


def test_company_short_names_and_descriptions_are_the_company():
    text = (
        "Zealand Pharma har indgået en aftale med Roche.\n\n"
        "Zealand venter at indlede forsøg i 2025. Høreapparatkoncernen hæver forventningen til 4-6 pct."
    )
    assert claim(text, "Zealand venter").attributed_to == "Zealand Pharma"
    assert claim(text, "Høreapparatkoncernen").attributed_to == "Zealand Pharma"
    en = "Nvidia Corp (NASDAQ:NVDA) forecast revenue of $28 billion. The chip designer also announced a 10-for-1 stock split."
    assert claim(en, "The chip designer").attributed_to == "Nvidia"


def test_a_quote_spanning_sentences_takes_its_speaker():
    text = "»Salget steg 20 pct. Det er flot,« siger analytiker Sofie Grønbæk fra Jyske Bank."
    assert claim(text, "Salget").attributed_to == "Sofie Grønbæk, Jyske Bank"


def _oeu_article() -> str:
    raw = OEU.read_text(encoding="utf-8")
    start = raw.index("As discussed over the weekend")
    end = raw.index("there is a long way to go from here.") + len("there is a long way to go from here.")
    return raw[start:end]


def test_oeu_sample_claims_and_lapthorne_attribution():
    text = _oeu_article()
    claims = find_claims(text)
    rocket = [c for c in claims if "rocketing 20% higher" in c.text]
    eps = [c for c in claims if "Russell 2000 2017 EPS expectations are down 4%" in c.text]
    assert len(rocket) == 1 and len(eps) == 1
    for c in rocket + eps:
        assert text[c.start : c.end] == c.text
        assert "Andrew Lapthorne" in c.attributed_to and "SocGen" in c.attributed_to
        assert c.subject == "^RUT"
    assert (20.0, "%", "up") in [(n.value, n.unit, n.direction) for n in rocket[0].numbers]
    assert (4.0, "%", "down") in [(n.value, n.unit, n.direction) for n in eps[0].numbers]


@pytest.mark.skipif(not FINANCE_DEV.is_file(), reason="shared finance-dev benchmark not present")
def test_finance_dev_claims_are_verbatim_and_labelled_ones_are_found():
    pages = json.loads(FINANCE_DEV.read_text(encoding="utf-8"))
    labelled = found = 0
    for page in pages.values():
        text = page["articleBody"]
        claims = find_claims(text)
        assert all(text[c.start : c.end] == c.text for c in claims)
        texts = {c.text for c in claims}
        labelled += len(page["claims"])
        found += sum(1 for c in page["claims"] if c["text"] in texts)
    assert found / labelled >= 0.8


def test_labelled_set_shape():
    items = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) >= 40
    assert {"da", "en"} == {i["lang"] for i in items}
    assert "oeu-smallcap" in {i["id"] for i in items}
    for item in items:
        for c in item["claims"]:
            assert c["text"] in item["text"], (item["id"], c["text"])


# ---------------------------------------------------------------- --llm-extract


def test_model_claims_are_kept_only_when_verbatim_and_grounded():
    article = Article(paragraphs=[
        "Vestas fik ordrer for 4.573 MW i kvartalet. Det var en god dag for vindmøllerne, som steg kraftigt.",
        "Ordrebeholdningen er den største nogensinde.",
    ])
    report = Report(article=article, claims=find_claims(article.text))
    before = [c.text for c in report.claims]
    model = FakeModel([
        "- Det var en god dag for vindmøllerne, som steg kraftigt.\n"  # verbatim but no figure
        "- Vestas fik ordrer for 5.000 MW i kvartalet.\n"  # not verbatim (invented figure)
        "- Ordrebeholdningen er den største nogensinde.\n"  # verbatim, no figure
        "- Vestas fik ordrer for 4.573 MW i kvartalet.\n"  # already found
    ])
    report.claims = with_model_claims(article.text, report.claims, model)
    assert len(model.calls) == 1
    assert [c.text for c in report.claims] == before == ["Vestas fik ordrer for 4.573 MW i kvartalet."]


def test_model_claim_with_grounded_figure_is_added():
    article = Article(paragraphs=["Han nævnte i går omkring 12 nye butikker i alt."])
    report = Report(article=article, claims=[])
    report.claims = with_model_claims(article.text, report.claims, FakeModel(["Han nævnte i går omkring 12 nye butikker i alt."]))
    sentence = "Han nævnte i går omkring 12 nye butikker i alt."
    assert [(c.text, c.start, c.end) for c in report.claims] == [(sentence, 0, len(sentence))]


def test_initials_end_a_sentence_before_a_sentence_starter_and_bullets_are_dropped():
    text = "Exports to the U.S. The company said sales rose 4%. In the U.S. economy, growth was 2%.\n• Omsætningen steg 4 pct."
    assert sentences(text) == [
        "Exports to the U.S.",
        "The company said sales rose 4%.",
        "In the U.S. economy, growth was 2%.",
        "Omsætningen steg 4 pct.",
    ]


def test_corporate_suffixes_end_a_sentence_only_before_a_sentence_starter():
    text = "Tesla Inc. (TSLA) shares fell 5.3%. Apple Inc. CEO Tim Cook said sales rose 2%. He spoke at Apple Inc. The shares rose 1%."
    assert sentences(text) == [
        "Tesla Inc. (TSLA) shares fell 5.3%.",
        "Apple Inc. CEO Tim Cook said sales rose 2%.",
        "He spoke at Apple Inc.",
        "The shares rose 1%.",
    ]


def test_a_bank_giving_its_view_is_the_source():
    text = "Ifølge valutastrateg Jesper Fjärstedt, Danske Bank, trækker renterne. Danske Bank venter, at EUR/USD falder til 1,03."
    assert claim(text, "Danske Bank venter").attributed_to == "Danske Bank"


def test_headlines_and_questions_are_not_claims():
    text = "Amazon soars 8% after hours on cloud rebound\nWill the index fall 10% next?\nAmazon rose 8% after hours."
    assert [c.text for c in find_claims(text)] == ["Amazon rose 8% after hours."]


def test_a_year_makes_a_claim_only_in_a_forecast():
    text = "Novo Nordisk venter at lancere pillen i 2025. Selskabet blev grundlagt i 1923."
    assert [c.text for c in find_claims(text)] == ["Novo Nordisk venter at lancere pillen i 2025."]
