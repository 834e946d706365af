#!/usr/bin/env bash
# Installs Debian's Tesseract (English data included) for the local OCR backend and its tests, when missing.
# Idempotent: does nothing when `tesseract` is already on the PATH. Tests that need it skip without it.
set -euo pipefail

if command -v tesseract >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "setup-ocr: tesseract is missing and this user cannot install it; Tesseract tests will skip." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng >/dev/null
echo "setup-ocr: installed $(tesseract --version 2>&1 | head -n 1)"
