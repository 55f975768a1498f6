"""Render a digest (many processed articles) as Markdown, a self-contained HTML page, or JSON.

Input is the digest document built by digest.py: a dict with `generated_at`, `since`, `group_by`,
`articles` (one dict per article: Report.to_dict() plus source, link and flags), `top_tickers`,
`failures`. Article text comes from untrusted pages: HTML escapes every piece of it, only http(s)
links become clickable, and the page loads nothing from anywhere (CSP `default-src 'none'`).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from urllib.parse import urlsplit

from summarizer.text import escape_controls, without_controls, without_credentials
from summarizer.version import __version__

TOP_TICKERS = 10
FLAG_LABELS = {
    "ungrounded": "not grounded: check the summary against the article",
    "paywalled": "paywalled: teaser only",
    "truncated": "truncated: the feed or page gave only part of the text",
    "no-summary": "no summary",
}


def flag_label(article: dict, flag: str) -> str:
    """A flag's words, with the article's own reason where it has one (why it is paywalled)."""
    if flag == "paywalled" and article.get("paywall_reason"):
        return f"{FLAG_LABELS[flag]} ({article['paywall_reason']})"
    return FLAG_LABELS[flag]


# --- building the document ---------------------------------------------------------------------


def article_tickers(article: dict) -> list[dict]:
    """The article's subjects, one per symbol, most mentioned first, with a mention count. Sources (a bank
    quoted as analyst) are left out; a report stored before tickers had roles counts every hit."""
    counts: Counter[str] = Counter()
    first: dict[str, dict] = {}
    subjects = {hit["symbol"] for hit in article.get("tickers") or [] if hit.get("role", "subject") == "subject"}
    for hit in article.get("tickers") or []:
        if hit["symbol"] not in subjects:
            continue
        counts[hit["symbol"]] += 1
        first.setdefault(hit["symbol"], hit)
    return [{"symbol": s, "name": first[s].get("name") or s, "mentions": n} for s, n in counts.most_common()]


def top_tickers(articles: list[dict], limit: int = TOP_TICKERS) -> list[dict]:
    """Symbols by the number of articles that mention them (then by total mentions)."""
    per_symbol: dict[str, dict] = {}
    for a in articles:
        for t in a["ticker_summary"]:
            row = per_symbol.setdefault(t["symbol"], {"symbol": t["symbol"], "name": t["name"], "articles": 0,
                                                        "mentions": 0})
            row["articles"] += 1
            row["mentions"] += t["mentions"]
    ranked = sorted(per_symbol.values(), key=lambda r: (-r["articles"], -r["mentions"], r["symbol"]))
    return ranked[:limit]


def groups(doc: dict) -> list[tuple[str, list[dict]]]:
    """Articles grouped by source, or by each article's most-mentioned ticker ("Other" for none)."""
    out: dict[str, list[dict]] = {}
    for a in doc["articles"]:
        if doc["group_by"] == "ticker":
            t = a["ticker_summary"][0] if a["ticker_summary"] else None
            key = f"{t['symbol']} · {t['name']}" if t else "Other"
        else:
            key = a["source"]
        out.setdefault(key, []).append(a)
    keys = sorted(out, key=lambda k: (k == "Other", k.lower()))
    return [(k, out[k]) for k in keys]


def safe_link(url: str | None) -> str | None:
    """The URL when it is http(s) and may be made clickable, else None."""
    if not url or any(c in url for c in "\"'<> \n\r\t"):
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def _meta(a: dict) -> list[str]:
    parts = [a["source"]]
    if a.get("published"):
        parts.append(a["published"][:10])
    if a.get("language"):
        parts.append(a["language"])
    if a.get("attribution"):
        parts.append(f"via {a['attribution']}")
    return parts


def _claim_text(c: dict) -> str:
    return c["text"] + (f" — {c['attributed_to']}" if c.get("attributed_to") else "")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _heading(doc: dict) -> str:
    sources = len({a["source"] for a in doc["articles"]})
    return f"{_count(len(doc['articles']), 'article')} from {_count(sources, 'source')}"


# --- JSON ------------------------------------------------------------------------------------


def render_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|!~])")


def md(text: str | None) -> str:
    """Article text as inert Markdown: punctuation that could make markup or raw HTML is escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def render_markdown(doc: dict) -> str:
    lines = [f"# newsum digest · {doc['generated_at'][:16].replace('T', ' ')} UTC", "",
             f"*{_heading(doc)}{' since ' + doc['since'] if doc.get('since') else ''}*", ""]
    if doc["top_tickers"]:
        lines += ["## Most mentioned", ""]
        lines += [f"- `{md(t['symbol'])}` {md(t['name'])}: {_count(t['articles'], 'article')}"
                  for t in doc["top_tickers"]]
        lines.append("")
    for group, articles in groups(doc):
        lines += [f"## {md(group)}", ""]
        for a in articles:
            link = safe_link(a.get("link"))
            title = md(a.get("title") or "(untitled)")
            lines.append(f"### [{title}](<{link}>)" if link else f"### {title}")
            lines += ["", "*" + " · ".join(md(p) for p in _meta(a)) + "*", ""]
            if not link and a.get("link"):
                lines += [f"Link (not http/https, not clickable): `{md(a['link'])}`", ""]
            lines += [f"> **{md(flag_label(a, f))}**" for f in a["flags"]]
            if a["flags"]:
                lines.append("")
            summary = a.get("summary")
            if summary:
                lines += [f"**English:** {md(summary['en'])}", "", f"**Dansk:** {md(summary['da'])}", ""]
            if a.get("key_facts"):  # right in both languages by construction (facts/key_facts.py)
                lines += ["**Key figures / Nøgletal:**", ""]
                lines += [f"- {md(k['en'])}  \n  *{md(k['da'])}*" for k in a["key_facts"]] + [""]
            if a["ticker_summary"]:
                lines += ["**Tickers:** " + ", ".join(f"`{md(t['symbol'])}` {md(t['name'])}"
                                                    for t in a["ticker_summary"]), ""]
            if a.get("claims"):
                lines += ["**Claims:**", ""] + [f"- {md(_claim_text(c))}" for c in a["claims"]] + [""]
    if doc["failures"]:
        lines += ["## Could not read", ""]
        lines += [f"- {md(f['what'])}: {md(f['error'])}" for f in doc["failures"]] + [""]
    lines += ["---", "", f"*newsum {__version__}: every summary is checked against its article; "
              "flags mark what did not check out.*"]
    return "\n".join(lines).rstrip() + "\n"


# --- HTML ------------------------------------------------------------------------------------

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

PAGE_CSS = """
:root{--ink:#1d1d1f;--muted:#6b6b70;--rule:#e3e1dc;--paper:#fbfaf7;--accent:#0b5c4a;--warn:#a33a1f}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:17px/1.55 Georgia,'Times New Roman',serif}
main{max-width:50rem;margin:0 auto;padding:2.2rem 1.2rem 3rem}
header.masthead{border-bottom:3px double var(--ink);padding-bottom:.8rem;margin-bottom:1.6rem}
.masthead h1{font-size:2.3rem;letter-spacing:.02em;margin:0}
.masthead p{margin:.2rem 0 0;color:var(--muted);font:15px/1.4 system-ui,sans-serif}
h2{font:700 .85rem/1.2 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.12em;color:var(--accent);
 border-bottom:1px solid var(--rule);padding-bottom:.35rem;margin:2.2rem 0 1rem}
.tickers{display:flex;flex-wrap:wrap;gap:.45rem;padding:0;margin:0;list-style:none}
.tickers li{background:#fff;border:1px solid var(--rule);border-radius:999px;padding:.2rem .7rem;
 font:14px/1.4 system-ui,sans-serif}
.tickers b{font-family:ui-monospace,Menlo,Consolas,monospace;color:var(--accent)}
.tickers .n{color:#fff;background:var(--accent);border-radius:999px;padding:0 .45rem;margin-left:.2rem;font-size:12px}
.contents{font:14px/1.6 system-ui,sans-serif;color:var(--muted);margin:0 0 .5rem}
.contents a{color:var(--accent)}
.caption{color:var(--muted);font:13px/1.4 system-ui,sans-serif;margin:-.5rem 0 .7rem}
article{background:#fff;border:1px solid var(--rule);border-radius:6px;padding:1rem 1.2rem;margin:0 0 1.1rem}
article h3{font-size:1.25rem;line-height:1.3;margin:0 0 .25rem}
article h3 a{color:var(--ink);text-decoration:none;border-bottom:1px solid var(--rule)}
.meta{color:var(--muted);font:13px/1.4 system-ui,sans-serif;margin:0 0 .6rem}
.flag{display:inline-block;background:#fbeae5;color:var(--warn);border-radius:4px;padding:.05rem .45rem;
 margin:0 .3rem .5rem 0;font:600 12px/1.6 system-ui,sans-serif}
.summaries{display:grid;grid-template-columns:1fr 1fr;gap:1.1rem}
.summaries p{margin:.1rem 0 0}
.lang{font:700 11px/1 system-ui,sans-serif;letter-spacing:.1em;color:var(--muted);text-transform:uppercase}
.article-tickers{margin:.7rem 0 0}
details{margin-top:.6rem;font-size:.95rem}
summary{cursor:pointer;color:var(--accent);font:600 13px/1.6 system-ui,sans-serif}
details ul{margin:.3rem 0 0;padding-left:1.2rem}
.rawlink{font:12px/1.4 ui-monospace,monospace;color:var(--muted);word-break:break-all}
footer{margin-top:2.5rem;border-top:1px solid var(--rule);padding-top:1rem;color:var(--muted);
 font:13px/1.5 system-ui,sans-serif}
.failures li{color:var(--warn)}
@media (max-width:640px){.summaries{grid-template-columns:1fr}}
"""


def _e(text: object) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _html_article(a: dict) -> str:
    link = safe_link(a.get("link"))
    title = _e(a.get("title") or "(untitled)")
    heading = f'<a href="{_e(link)}" rel="noopener noreferrer">{title}</a>' if link else title
    parts = [f'<article id="a{int(a["entry_id"])}"><h3>{heading}</h3>',
             f'<p class="meta">{" · ".join(_e(p) for p in _meta(a))}</p>']
    if not link and a.get("link"):
        parts.append(f'<p class="rawlink">{_e(a["link"])}</p>')
    parts += [f'<span class="flag">{_e(flag_label(a, f))}</span>' for f in a["flags"]]
    summary = a.get("summary")
    if summary:
        parts.append(
            '<div class="summaries">'
            f'<section lang="en"><span class="lang">English</span><p>{_e(summary["en"])}</p></section>'
            f'<section lang="da"><span class="lang">Dansk</span><p>{_e(summary["da"])}</p></section></div>'
        )
    if a.get("key_facts"):
        items = "".join(f'<li><span lang="en">{_e(k["en"])}</span><br><i lang="da">{_e(k["da"])}</i></li>'
                        for k in a["key_facts"])
        parts.append(f'<section class="key-facts"><h4>Key figures / Nøgletal</h4><ul>{items}</ul></section>')
    if a["ticker_summary"]:
        chips = "".join(f"<li><b>{_e(t['symbol'])}</b> {_e(t['name'])}</li>" for t in a["ticker_summary"])
        parts.append(f'<ul class="tickers article-tickers">{chips}</ul>')
    if a.get("claims"):
        items = "".join(f"<li>{_e(_claim_text(c))}</li>" for c in a["claims"])
        parts.append(f"<details><summary>{_count(len(a['claims']), 'checkable claim')}</summary><ul>{items}</ul>"
                     "</details>")
    parts.append("</article>")
    return "".join(parts)


def render_html(doc: dict) -> str:
    when = doc["generated_at"][:16].replace("T", " ")
    since = f" · since {_e(doc['since'])}" if doc.get("since") else ""
    body = [f'<header class="masthead"><h1>newsum digest</h1><p>{_e(when)} UTC · {_e(_heading(doc))}{since}</p>'
            "</header>"]
    grouped = groups(doc)
    contents = " · ".join(f'<a href="#g{i}">{_e(g)}</a> ({len(arts)})' for i, (g, arts) in enumerate(grouped))
    body.append(f'<p class="contents">In this issue: {contents}</p>')
    if doc["top_tickers"]:
        chips = "".join(
            f"<li><b>{_e(t['symbol'])}</b> {_e(t['name'])} <span class=\"n\">{int(t['articles'])}</span></li>"
            for t in doc["top_tickers"]
        )
        body.append('<h2>Most mentioned</h2><p class="caption">Tickers and indices by the number of articles that '
                    f'mention them</p><ul class="tickers">{chips}</ul>')
    for i, (group, articles) in enumerate(grouped):
        body.append(f'<h2 id="g{i}">{_e(group)}</h2>')
        body += [_html_article(a) for a in articles]
    if doc["failures"]:
        items = "".join(f"<li>{_e(f['what'])}: {_e(f['error'])}</li>" for f in doc["failures"])
        body.append(f'<h2>Could not read</h2><ul class="failures">{items}</ul>')
    body.append(f"<footer>newsum {_e(__version__)} · every summary is checked against its article; "
                "flags mark what did not check out.</footer>")
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<link rel="icon" href="data:,">'  # no /favicon.ico request
        f"<title>newsum digest {_e(when)}</title><style>{PAGE_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def _safe(render, *, json_text: bool = False):
    """A renderer whose output carries no terminal control character and no URL credentials: feed titles
    and article text are third parties' words, and a digest is read in terminals, mail and browsers."""

    def safe(doc: dict) -> str:
        out = without_credentials(render(doc))
        return escape_controls(out) if json_text else without_controls(out)

    safe.__doc__ = render.__doc__
    return safe


RENDERERS = {"md": _safe(render_markdown), "html": _safe(render_html), "json": _safe(render_json, json_text=True)}
