#!/usr/bin/env bash
# Export the translation templates with Odoo itself, from a throwaway database: the
# addon's (i18n/idle_user_logout.pot) and its bridges' (bridges/*/i18n/*.pot).
set -euo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
bash "$REPO/tools/setup.sh"
# shellcheck source=/dev/null
source "$WORK/env"
DB="iul_i18n_$$"
trap 'dropdb --if-exists "$DB"' EXIT
ADDONS_PATH="$(sed -n 's/^addons_path = //p' "$ODOO_CONF"),$PEERS_PATH"
# The bridges install with the modules they bridge (OCA auth_oidc, auth_saml: peers).
$ODOO_CMD -c "$ODOO_CONF" --addons-path "$ADDONS_PATH" -d "$DB" \
    -i idle_user_logout,auth_oidc,auth_saml --stop-after-init --log-level=warn
modules=(idle_user_logout idle_user_logout_auth_oauth idle_user_logout_auth_saml)
for module in "${modules[@]}"; do
    $ODOO_CMD --addons-path="$ADDONS_PATH" i18n export -c "$ODOO_CONF" -d "$DB" "$module"
done
# Odoo reads the addon's whole folder: its bridges' terms are theirs, not the addon's.
"$VENV/bin/python" - "$REPO/i18n/idle_user_logout.pot" <<'PYTHON'
import re
import sys

path = sys.argv[1]
entries = open(path).read().split("\n\n")
kept = [
    entry
    for entry in entries
    if not (refs := re.findall(r"^#: (\S+)", entry, re.M))
    or not all("/idle_user_logout/bridges/" in ref for ref in refs)
]
open(path, "w").write("\n\n".join(kept))
PYTHON
# The templates' version line names the server build: keep the series only.
for pot in "$REPO/i18n/idle_user_logout.pot" "$REPO"/bridges/*/i18n/*.pot; do
    sed -i 's/^"Project-Id-Version: Odoo Server 19\.0[^\\]*\\n"$/"Project-Id-Version: Odoo Server 19.0\\n"/' "$pot"
done
echo "[i18n] exported the .pot files; update the .po files with msgmerge"
