"""Add up the JUnit reports of every tier; a skipped test counts as a failure."""

import sys
import xml.etree.ElementTree as ET

passed = failed = 0
for path in sys.argv[1:]:
    for case in ET.parse(path).iter("testcase"):
        outcome = {child.tag for child in case}
        if outcome & {"failure", "error", "skipped"}:
            failed += 1
            if "skipped" in outcome:
                name = f"{case.get('classname')}.{case.get('name')}"
                print(f"skipped, counted as failed: {name}")
        else:
            passed += 1
print(f"total: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
