#!/usr/bin/env bash
# Make .venv from a supported Python and install uv.lock into it with uv (itself installed by
# pip, so a fresh machine needs only Python). `venv.sh uv` stops after bootstrapping uv (make lock).
# Environment: PYTHON (the interpreter asked for), PYTHON_EXPLICIT (yes when the user named it),
# VENV, UV_VERSION.
set -euo pipefail
python=${PYTHON:-python3}
venv=${VENV:-.venv}
supported='import sys
ok = sys.implementation.name == "cpython" and sys.version_info >= (3, 11)
print(sys.version) if ok else sys.exit(1)'

if ! want=$("$python" -c "$supported" 2>/dev/null); then
  found=$(command -v "$python" >/dev/null && "$python" -V 2>&1 | head -n1 || true)
  echo "frontdesk needs CPython 3.11 or newer (3.11 or 3.12 on x86-64 Linux or macOS for the" \
    "embedded Postgres); '$python' is ${found:-not found}: pick one with" \
    "'make PYTHON=python3.12 ...'" >&2
  exit 1
fi

if [ -e "$venv" ]; then
  have=$("$venv/bin/python" -c "$supported" 2>/dev/null || echo unusable)
  if [ "$have" = unusable ] || { [ "${PYTHON_EXPLICIT:-}" = yes ] && [ "$have" != "$want" ]; }; then
    echo "frontdesk: rebuilding $venv with $("$python" -V) (it was made by another Python)" >&2
    rm -rf "$venv"
  fi
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
export UV_PROJECT_ENVIRONMENT="$venv" UV_PYTHON_DOWNLOADS=never

# uv lives in .venv/uv, outside the environment it manages, so `uv sync` never removes it.
uv="$venv/uv/bin/uv"
if [ "$("$uv" --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade \
    --target "$venv/uv" "uv==$UV_VERSION"
fi
[ "${1:-sync}" = uv ] && exit 0

# --locked: install exactly uv.lock (hashes checked), and fail if pyproject.toml has moved on.
"$uv" sync --locked --quiet --python "$venv/bin/python" || {
  echo "frontdesk: installing uv.lock failed; if pyproject.toml changed, run 'make lock'" >&2
  exit 1
}
