#!/usr/bin/env bash
# The Python worker's venv: creates or updates ${BOSUN_CACHE_DIR:-$HOME/.cache/bosun}/venv-python with the
# pinned python/requirements.txt and prints the venv's python on stdout (progress goes to stderr), e.g.
#   export BOSUN_PYTHON=$(bash scripts/python-env.sh)
# A second run is instant: the install is skipped while the requirements' sha256 matches the stamp left by
# the last successful install. The interpreter that creates the venv: $BOSUN_SYSTEM_PYTHON, else python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
req="$root/python/requirements.txt"
venv="${BOSUN_CACHE_DIR:-$HOME/.cache/bosun}/venv-python"
py="$venv/bin/python"
stamp="$venv/.bosun-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"

if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$py"
  exit 0
fi

# One installer at a time (two test files, or CI and a developer, may ask at once); the others wait, then find
# the stamp and return at once.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$py"
  exit 0
fi

system="${BOSUN_SYSTEM_PYTHON:-python3}"
if ! command -v "$system" >/dev/null 2>&1; then
  echo "python-env: $system not found; install Python 3.10 or newer (or set BOSUN_SYSTEM_PYTHON to one)" >&2
  exit 1
fi
if ! "$system" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "python-env: $system is $("$system" --version 2>&1); the worker needs Python 3.10 or newer (set BOSUN_SYSTEM_PYTHON)" >&2
  exit 1
fi
if [ ! -x "$py" ]; then
  echo "python-env: creating $venv" >&2
  "$system" -m venv "$venv" >&2
fi
echo "python-env: installing python/requirements.txt into $venv" >&2
# The stamp is removed first so that an interrupted install is redone next time, not trusted.
rm -f "$stamp"
"$py" -m pip install --quiet --disable-pip-version-check --no-input -r "$req" >&2
echo "$want" >"$stamp"
echo "$py"
