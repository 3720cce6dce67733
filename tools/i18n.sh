#!/usr/bin/env bash
# Export i18n/idle_user_logout.pot with Odoo itself, from a throwaway database.
set -euo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
bash "$REPO/tools/setup.sh"
# shellcheck source=/dev/null
source "$WORK/env"
DB="iul_i18n_$$"
trap 'dropdb --if-exists "$DB"' EXIT
$ODOO_CMD -c "$ODOO_CONF" -d "$DB" -i idle_user_logout --stop-after-init --log-level=warn
$ODOO_CMD i18n export -c "$ODOO_CONF" -d "$DB" idle_user_logout
# The template's version line names the server build: keep the series only.
sed -i 's/^"Project-Id-Version: Odoo Server 19\.0[^\\]*\\n"$/"Project-Id-Version: Odoo Server 19.0\\n"/' \
    "$REPO/i18n/idle_user_logout.pot"
echo "[i18n] exported i18n/idle_user_logout.pot; update the .po files with msgmerge"
