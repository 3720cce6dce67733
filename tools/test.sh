#!/usr/bin/env bash
# Every test tier; exits non-zero if any tier fails or skips. Prints each tier's wall time
# and the slowest end-to-end tests.
set -uo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
cd "$REPO"
bash tools/setup.sh || exit 1
# shellcheck source=/dev/null
source "$WORK/env"

RUN="iul_$(date +%s)_$$"
DB="${RUN}_unit"
# The template databases of this run (e2e/helpers.py): built once, copied per use.
export IUL_TEMPLATES="${RUN}_tmpl"
RESULTS="$WORK/results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
background=()
declare -A beside
cleanup() {
    for pid in "${background[@]}"; do
        kill -- "-$pid" 2>/dev/null
    done
    for db in $(psql -tAd postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${RUN}%'"); do
        dropdb --if-exists "$db"
        rm -rf "$WORK/data/filestore/$db"
    done
}
trap cleanup EXIT

failed=()
times=()
started=$SECONDS
tier() {
    local name=$1 start=$SECONDS
    shift
    printf '\n=== %s ===\n' "$name"
    "$@" || failed+=("$name")
    times+=("$(printf '%5d s  %s' $((SECONDS - start)) "$name")")
}
# A tier run in the background, beside the tiers that assert no timing; its output is
# printed when it is waited for.
tier_beside() {
    local log="$RESULTS/$1.log"
    shift
    set -m
    (tier "$@" > "$log" 2>&1; printf '%s\n' "${failed[@]}" > "$log.failed"; printf '%s\n' "${times[@]}" > "$log.times") &
    background+=($!)
    beside[$(basename "$log" .log)]=$!
    set +m
}
wait_beside() {
    local log="$RESULTS/$1.log"
    wait "${beside[$1]}"
    cat "$log"
    mapfile -t -O "${#failed[@]}" failed < <(grep . "$log.failed")
    mapfile -t -O "${#times[@]}" times < "$log.times"
}
# pytest-odoo names test modules after the addon directory: run from the addons path.
odoo_pytest() {
    (cd "$WORK/addons" && "$VENV/bin/pytest" --odoo-config "$ODOO_CONF" \
        --odoo-database "$DB" --odoo-log-level warn --odoo-http "$@")
}
# The bridges' tests, in a database with the modules they bridge (OCA peers among them).
bridges_pytest() {
    local addons_path
    addons_path="$(sed -n 's/^addons_path = //p' "$ODOO_CONF"),$PEERS_PATH"
    (cd "$WORK/addons/idle_user_logout/bridges" && "$VENV/bin/pytest" --rootdir . \
        --odoo-config "$ODOO_CONF" --odoo-addons-path "$addons_path" \
        --odoo-database "${RUN}_sso" --odoo-log-level warn --odoo-http "$@")
}
e2e() {
    (cd e2e && "$VENV/bin/pytest" "$@")
}

# Heavy work that asserts no timing, beside the light tiers: Odoo's own suites (their
# databases of their own, first: much of their time is waiting) and the templates.
tier_beside suites "0. Odoo's own suites beside the addon (e2e/test_odoo_suites.py)" \
    e2e test_odoo_suites.py --junitxml "$RESULTS/suites.xml"
printf '=== installing idle_user_logout in the template %s_addon ===\n' "$IUL_TEMPLATES"
"$VENV/bin/python" e2e/build_templates.py addon || { echo "installation failed"; exit 1; }
createdb -T "${IUL_TEMPLATES}_addon" "$DB" || exit 1
cp -al "$WORK/data/filestore/${IUL_TEMPLATES}_addon" "$WORK/data/filestore/$DB" || exit 1
tier_beside templates "0. Template databases (apps, auth_timeout, sso)" \
    "$VENV/bin/python" e2e/build_templates.py apps auth_timeout sso

# shellcheck disable=SC2086
tier "1. Python tests (pytest-odoo)" odoo_pytest idle_user_logout/tests \
    --ignore idle_user_logout/tests/test_js.py --junitxml "$RESULTS/python.xml" ${PYTEST_ARGS:-}
tier "2. JS unit tests (Hoot in Chromium)" odoo_pytest idle_user_logout/tests/test_js.py \
    --junitxml "$RESULTS/hoot.xml"
tier "3. Lint (ruff, pylint-odoo, eslint, prettier)" bash tools/lint.sh
wait_beside templates
createdb -T "${IUL_TEMPLATES}_sso" "${RUN}_sso" \
    && cp -al "$WORK/data/filestore/${IUL_TEMPLATES}_sso" "$WORK/data/filestore/${RUN}_sso" \
    || failed+=("the single sign-on database")
tier "1b. Python tests of the single sign-on bridges (pytest-odoo)" bridges_pytest \
    idle_user_logout_auth_oauth/tests idle_user_logout_auth_saml/tests \
    --junitxml "$RESULTS/bridges.xml"
wait_beside suites

# Alone on the machine, as it measures time: in two processes, a file each at a time,
# since its tests mostly wait.
# shellcheck disable=SC2086
tier "4. End-to-end (Selenium, own Odoo servers)" e2e --ignore test_odoo_suites.py \
    -n 2 --dist loadfile --durations=10 --junitxml "$RESULTS/e2e.xml" ${E2E_ARGS:-}

printf '\n=== wall time of each tier ===\n'
printf '%s\n' "${times[@]}"
printf '%5d s  in all\n' $((SECONDS - started))
"$VENV/bin/python" tools/summary.py "$RESULTS"/*.xml || failed+=("summary")
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
