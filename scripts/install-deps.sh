#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to run Bosun's real stack, and nothing it already has:
#   - PostgreSQL server (Debian package), for CI and servers (the local default is embedded PGlite);
#   - Chromium (Debian package), for the integration test that drives the Temporal Web UI;
#   - the Temporal CLI (its dev server) and MinIO, built with `go install` into $BOSUN_CACHE_DIR/bin;
#   - the Python worker's venv (scripts/python-env.sh, under $BOSUN_CACHE_DIR/venv-python) when Python 3.10+
#     is there (python3-venv from Debian's packages if its venv module is missing). Python is optional for
#     the TypeScript stack; the Python-step tests build the venv themselves if setup did not.
# Go's module and build caches (~/go/pkg/mod, ~/.cache/go-build) and the built binaries are kept, so a
# second run takes seconds.
set -euo pipefail

TEMPORAL_MODULE="github.com/temporalio/cli/cmd/temporal@v1.5.1"   # later tags carry a replace directive go install refuses
MINIO_MODULE="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
CACHE_DIR="${BOSUN_CACHE_DIR:-$HOME/.cache/bosun}"
BIN_DIR="$CACHE_DIR/bin"
mkdir -p "$BIN_DIR"

log() { printf '[setup] %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing PostgreSQL from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
else
  log "PostgreSQL: $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
fi

if [ ! -x /usr/bin/chromium ]; then
  log "installing Chromium from Debian's packages (the Web UI browser test drives it with playwright-core)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
else
  log "Chromium: /usr/bin/chromium"
fi

if ! command -v go >/dev/null 2>&1; then
  for d in /usr/local/go/bin /usr/lib/go/bin; do [ -x "$d/go" ] && PATH="$d:$PATH"; done
fi
if ! command -v go >/dev/null 2>&1; then
  log "installing Go from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq golang-go >/dev/null
fi

build() { # name module
  local name=$1 module=$2 stamp="$BIN_DIR/.$1.module"
  if [ -x "$BIN_DIR/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module" ]; then
    log "$name: cached at $BIN_DIR/$name"
    return
  fi
  if command -v "$name" >/dev/null 2>&1 && [ -z "${BOSUN_FORCE_BUILD:-}" ]; then
    log "$name: using $(command -v "$name") from PATH"
    return
  fi
  log "building $name with go install $module (first time only; several minutes)"
  local start=$SECONDS
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "$module"
  echo "$module" >"$stamp"
  log "$name built in $((SECONDS - start))s"
}

build temporal "$TEMPORAL_MODULE"
build minio "$MINIO_MODULE"

system_python="${BOSUN_SYSTEM_PYTHON:-python3}"
if command -v "$system_python" >/dev/null 2>&1; then
  if ! "$system_python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    log "installing python3-venv from Debian's packages (the Python worker's venv)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  log "Python worker venv: $(bash "$(dirname "$0")/python-env.sh")"
else
  log "no $system_python: Python steps unavailable (the TypeScript stack does not need it)"
fi
log "done: binaries in $BIN_DIR"
