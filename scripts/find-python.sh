#!/usr/bin/env bash
# Prints the interpreter to build .venv with: Python 3.12 (the Lambda runtime) when it can be found,
# otherwise python3 >= 3.11 with a warning on stderr. Exits non-zero when neither exists.
set -u
works() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' >/dev/null 2>&1; }
is312() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' >/dev/null 2>&1; }

candidates=(python3.12)
if command -v pyenv >/dev/null 2>&1; then
  for prefix in $(pyenv root 2>/dev/null)/versions/3.12*; do
    [ -x "$prefix/bin/python3" ] && candidates+=("$prefix/bin/python3")
  done
fi
for candidate in "${candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 && is312 "$candidate"; then
    command -v "$candidate"
    exit 0
  fi
done
if command -v python3 >/dev/null 2>&1 && works python3; then
  echo "WARNING: Python 3.12 not found; using $(python3 --version 2>&1). Production runs 3.12." >&2
  command -v python3
  exit 0
fi
echo "ERROR: need Python 3.12 (or at least 3.11) on PATH." >&2
exit 1
