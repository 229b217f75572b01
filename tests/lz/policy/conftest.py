"""Shared results for the report tests (SARIF, JUnit, Markdown): two stacks, every kind of outcome."""

from __future__ import annotations

import pytest
from gate_helpers import NAMED, OWNER, finding, result, rule

from lz.policy.evaluate import PolicyResult

WAIVER = {"exception": 2, "approved_by": "ciso@example.gov.uk", "reason": "Logs | rotated <daily>",
          "expires": "2026-12-31"}


@pytest.fixture
def dev() -> PolicyResult:
    """One mandatory, one advisory and one waived finding; one policy passes."""
    return result(
        "svc-dev",
        violations=[
            finding("svc-dev", OWNER, "files-bucket", "Bucket has no owner tag"),
            finding("svc-dev", NAMED, "logs", "Bucket logs has no explicit name", level="advisory",
                    severity="medium"),
        ],
        waived=[{**finding("svc-dev", OWNER, "logs", "Bucket has no owner tag"), **WAIVER}],
        evaluated=[OWNER, NAMED, "aws-s3-bucket-other"],
        rules=[rule(OWNER, remediation="Add `owner` to the tags."), rule(NAMED, severity="medium", level="advisory"),
               rule("aws-s3-bucket-other")],
    )


@pytest.fixture
def prod() -> PolicyResult:
    """A program directory outside the manifests, where a policy failed."""
    return result("svc-prod", errors=["aws-x: failed on urn:x: KeyError: 'a'"], evaluated=[OWNER], rules=[rule(OWNER)],
                  environment="prod", source="/repo/tests/prog")
