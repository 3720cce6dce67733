from . import policy_report
