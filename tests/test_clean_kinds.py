"""One test per kind of page furniture the HTML cleaner removes, and per kind of text it must keep
(issue 12). Every page here is written for the test: none is copied from a benchmark.
"""

from __future__ import annotations

from summarizer.clean import clean_html, extract_text

PROSE = [
    "Novo Nordisk hævede tirsdag forventningerne til årets salg og resultat for tredje gang i år, efter at "
    "salget af fedmemidlet Wegovy voksede hurtigere end ventet i både USA og Europa.",
    "Selskabet venter nu en salgsvækst på mellem 32 og 38 pct. i lokale valutaer, mod tidligere 28 til 34 pct., "
    "og aktien steg 4,1 pct. i de første handelsminutter på Nasdaq Copenhagen.",
    "Analytikere havde på forhånd ventet en mindre opjustering, men især marginen overraskede positivt, "
    "og flere banker hævede deres kursmål for aktien efter regnskabet.",
]
ENGLISH = [
    "Shares of the shipping group rose 6 percent on Tuesday after it raised its profit outlook for the full year, "
    "citing higher freight rates on the routes between Asia and Europe.",
    "The company now expects underlying operating profit of between 4 and 5 billion dollars, up from an earlier "
    "range of 2 to 4 billion dollars, it said in a statement to the stock exchange.",
    "Analysts had expected a smaller upgrade, and several banks lifted their price targets after the statement.",
]


def page(body: str, url: str = "https://news.example.com/markets/novo-raises-outlook-again") -> str:
    return f"<html><head><title>t</title></head><body><article><h1>Novo hæver igen</h1>{body}</article></body></html>"


def paras(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def test_a_list_item_with_line_breaks_gives_one_line_per_break():
    html = page(paras(ENGLISH) + "<ul><li>Dividend per share<br>Paid: 14 May<br>The board proposes 7.50 kroner a share.</li>"
                "<li>Buyback<br>Size: 5 billion kroner</li></ul>" + paras(ENGLISH[:1]))
    text = extract_text(html).split("\n")
    assert "Dividend per share" in text and "Paid: 14 May" in text and "Buyback" in text


def test_code_is_kept_whole_with_its_comments():
    html = page(paras(ENGLISH) + "<pre><code><span class='token comment'># yield of the 10-year note</span>\n"
                "spread = y10 - y2</code></pre>" + paras(ENGLISH[:1]))
    assert "# yield of the 10-year note" in extract_text(html)


def test_prose_under_a_related_class_name_stays_but_a_related_list_goes():
    body = (paras(ENGLISH[:1]) + "<div class='story-text more-related-articles-text'>" + paras(ENGLISH[1:]) + "</div>"
            "<div class='related-articles'><a href='/a/b-c-d'>Oil falls as stocks climb</a> "
            "<a href='/a/e-f-g'>Banks lift their targets</a></div>")
    text = extract_text(page(body))
    assert ENGLISH[2] in text
    assert "Oil falls as stocks climb" not in text


def test_a_list_of_teasers_for_this_sites_articles_goes():
    teasers = "".join(f"<li><h3><a href='/markets/story-number-{n}-of-the-day'>Story number {n} of the day here</a></h3>"
                      f"<h4>A line about story {n}</h4></li>" for n in range(3))
    html = page(paras(ENGLISH) + f"<ul>{teasers}</ul>")
    text = extract_text(html, url="https://news.example.com/markets/shipping-group-lifts-outlook")
    assert ENGLISH[2] in text and "Story number 1" not in text


def test_a_list_of_links_to_other_sites_is_the_articles_own_but_a_lone_one_is_an_ad():
    # the rule itself: whether trafilatura keeps a list this link-dense is trafilatura's call
    from trafilatura.utils import load_html

    from summarizer.clean.furniture import _link_blocks

    items = "".join(f"<li><p><a href='https://filings.example.gov/report/{n}'>Quarterly filing number {n} of the group</a></p></li>"
                    for n in range(4))
    lone = "<p><a href='https://ads.example.net/click?id=9'>How I made 8 percent a year without risk</a></p>"
    tree = load_html(page(paras(ENGLISH) + f"<ul>{items}</ul>" + lone))
    found = _link_blocks(tree, "https://blog.example.org/progress-report-39")
    assert [el.text_content() for el in found] == ["How I made 8 percent a year without risk"]


def pruned_text(html: str) -> str:
    """The page's text after the furniture pruning alone: what the rule itself removes, whatever
    trafilatura would make of the rest."""
    from trafilatura.utils import load_html

    from summarizer.clean.furniture import _prune_furniture

    tree = load_html(html)
    _prune_furniture(tree, html, "https://news.example.com/markets/shipping-group-lifts-outlook")
    return tree.text_content()


def test_a_copy_styled_out_of_sight_goes():
    hidden = ("<div style='display: none' itemscope><div itemprop='headline'>Shipping group lifts outlook</div>"
              "<div itemprop='datePublished'>2024-08-06T08:57:40+01:00</div></div>")
    text = pruned_text(page(paras(ENGLISH) + hidden))
    assert "2024-08-06T08:57:40" not in text and ENGLISH[0] in text


def test_disclaimers_go_in_both_languages():
    html = page(paras(PROSE) + "<p>Artiklen er ikke investeringsrådgivning. Historiske afkast er ingen garanti for fremtidige afkast.</p>"
                + "<p>We may earn a commission when you buy through our links.</p>")
    text = extract_text(html)
    assert "investeringsrådgivning" not in text and "commission" not in text and PROSE[2] in text


def test_a_call_to_click_goes():
    text = extract_text(page(paras(ENGLISH) + "<p><strong>CLICK HERE FOR OUR MARKETS NEWSLETTER</strong></p>" + paras(ENGLISH[:1])))
    assert "CLICK HERE" not in text


def test_a_subhead_the_text_takes_up_stays_and_an_injected_headline_goes():
    html = page(paras(ENGLISH[:2]) + "<p>Freight Rates Lift the Outlook</p>"
                "<p>Freight rates on the main routes have doubled since May, the company said, and it expects them "
                "to stay high until the end of the year at least.</p>"
                "<p>Celebrity Chef Reveals Favourite Summer Recipes</p>" + paras(ENGLISH[2:]))
    text = extract_text(html).split("\n")
    assert "Freight Rates Lift the Outlook" in text
    assert "Celebrity Chef Reveals Favourite Summer Recipes" not in text


def test_a_key_figures_box_beside_the_story_goes_and_a_ranking_stays():
    figures = ("<table><tr><td></td><td>3. kvt. 2024</td><td>3. kvt. 2023</td></tr>"
               "<tr><td>Omsætning</td><td>71,3</td><td>58,7</td></tr><tr><td>Driftsresultat</td><td>30,0</td><td>25,1</td></tr>"
               "<tr><td>Nettoresultat</td><td>23,8</td><td>20,0</td></tr></table>")
    text = extract_text(page(paras(PROSE[:2]) + figures + "<p>Omsætningen steg 21 pct. til 71,3 mia. kr. i kvartalet, "
                             "og driftsresultatet steg 19 pct. til 30,0 mia. kr.</p>" + paras(PROSE[2:])))
    assert "Omsætning | 71,3" not in text
    assert "Omsætningen steg 21 pct. til 71,3 mia. kr." in text  # the sentence after the table is the story's
    ranking = "<table>" + "".join(f"<tr><td>{n}</td><td>Insurer {n}</td><td>{100 - n},5</td><td>{n},1</td></tr>"
                                  for n in range(1, 6)) + "</table>"
    assert "Insurer 3" in extract_text(page(paras(ENGLISH) + ranking))


def test_a_label_alone_heads_a_list_of_links_that_goes():
    links = "".join(f"<a href='https://other{n}.example.net/x'>Sponsor headline number {n} about savings</a> " for n in range(4))
    text = pruned_text(page(paras(ENGLISH) + "<div><b>Related links</b></div>" + f"<div>{links}</div>"))
    assert "Sponsor headline number 2" not in text and ENGLISH[2] in text


def test_a_headline_glued_to_the_first_paragraph_comes_off():
    html = ("<html><body><article><h1>Renten stiger igen</h1><div class='article-body'><p>" + PROSE[0] + "</p></div>"
            "</article></body></html>")
    assert clean_html(html).paragraphs[0] == PROSE[0]
