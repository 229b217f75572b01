"""aws-cloudtrail-trail-platform-layer: trails are organisation trails in a platform layer."""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, unknown_checking_proxy

from policies.aws.cloudtrail.trail_platform_layer import METADATA, POLICY
from tests.policies.policy_harness import wire

TRAIL = "aws:cloudtrail/trail:Trail"
ORG_TRAIL = {"s3BucketName": "ebc-shared-euw2-s3-log-archive", "isMultiRegionTrail": True, "isOrganizationTrail": True}


def run(stack: str, props: dict[str, Any], config: dict[str, Any] | None = None) -> list[tuple[str, str | None]]:
    """Evaluate over one trail in `stack` (the harness's URNs always name the stack `test`)."""
    opts = PolicyResourceOptions(
        protect=False,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=None,
    )
    urn = f"urn:pulumi:{stack}::council-lz::{TRAIL}::org-trail"
    resource = PolicyResource(TRAIL, unknown_checking_proxy(wire(props)), urn, "org-trail", opts, None, None, [], {})
    found: list[tuple[str, str | None]] = []
    POLICY.validate(
        StackValidationArgs([resource], {"platform_stack_prefix": "platform-", **(config or {})}),
        lambda message, urn=None: found.append((message, urn)),
    )
    return found


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudtrail-trail-platform-layer"
    assert (METADATA.kind, METADATA.severity) == ("stack", "medium")
    assert METADATA.config_defaults == {"platform_stack_prefix": "platform-"}


def test_organisation_trail_in_the_logging_layer_passes() -> None:
    assert run("platform-aws-logging", ORG_TRAIL) == []


def test_trail_in_a_service_stack() -> None:
    assert run("housing-repairs-prod", ORG_TRAIL) == [
        (
            "CloudTrail trail 'org-trail' is declared in stack 'housing-repairs-prod'; trails belong to a platform "
            "layer (stacks named platform-*), where one organisation trail covers every account",
            f"urn:pulumi:housing-repairs-prod::council-lz::{TRAIL}::org-trail",
        )
    ]


def test_account_trail_in_the_platform_layer() -> None:
    assert run("platform-aws-logging", {**ORG_TRAIL, "isOrganizationTrail": False}) == [
        (
            "CloudTrail trail 'org-trail' in platform layer 'platform-aws-logging' is not an organisation trail "
            "(isOrganizationTrail is not true)",
            f"urn:pulumi:platform-aws-logging::council-lz::{TRAIL}::org-trail",
        )
    ]


def test_unknown_organisation_flag_is_judged_at_the_update() -> None:
    assert run("platform-aws-logging", {**ORG_TRAIL, "isOrganizationTrail": UNKNOWN_BOOLEAN_VALUE}) == []


def test_configured_prefix() -> None:
    assert run("lz-logging", ORG_TRAIL, {"platform_stack_prefix": "lz-"}) == []


def test_stacks_without_trails_pass() -> None:
    found: list[Any] = []
    POLICY.validate(StackValidationArgs([], {}), lambda message, urn=None: found.append(message))
    assert found == []
