"""aws-iam-policy-no-admin-wildcard: no Allow of every action on every resource."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY, deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from policies.aws.iam.policy_no_admin_wildcard import METADATA, POLICY
from tests.policies.policy_harness import violations

#: The flow-log delivery policy of the platform-aws-network layer (example estate).
FLOW_LOGS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DeliverFlowLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [
                "arn:aws:logs:eu-west-2:123456789012:log-group:/ebc/network/vpc-flow-logs",
                "arn:aws:logs:eu-west-2:123456789012:log-group:/ebc/network/vpc-flow-logs:*",
            ],
        }
    ],
}
ADMIN = {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}
MESSAGE = 'Statement 1 (Admin) allows every action ("*") on every resource ("*"): full administrator access'


def props(*extra: dict[str, Any]) -> dict[str, Any]:
    return {"role": "r", "policy": json.dumps({**FLOW_LOGS, "Statement": FLOW_LOGS["Statement"] + list(extra)})}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-iam-policy-no-admin-wildcard"
    assert METADATA.severity == "critical"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 1.16"


def test_least_privilege_policy_passes() -> None:
    assert violations(POLICY, "aws:iam/rolePolicy:RolePolicy", props()) == []


@pytest.mark.parametrize(
    "resource_type",
    [
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    ],
)
def test_admin_statement(resource_type: str) -> None:
    assert violations(POLICY, resource_type, props(ADMIN)) == [MESSAGE]


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["arn:aws:s3:::b/*", "*"]},
    ],
    ids=["star-colon-star", "in-lists"],
)
def test_wildcards_in_lists(statement: dict[str, Any]) -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", props(statement)) == [
        'Statement 1 allows every action ("*") on every resource ("*"): full administrator access'
    ]


def test_all_actions_on_one_resource_and_deny_pass() -> None:
    scoped = {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    assert violations(POLICY, "aws:iam/policy:Policy", props(scoped, deny)) == []


def test_single_statement_object() -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", {"policy": json.dumps({"Statement": ADMIN})}) == [
        'Statement 0 (Admin) allows every action ("*") on every resource ("*"): full administrator access'
    ]


def test_document_as_object() -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", {"policy": {"Version": "2012-10-17", "Statement": [ADMIN]}}) == [
        'Statement 0 (Admin) allows every action ("*") on every resource ("*"): full administrator access'
    ]


def test_secret_document_is_checked() -> None:
    # As the analyzer deserialises a secret input: the signature wrapper is removed before validation.
    wire = {"policy": {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": props(ADMIN)["policy"]}}
    struct = struct_pb2.Struct()
    struct.update(wire)
    deserialised = deserialize_properties(json_format.MessageToDict(struct))
    opts = PolicyResourceOptions(
        protect=False,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=None,
    )
    args = ResourceValidationArgs(
        "aws:iam/policy:Policy",
        unknown_checking_proxy(deserialised),
        "urn:pulumi:test::lz::aws:iam/policy:Policy::p",
        "p",
        opts,
        None,
        {},
    )
    found: list[str] = []
    POLICY.validate(args, lambda message, urn=None: found.append(message))
    assert found == [MESSAGE]


def test_not_json() -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", {"policy": "{not json"}) == [
        "Policy document is not a valid JSON policy document"
    ]


def test_unknown_document_defers_to_the_update() -> None:
    with pytest.raises(UnknownValueError):
        violations(POLICY, "aws:iam/rolePolicy:RolePolicy", {"role": "r", "policy": UNKNOWN_STRING_VALUE})


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucketPolicy:BucketPolicy", props(ADMIN)) == []
