"""Render a Report as text, Markdown, JSON or a self-contained HTML page.

Article text is untrusted: HTML output escapes every piece of it.
"""

from __future__ import annotations

import html
import json

from summarizer.facts.tickers import (
    subject_symbols,  # report.tickers has every mention, sources too; show one line per subject's symbol
)
from summarizer.text import escape_controls, for_display, without_credentials
from summarizer.values import Report, Verification


def render(report: Report, fmt: str) -> str:
    """Report -> the output document. Article text is untrusted: no control character reaches a terminal
    (JSON escapes them, the other formats drop them), HTML escapes markup, and no URL keeps a password."""
    if fmt == "json":
        return escape_controls(without_credentials(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))) + "\n"
    if fmt == "markdown":
        return for_display(render_markdown(report))
    if fmt == "html":
        return for_display(render_html(report))
    return for_display(render_text(report))


def _meta_line(report: Report) -> str:
    a = report.article
    parts = [p for p in (a.site, a.author, a.published) if p]
    if a.attribution:
        parts.append(f"via {a.attribution}")
    if a.language:
        parts.append(f"language: {a.language}")
    if a.paywalled:
        parts.append(f"PAYWALLED (teaser only: {a.paywall_reason})" if a.paywall_reason else "PAYWALLED (teaser only)")
    return " · ".join(parts)


def _grounding_note(report: Report) -> str | None:
    s = report.summary
    if s is None or s.grounded:
        return None
    return "NOT GROUNDED: " + "; ".join(s.grounding_issues or ["unverified"])


def _ticker_lines(report: Report) -> list[str]:
    return [f"{t.symbol}  {t.name}  ({t.text!r})" for t in subject_symbols(report.tickers or [])]


def _claim_lines(report: Report) -> list[str]:
    out = []
    for c in report.claims or []:
        who = f"  [{c.attributed_to}]" if c.attributed_to else ""
        out.append(f"{c.text}{who}")
    return out


def render_text(report: Report) -> str:
    a = report.article
    lines = [a.title or "(untitled)", _meta_line(report)]
    if a.url:
        lines.append(a.url)
    lines.append("")
    lines += [f"!! partial: {n}" for n in report.notes] + ([""] if report.notes else [])
    if report.summary is None:
        lines += [a.text, ""]
    else:
        s = report.summary
        note = _grounding_note(report)
        if note:
            lines += [f"!! {note}", ""]
        lines += ["English summary", s.en, "", "Dansk resumé", s.da, ""]
    if report.key_facts:
        lines.append("Key figures / Nøgletal")
        for k in report.key_facts:
            lines += [f"  - {k.en}", f"    {k.da}"]
        lines.append("")
    if report.tickers is not None:
        lines.append("Tickers")
        lines += [f"  {x}" for x in _ticker_lines(report)] or ["  (none)"]
        lines.append("")
    if report.claims is not None:
        lines.append("Claims")
        lines += [f"  - {x}" for x in _claim_lines(report)] or ["  (none)"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(report: Report) -> str:
    a = report.article
    lines = [f"# {a.title or '(untitled)'}", "", f"*{_meta_line(report)}*"]
    if a.url:
        lines += ["", f"<{a.url}>"]
    lines.append("")
    lines += [f"> **partial:** {n}" for n in report.notes] + ([""] if report.notes else [])
    if report.summary is None:
        lines.append(a.text)
    else:
        s = report.summary
        note = _grounding_note(report)
        if note:
            lines += [f"> **{note}**", ""]
        lines += ["## English", "", s.en, "", "## Dansk", "", s.da, ""]
    if report.key_facts:
        lines += ["## Key figures / Nøgletal", ""]
        lines += [f"- {k.en}  \n  *{k.da}*" for k in report.key_facts]
        lines.append("")
    if report.tickers is not None:
        lines += ["## Tickers", ""]
        lines += [f"- `{t.symbol}` {t.name} (“{t.text}”)" for t in subject_symbols(report.tickers)] or ["- (none)"]
        lines.append("")
    if report.claims is not None:
        lines += ["## Claims", ""]
        lines += [f"- {x}" for x in _claim_lines(report)] or ["- (none)"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


PAGE_CSS = """
body{font:16px/1.5 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem} .meta{color:#666;font-size:.9rem}
.flag{background:#fde8e8;border-left:4px solid #c00;padding:.4rem .8rem}
section{margin:1.2rem 0} code{background:#f2f2f2;padding:0 .2rem}
"""


def render_html(report: Report) -> str:
    e = html.escape
    a = report.article
    body = [f"<h1>{e(a.title or '(untitled)')}</h1>", f'<p class="meta">{e(_meta_line(report))}</p>']
    if a.url:
        body.append(f'<p class="meta"><a href="{e(a.url)}">{e(a.url)}</a></p>')
    body += [f'<p class="flag">partial: {e(n)}</p>' for n in report.notes]
    if report.summary is None:
        body += [f"<p>{e(p)}</p>" for p in a.paragraphs]
    else:
        s = report.summary
        note = _grounding_note(report)
        if note:
            body.append(f'<p class="flag">{e(note)}</p>')
        body.append(f'<section lang="en"><h2>English</h2><p>{e(s.en)}</p></section>')
        body.append(f'<section lang="da"><h2>Dansk</h2><p>{e(s.da)}</p></section>')
    if report.key_facts:
        items = "".join(f'<li><span lang="en">{e(k.en)}</span><br><span lang="da">{e(k.da)}</span></li>'
                        for k in report.key_facts)
        body.append(f"<section><h2>Key figures / Nøgletal</h2><ul>{items}</ul></section>")
    if report.tickers is not None:
        items = "".join(f"<li><code>{e(t.symbol)}</code> {e(t.name)}</li>" for t in subject_symbols(report.tickers))
        body.append(f"<section><h2>Tickers</h2><ul>{items or '<li>(none)</li>'}</ul></section>")
    if report.claims is not None:
        items = "".join(f"<li>{e(x)}</li>" for x in _claim_lines(report))
        body.append(f"<section><h2>Claims</h2><ul>{items or '<li>(none)</li>'}</ul></section>")
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{e(a.title or 'newsum')}</title><style>{PAGE_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def render_verification(v: Verification, fmt: str) -> str:
    """`newsum verify`'s answer: JSON, or text with a mark per sentence and each failing one's reasons."""
    if fmt == "json":
        return escape_controls(without_credentials(v.to_json())) + "\n"
    name = {"da": "Danish", "en": "English"}[v.language]
    verdict = "grounded" if v.grounded else "NOT grounded"
    lines = [f"{name} summary of {v.title or v.url or 'the article'}: {verdict}", ""]
    for s in v.sentences:
        lines.append(f"{'ok ' if not s.problems else 'FAIL'} {s.sentence}")
        lines += [f"     - {p}" for p in s.problems]
    lines += [f"FAIL (whole summary) {p}" for p in v.problems]
    return for_display("\n".join(lines)) + "\n"
