#!/usr/bin/env bash
# Decides the receipt-reading (OCR) engine for `make run`; prints it on stdout (empty: leave the setting alone)
# and tells the person on stderr what they get. An OCR_BACKEND in the environment or in .env is always kept;
# otherwise Tesseract is turned on when it is installed, and how to install it is shown when it is not.
set -uo pipefail
cd "$(dirname "$0")/.."

chosen="${OCR_BACKEND:-}"
if [ -z "$chosen" ] && [ -f .env ]; then
  chosen="$(sed -n 's/^[[:space:]]*OCR_BACKEND[[:space:]]*=[[:space:]]*//p' .env | tail -n 1 | tr -d '"'"'"' \r')"
fi
if [ -n "$chosen" ]; then
  case "$chosen" in
    none) echo "Receipt reading (OCR) is off: OCR_BACKEND=none (remove it from .env to let make run use Tesseract)." >&2 ;;
    *) echo "Receipt reading (OCR): $chosen, as OCR_BACKEND says." >&2 ;;
  esac
  exit 0
fi
if command -v "${OCR_TESSERACT_CMD:-tesseract}" >/dev/null 2>&1; then
  echo "Receipt reading (OCR) is on: $("${OCR_TESSERACT_CMD:-tesseract}" --version 2>&1 | head -n 1); photos pre-fill the meal form." >&2
  echo tesseract
  exit 0
fi
cat >&2 <<'TEXT'
Receipt reading (OCR) is off: Tesseract is not installed. To have receipt photos pre-fill the meal form, install it
  Debian/Ubuntu: sudo apt-get install tesseract-ocr     macOS: brew install tesseract     or here: make ocr
then run make run again.
TEXT
