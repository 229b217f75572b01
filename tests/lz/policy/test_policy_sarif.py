"""SARIF 2.1.0 for GitHub code scanning: rules from metadata, one result per finding."""

from __future__ import annotations

import json

import pytest
from gate_helpers import NAMED, OWNER

from lz.policy.evaluate import PolicyResult
from lz.policy.sarif import SCHEMA_URI, artifact_uri, to_sarif, to_sarif_dict


@pytest.fixture
def log(dev: PolicyResult, prod: PolicyResult) -> dict:
    return to_sarif_dict([dev, prod], root="/repo", docs_uri="https://example.org/docs/policies.md")


def test_the_log_shape(log: dict) -> None:
    assert log["$schema"] == SCHEMA_URI
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "council-lz policy gate"
    assert run["automationDetails"] == {"id": "council-lz/policy/"}
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [NAMED, "aws-s3-bucket-other", OWNER]


def test_rules_come_from_metadata(log: dict) -> None:
    owner = log["runs"][0]["tool"]["driver"]["rules"][2]
    assert owner == {
        "id": OWNER,
        "name": "AwsS3BucketOwnerTagged",
        "shortDescription": {"text": "aws-s3-bucket-owner-tagged description."},
        "fullDescription": {"text": "aws-s3-bucket-owner-tagged description."},
        "help": {
            "text": "Add `owner` to the tags.",
            "markdown": "aws-s3-bucket-owner-tagged description.\n\n**Remediation:** Add `owner` to the tags.\n\n"
                        "* NCSC principle 11 (External interface protection)",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["aws", "network", "security"],
            "precision": "very-high",
            "problem.severity": "error",
            "security-severity": "8.0",
            "severity": "high",
            "ncsc": "11",
        },
        "helpUri": "https://example.org/docs/policies.md#aws-s3-bucket-owner-tagged",
    }
    named = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert named["defaultConfiguration"] == {"level": "warning"}
    assert named["properties"]["security-severity"] == "5.5"


def test_each_finding_is_a_result_located_in_the_manifest(log: dict) -> None:
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["ruleIndex"]) for r in results] == [
        (OWNER, "error", 2), (NAMED, "warning", 0), (OWNER, "error", 2),
    ]
    first = results[0]
    assert first["message"] == {
        "text": "Bucket has no owner tag (aws:s3/bucket:Bucket 'files-bucket' in stack svc-dev)"
    }
    assert first["locations"] == [{
        "physicalLocation": {"artifactLocation": {"uri": "stacks/svc.yaml"}, "region": {"startLine": 1}},
        "logicalLocations": [{
            "name": "files-bucket",
            "fullyQualifiedName": "urn:pulumi:svc-dev::council-lz::aws:s3/bucket:Bucket::files-bucket",
            "kind": "resource",
        }],
    }]
    assert first["properties"] == {"stack": "svc-dev", "enforcementLevel": "mandatory", "severity": "high",
                                   "resourceType": "aws:s3/bucket:Bucket"}
    assert "suppressions" not in first
    assert len(first["partialFingerprints"]["lzFinding/v1"]) == 64


def test_waived_findings_are_suppressed_results(log: dict) -> None:
    waived = log["runs"][0]["results"][2]
    assert waived["suppressions"] == [{
        "kind": "external",
        "status": "accepted",
        "justification": "Exception 2 approved by ciso@example.gov.uk until 2026-12-31: Logs | rotated <daily>",
    }]


def test_fingerprints_are_stable_and_distinct(dev: PolicyResult) -> None:
    first = [r["partialFingerprints"] for r in to_sarif_dict([dev])["runs"][0]["results"]]
    again = [r["partialFingerprints"] for r in to_sarif_dict([dev])["runs"][0]["results"]]
    assert first == again
    assert len({f["lzFinding/v1"] for f in first}) == 3


def test_errors_are_tool_notifications(log: dict) -> None:
    assert log["runs"][0]["invocations"] == [{
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": "svc-prod: aws-x: failed on urn:x: KeyError: 'a'"}},
        ],
    }]


def test_without_a_docs_uri_rules_have_no_help_uri(dev: PolicyResult) -> None:
    rules = to_sarif_dict([dev])["runs"][0]["tool"]["driver"]["rules"]
    assert all("helpUri" not in r for r in rules)


def test_text_is_the_dict_as_json(dev: PolicyResult) -> None:
    assert json.loads(to_sarif([dev])) == to_sarif_dict([dev])


@pytest.mark.parametrize(
    ("source", "root", "uri"),
    [
        ("stacks/housing-repairs.yaml", None, "stacks/housing-repairs.yaml"),
        ("platform/aws.yaml", "/repo", "platform/aws.yaml"),
        ("/repo/tests/noncompliant/open_ssh", "/repo", "tests/noncompliant/open_ssh/__main__.py"),
        ("/elsewhere/prog", "/repo", "file:///elsewhere/prog/__main__.py"),
        ("", None, "Pulumi.yaml"),
    ],
)
def test_artifact_uris(source: str, root: str | None, uri: str) -> None:
    assert artifact_uri(source, root) == uri
