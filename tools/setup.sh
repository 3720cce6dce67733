#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need; idempotent and quick when nothing changed.
# Writes the variables the other scripts need into $WORK/env (tools/paths.sh).
set -euo pipefail

# shellcheck source=tools/paths.sh
source "$(dirname "$0")/paths.sh"
ODOO_SRC=${ODOO_SRC:-/opt/odoo/19.0}
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

apt_install() {
    [ "$(id -u)" = 0 ] || die "missing system packages ($*); install them or run as root"
    say "installing system packages: $*"
    if [ ! -f "$WORK/.apt-updated" ]; then
        apt-get update -qq >&2
        touch "$WORK/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

mkdir -p "$WORK/addons" "$WORK/data" "$WORK/logs"

# --- Odoo source -----------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
    if command -v git >/dev/null && git ls-remote --heads "$ODOO_GIT_URL" 19.0 >/dev/null 2>&1; then
        say "no Odoo at $ODOO_SRC: cloning the 19.0 branch"
        git clone --depth 1 --branch 19.0 "$ODOO_GIT_URL" "$ODOO_SRC" >&2
    else
        die "Odoo 19 source not found at $ODOO_SRC and the official repository is unreachable.
Provide it: set ODOO_SRC to an Odoo 19.0 git checkout (with odoo-bin) or an Odoo 19 source
distribution (a directory holding the odoo/ package and requirements.txt)."
    fi
fi
grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 19.0"
# The addon's bridges to optional modules (single sign-on) live in its bridges/ folder.
BRIDGES="$WORK/addons/idle_user_logout/bridges"
if [ -f "$ODOO_SRC/odoo-bin" ]; then
    ODOO_CMD="$VENV/bin/python $ODOO_SRC/odoo-bin"
    ADDONS_PATH="$WORK/addons,$BRIDGES,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
else
    # A source distribution has no odoo-bin: a launcher script stands in for it, since
    # `python -m odoo` cannot start the websocket process of --workers (it re-runs argv[0]).
    ODOO_CMD="$VENV/bin/python $WORK/odoo-bin"
    ADDONS_PATH="$WORK/addons,$BRIDGES,$ODOO_SRC/odoo/addons"
    printf '%s\n' '#!/usr/bin/env python3' 'from odoo.cli.command import main' '' \
        'if __name__ == "__main__":' '    main()' > "$WORK/odoo-bin"
fi

# --- System packages -----------------------------------------------------------------------
missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v pg_config >/dev/null || missing+=(libpq-dev)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
ldconfig -p | grep -q libmagic.so.1 || missing+=(libmagic1)
command -v gcc >/dev/null || missing+=(gcc python3-dev)
command -v npm >/dev/null || missing+=(nodejs npm)
# SAML signatures (pysaml2, OCA auth_saml) are made and checked by xmlsec1.
command -v xmlsec1 >/dev/null || missing+=(xmlsec1)
# Odoo prints PDF reports (the policy report) with wkhtmltopdf.
command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
# nginx runs in the foreground from configurations of our own, never as a service.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
    if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
        service nginx stop >/dev/null 2>&1 || true
    fi
fi

# --- PostgreSQL ------------------------------------------------------------------------------
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    say "creating PostgreSQL $version cluster"
    pg_createcluster "$version" main >&2
fi
read -r pg_version pg_name _ pg_status _ < <(pg_lsclusters -h | head -1)
if [ "$pg_status" != online ]; then
    say "starting PostgreSQL $pg_version/$pg_name"
    pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$pg_name" start >&2
fi
DB_USER=$(id -un)
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'\"" | grep -q 1; then
    say "creating PostgreSQL superuser role $DB_USER"
    su postgres -c "createuser --superuser '$DB_USER'" >&2
fi

# --- Python environment ----------------------------------------------------------------------
stamp=$(cat "$ODOO_SRC/requirements.txt" "$REPO"/tools/requirements-*.txt | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$stamp" ]; then
    say "building the Python environment in $VENV (a few minutes the first time)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip wheel >&2
    overrides=$(sed -n 's/^\([A-Za-z0-9_.-]*\)==.*/\1/p' "$REPO/tools/requirements-override.txt" | paste -sd'|')
    # python-ldap is optional (LDAP auth) and needs system headers: left out.
    grep -v -i -E "^(${overrides}|python-ldap)[ =;]" "$ODOO_SRC/requirements.txt" > "$WORK/requirements.txt"
    "$VENV/bin/pip" install -q -r "$WORK/requirements.txt" \
        -r "$REPO/tools/requirements-override.txt" -r "$REPO/tools/requirements-dev.txt" >&2
    echo "$stamp" > "$VENV/.stamp"
fi
# --- OCA's pre-commit hooks (make lint), in a venv of their own ------------------------------
LINT_VENV="$WORK/lint-venv"
if [ "$(cat "$LINT_VENV/.stamp" 2>/dev/null)" != "$(sha256sum < "$REPO/tools/requirements-lint.txt")" ]; then
    say "installing OCA's pre-commit hooks in $LINT_VENV"
    python3 -m venv "$LINT_VENV"
    "$LINT_VENV/bin/pip" install -q -r "$REPO/tools/requirements-lint.txt" >&2
    sha256sum < "$REPO/tools/requirements-lint.txt" > "$LINT_VENV/.stamp"
fi
# --- Peer addons (tests and benchmarks only), unpacked out of Odoo's addons path ------------
if [ "$(cat "$WORK/peers/.stamp" 2>/dev/null)" != "$(sha256sum < "$REPO/tools/peers.txt")" ]; then
    say "fetching peer addons (tools/peers.txt)"
    rm -rf "$WORK/peers" && mkdir -p "$WORK/peers/wheels"
    # Their wheels require an "odoo" distribution: the source tree above stands in for it.
    "$VENV/bin/pip" download -q --no-deps -d "$WORK/peers/wheels" -r "$REPO/tools/peers.txt" >&2
    for wheel in "$WORK"/peers/wheels/*.whl; do
        "$VENV/bin/python" -m zipfile -e "$wheel" "$WORK/peers/unpacked"
    done
    mv "$WORK"/peers/unpacked/odoo/addons/* "$WORK/peers/" && rm -rf "$WORK/peers/unpacked"
    # OCA auth_saml 19.0 takes fragment_to_query_string from odoo.http, where later 19.0
    # sources have it; older ones (the source distribution) have it in auth_oauth only.
    if ! grep -q "def fragment_to_query_string" "$ODOO_SRC/odoo/http.py"; then
        sed -i 's/^from odoo.http import fragment_to_query_string, request$/from odoo.http import request\nfrom odoo.addons.auth_oauth.controllers.main import fragment_to_query_string/' \
            "$WORK/peers/auth_saml/controllers/main.py"
    fi
    sha256sum < "$REPO/tools/peers.txt" > "$WORK/peers/.stamp"
fi

# --- JS and XML linters (eslint, prettier), out of the addon like the venv ------------------------
NODE_DIR="$WORK/node"
if [ "$(cat "$NODE_DIR/.stamp" 2>/dev/null)" != "$(cat "$REPO"/tools/package*.json | sha256sum)" ]; then
    say "installing the JS and XML linters (tools/package.json) in $NODE_DIR"
    rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
    cp "$REPO"/tools/package.json "$REPO"/tools/package-lock.json "$NODE_DIR/"
    (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cat "$REPO"/tools/package*.json | sha256sum > "$NODE_DIR/.stamp"
fi

site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$ODOO_SRC" > "$site/odoo-src.pth"

# --- Addons path: this repository under its technical name -----------------------------------
ln -sfn "$REPO" "$WORK/addons/idle_user_logout"
cat > "$WORK/odoo.conf" <<EOF
[options]
addons_path = $ADDONS_PATH
data_dir = $WORK/data
db_user = $DB_USER
admin_passwd = admin
EOF

cat > "$WORK/env" <<EOF
ODOO_SRC='$ODOO_SRC'
ODOO_CMD='$ODOO_CMD'
ODOO_CONF='$WORK/odoo.conf'
PEERS_PATH='$WORK/peers'
VENV='$VENV'
LINT_VENV='$LINT_VENV'
NODE_MODULES='$NODE_DIR/node_modules'
EOF
say "ready: Odoo at $ODOO_SRC"
