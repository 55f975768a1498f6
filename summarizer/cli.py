"""The newsum command line. Thin: parse options, call the pipeline, render, map errors to exit codes.

The only module that prints: stages return values, and report progress through the Progress object
the digest command passes them.
"""

from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Callable, Iterator, Optional

import typer
from typer.core import TyperGroup

from summarizer.errors import NewsumError
from summarizer.text import for_display
from summarizer.version import __version__

READ_HELP = """Summarize one financial article in English and Danish, with its tickers and claims.

SOURCE is an http(s) URL, a local .html/.htm/.html.gz/.txt file, or - for standard input.

\b
Examples:
  newsum https://example.com/markets/story.html
  newsum samples/oeu-zerohedge-smallcap.html --format markdown
  newsum page.html --clean-only --format json
  curl -s URL | newsum - --format json

\b
Exit codes: 0 ok, 2 usage, 3 fetch failed, 4 no article found, 5 model error,
6 digest finished with failures, 7 summary not grounded (newsum verify),
8 state database unusable, 1 internal error.
"""


class _DefaultToRead(TyperGroup):
    """`newsum SOURCE` means `newsum read SOURCE`: any first argument that is not a subcommand goes to read."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["read", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToRead,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="newsum: what a financial article says, in Danish and English, checked against the source.\n\n"
    "Run `newsum SOURCE` (same as `newsum read SOURCE`); see `newsum read --help`.",
)


class OutputFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


class Length(str, Enum):
    short = "short"
    medium = "medium"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsum {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    pass


def guarded(debug: bool, fn: Callable, *args, **kwargs):
    """Run fn; a NewsumError becomes one line on stderr and its exit code. --debug shows the traceback."""
    try:
        return fn(*args, **kwargs)
    except NewsumError as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"newsum: error: {for_display(str(exc))}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("newsum: interrupted", err=True)
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:  # a bug: still one line, unless --debug
        if debug:
            traceback.print_exc()
        typer.echo(f"newsum: internal error: {type(exc).__name__}: {for_display(str(exc))} (rerun with --debug)", err=True)
        raise typer.Exit(1) from None


@app.command("read", help=READ_HELP)
def read_cmd(
    source: str = typer.Argument(..., help="URL, local file, or - for stdin."),
    clean_only: bool = typer.Option(False, "--clean-only", help="Only extract the article and metadata; no model."),
    no_summary: bool = typer.Option(False, "--no-summary", help="Article, tickers and claims; no model is loaded."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
    length: Length = typer.Option(Length.short, "--length", help="Summary length: short (<= 3 sentences) or medium."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Preset name, GGUF path, checkpoint folder, HF id or http(s)://.../v1 server."),
    model_name: Optional[str] = typer.Option(None, "--model-name", help="Which model of a server that serves several."),
    llm_extract: bool = typer.Option(False, "--llm-extract", help="Let the model propose extra claims (verified)."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", help="Refuse pages larger than this."),
    cache: bool = typer.Option(False, "--cache/--no-cache", help="Use the on-disk HTTP cache."),
    config: Optional[Path] = typer.Option(None, "--config", help="Config file (default: platformdirs config dir)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    def run() -> None:
        from summarizer import pipeline, render

        article = pipeline.load_article(source, max_bytes=max_bytes, cache=cache)
        if clean_only:
            from summarizer.values import Report

            report = Report(article=article)
        else:
            from summarizer.settings import load_settings

            settings = load_settings(config)
            if no_summary:
                report = pipeline.analyse(article, summarize=False, facts_budget=settings.facts_budget)
            else:
                from summarizer.models import load_model

                loaded = load_model(model, config=settings.but(model_name=model_name) if model_name else settings)
                report = pipeline.analyse(article, model=loaded, length=length.value, llm_extract=llm_extract,
                                          facts_budget=settings.facts_budget)
        sys.stdout.write(render.render(report, fmt.value))

    guarded(debug, run)


@app.command("translate")
def translate_cmd(
    source: str = typer.Argument(..., help="URL, local file, or - for stdin."),
    to: str = typer.Option(..., "--to", help="Target language: da or en."),
    lines: bool = typer.Option(False, "--lines", help="Translate each input line on its own; one output line each."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Preset name, GGUF path, checkpoint or HF id."),
    config: Optional[Path] = typer.Option(None, "--config", help="Config file."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Translate an article (cleaned first when SOURCE is a page) or, with --lines, each line of a text.

    \b
    Examples:
      newsum translate samples/borsen-style-da.html --to en
      printf 'Aktien steg 4,2 pct.\\n' | newsum translate - --to en --lines
    """

    def run() -> None:
        from summarizer import pipeline
        from summarizer.models import load_model
        from summarizer.settings import load_config

        target = pipeline.target_language(to)
        units = pipeline.translation_units(source, lines=lines)
        loaded = load_model(model, config=load_config(config))
        label, separator = ("line", "\n") if lines else ("paragraph", "\n\n")
        for i, t in enumerate(pipeline.translate_units(units, loaded, to=target), 1):
            sys.stdout.write(t.text.replace("\n", " ") if lines else t.text)
            sys.stdout.write(separator if i < len(units) else "\n")
            sys.stdout.flush()
            for issue in t.issues:
                typer.echo(f"newsum: warning: {label} {i}: {for_display(issue)} (check this translation)", err=True)

    guarded(debug, run)


class VerifyFormat(str, Enum):
    text = "text"
    json = "json"


NOT_GROUNDED = 7  # `newsum verify`: the summary has a sentence the article does not back


@app.command("verify")
def verify_cmd(
    source: str = typer.Argument(..., help="The article: URL, local file, or - for stdin."),
    summary: str = typer.Option(..., "--summary", "-s", help="The summary to check, or @FILE to read it from a file."),
    lang: Optional[str] = typer.Option(None, "--lang", help="The summary's language, da or en (default: detected)."),
    fmt: VerifyFormat = typer.Option(VerifyFormat.text, "--format", "-f", help="Output format."),
    max_bytes: int = typer.Option(5_000_000, "--max-bytes", help="Refuse pages larger than this."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Check a summary (newsum's, another tool's or a person's) against its article, sentence by sentence:
    figures, dates, names, non-words, countries, directions, negation and whose figure it is.

    \b
    Exit codes: 0 every sentence grounded, 7 some sentence not (each is printed with its reasons),
    2 usage, 3 fetch failed, 4 no article found.

    \b
    Examples:
      newsum verify samples/borsen-style-da.html --summary "Novo Nordisk-aktien steg 4,2 pct."
      newsum verify https://example.com/story.html --summary @summary.txt --format json
    """

    def run() -> int:
        from summarizer import pipeline, render

        text = summary
        if text.startswith("@"):
            try:
                text = Path(text[1:]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                from summarizer.errors import UsageError

                raise UsageError(f"cannot read the summary from {text[1:]}: {exc}") from None
        verification = pipeline.verify_source(source, text, language=lang, max_bytes=max_bytes)
        sys.stdout.write(render.render_verification(verification, fmt.value))
        return 0 if verification.grounded else NOT_GROUNDED

    code = guarded(debug, run)
    if code:
        raise typer.Exit(code)


@app.command("models")
def models_cmd(
    config: Optional[Path] = typer.Option(None, "--config", help="Config file."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """List the models newsum can use, where they are, and which is the default."""

    def run() -> None:
        from summarizer.models import describe_models

        typer.echo(describe_models(config_path=config))

    guarded(debug, run)


@app.command("digest")
def digest_cmd(
    config: Optional[Path] = typer.Option(None, "--config", help="Config file with [[sources]]."),
    since: Optional[str] = typer.Option(None, "--since", help="Only entries newer than this (e.g. 24h, 3d; default: config, else 24h)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default from config, else data dir)."),
    formats: Optional[str] = typer.Option(None, "--format", help="Comma-separated: md, html, json (default: config, else all)."),
    group_by: Optional[str] = typer.Option(None, "--group-by", help="Group articles by source or ticker (default: source)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read feeds and list what is new; change nothing."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model for the summaries."),
    model_name: Optional[str] = typer.Option(None, "--model-name", help="Which model of a server that serves several."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Read every configured feed, process what is new, and write one digest (Markdown, HTML, JSON).

    \b
    Example (cron, every night at 05:30):
      30 5 * * * newsum digest --config ~/.config/newsum/config.toml
    """

    def run() -> None:
        from summarizer.digest import run_from_config

        outcome = run_from_config(
            config_path=config, since=since, out=out, formats=formats, group_by=group_by,
            dry_run=dry_run, model_spec=model, model_name=model_name, progress=TerminalProgress(), list_new=_list_entry,
        )
        return outcome

    guarded(debug, run)


@app.command("schema")
def schema_cmd(
    digest: bool = typer.Option(False, "--digest", help="The schema of the digest's JSON file instead."),
) -> None:
    """Print the JSON Schema (draft 2020-12) of `newsum SOURCE --format json` (a report, also what the
    digest stores per article), or with --digest of the digest's JSON file."""
    import json

    from summarizer.schema import digest_schema, report_schema

    typer.echo(json.dumps(digest_schema() if digest else report_schema(), indent=2, ensure_ascii=False))


def _list_entry(entry) -> None:
    """One line of `newsum digest --dry-run`: what would be processed."""
    fields = (entry.source, entry.published or "-", entry.title or "(untitled)", entry.url or "")
    typer.echo("\t".join(for_display(f).replace("\t", " ").replace("\n", " ") for f in fields))


class TerminalProgress:
    """A rich progress bar on a terminal; plain log lines (for cron's mail or a log file) otherwise."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.bar = None
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    console=Console(file=self.stream), transient=True)

    def log(self, message: str) -> None:
        message = for_display(message)  # feed titles and error messages quote third parties
        if self.bar is not None:
            self.bar.console.print(message, markup=False, highlight=False)
        else:
            typer.echo(f"newsum digest: {message}", file=self.stream)

    @contextmanager
    def articles(self, total: int) -> Iterator[Callable[[str], None]]:
        if self.bar is None:
            yield self.log
            return
        with self.bar:
            task = self.bar.add_task("articles", total=total)

            def step(message: str) -> None:
                self.log(message)
                self.bar.advance(task)

            yield step


def main() -> None:
    app(prog_name="newsum")


if __name__ == "__main__":
    main()
