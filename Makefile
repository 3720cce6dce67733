# The two commands of the README; both set everything up first (tools/setup.sh).
SHELL := /bin/bash
HTTP_PORT ?= 8069
DB_NAME ?= idle_user_logout
export HTTP_PORT DB_NAME

.PHONY: run test lint setup bench i18n screenshots dist

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh

lint: setup
	@bash tools/lint.sh

setup:
	@bash tools/setup.sh

# Figures side by side with their baselines; not pass/fail tests.
bench: setup
	@command -v wrk >/dev/null || apt-get install -y -qq wrk
	@. tools/paths.sh && cd bench && "$$VENV/bin/python" client_cost.py
	@. tools/paths.sh && cd bench && "$$VENV/bin/python" server_overhead.py
	@. tools/paths.sh && cd bench && "$$VENV/bin/python" rules_at_scale.py
	@. tools/paths.sh && cd bench && "$$VENV/bin/python" versus_auth_timeout.py
	@. tools/paths.sh && cd bench && "$$VENV/bin/python" session_record.py

# Re-export the translation template with Odoo itself.
i18n:
	@bash tools/i18n.sh

# The app page's screenshots (static/description), taken in real Chromium.
screenshots: setup
	@. tools/paths.sh && cd e2e && "$$VENV/bin/python" screenshots.py

# The wheel and the Odoo Apps zip, with the addon's own files only (dist/).
dist: setup
	@bash tools/dist.sh
