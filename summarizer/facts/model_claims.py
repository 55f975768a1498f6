"""--llm-extract: claims the model proposes, kept only when verbatim in the article with every figure in it."""

from __future__ import annotations

import re

from summarizer.facts.claims import _claim_numbers
from summarizer.facts.quantities import find_quantities, same_quantity
from summarizer.language import guess_language
from summarizer.models.base import Model
from summarizer.resources import load_prompt
from summarizer.values import Claim

_MODEL_PROMPT = "claims-extract"
_MODEL_INPUT_CHARS = 6000  # small local models have a short context; claims past this are left to the rules


def with_model_claims(text: str, claims: list[Claim], model: Model) -> list[Claim]:
    """--llm-extract: ask the model for more claims; keep one only when its sentence is verbatim in
    the article and every number in it is also in the article (quantities.same_quantity). Returns the
    claims given plus the model's, in article order."""
    messages = load_prompt(_MODEL_PROMPT).render(article=text[:_MODEL_INPUT_CHARS])
    reply = model.chat(messages, max_tokens=512).text
    lang = guess_language(text)
    article_qs = find_quantities(text, lang)
    existing = list(claims)
    added: list[Claim] = []
    for line in reply.splitlines():
        candidate = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip().strip('"')
        start = text.find(candidate) if len(candidate) >= 20 else -1
        if start < 0:
            continue  # not verbatim: dropped
        end = start + len(candidate)
        if any(c.start <= start and end <= c.end for c in existing + added):
            continue  # already a claim
        found = find_quantities(candidate, lang)
        if not found or not all(any(same_quantity(q, a) for a in article_qs) for q in found):
            continue  # no figure, or a figure the article does not state
        added.append(Claim(text=candidate, start=start, end=end, numbers=_claim_numbers(candidate, found)))
    return sorted(existing + added, key=lambda c: c.start)
