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


@dataclass
class TranslatorPair:
    """Two translators between Danish and English (e.g. the opus-mt preset). kind is "translators".

    It has no chat(): the summary stage selects sentences itself and only translates with it.
    """

    name: str
    da_en: Translator
    en_da: Translator
    kind: str = "translators"

    def translator(self, source_language: str, target_language: str) -> Translator:
        for t in (self.da_en, self.en_da):
            if (t.source_language, t.target_language) == (source_language, target_language):
                return t
        raise ValueError(f"{self.name} has no {source_language}->{target_language} translator")

    def close(self) -> None:
        for t in (self.da_en, self.en_da):
            close = getattr(t, "close", None)
            if close:
                close()


def budgets(max_tokens: int | list[int], n: int) -> list[int]:
    """A generation budget per conversation: max_tokens is one for all, or one each."""
    return list(max_tokens) if isinstance(max_tokens, (list, tuple)) else [max_tokens] * n


def chat_many(model, conversations: list[list[dict[str, str]]], *, max_tokens: int | list[int], **kw) -> list[Generation]:
    """model.chat_many when the backend decodes side by side (llama.cpp), else one chat() after another.
    max_tokens: one budget, or one per conversation."""
    many = getattr(model, "chat_many", None)
    if many is not None:
        return many(conversations, max_tokens=max_tokens, **kw)
    return [model.chat(m, max_tokens=b, **kw) for m, b in zip(conversations, budgets(max_tokens, len(conversations)))]
