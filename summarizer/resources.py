"""Package data and prompt files, each read once per process.

Data files (word lists, gazetteer, glossary) live in summarizer/data/ and are read with data_text,
data_json or data_lines.

Prompts are files, one per task and language, versioned by name: prompts/summarize.en.v1.txt.

A prompt file is a list of chat messages, each starting with a line `### system`, `### user` or
`### assistant` (text before the first header is a comment). `$name` placeholders are filled with
string.Template, so braces in examples need no escaping. In an installed wheel the files sit in
summarizer/prompts/ (see pyproject's force-include); in a dev checkout in the repo's prompts/.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Template

from summarizer.errors import NewsumError


@lru_cache(maxsize=None)
def data_text(name: str) -> str:
    """The text of summarizer/data/NAME."""
    return resources.files("summarizer.data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def data_json(name: str):
    return json.loads(data_text(name))


@lru_cache(maxsize=None)
def data_lines(name: str) -> tuple[str, ...]:
    """The stripped lines of a word list, without blank lines and `#` comments."""
    return tuple(s for s in (line.strip() for line in data_text(name).splitlines()) if s and not s.startswith("#"))


HEADER = re.compile(r"^### (system|user|assistant)\s*$", re.MULTILINE)
VERSIONED = re.compile(r"^(?P<task>.+)\.v(?P<version>\d+)\.txt$")


def prompt_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [p for p in (here / "prompts", here.parent / "prompts") if p.is_dir()]


@dataclass(frozen=True)
class Prompt:
    name: str  # "summarize.en"
    version: str  # "summarize.en.v1": goes into cache keys
    messages: tuple[tuple[str, str], ...]  # (role, template text)

    @property
    def opening(self) -> int:
        """How many leading messages have no placeholder: the same in every call (their KV cache is kept)."""
        n = 0
        while n < len(self.messages) and "$" not in self.messages[n][1]:
            n += 1
        return n

    def render(self, **values: str) -> list[dict[str, str]]:
        return [{"role": role, "content": Template(text).substitute(values)} for role, text in self.messages]


def parse_prompt(name: str, version: str, raw: str) -> Prompt:
    parts = HEADER.split(raw)
    messages = tuple((parts[i], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2))
    if not messages:
        raise NewsumError(f"prompt file {version} has no '### role' sections")
    return Prompt(name, version, messages)


@lru_cache(maxsize=32)
def load_prompt(name: str) -> Prompt:
    """The highest version of prompt NAME ("summarize.en"), or an exact one ("summarize.en.v1")."""
    for folder in prompt_dirs():
        exact = folder / f"{name}.txt"
        if VERSIONED.match(exact.name) and exact.is_file():
            return parse_prompt(VERSIONED.match(exact.name)["task"], name, exact.read_text(encoding="utf-8"))
        versions = []
        for f in folder.glob(f"{name}.v*.txt"):
            m = VERSIONED.match(f.name)
            if m and m["task"] == name:
                versions.append((int(m["version"]), f))
        if versions:
            _, best = max(versions)
            return parse_prompt(name, best.name[: -len(".txt")], best.read_text(encoding="utf-8"))
    raise NewsumError(f"prompt {name!r} not found in {[str(p) for p in prompt_dirs()]} (broken install?)")
