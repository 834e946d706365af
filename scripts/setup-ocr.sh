#!/usr/bin/env bash
# Installs Debian's Tesseract (English data included) for the local OCR backend and its tests, and poppler-utils
# (pdftoppm renders the report bundle's PDF pages in its tests), when missing.
# Idempotent: does nothing when both are already on the PATH. Tests that need them skip without them.
set -euo pipefail

packages=()
command -v tesseract >/dev/null 2>&1 || packages+=(tesseract-ocr tesseract-ocr-eng)
command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "setup-ocr: ${packages[*]} missing and this user cannot install them; the tests that need them will skip." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "setup-ocr: installed ${packages[*]}"
