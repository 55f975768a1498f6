"""scripts/install.sh builds llama.cpp for the CPU it runs on: AVX-512 only where the CPU has it, AMX never."""

from __future__ import annotations

import os
import platform
import subprocess

import pytest
from conftest import REPO

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="the flags are x86-64 extensions")


def cmake_args(tmp_path, flags: str) -> set[str]:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    env = {**os.environ, "NEWSUM_CPUINFO": str(cpuinfo), "NEWSUM_PIP": "echo", "CMAKE_ARGS": "",
           "NEWSUM_NO_SYSTEM_PACKAGES": "1"}
    proc = subprocess.run(["bash", str(REPO / "scripts/install.sh"), ".[model]"], env=env, capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "install .[model]"  # the arguments reach pip unchanged
    return {w for w in proc.stderr.split() if w.startswith("-DGGML_")} | {
        w.split("=", 1)[1] for w in proc.stderr.split() if w.startswith("CMAKE_ARGS=-D")}


def test_a_cpu_without_avx512_gets_no_avx512(tmp_path):
    args = cmake_args(tmp_path, "fpu sse sse2 avx avx2 fma f16c bmi2")
    assert {"-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_AVX512=OFF", "-DGGML_AVX512_VNNI=OFF",
            "-DGGML_NATIVE=OFF", "-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF"} <= args


def test_avx512_and_vnni_where_listed_and_amx_off_even_when_advertised(tmp_path):
    args = cmake_args(tmp_path, "avx avx2 fma f16c bmi2 avx512f avx512vbmi avx512_vnni amx_tile amx_int8")
    assert {"-DGGML_AVX512=ON", "-DGGML_AVX512_VBMI=ON", "-DGGML_AVX512_VNNI=ON", "-DGGML_AVX512_BF16=OFF",
            "-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"} <= args
