# The two commands of the README; both set everything up first (tools/setup.sh).
HTTP_PORT ?= 8069
DB_NAME ?= idle_user_logout
export HTTP_PORT DB_NAME

.PHONY: run test lint setup

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh

lint: setup
	@bash tools/lint.sh

setup:
	@bash tools/setup.sh
