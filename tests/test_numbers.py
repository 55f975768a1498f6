"""summarizer.facts.quantities: Danish and English figures, index names, ranges, dates, same_quantity."""

from __future__ import annotations

import pytest

from summarizer.facts.quantities import (
    find_quantities,
    parse_number,
    same_quantity,
)
from summarizer.language import guess_language


def one(text: str, lang: str | None = None):
    qs = find_quantities(text, lang)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize(
    "text, lang, value, unit, scale",
    [
        ("4,2 pct.", "da", 4.2, "%", 1.0),
        ("4.2%", "en", 4.2, "%", 1.0),
        ("4,2 procent", "da", 4.2, "%", 1.0),
        ("0,25 procentpoint", "da", 0.25, "pp", 1.0),
        ("0.25 percentage points", "en", 0.25, "pp", 1.0),
        ("25bp", "en", 25.0, "bp", 1.0),
        ("6 basis points", "en", 6.0, "bp", 1.0),
        ("1.234,5 mia. kr.", "da", 1234.5, "DKK", 1e9),
        ("$3.1 billion", "en", 3.1, "USD", 1e9),
        ("3,1 mia. dollar", "da", 3.1, "USD", 1e9),
        ("839 mio. dollar", "da", 839.0, "USD", 1e6),
        ("$5m", "en", 5.0, "USD", 1e6),
        ("€2bn", "en", 2.0, "EUR", 1e9),
        ("1,09 mio. euro", "da", 1.09, "EUR", 1e6),
        ("DKK 59 billion", "en", 59.0, "DKK", 1e9),
        ("39.8 billion Danish crowns", "en", 39.8, "DKK", 1e9),
        ("48,000 contracts", "en", 48000.0, "contracts", 1.0),
        ("4.573 MW", "da", 4573.0, "MW", 1.0),
        ("27 times", "en", 27.0, "x", 1.0),
        ("12x", "en", 12.0, "x", 1.0),
        ("3 gange", "da", 3.0, "x", 1.0),
        ("401 points", "en", 401.0, "points", 1.0),
        ("-2,1 pct.", "da", -2.1, "%", 1.0),
        ("$1.26 per share", "en", 1.26, "USD/share", 1.0),
        ("515 kr. pr. aktie", "da", 515.0, "DKK/share", 1.0),
    ],
)
def test_units_and_scales(text, lang, value, unit, scale):
    q = one(text, lang)
    assert (q.value, q.unit, q.scale) == (value, unit, scale)
    assert q.text == text and q.start == 0 and q.end == len(text)


@pytest.mark.parametrize(
    "raw, lang, value",
    [
        ("1.234,5", "da", 1234.5),
        ("1,234.5", "en", 1234.5),
        ("10.890", "da", 10890.0),  # Danish thousands
        ("4.198", "en", 4.198),  # English decimal
        ("1,150", "en", 1150.0),
        ("1,150", "da", 1.15),
        ("5,224.62", "da", 5224.62),  # both marks: the last one is the decimal
        ("1.234.567", "en", 1234567.0),
    ],
)
def test_parse_number_reads_separators_by_language(raw, lang, value):
    assert parse_number(raw, lang)[0] == value


def test_index_names_are_not_quantities():
    text = "S&P 500, Russell 2000, C25, OMXC25, Stoxx 600, FTSE 100, Nasdaq 100 og Euro Stoxx 50"
    assert find_quantities(text, "en") == []


def test_index_name_then_a_real_figure():
    qs = find_quantities("Russell 2000 2017 EPS expectations are down 4%", "en")
    assert [(q.value, q.unit) for q in qs] == [(2017.0, "year"), (4.0, "%")]


def test_years_dates_and_times():
    qs = find_quantities("tirsdag 14. marts 2017 kl. 10:14 og den 7. juni", "da")
    assert [(q.text, q.unit) for q in qs] == [("14. marts 2017", "date"), ("7. juni", "date")]
    assert qs[0].value == 20170314
    en = find_quantities("On March 14, 2017 at 2 p.m. ET, in 2023", "en")
    assert [(q.text, q.unit) for q in en] == [("March 14, 2017", "date"), ("2023", "year")]


def test_ranges_take_the_unit_of_their_end():
    qs = find_quantities("32-38 pct. og 1-6 mia. dollar og 50.000-60.000 kr.", "da")
    assert [(q.value, q.unit, q.scale) for q in qs] == [
        (32.0, "%", 1.0), (38.0, "%", 1.0), (1.0, "USD", 1e9), (6.0, "USD", 1e9), (50000.0, "DKK", 1.0), (60000.0, "DKK", 1.0)
    ]


def test_numbers_glued_to_words_are_not_figures():
    assert find_quantities("Q3, Covid-19, G7, E-mini, 3rd, A320", "en") == []


def test_tenor():
    q = one("the 10-year yield", "en")
    assert (q.value, q.unit, q.kind) == (10.0, "years", "tenor")


def test_guess_language():
    assert guess_language("Aktien steg 4,2 pct. og det er ikke meget, siger han.") == "da"
    assert guess_language("The stock rose 4.2% and that is not much, he said.") == "en"


@pytest.mark.parametrize(
    "a, la, b, lb, same",
    [
        ("4,2 pct.", "da", "4.2%", "en", True),
        ("4,2 pct.", "da", "4.3%", "en", False),
        ("58,7 mia. kr.", "da", "DKK 59 billion", "en", True),  # rounded in the summary
        ("58,7 mia. kr.", "da", "DKK 58.7bn", "en", True),
        ("839 mio. dollar", "da", "$0.84bn", "en", True),
        ("0,25 procentpoint", "da", "25bp", "en", True),
        ("3,1 mia. dollar", "da", "$3.1 billion", "en", True),
        ("3,1 mia. dollar", "da", "€3.1 billion", "en", False),  # currency differs
        ("3,1 mia. dollar", "da", "$3.1 million", "en", False),  # scale differs
        ("14. marts 2017", "da", "March 14", "en", True),
        ("14. marts 2017", "da", "March 15", "en", False),
        ("2017", "en", "2017", "en", True),
        ("48,000 contracts", "en", "48.000 kontrakter", "da", True),
    ],
)
def test_same_quantity(a, la, b, lb, same):
    assert same_quantity(one(a, la), one(b, lb)) is same


def test_danish_ordinals_are_not_figures():
    qs = find_quantities("Omsætningen i 3. kvartal steg 4 pct.", "da")
    assert [(q.text, q.kind) for q in qs] == [("3.", "ordinal"), ("4 pct.", "percent")]


@pytest.mark.parametrize("text, lang, target, expected", [
    ("60,2 mia. euro", "da", "en", "60.2 billion euros"),
    ("4.573 MW", "da", "en", "4,573 MW"),
    ("1.998,41", "da", "en", "1,998.41"),
    ("4,2 pct.", "da", "en", "4.2%"),
    ("0,5 procentpoint", "da", "en", "0.5 percentage points"),
    ("$3.1 billion", "en", "da", "3,1 mia. dollar"),
    ("48,000 employees", "en", "da", "48.000 ansatte"),
    ("4.2%", "en", "da", "4,2 pct."),
])
def test_a_quantity_is_written_the_other_languages_way(text, lang, target, expected):
    from summarizer.facts.quantities import written_as

    (q,) = find_quantities(text, lang)
    assert written_as(q, target) == expected
    (back,) = find_quantities(expected, target)
    assert same_quantity(q, back)  # what the hint says is what the check accepts


def test_years_and_dates_get_no_other_form():
    from summarizer.facts.quantities import written_as

    assert [written_as(q, "en") for q in find_quantities("i 2022 den 3. marts", "da")] == [None] * len(
        find_quantities("i 2022 den 3. marts", "da"))
