"""Builds this run's template databases named on the command line (tools/test.sh)."""

import sys

from helpers import build_template

for key in sys.argv[1:]:
    build_template(key)
