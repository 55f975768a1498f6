"""Every sample's JSON output, clean-only and with the default model, written to a folder; or two such
folders compared key by key (timings and schema_version aside). How a refactor shows it changed nothing:

    python bench/sample_outputs.py write /tmp/before --repo /tmp/old-worktree   # the old commit's code
    python bench/sample_outputs.py write /tmp/after                              # this checkout's
    python bench/sample_outputs.py compare /tmp/before /tmp/after

Runs each sample in a fresh process with the output cache and saved prompt openings off
(NEWSUM_NO_LLM_CACHE=1, NEWSUM_NO_KV_FILES=1), so both runs compute everything the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IGNORED = {"timings", "schema_version"}


def write(out: Path, *, repo: Path = REPO, model: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NEWSUM_NO_LLM_CACHE": "1", "NEWSUM_NO_KV_FILES": "1"}
    pages = sorted(p for p in (repo / "samples").iterdir() if p.suffix in (".html", ".txt"))
    for page in pages:
        for kind, extra in (("clean", ["--clean-only"]), ("model", [])):
            if kind == "model" and not model:
                continue
            # cwd is the repo whose code runs: `python -m` puts it first on sys.path
            proc = subprocess.run([sys.executable, "-m", "summarizer.cli", str(page), "--format", "json", *extra],
                                  cwd=repo, env=env, capture_output=True, text=True)
            (out / f"{page.name}.{kind}.json").write_text(proc.stdout, encoding="utf-8")
            print(f"{page.name} {kind}: exit {proc.returncode}", file=sys.stderr)


def compare(a: Path, b: Path) -> int:
    changed = 0
    for left in sorted(a.glob("*.json")):
        right = b / left.name
        x, y = (json.loads(p.read_text(encoding="utf-8")) for p in (left, right))
        keys = sorted(k for k in (set(x) | set(y)) - IGNORED if x.get(k) != y.get(k))
        changed += bool(keys)
        print(f"{left.name}: {'same' if not keys else 'differs in ' + ', '.join(keys)}")
    return 1 if changed else 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "write":
        repo = Path(sys.argv[sys.argv.index("--repo") + 1]) if "--repo" in sys.argv else REPO
        write(Path(sys.argv[2]), repo=repo.resolve(), model="--clean-only" not in sys.argv)
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        raise SystemExit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        raise SystemExit(__doc__)
