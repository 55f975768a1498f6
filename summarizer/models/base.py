"""The one interface every model backend implements: `Model`.

A backend is a chat model (generates text from chat messages: llama.cpp, transformers causal LMs, the
fake model) or a translator (seq2seq, e.g. Marian opus-mt, which cannot chat). The summary, translation
and claims stages talk only to this class and ask it what it can do (`can_chat`, `translator()`), never
probe attributes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from summarizer.errors import ModelError

Messages = list[dict[str, str]]


@dataclass
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


def budgets(max_tokens: int | list[int], n: int) -> list[int]:
    """A generation budget per conversation: max_tokens is one for all, or one each."""
    return list(max_tokens) if isinstance(max_tokens, (list, tuple)) else [max_tokens] * n


class Model(ABC):
    """What every backend offers. Defaults cover what a backend lacks: chat_many runs chat() one
    conversation after another, count_tokens estimates, remember_prefix does nothing."""

    name: str = "model"
    kind: str = "chat"  # "chat", "translator" (one direction), "translators" (a da<->en pair)
    n_ctx: int | None = None  # context size in tokens, where the backend knows it

    @property
    def can_chat(self) -> bool:
        return self.kind == "chat"

    def chat(self, messages: Messages, *, max_tokens: int = 256, temperature: float = 0.0,
             stop: list[str] | None = None, seed: int = 0) -> Generation:
        raise ModelError(f"model {self.name!r} only translates; this needs a chat model (see `newsum models`)")

    def chat_many(self, conversations: list[Messages], *, max_tokens: int | list[int] = 256,
                  temperature: float = 0.0, stop: list[str] | None = None, seed: int = 0) -> list[Generation]:
        """Several conversations; backends that decode side by side (llama.cpp) override this."""
        return [self.chat(m, max_tokens=b, temperature=temperature, stop=stop, seed=seed)
                for m, b in zip(conversations, budgets(max_tokens, len(conversations)))]

    def count_tokens(self, text: str) -> int:
        """Tokens of text; the default is the ~4 characters a token of English and Danish."""
        return max(1, len(text) // 4)

    def remember_prefix(self, messages: Messages) -> None:
        """A hint that these leading messages open many prompts (a backend may keep their KV cache)."""

    def working(self) -> AbstractContextManager:
        """Held while one article's model work is in flight: a backend that merges the calls of several
        articles (llama.cpp, gather.py) waits for the articles it knows of. Nothing to do elsewhere."""
        return nullcontext()

    def translator(self, source_language: str, target_language: str) -> Translator | None:
        """The seq2seq translator for a direction; None for a chat model (it translates by prompting)."""
        return None

    def close(self) -> None:
        """Free the weights (called at exit for every loaded model)."""


class Translator(Model):
    """A seq2seq model that translates one direction (source_language -> target_language)."""

    kind = "translator"
    source_language: str
    target_language: str

    @abstractmethod
    def translate(self, texts: list[str], *, max_tokens: int = 256) -> list[Generation]: ...

    def translator(self, source_language: str, target_language: str) -> Translator:
        if (self.source_language, self.target_language) != (source_language, target_language):
            raise ModelError(f"{self.name} translates {self.source_language}->{self.target_language}, "
                             f"not {source_language}->{target_language}; pick another --model")
        return self


class TranslatorPair(Model):
    """Two translators between Danish and English (the opus-mt preset). It cannot chat: the summary
    stage selects sentences itself and only translates with it."""

    kind = "translators"

    def __init__(self, name: str, da_en: Translator, en_da: Translator) -> None:
        self.name, self.da_en, self.en_da = name, da_en, en_da

    def translator(self, source_language: str, target_language: str) -> Translator:
        for t in (self.da_en, self.en_da):
            if (t.source_language, t.target_language) == (source_language, target_language):
                return t
        raise ModelError(f"{self.name} has no {source_language}->{target_language} translator")

    def close(self) -> None:
        for t in (self.da_en, self.en_da):
            t.close()
