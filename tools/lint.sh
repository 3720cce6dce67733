#!/usr/bin/env bash
# Lint as OCA does: ruff (check + format) and pylint-odoo's mandatory checks.
set -uo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
cd "$REPO"
status=0
"$VENV/bin/ruff" check --no-fix . || status=1
"$VENV/bin/ruff" format --check . || status=1
# pylint-odoo reads the addon through its technical name.
(cd "$WORK/addons" && "$VENV/bin/pylint" --rcfile "$REPO/.pylintrc" idle_user_logout) || status=1
exit $status
