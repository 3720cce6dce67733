#!/usr/bin/env bash
# Lint as OCA does: ruff (check + format), pylint-odoo's mandatory checks, eslint with
# Odoo's settings for the JS and prettier for the XML; all from tools/setup.sh, offline.
set -uo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
# shellcheck source=/dev/null
source "$WORK/env"
cd "$REPO"
status=0
"$VENV/bin/ruff" check --no-fix . || status=1
"$VENV/bin/ruff" format --check . || status=1
# pylint-odoo reads the addon through its technical name.
(cd "$WORK/addons" && "$VENV/bin/pylint" --rcfile "$REPO/.pylintrc" idle_user_logout) || status=1
mapfile -t bridges < <(cd "$REPO/bridges" && ls -d */ | tr -d /)
(cd "$REPO/bridges" && "$VENV/bin/pylint" --rcfile "$REPO/.pylintrc" "${bridges[@]}") || status=1
# OCA's pre-commit hooks read an addon from a folder named after it: the working tree's
# files (tracked or new, not ignored) are laid out as an addons path, bridges beside.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/idle_user_logout"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$stage/idle_user_logout"
mv "$stage"/idle_user_logout/bridges/* "$stage/" && rmdir "$stage/idle_user_logout/bridges"
cp .oca_hooks.cfg "$stage/"
(cd "$stage" && "$LINT_VENV/bin/oca-checks-odoo-module" */__manifest__.py) || status=1
"$LINT_VENV/bin/oca-checks-po" i18n/*.po bridges/*/i18n/*.po || status=1
mapfile -t js < <(git ls-files '*.js')
mapfile -t xml < <(git ls-files '*.xml')
"$NODE_MODULES/.bin/eslint" --no-eslintrc -c .eslintrc.json \
    --resolve-plugins-relative-to "$NODE_MODULES/.." "${js[@]}" || status=1
"$NODE_MODULES/.bin/prettier" --check --plugin="$NODE_MODULES/@prettier/plugin-xml" \
    "${xml[@]}" || status=1
exit $status
