#!/usr/bin/env bash
# The wheel and the Odoo Apps zip of the addon alone, from the committed tree: the
# addon's own files and its bridges (bridges/, to add to the addons path), never the
# tooling around it (tools/, e2e/, bench/, Makefile, dotfiles).
# Needs tools/setup.sh first (`make dist` runs it).
set -euo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
# shellcheck source=/dev/null
source "$WORK/env"
ADDON_FILES=(__init__.py __manifest__.py hooks.py LICENSE README.md pyproject.toml
    bridges controllers i18n migrations models security static tests views)
DIST="$REPO/dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/idle_user_logout" "$DIST"
git -C "$REPO" archive HEAD "${ADDON_FILES[@]}" | tar -x -C "$stage/idle_user_logout"
# whool packs what git tracks, in a directory named after the addon.
(cd "$stage/idle_user_logout" && git init -q && git add -A \
    && git -c user.name=dist -c user.email=dist@localhost commit -qm dist)
WHOOL_POST_VERSION_STRATEGY_OVERRIDE=none "$VENV/bin/pip" wheel -q --no-deps \
    --no-build-isolation -w "$DIST" "$stage/idle_user_logout"
version=$("$VENV/bin/python" -c "import ast; print(ast.literal_eval(open('$REPO/__manifest__.py').read())['version'])")
rm -rf "$stage/idle_user_logout/.git" "$stage/idle_user_logout/pyproject.toml"
(cd "$stage" && "$VENV/bin/python" -m zipfile -c "$DIST/idle_user_logout-$version.zip" idle_user_logout)
echo "[dist] $(cd "$DIST" && ls odoo_addon_idle_user_logout-"$version"-*.whl idle_user_logout-"$version".zip)"
