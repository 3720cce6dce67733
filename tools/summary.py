"""Add up the JUnit reports of every tier; a skipped test counts as a failure. Prints
the ten slowest tests too, so that a slow test is seen the day it lands."""

import sys
import xml.etree.ElementTree as ET

passed = failed = 0
durations = []
for path in sys.argv[1:]:
    for case in ET.parse(path).iter("testcase"):
        name = f"{case.get('classname')}.{case.get('name')}"
        durations.append((float(case.get("time") or 0), name))
        outcome = {child.tag for child in case}
        if outcome & {"failure", "error", "skipped"}:
            failed += 1
            if "skipped" in outcome:
                print(f"skipped, counted as failed: {name}")
        else:
            passed += 1
print("\n=== the ten slowest tests (set-up and tear-down included) ===")
for seconds, name in sorted(durations, reverse=True)[:10]:
    print(f"{seconds:7.1f} s  {name}")
print(f"total: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
