"""`BreakGlassRole` under the offline planner: MFA-only role, alert chain and validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import ProgramError, StackPlan, plan_callable
from modules.aws.break_glass import TYPE_TOKEN, BreakGlassRole, BreakGlassRoleArgs, validate_break_glass_role_args
from modules.aws.identity_docs import assume_role_event_pattern, break_glass_trust_policy
from tests.modules.aws.component_helpers import CONFIG, plan_component
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS

ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:eu-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT = "arn:aws:iam::111111111111:root"
ROLE, ATTACHMENT = "aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
TOPIC, TOPIC_POLICY = "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
RULE, TARGET = "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"


def args_with(**changes: Any) -> BreakGlassRoleArgs:
    return BreakGlassRoleArgs(**{
        "role_name": "lz-break-glass",
        "trusted_principal_arns": [ROOT],
        "account_id": ACCOUNT,
        "alert_name": "ebc-shared-euw2-sns-break-glass-alerts",
        "alert_email": "cloud-platform@example.gov.uk",
        "alert_kms_key_arn": KEY,
        "tags": TAGS,
        **changes,
    })


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_component(lambda: BreakGlassRole("break-glass", args_with()), "role_arn", "topic_arn")


def test_children(plan: StackPlan) -> None:
    assert plan.counts_by_type() == {
        TYPE_TOKEN: 1, ROLE: 1, ATTACHMENT: 1, TOPIC: 1, TOPIC_POLICY: 1, SUBSCRIPTION: 1, RULE: 1, TARGET: 1,
    }
    component = plan.one(TYPE_TOKEN).urn
    assert all(r.parent == component for r in plan.managed() if r.type != TYPE_TOKEN)


def test_role_is_admin_with_mfa_and_one_hour_sessions(plan: StackPlan) -> None:
    role = plan.one(ROLE, "break-glass-role").inputs
    assert role["name"] == "lz-break-glass"
    assert role["maxSessionDuration"] == 3600
    assert role["assumeRolePolicy"] == break_glass_trust_policy([ROOT])
    assert role["tags"] == TAGS
    assert "permissionsBoundary" not in role
    assert plan.one(ATTACHMENT, "break-glass-admin").inputs == {
        "role": "lz-break-glass", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess",
    }
    assert plan.outputs["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/lz-break-glass"


def test_every_use_alerts_the_owner(plan: StackPlan) -> None:
    topic = plan.one(TOPIC, "break-glass-topic").inputs
    assert topic["name"] == "ebc-shared-euw2-sns-break-glass-alerts"
    assert topic["kmsMasterKeyId"] == KEY
    assert topic["tags"] == TAGS
    rule = plan.one(RULE, "break-glass-rule").inputs
    assert rule["eventPattern"] == assume_role_event_pattern(f"arn:aws:iam::{ACCOUNT}:role/lz-break-glass")
    assert rule["state"] == "ENABLED"
    assert plan.one(SUBSCRIPTION, "break-glass-email").inputs == {
        "topic": plan.outputs["topic_arn"], "protocol": "email", "endpoint": "cloud-platform@example.gov.uk",
    }
    target = plan.one(TARGET, "break-glass-target")
    assert target.inputs["arn"] == plan.outputs["topic_arn"]
    assert plan.one(TOPIC_POLICY, "break-glass-topic-policy").urn in target.dependencies
    statements = {s["Sid"]: s for s in json.loads(plan.one(TOPIC_POLICY).inputs["policy"])["Statement"]}
    rule_arn = plan.one(RULE).outputs["arn"]
    assert statements["AllowBreakGlassRule"]["Condition"] == {"ArnEquals": {"aws:SourceArn": rule_arn}}


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param(
            {"role_name": "", "trusted_principal_arns": [], "account_id": "1", "alert_email": "owner"},
            ["role_name '' is 0 characters long; IAM role names are 1-64",
             "role_name '' has characters or a shape IAM role names do not allow "
             "(letters, digits and + = , . @ _ -)",
             "trusted_principal_arns is empty: nobody could use the role",
             "account_id must be a 12-digit account id, got '1'",
             "alert_email 'owner' is not an email address"],
            id="fields",
        ),
        pytest.param(
            {"trusted_principal_arns": ["*"], "alert_kms_key_arn": "alias/aws/sns", "alert_name": "a" * 65},
            ["trusted_principal_arns: '*' is not an IAM role, user or account root ARN",
             f"alert_name '{'a' * 65}' is longer than the 64 characters EventBridge rules allow",
             "alert_kms_key_arn must be a KMS key ARN, got 'alias/aws/sns'"],
            id="arns",
        ),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_break_glass_role_args(args_with(**changes)) == problems


def test_invalid_args_fail_the_program() -> None:
    def program() -> None:
        BreakGlassRole("break-glass", args_with(trusted_principal_arns=[]))

    with pytest.raises(ProgramError, match=r"^ValueError: trusted_principal_arns is empty: nobody could use"):
        plan_callable(program, project="lz", stack="test", config=CONFIG)
