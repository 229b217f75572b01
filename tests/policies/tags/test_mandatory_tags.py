"""lz-all-resources-mandatory-tags: a compliant baseline passes; each failure has its exact message.

Args are built as the policy server builds them (props round-tripped through a protobuf Struct and
wrapped in the SDK's unknown-checking proxy), see /work/shared/reference/policies.md section 3.1.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)
from pulumi_policy.proxy import (
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    unknown_checking_proxy,
)

from lz.tags import MANDATORY_TAG_KEYS
from policies.tags import mandatory_tags
from policies.tags.mandatory_tags import METADATA, NAME, POLICY

BUCKET = "aws:s3/bucket:Bucket"
STORAGE = "azure-native:storage:StorageAccount"

COMPLIANT_TAGS = {
    "service": "housing-repairs",
    "cost-centre": "CC1234",
    "owner": "repairs-team@example.gov.uk",
    "environment": "prod",
    "business-unit": "housing",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}


def _wire(value: Any) -> Any:
    """Round-trip through a protobuf Struct like the engine does (ints become floats)."""
    struct = struct_pb2.Struct()
    struct.update({"v": value})
    return json_format.MessageToDict(struct)["v"]


def make_args(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None = None
) -> ResourceValidationArgs:
    opts = PolicyResourceOptions(
        protect=False,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=None,
    )
    name = "r"
    urn = f"urn:pulumi:prod::lz::{resource_type}::{name}"
    return ResourceValidationArgs(
        resource_type, unknown_checking_proxy(_wire(props)), urn, name, opts, None, config or {}
    )


def violations(
    resource_type: str, props: dict[str, Any], config: dict[str, Any] | None = None
) -> list[str]:
    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    result = POLICY.validate(make_args(resource_type, props, config), report)
    if result is not None:
        loop = asyncio.new_event_loop()
        loop.run_until_complete(result)
        loop.close()
    return found


def without(*keys: str) -> dict[str, str]:
    return {k: v for k, v in COMPLIANT_TAGS.items() if k not in keys}


# --- metadata ----------------------------------------------------------------------------------


def test_policy_metadata() -> None:
    assert isinstance(POLICY, ResourceValidationPolicy)
    assert POLICY.name == NAME == "lz-all-resources-mandatory-tags"
    assert POLICY.description
    assert POLICY.enforcement_level is EnforcementLevel.MANDATORY
    assert POLICY.severity is Severity.HIGH
    assert POLICY.config_schema is not None
    required = POLICY.config_schema.properties["required_tags"]
    assert required["type"] == "array"
    assert required["default"] == list(MANDATORY_TAG_KEYS)
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis
    assert METADATA.frameworks.ncsc == "5.1"
    assert METADATA.remediation
    assert mandatory_tags.__doc__


# --- baseline ----------------------------------------------------------------------------------


@pytest.mark.parametrize("resource_type", [BUCKET, STORAGE])
def test_compliant_resource_passes(resource_type: str) -> None:
    assert violations(resource_type, {"tags": {**COMPLIANT_TAGS, "project": "p1"}}) == []


def test_untaggable_types_are_not_checked() -> None:
    assert violations("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "b", "policy": "{}"}) == []
    assert violations("azure-native:authorization:RoleAssignment", {"principalId": "x"}) == []
    assert violations("aws:autoscaling/group:Group", {"tags": [{"key": "a", "value": "b"}]}) == []


# --- failures ----------------------------------------------------------------------------------


def test_missing_tags_are_listed_in_contract_order() -> None:
    assert violations(BUCKET, {"tags": without("owner", "cost-centre")}) == [
        "Missing mandatory tags: cost-centre, owner"
    ]


@pytest.mark.parametrize("props", [{}, {"tags": None}, {"tags": {}}], ids=["absent", "null", "empty"])
def test_no_tags_at_all(props: dict[str, Any]) -> None:
    assert violations(STORAGE, props) == [
        "Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
        "data-classification, managed-by"
    ]


def test_disallowed_classification() -> None:
    assert violations(BUCKET, {"tags": {**COMPLIANT_TAGS, "data-classification": "SECRET"}}) == [
        "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE"
    ]


def test_disallowed_managed_by() -> None:
    assert violations(STORAGE, {"tags": {**COMPLIANT_TAGS, "managed-by": "terraform"}}) == [
        "Tag 'managed-by' has value 'terraform'; allowed: pulumi"
    ]


def test_environment_must_be_a_slug() -> None:
    assert violations(BUCKET, {"tags": {**COMPLIANT_TAGS, "environment": "Production"}}) == [
        "Tag 'environment' has value 'Production'; it must be a lowercase slug "
        "(letters, digits and single hyphens, e.g. 'prod')"
    ]


def test_empty_mandatory_value() -> None:
    assert violations(BUCKET, {"tags": {**COMPLIANT_TAGS, "owner": ""}}) == ["Tag 'owner' is empty"]


def test_non_string_value() -> None:
    assert violations(BUCKET, {"tags": {**COMPLIANT_TAGS, "cost-centre": 1234}}) == [
        "Tag 'cost-centre' has a float value; tag values are strings"
    ]


def test_missing_and_bad_values_are_reported_separately() -> None:
    tags = {**without("owner"), "data-classification": "SECRET", "managed-by": "manual"}
    assert violations(BUCKET, {"tags": tags}) == [
        "Missing mandatory tags: owner",
        "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE",
        "Tag 'managed-by' has value 'manual'; allowed: pulumi",
    ]


def test_keys_are_case_sensitive() -> None:
    tags = {**without("owner"), "Owner": "repairs-team@example.gov.uk"}
    assert violations(BUCKET, {"tags": tags}) == ["Missing mandatory tags: owner"]


# --- config ------------------------------------------------------------------------------------


def test_configured_required_tags() -> None:
    config = {"required_tags": ["service", "project"]}
    assert violations(BUCKET, {"tags": {"service": "s"}}, config) == ["Missing mandatory tags: project"]
    assert violations(BUCKET, {"tags": {"service": "s", "project": "p"}}, config) == []


# --- AWS default tags and preview unknowns -----------------------------------------------------


def test_aws_provider_default_tags_in_tags_all_count() -> None:
    props = {"tags": {"project": "p"}, "tagsAll": {**COMPLIANT_TAGS, "project": "p"}}
    assert violations(BUCKET, props) == []


def test_explicit_tags_win_over_tags_all() -> None:
    props = {"tags": {"data-classification": "SECRET"}, "tagsAll": COMPLIANT_TAGS}
    assert violations(BUCKET, props) == [
        "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE"
    ]


def test_unknown_tags_all_is_ignored() -> None:
    assert violations(BUCKET, {"tags": COMPLIANT_TAGS, "tagsAll": UNKNOWN_OBJECT_VALUE}) == []


def test_unknown_value_is_not_judged_but_others_are() -> None:
    tags = {**COMPLIANT_TAGS, "owner": UNKNOWN_STRING_VALUE, "managed-by": "manual"}
    assert violations(BUCKET, {"tags": tags}) == ["Tag 'managed-by' has value 'manual'; allowed: pulumi"]


def test_wholly_unknown_tags_defer_to_the_update() -> None:
    # The SDK turns this error into "can't run policy ... during preview" (advisory); at update time
    # the map is known and checked.
    with pytest.raises(UnknownValueError):
        violations(STORAGE, {"tags": UNKNOWN_OBJECT_VALUE})
