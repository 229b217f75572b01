"""Policy results as JUnit XML, for CI test reports.

* one `<testsuite>` per stack (its source as a property);
* one passing `<testcase>` per policy evaluated in the stack without findings;
* one `<testcase>` per policy x resource with findings: a `<failure>` when any finding is mandatory,
  otherwise it passes with the advisory findings in `<system-out>`; fully waived findings make it
  `<skipped>` with the approval;
* one `<testcase>` with an `<error>` per error that kept the gate from judging the stack.

`classname` is `<stack>.<policy>`, so CI viewers group the cases by stack and policy. Pure: results
in, XML text out (no timestamps, so the same results always give the same bytes).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from lz.policy.evaluate import MANDATORY, PolicyResult

SUITES_NAME = "council-lz policy gate"


def _case(suite: ET.Element, stack: str, policy: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": f"{stack}.{policy}", "name": name, "time": "0"})


def _line(finding: dict[str, Any]) -> str:
    return f"[{finding['level']}/{finding['severity'] or 'unrated'}] {finding['message']} ({finding['urn'] or 'stack'})"


def _suite(parent: ET.Element, result: PolicyResult) -> dict[str, int]:
    suite = ET.SubElement(parent, "testsuite", {"name": result.stack})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "source", "value": result.source})
    if result.environment:
        ET.SubElement(properties, "property", {"name": "environment", "value": result.environment})
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    groups: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    for state, findings in (("open", result.violations), ("waived", result.waived)):
        for finding in findings:
            group = groups.setdefault((finding["policy"], finding["resource"]), {"open": [], "waived": []})
            group[state].append(finding)
    reported = {policy for policy, _ in groups}

    for policy in result.evaluated:
        if policy not in reported:
            _case(suite, result.stack, policy, policy)
            counts["tests"] += 1

    for (policy, resource), found in sorted(groups.items()):
        case = _case(suite, result.stack, policy, f"{policy}: {resource or 'stack'}")
        counts["tests"] += 1
        mandatory = [f for f in found["open"] if f["level"] == MANDATORY]
        advisory = [f for f in found["open"] if f["level"] != MANDATORY]
        if mandatory:
            first = mandatory[0]
            failure = ET.SubElement(case, "failure", {"message": first["message"], "type": MANDATORY})
            failure.text = "\n".join(_line(f) for f in found["open"])
            counts["failures"] += 1
        elif not found["open"]:
            first = found["waived"][0]
            ET.SubElement(case, "skipped", {
                "message": f"waived by exception {first['exception']} (approved by {first['approved_by']}, "
                           f"expires {first['expires']}): {first['reason']}",
            })
            counts["skipped"] += 1
        # The failure text already lists every open finding; the rest goes to system-out.
        lines = [] if mandatory else [_line(f) for f in advisory]
        lines += [f"waived by exception {f['exception']}: {_line(f)}" for f in found["waived"]]
        if lines:
            ET.SubElement(case, "system-out").text = "\n".join(lines)

    for error in result.errors:
        case = _case(suite, result.stack, "policy-gate", "evaluation")
        ET.SubElement(case, "error", {"message": error, "type": "error"}).text = error
        counts["tests"] += 1
        counts["errors"] += 1

    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", "0")
    return counts


def to_junit(results: Sequence[PolicyResult]) -> str:
    """The JUnit XML report: a `<testsuites>` with one `<testsuite>` per stack."""
    root = ET.Element("testsuites", {"name": SUITES_NAME})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in results:
        for key, value in _suite(root, result).items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
