#!/usr/bin/env bash
# Lint as OCA does: ruff (check + format) and pylint-odoo's mandatory checks.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
VENV="$REPO/.venv"
status=0
"$VENV/bin/ruff" check --no-fix . || status=1
"$VENV/bin/ruff" format --check . || status=1
# pylint-odoo reads the addon through its technical name.
(cd .work/addons && "$VENV/bin/pylint" --rcfile "$REPO/.pylintrc" idle_user_logout) || status=1
exit $status
