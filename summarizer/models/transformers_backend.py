"""transformers backend: Hugging Face checkpoints from local folders only, on CPU or CUDA.

- causal LMs with a chat template -> HFChat (a Model that chats);
- encoder-decoder models (Marian opus-mt and the like) -> Seq2SeqTranslator (a Translator).
Files are always read with local_files_only=True and HF_HUB_OFFLINE=1: a missing file is a ModelError,
never a download or a hang. torch and transformers are imported here only, when such a model loads.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from summarizer.errors import ModelError
from summarizer.models.base import Generation, Model, Translator
from summarizer.models.registry import HF_PIP_HINT

# Translator directions come from the name ("opus-mt-da-en", "opus-mt-tc-big-en-da", "opus-mt-da-en-tiny"):
# the first two adjacent parts that are language codes. "mt" is Maltese's code, hence a fixed list.
_LANGUAGES = {"da", "en", "de", "sv", "no", "nb", "nn", "fi", "is", "fr", "es", "it", "nl", "pl", "pt"}


def language_pair(*names: str) -> tuple[str, str]:
    for name in names:
        parts = re.split(r"[-_/]", name.lower())
        for a, b in zip(parts, parts[1:]):
            if a in _LANGUAGES and b in _LANGUAGES and a != b:
                return a, b
    return "und", "und"


def _import():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError(f"the transformers backend is not installed; run: {HF_PIP_HINT}") from exc
    # Keep stderr for newsum's own one-line errors: no "Loading weights" bars, no generation-flag chatter.
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return torch, transformers


def pick_device(torch, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"device {device!r} was asked for but torch sees no CUDA GPU; use device = \"cpu\"")
    return device


def load_checkpoint(folder: Path, *, name: str, device: str = "auto"):
    """Load a checkpoint folder as an HFChat or a Seq2SeqTranslator, by its config."""
    torch, transformers = _import()
    folder = Path(folder)
    try:
        config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{folder} is not a usable Hugging Face checkpoint: {_first_line(exc)}") from exc
    dev = pick_device(torch, device)
    if getattr(config, "is_encoder_decoder", False):
        return Seq2SeqTranslator(folder, name=name, device=dev, torch=torch, transformers=transformers)
    return HFChat(folder, name=name, device=dev, torch=torch, transformers=transformers)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _load_parts(folder: Path, model_class, transformers, dtype):
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = model_class.from_pretrained(folder, local_files_only=True, dtype=dtype)
    except (OSError, ValueError) as exc:
        raise ModelError(f"could not load the checkpoint in {folder}: {_first_line(exc)}") from exc
    model.eval()
    return tokenizer, model


class HFChat(Model):
    kind = "chat"

    def __init__(self, folder: Path, *, name: str, device: str, torch, transformers) -> None:
        self.name, self.device, self._torch = name, device, torch
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        started = time.perf_counter()
        self.tokenizer, self.model = _load_parts(folder, transformers.AutoModelForCausalLM, transformers, dtype)
        self.model.to(device)
        self.load_seconds = time.perf_counter() - started
        if not getattr(self.tokenizer, "chat_template", None):
            raise ModelError(f"{folder} has no chat template, so it cannot be used as a chat model")

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        seed: int = 0,
    ) -> Generation:
        torch = self._torch
        started = time.perf_counter()
        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(self.device)
        prompt_len = inputs["input_ids"].shape[1]
        torch.manual_seed(seed)
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        with torch.inference_mode():
            out = self.model.generate(**inputs, max_new_tokens=max_tokens, pad_token_id=pad, **sampling)
        new_tokens = out[0, prompt_len:]
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        # Stop strings are applied after generation: simple, and exact for any tokenizer.
        for s in stop or []:
            if s and s in text:
                text = text[: text.index(s)]
        return Generation(text.strip(), int(prompt_len), int(new_tokens.shape[0]), time.perf_counter() - started)

    def close(self) -> None:
        self.model = None


class Seq2SeqTranslator(Translator):
    kind = "translator"

    def __init__(self, folder: Path, *, name: str, device: str, torch, transformers) -> None:
        self.name, self.device, self._torch = name, device, torch
        self.source_language, self.target_language = language_pair(name, Path(folder).name)
        dtype = torch.float16 if device.startswith("cuda") else torch.float32
        started = time.perf_counter()
        self.tokenizer, self.model = _load_parts(folder, transformers.AutoModelForSeq2SeqLM, transformers, dtype)
        self.model.to(device)
        self.load_seconds = time.perf_counter() - started

    def translate(self, texts: list[str], *, max_tokens: int = 256, batch_size: int = 16) -> list[Generation]:
        results: list[Generation] = []
        for start in range(0, len(texts), batch_size):
            results.extend(self._batch(texts[start : start + batch_size], max_tokens))
        return results

    def _batch(self, texts: list[str], max_tokens: int) -> list[Generation]:
        if not texts:
            return []
        torch = self._torch
        started = time.perf_counter()
        inputs = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True).to(self.device)
        with torch.inference_mode():
            out = self.model.generate(**inputs, max_new_tokens=max_tokens)  # beams etc. from generation_config
        seconds = (time.perf_counter() - started) / len(texts)
        pad = self.tokenizer.pad_token_id
        gens = []
        for i, row in enumerate(out):
            text = self.tokenizer.decode(row, skip_special_tokens=True).strip()
            prompt_tokens = int(inputs["attention_mask"][i].sum())
            completion = int((row != pad).sum()) if pad is not None else int(row.shape[0])
            gens.append(Generation(text, prompt_tokens, completion, seconds))
        return gens

    def close(self) -> None:
        self.model = None
