#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test mdnode: cmake (QUIC's TLS library builds with
# it), PostgreSQL (the test harness starts a throwaway cluster when no server answers), Python's
# `cryptography` (the independent certificate verifier in tests/vectors), and the frontend's npm packages
# and Debian's chromium once the UI exists. Idempotent and quiet when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing_apt=()
command -v cmake >/dev/null 2>&1 || missing_apt+=(cmake)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing_apt+=(postgresql)
fi
if [ -f frontend/package.json ] && ! command -v chromium >/dev/null 2>&1; then
  missing_apt+=(chromium)
fi

if [ ${#missing_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "ensure-deps: installing ${missing_apt[*]} with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
  else
    echo "ensure-deps: missing ${missing_apt[*]}; install with: sudo apt-get install ${missing_apt[*]}" >&2
    exit 1
  fi
fi

if ! python3 -c 'import cryptography' >/dev/null 2>&1; then
  echo "ensure-deps: installing the Python package cryptography" >&2
  python3 -m pip install --quiet cryptography
fi

# npm records what it installed in node_modules/.package-lock.json; reinstall when the lock file is newer.
if [ -f frontend/package.json ] && { [ ! -f frontend/node_modules/.package-lock.json ] ||
  [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; }; then
  echo "ensure-deps: installing frontend packages (npm ci)" >&2
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi
