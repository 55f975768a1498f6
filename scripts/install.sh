#!/usr/bin/env bash
# Install newsum with pip, compiling llama.cpp (inside llama-cpp-python) for the vector extensions this
# CPU has. Usage: scripts/install.sh [pip install arguments], default '.[model]'.
#
# Why not llama.cpp's default build: it targets the build machine with -march=native, and some virtual
# machines advertise AMX while its tile instructions fault (SIGILL on the first generation). So: no
# native build, AMX always off, and each x86 extension switched on only when /proc/cpuinfo lists it (a
# build that forced AVX-512 died with SIGILL on CPUs without it). CMAKE_ARGS you set come last and win.
set -euo pipefail
cd "$(dirname "$0")/.."

# NEWSUM_CPUINFO and NEWSUM_PIP exist for tests/test_install_script.py: another CPU, and pip replaced by echo.
cpuinfo="${NEWSUM_CPUINFO:-/proc/cpuinfo}"
cmake_args=""
if [ "$(uname -m)" = "x86_64" ] && [ -r "$cpuinfo" ]; then
  flags=" $(grep -m1 '^flags' "$cpuinfo" | cut -d: -f2) "
  cmake_args="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  # cpuinfo flag -> ggml option
  for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx512f:AVX512 avx512vbmi:AVX512_VBMI \
              avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16 avx_vnni:AVX_VNNI; do
    case "$flags" in
      *" ${pair%%:*} "*) cmake_args+=" -DGGML_${pair#*:}=ON" ;;
      *) cmake_args+=" -DGGML_${pair#*:}=OFF" ;;
    esac
  done
fi
# The hunspell dictionaries the meaning checks read (summarizer/summary/dictionary.py) are system packages,
# not shipped with newsum (their licences are not Apache-2.0). Installed here when apt can, else said.
dictionaries="hunspell-da hunspell-en-us hunspell-en-gb"
if [ -z "${NEWSUM_NO_SYSTEM_PACKAGES:-}" ] && ! [ -f /usr/share/hunspell/da_DK.dic ] \
   && ! [ -f "${NEWSUM_HUNSPELL_DIR:-/nonexistent}/da_DK.dic" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    echo "scripts/install.sh: apt-get install ${dictionaries}" >&2
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq ${dictionaries} >/dev/null
  else
    echo "scripts/install.sh: no hunspell dictionaries found and no apt-get to install them: install" \
         "${dictionaries} (or put da_DK and en_US .dic/.aff files in \$NEWSUM_HUNSPELL_DIR); until then" \
         "newsum skips its non-word check and says so" >&2
  fi
fi
[ $# -gt 0 ] || set -- '.[model]'
echo "scripts/install.sh: CMAKE_ARGS=${cmake_args} ${CMAKE_ARGS:-}" >&2
CMAKE_ARGS="${cmake_args} ${CMAKE_ARGS:-}" exec ${NEWSUM_PIP:-python3 -m pip} install "$@"
