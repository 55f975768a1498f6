"""A model on a server that speaks the OpenAI chat-completions API: llama.cpp's server, vLLM, Ollama,
LM Studio. `--model http://127.0.0.1:8080/v1` (any http(s) base URL ending in /v1).

Chat completions only, no streaming. The server's context size is asked where it tells (llama.cpp's
/props, vLLM's max_model_len in /v1/models), else the config's n_ctx. Busy answers (429, 502, 503) are
retried a bounded number of times, honouring Retry-After. A server that is down, refuses the key or
lacks the model raises ModelError (exit 5) within seconds. The API key comes from an environment
variable named in the config (`api_key_env`, default NEWSUM_API_KEY) and is sent in the Authorization
header only: it is never part of a message, a log line, a cache key or the model's name.
`chat_many` sends its conversations side by side (`model_concurrency`, default 4): a serving engine
batches them.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx

from summarizer.errors import ModelError
from summarizer.models.base import Generation, Messages, Model, budgets

DEFAULT_KEY_ENV = "NEWSUM_API_KEY"
CONNECT_SECONDS = 5.0
READ_SECONDS = 600.0  # one long generation on a slow CPU server
RETRY_STATUSES = {429, 502, 503}
MAX_RETRIES = 4
MAX_RETRY_WAIT = 30.0


def _where(base_url: str) -> str:
    """scheme://host:port of the base URL, never its user:password part."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"


class ServerModel(Model):
    kind = "chat"

    def __init__(self, base_url: str, *, model_name: str | None = None, key_env: str = DEFAULT_KEY_ENV,
                 n_ctx: int | None = None, concurrency: int = 4, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.where = _where(self.base_url)
        key = os.environ.get(key_env or DEFAULT_KEY_ENV) or None
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport, follow_redirects=False,
            timeout=httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS),
        )
        self.concurrency = max(1, concurrency)
        served = self._served_models()
        ids = [m.get("id") for m in served if m.get("id")]
        self.served = ids  # what the server offers, as it said when newsum connected
        if model_name is None:
            if len(ids) != 1:
                self.close()
                raise ModelError(f"the server at {self.where} serves {len(ids)} models ({', '.join(ids) or 'none'}); "
                                 "choose one with --model-name or `model_name` in the config")
            model_name = ids[0]
        elif ids and model_name not in ids:
            self.close()
            raise ModelError(f"the server at {self.where} has no model {model_name!r}; it serves: {', '.join(ids)}")
        self.model_name = model_name
        self.name = f"{model_name}@{self.where}"
        info = next((m for m in served if m.get("id") == model_name), {})
        self.n_ctx = info.get("max_model_len") or self._llama_cpp_context() or n_ctx

    # ------------------------------------------------------------------ requests

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        for attempt in range(MAX_RETRIES + 1):
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TimeoutException as exc:
                raise ModelError(f"the model server at {self.where} did not answer in time ({type(exc).__name__})") from None
            except httpx.HTTPError as exc:
                raise ModelError(f"cannot reach the model server at {self.where}: {type(exc).__name__}") from None
            if response.status_code not in RETRY_STATUSES or attempt == MAX_RETRIES:
                break
            time.sleep(_retry_after(response, attempt))
        if response.status_code in (401, 403):
            raise ModelError(f"the model server at {self.where} refused the API key (HTTP {response.status_code}); "
                             f"set it in the environment variable the config's api_key_env names")
        if response.status_code >= 400:
            raise ModelError(f"the model server at {self.where} answered HTTP {response.status_code} to {path}: "
                             f"{_error_text(response)}")
        return response

    def _served_models(self) -> list[dict]:
        data = _json(self._request("GET", "/models"), self.where)
        return [m for m in data.get("data", []) if isinstance(m, dict)]

    def _llama_cpp_context(self) -> int | None:
        """llama.cpp's server tells its context size at /props (next to /v1, not under it)."""
        root = self.base_url[: -len("/v1")] if self.base_url.endswith("/v1") else self.base_url
        try:
            response = self._client.get(f"{root}/props", timeout=CONNECT_SECONDS)
            settings = response.json().get("default_generation_settings", {}) if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
        return n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None

    # ------------------------------------------------------------------ Model

    def chat(self, messages: Messages, *, max_tokens: int = 256, temperature: float = 0.0,
             stop: list[str] | None = None, seed: int = 0) -> Generation:
        body = {"model": self.model_name, "messages": messages, "max_tokens": max_tokens,
                "temperature": temperature, "seed": seed, "stream": False}
        if stop:
            body["stop"] = stop
        began = time.perf_counter()
        data = _json(self._request("POST", "/chat/completions", json=body), self.where)
        try:
            text = data["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise ModelError(f"the model server at {self.where} answered without a message") from None
        usage = data.get("usage") or {}
        return Generation(text=text.strip(), prompt_tokens=int(usage.get("prompt_tokens") or 0),
                          completion_tokens=int(usage.get("completion_tokens") or 0),
                          seconds=time.perf_counter() - began)

    def chat_many(self, conversations: list[Messages], *, max_tokens: int | list[int] = 256,
                  temperature: float = 0.0, stop: list[str] | None = None, seed: int = 0) -> list[Generation]:
        """Side by side, `concurrency` at a time: the server batches what arrives together."""
        if self.concurrency == 1 or len(conversations) < 2:
            return super().chat_many(conversations, max_tokens=max_tokens, temperature=temperature, stop=stop, seed=seed)
        jobs = list(zip(conversations, budgets(max_tokens, len(conversations))))
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(jobs))) as pool:
            return list(pool.map(lambda job: self.chat(job[0], max_tokens=job[1], temperature=temperature,
                                                       stop=stop, seed=seed), jobs))

    def close(self) -> None:
        self._client.close()


def _retry_after(response: httpx.Response, attempt: int) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        wait = float(value)
    except ValueError:
        wait = 0.5 * 2**attempt
    return min(max(wait, 0.0), MAX_RETRY_WAIT)


def _error_text(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = response.text
    return " ".join(str(message or "").split())[:200] or "(no message)"


def _json(response: httpx.Response, where: str) -> dict:
    try:
        data = response.json()
    except ValueError:
        raise ModelError(f"the model server at {where} did not answer JSON") from None
    if not isinstance(data, dict):
        raise ModelError(f"the model server at {where} answered JSON that is not an object")
    return data
