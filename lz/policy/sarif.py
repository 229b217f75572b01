"""Policy results as SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`).

One run for the whole gate. `tool.driver.rules` holds every policy that was evaluated or reported,
from its metadata: description, remediation as the help text, the default level, and the
`security-severity` GitHub uses to rank alerts. Each finding is a result with its policy's `ruleId`,
`level` `error` (mandatory) or `warning` (advisory), and one location: the stack's source file (the
service manifest or the layer definition) with the resource's URN as the logical location. Waived
findings are results too, with a `suppressions` entry naming the approval, so code scanning shows
them as dismissed rather than losing them.

Pure: results in, JSON text out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any, Final

from lz import __version__
from lz.policy.evaluate import MANDATORY, PolicyResult, Rule

SCHEMA_URI: Final = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME: Final = "council-lz policy gate"
#: GitHub ranks security alerts by this number: critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0.
SECURITY_SEVERITY: Final = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_PROGRAM_FILES: Final = (".yaml", ".yml", ".py", ".json")


def artifact_uri(source: str, root: str | None = None) -> str:
    """The file a stack comes from, as a URI relative to the repository where possible.

    A program directory stands for its `__main__.py`; absolute paths under `root` become relative.
    """
    if not source:
        return "Pulumi.yaml"
    path = PurePosixPath(source.replace("\\", "/"))
    if path.suffix not in _PROGRAM_FILES:
        path = path / "__main__.py"
    if root is not None and path.is_absolute():
        base = PurePosixPath(root.replace("\\", "/"))
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    if path.is_absolute():
        return "file://" + path.as_posix()
    return path.as_posix()


def _rule(rule: Rule, docs_uri: str | None) -> dict[str, Any]:
    level = "error" if rule.default_level == MANDATORY else "warning"
    frameworks = [f"NCSC principle {rule.ncsc} ({rule.ncsc_title})"]
    if rule.cis:
        frameworks.append(rule.cis)
    if rule.cyber_essentials:
        frameworks.append(f"Cyber Essentials: {rule.cyber_essentials}")
    if rule.checkov:
        frameworks.append("checkov " + ", ".join(rule.checkov))
    markdown = (
        f"{rule.description}\n\n**Remediation:** {rule.remediation}\n\n"
        + "\n".join(f"* {f}" for f in frameworks)
    )
    entry: dict[str, Any] = {
        "id": rule.name,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.remediation, "markdown": markdown},
        "defaultConfiguration": {"level": level},
        "properties": {
            "tags": sorted({"security", *rule.clouds, *rule.topics}),
            "precision": "very-high",
            "problem.severity": level,
            "security-severity": SECURITY_SEVERITY.get(rule.severity, "5.5"),
            "severity": rule.severity,
            "ncsc": rule.ncsc,
        },
    }
    help_uri = rule.url or (f"{docs_uri}#{rule.name}" if docs_uri else None)
    if help_uri:
        entry["helpUri"] = help_uri
    return entry


def _fingerprint(result: PolicyResult, finding: dict[str, Any]) -> str:
    key = "\x1f".join((result.stack, finding["policy"], finding["urn"], finding["resource"], finding["message"]))
    return hashlib.sha256(key.encode()).hexdigest()


def _result(
    result: PolicyResult, finding: dict[str, Any], rule_index: dict[str, int], uri: str, *, waived: bool
) -> dict[str, Any]:
    where = f"{finding['type']} '{finding['resource']}'" if finding["type"] else f"'{finding['resource']}'"
    logical = {
        "name": finding["resource"] or result.stack,
        "fullyQualifiedName": finding["urn"] or f"{result.stack}::{finding['resource']}",
        "kind": "resource",
    }
    entry: dict[str, Any] = {
        "ruleId": finding["policy"],
        "level": "error" if finding["level"] == MANDATORY else "warning",
        "message": {"text": f"{finding['message']} ({where} in stack {result.stack})"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}},
                "logicalLocations": [logical],
            }
        ],
        "partialFingerprints": {"lzFinding/v1": _fingerprint(result, finding)},
        "properties": {
            "stack": result.stack,
            "enforcementLevel": finding["level"],
            "severity": finding["severity"],
            "resourceType": finding["type"],
        },
    }
    if finding["policy"] in rule_index:
        entry["ruleIndex"] = rule_index[finding["policy"]]
    if waived:
        entry["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": (
                    f"Exception {finding['exception']} approved by {finding['approved_by']} until "
                    f"{finding['expires']}: {finding['reason']}"
                ),
            }
        ]
    return entry


def to_sarif_dict(
    results: Sequence[PolicyResult], *, root: str | None = None, docs_uri: str | None = None
) -> dict[str, Any]:
    """The SARIF log as a dict. `root`: the repository root, to make absolute sources relative;
    `docs_uri`: where docs/policies.md is published, for each rule's `helpUri`."""
    rules: dict[str, Rule] = {}
    for result in results:
        for name, rule in result.rules.items():
            rules.setdefault(name, rule)
    ordered = sorted(rules.values(), key=lambda r: r.name)
    index = {rule.name: i for i, rule in enumerate(ordered)}
    sarif_results: list[dict[str, Any]] = []
    for result in results:
        uri = artifact_uri(result.source, root)
        sarif_results.extend(_result(result, f, index, uri, waived=False) for f in result.violations)
        sarif_results.extend(_result(result, f, index, uri, waived=True) for f in result.waived)
    notifications = [
        {"level": "error", "message": {"text": f"{result.stack}: {error}"}}
        for result in results
        for error in result.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(rule, docs_uri) for rule in ordered],
            }
        },
        "automationDetails": {"id": "council-lz/policy/"},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def to_sarif(results: Sequence[PolicyResult], *, root: str | None = None, docs_uri: str | None = None) -> str:
    """The SARIF 2.1.0 log as JSON text (see `to_sarif_dict`)."""
    return json.dumps(to_sarif_dict(results, root=root, docs_uri=docs_uri), indent=2, sort_keys=False) + "\n"
