#!/usr/bin/env bash
# Odoo in the foreground with the addon installed and up to date, on $HTTP_PORT and $DB_NAME.
# WORKERS=N: as it is deployed, N prefork workers and the websocket process behind nginx.
set -euo pipefail
# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
bash "$REPO/tools/setup.sh"
# shellcheck source=/dev/null
source "$WORK/env"
HTTP_PORT=${HTTP_PORT:-8069}
DB_NAME=${DB_NAME:-idle_user_logout}
WORKERS=${WORKERS:-0}

if psql -lqt | cut -d'|' -f1 | grep -qw "$DB_NAME"; then
    echo "[run] updating idle_user_logout in $DB_NAME"
    $ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" -u idle_user_logout --stop-after-init --log-level=warn
else
    echo "[run] creating $DB_NAME (login admin / admin) with idle_user_logout"
    $ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" -i idle_user_logout --stop-after-init --log-level=warn
fi
if [ "$WORKERS" -eq 0 ]; then
    echo "[run] Odoo on http://localhost:$HTTP_PORT (database $DB_NAME, login admin / admin); Ctrl-C stops it"
    exec $ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" --db-filter "^$DB_NAME\$" --http-port "$HTTP_PORT"
fi

# Deployed shape: Odoo on two ports of its own, nginx on $HTTP_PORT (tools/nginx.conf).
odoo_port=$((HTTP_PORT + 10000))
gevent_port=$((HTTP_PORT + 10001))
prefix=$(mktemp -d)
sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$HTTP_PORT|g" \
    -e "s|@HTTP_SERVERS@|server 127.0.0.1:$odoo_port;|" \
    -e "s|@GEVENT_SERVERS@|server 127.0.0.1:$gevent_port;|" \
    "$REPO/tools/nginx.conf" > "$prefix/nginx.conf"
/usr/sbin/nginx -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off;" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null; rm -rf "$prefix"' EXIT
echo "[run] Odoo with $WORKERS workers behind nginx on http://localhost:$HTTP_PORT" \
    "(database $DB_NAME, login admin / admin); Ctrl-C stops both"
$ODOO_CMD -c "$ODOO_CONF" -d "$DB_NAME" --db-filter "^$DB_NAME\$" --proxy-mode \
    --workers "$WORKERS" --http-interface 127.0.0.1 --http-port "$odoo_port" \
    --gevent-port "$gevent_port"
