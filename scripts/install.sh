#!/usr/bin/env bash
# The product's install steps, in one place (issue 13, prod). `make setup` (so `make run`,
# `make test` and CI) and the Containerfile (the production image) both run this script,
# so every test run proves the steps the image is built with.
#
#   scripts/install.sh STEP...      run in the order given; the steps:
#     python     virtualenv $VENV with the pinned packages of $REQUIREMENTS
#     deduce     build the lookup cache of deduce (Dutch de-identification), ~2-3 min
#     npm        the pinned npm packages of package-lock.json (npm ci; $NPM_OMIT e.g. "dev")
#     messages   compile the translations (locale/*/LC_MESSAGES/*.mo)
#     all        python deduce npm messages
#
# Environment: PYTHON (python3.11), VENV (.venv), REQUIREMENTS (requirements-dev.txt;
# the image uses requirements.txt), NPM_OMIT (empty; the image omits dev packages).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv}"
REQUIREMENTS="${REQUIREMENTS:-requirements-dev.txt}"
NPM_OMIT="${NPM_OMIT:-}"
# deduce checks its cache against file times in naive local time: build it in the time
# zone Django runs in (TIME_ZONE), or the first check in the product rebuilds it.
DEDUCE_TZ="Europe/Amsterdam"

step_python() {
  command -v "$PYTHON" >/dev/null 2>&1 || { echo "$PYTHON not found" >&2; exit 1; }
  test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
}

step_deduce() {
  echo "Building the lookup cache of deduce (Dutch de-identification), once per virtualenv (~2-3 min)"
  TZ="$DEDUCE_TZ" "$VENV/bin/python" -c "import deduce; deduce.Deduce()"
}

step_npm() {
  local omit=()
  if [ -n "$NPM_OMIT" ]; then omit=(--omit="$NPM_OMIT"); fi
  npm ci --no-audit --no-fund --loglevel=error "${omit[@]}"
}

step_messages() {
  env -u DJANGO_SETTINGS_MODULE "$VENV/bin/django-admin" compilemessages --ignore=.venv --ignore=node_modules -v 0
}

[ "$#" -gt 0 ] || { sed -n '2,16p' "$0"; exit 2; }
steps=()
for step in "$@"; do
  case "$step" in
    all) steps+=(python deduce npm messages) ;;
    python | deduce | npm | messages) steps+=("$step") ;;
    *) echo "unknown step: $step (python, deduce, npm, messages, all)" >&2; exit 2 ;;
  esac
done
for step in "${steps[@]}"; do
  "step_$step"
done
