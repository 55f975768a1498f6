"""The one small interface every model backend implements.

A backend is either a chat model (generate text from chat messages) or a translator
(seq2seq, e.g. Marian opus-mt). The summary and translation stages only talk to this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


@runtime_checkable
class ChatModel(Protocol):
    name: str  # shown in output and used in cache keys ("qwen2.5-coder-1.5b-instruct-q4_k_m")
    kind: str  # "chat"

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        seed: int = 0,
    ) -> Generation: ...


@runtime_checkable
class Translator(Protocol):
    name: str
    kind: str  # "translator"
    source_language: str  # "da"
    target_language: str  # "en"

    def translate(self, texts: list[str], *, max_tokens: int = 256) -> list[Generation]: ...
