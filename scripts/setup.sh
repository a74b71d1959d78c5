#!/usr/bin/env bash
# Install everything micro_codegen needs on Debian 12 (idempotent; run as root or with sudo).
#
#   bash scripts/setup.sh
#
# 1. apt: host gcc/make, the Arm GNU toolchain + newlib, QEMU (Arm system emulator), flatc, cmake
#    (the library-only output, `generate --app none`, is tested inside a CMake project),
#    espeak-ng (synthesizes the watch demo's test speech: examples/watch_demo/make_audio.py),
#    ser2net (a labgrid exporter serves serial ports with it: the `--runner labgrid` test),
#    openocd (flashes the real boards; the tests check the boards' OpenOCD config names against it).
# 2. A virtual environment .venv/ with micro_codegen (editable) and its test, labgrid and flash
#    extras (flash: pyOCD, the other flash tool; the tests check the boards' pyOCD target names).
# 3. The QEMU instruction-count plugin of `micro-codegen bench`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

APT_PACKAGES=(gcc make cmake gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm flatbuffers-compiler espeak-ng
              ser2net openocd python3-venv)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: apt packages already installed"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,labgrid,flash]"
# pyserial and labgrid's fork pyserial-labgrid both install the `serial` package; the fork must own
# it (upstream 3.5 re-negotiates RFC 2217 settings at every read timeout: `--runner labgrid` fails)
.venv/bin/python -m pip install -q --force-reinstall --no-deps "pyserial-labgrid>=3.5.0.2"

export PATH="$PATH:/usr/sbin"                 # ser2net
for tool in gcc make cmake arm-none-eabi-gcc qemu-system-arm flatc ser2net openocd .venv/bin/pyocd; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is still missing" >&2; exit 1; }
done
# the QEMU instruction-count plugin of `micro-codegen bench` (Debian ships no qemu-plugin.h; the
# plugin declares the API itself); built into ~/.cache/micro_codegen, rebuilt when its source changes
echo "setup: QEMU plugin $(.venv/bin/python -m micro_codegen.qemu_plugin)"
echo "setup: done. Activate with: source .venv/bin/activate   (then: micro-codegen --help)"
