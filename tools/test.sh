#!/usr/bin/env bash
# Every test tier on a throwaway database; exits non-zero if any tier fails or skips.
set -uo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
cd "$REPO"
bash tools/setup.sh || exit 1
# shellcheck source=/dev/null
source "$WORK/env"

DB="iul_test_$(date +%s)_$$"
RESULTS="$WORK/results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
cleanup() { dropdb --if-exists "$DB" 2>/dev/null; rm -rf "$WORK/data/filestore/$DB"; }
trap cleanup EXIT

failed=()
tier() {
    local name=$1
    shift
    printf '\n=== %s ===\n' "$name"
    "$@" || failed+=("$name")
}
# pytest-odoo names test modules after the addon directory: run from the addons path.
odoo_pytest() {
    (cd "$WORK/addons" && "$VENV/bin/pytest" --odoo-config "$ODOO_CONF" \
        --odoo-database "$DB" --odoo-log-level warn --odoo-http "$@")
}

printf '=== installing idle_user_logout in %s ===\n' "$DB"
$ODOO_CMD -c "$ODOO_CONF" -d "$DB" -i idle_user_logout --stop-after-init --log-level=warn \
    || { echo "installation failed"; exit 1; }

# shellcheck disable=SC2086
tier "1. Python tests (pytest-odoo)" odoo_pytest idle_user_logout/tests \
    --ignore idle_user_logout/tests/test_js.py --junitxml "$RESULTS/python.xml" ${PYTEST_ARGS:-}
tier "2. JS unit tests (Hoot in Chromium)" odoo_pytest idle_user_logout/tests/test_js.py \
    --junitxml "$RESULTS/hoot.xml"
# shellcheck disable=SC2086
tier "3. End-to-end (Selenium, own Odoo server)" "$VENV/bin/pytest" e2e \
    --junitxml "$RESULTS/e2e.xml" ${E2E_ARGS:-}
tier "4. Lint (ruff, pylint-odoo, eslint, prettier)" bash tools/lint.sh

"$VENV/bin/python" tools/summary.py "$RESULTS"/*.xml || failed+=("summary")
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
