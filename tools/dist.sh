#!/usr/bin/env bash
# The wheel and the Odoo Apps zip of the addon: its own tracked files, and its bridges
# (bridges/) beside it as addons of their own, never the tooling around it (tools/,
# e2e/, bench/, Makefile, dotfiles); the same wheel as a plain `pip wheel .`.
# Needs tools/setup.sh first (`make dist` runs it).
set -euo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
# shellcheck source=/dev/null
source "$WORK/env"
DIST="$REPO/dist"
mkdir -p "$DIST"
"$VENV/bin/pip" wheel -q --no-deps --no-build-isolation -w "$DIST" "$REPO"
zip=$("$VENV/bin/python" "$REPO/tools/addon_build.py" zip "$DIST")
echo "[dist] $(cd "$DIST" && ls odoo_addon_idle_user_logout-*.whl) $(basename "$zip")"
