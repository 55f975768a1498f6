"""A model that answers from a script, for tests (newsum's and users' own), like simonw/llm's MockModel.

    model = FakeModel(["First reply.", "Second reply."])   # replies in order; then `default`, if given
    model = FakeModel(respond=lambda messages: ...)           # or computed from the conversation
    report = summarizer.analyse(article, model=model)
    model.calls                                               # every conversation it was sent
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from summarizer.errors import ModelError
from summarizer.models.base import Generation, Messages, Model


class FakeModel(Model):
    def __init__(self, replies: Iterable[str] = (), *, respond: Callable[[Messages], str] | None = None,
                 default: str | None = None, name: str = "fake") -> None:
        self.name = name
        self.replies = list(replies)
        self.respond = respond
        self.default = default
        self.calls: list[Messages] = []
        self.n_ctx = 4096

    def chat(self, messages: Messages, *, max_tokens: int = 256, temperature: float = 0.0,
             stop: list[str] | None = None, seed: int = 0) -> Generation:
        self.calls.append(messages)
        if self.respond is not None:
            text = self.respond(messages)
        elif self.replies:
            text = self.replies.pop(0)
        elif self.default is not None:
            text = self.default
        else:  # a test that makes more calls than it planned for should fail, not pass on an empty reply
            raise ModelError(f"{self.name}: no scripted reply left for call {len(self.calls)}")
        words = sum(len(m["content"].split()) for m in messages)
        return Generation(text=text, prompt_tokens=words, completion_tokens=len(text.split()), seconds=0.0)
