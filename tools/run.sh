#!/usr/bin/env bash
# Odoo in the foreground with the addon installed and up to date, on $HTTP_PORT and $DB_NAME.
set -euo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
bash "$REPO/tools/setup.sh"
# shellcheck source=/dev/null
source "$WORK/env"
HTTP_PORT=${HTTP_PORT:-8069}
DB_NAME=${DB_NAME:-idle_user_logout}

if psql -lqt | cut -d'|' -f1 | grep -qw "$DB_NAME"; then
    echo "[run] updating idle_user_logout in $DB_NAME"
    $ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" -u idle_user_logout --stop-after-init --log-level=warn
else
    echo "[run] creating $DB_NAME (login admin / admin) with idle_user_logout"
    $ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" -i idle_user_logout --stop-after-init --log-level=warn
fi
echo "[run] Odoo on http://localhost:$HTTP_PORT (database $DB_NAME, login admin / admin); Ctrl-C stops it"
exec $ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" --db-filter "^$DB_NAME\$" --http-port "$HTTP_PORT"
