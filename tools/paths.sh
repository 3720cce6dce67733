# Where the tooling keeps its state: outside the addon, since Odoo walks an addon's whole
# directory (a translation export would read a venv in it and loop through a link to it).
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
WORK=${IUL_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/idle_user_logout/$(printf %s "$REPO" | sha1sum | cut -c1-12)}
VENV="$WORK/venv"
export IUL_WORK="$WORK"
