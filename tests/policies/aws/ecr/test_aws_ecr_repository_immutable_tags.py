"""aws-ecr-repository-immutable-tags: repositories use immutable tags."""

from __future__ import annotations

from policies.aws.ecr.repository_immutable_tags import METADATA, POLICY
from tests.policies.policy_harness import violations

REPOSITORY = "aws:ecr/repository:Repository"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ecr-repository-immutable-tags"
    assert METADATA.severity == "high"


def test_immutable_passes() -> None:
    assert violations(POLICY, REPOSITORY, {"name": "repairs-api", "imageTagMutability": "IMMUTABLE"}) == []


def test_default_is_mutable() -> None:
    assert violations(POLICY, REPOSITORY, {"name": "repairs-api"}) == [
        "Repository tags are mutable (imageTagMutability is not set, so MUTABLE); set IMMUTABLE"
    ]


def test_mutable() -> None:
    assert violations(POLICY, REPOSITORY, {"name": "repairs-api", "imageTagMutability": "MUTABLE"}) == [
        "Repository tags are mutable (imageTagMutability is 'MUTABLE'); set IMMUTABLE"
    ]


def test_immutable_with_exclusions_is_not_enough() -> None:
    props = {
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filter": "latest", "filterType": "WILDCARD"}],
    }
    assert violations(POLICY, REPOSITORY, props) == [
        "Repository tags are mutable (imageTagMutability is 'IMMUTABLE_WITH_EXCLUSION'); set IMMUTABLE"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ecr/lifecyclePolicy:LifecyclePolicy", {}) == []
