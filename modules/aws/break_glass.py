"""`BreakGlassRole`: the emergency administrator role of one account, and the alert that makes
every use of it seen.

Children (parented to the component):

| suffix          | resource                                                                     |
|-----------------|------------------------------------------------------------------------------|
| `role`          | `aws.iam.Role` named `role_name`: MFA-only trust, 1-hour sessions            |
| `admin`         | `aws.iam.RolePolicyAttachment` (AWS managed AdministratorAccess)              |
| `topic`         | `aws.sns.Topic` encrypted with `alert_kms_key_arn`                             |
| `topic-policy`  | `aws.sns.TopicPolicy`: only the rule may publish, TLS only                     |
| `email`         | `aws.sns.TopicSubscription` (email to `alert_email`; confirmed once by hand)   |
| `rule`          | `aws.cloudwatch.EventRule` on CloudTrail `AssumeRole` of the role             |
| `target`        | `aws.cloudwatch.EventTarget` sending matched events to the topic             |

The KMS key is a dependency passed in by ARN; its key policy must let `events.amazonaws.com` use it
(`modules.aws.identity_docs.alert_key_policy`). EventBridge sees `AssumeRole` through CloudTrail
management events, which the organisation trail records in every member account; it sees calls
made to the STS endpoint of the rule's region, so the break-glass procedure assumes the role there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.manifest.model import EMAIL_PATTERN
from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.iam_docs import IAM_PRINCIPAL_ARN_RE, KMS_KEY_ARN_RE
from modules.aws.identity_docs import (
    ADMINISTRATOR_ACCESS,
    ROLE_MAX_SESSION_SECONDS,
    alert_topic_policy,
    assume_role_event_pattern,
    break_glass_trust_policy,
)

TYPE_TOKEN: Final = "lz:aws:BreakGlassRole"
#: EventBridge rule names: 1-64 of letters, digits, `.`, `-`, `_`.
RULE_NAME_RE: Final = re.compile(r"[\w.-]{1,64}")


@dataclass(frozen=True, kw_only=True)
class BreakGlassRoleArgs:
    """Inputs of `BreakGlassRole`."""

    role_name: str
    """Required. The role's name, the same in every account (`organisation.break_glass_role_name`)."""
    trusted_principal_arns: Sequence[pulumi.Input[str]]
    """Required. Who may assume it (with MFA): named roles/users, or the management account root
    (`arn:aws:iam::<management>:root`)."""
    account_id: pulumi.Input[str]
    """Required. The account the provider deploys into (for the topic policy)."""
    alert_name: str
    """Required. Name of the alert topic and EventBridge rule (`physical_name("aws", "sns_topic", ...)`)."""
    alert_email: str
    """Required. Who is told every time the role is assumed (the platform owner's mailbox)."""
    alert_kms_key_arn: pulumi.Input[str]
    """Required. Customer-managed KMS key encrypting the topic; EventBridge must be allowed to use it."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""


def validate_break_glass_role_args(args: BreakGlassRoleArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `BreakGlassRole` can be built."""
    problems = [f"role_name {args.role_name!r} {p}" for p in check_name(NAME_RULES["aws"]["iam_role"], args.role_name)]
    if not args.trusted_principal_arns:
        problems.append("trusted_principal_arns is empty: nobody could use the role")
    for arn in args.trusted_principal_arns:
        if isinstance(arn, str) and IAM_PRINCIPAL_ARN_RE.fullmatch(arn) is None:
            problems.append(f"trusted_principal_arns: {arn!r} is not an IAM role, user or account root ARN")
    if isinstance(args.account_id, str) and re.fullmatch(r"\d{12}", args.account_id) is None:
        problems.append(f"account_id must be a 12-digit account id, got {args.account_id!r}")
    problems += [f"alert_name {args.alert_name!r} {p}" for p in check_name(NAME_RULES["aws"]["sns_topic"],
                                                                             args.alert_name)]
    if RULE_NAME_RE.fullmatch(args.alert_name) is None:
        problems.append(f"alert_name {args.alert_name!r} is longer than the 64 characters EventBridge rules allow")
    if re.fullmatch(EMAIL_PATTERN, args.alert_email) is None:
        problems.append(f"alert_email {args.alert_email!r} is not an email address")
    if isinstance(args.alert_kms_key_arn, str) and KMS_KEY_ARN_RE.fullmatch(args.alert_kms_key_arn) is None:
        problems.append(f"alert_kms_key_arn must be a KMS key ARN, got {args.alert_kms_key_arn!r}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    return problems


class BreakGlassRole(pulumi.ComponentResource):
    """An MFA-only emergency administrator role whose every use emails the platform owner."""

    role_arn: pulumi.Output[str]
    """ARN of the break-glass role."""
    topic_arn: pulumi.Output[str]
    """ARN of the alert topic."""

    def __init__(self, name: str, args: BreakGlassRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_break_glass_role_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            description="Break glass: emergency administration with MFA; every use is alerted and reviewed",
            assume_role_policy=pulumi.Output.all(*args.trusted_principal_arns).apply(
                lambda arns: break_glass_trust_policy([str(a) for a in arns])
            ),
            max_session_duration=ROLE_MAX_SESSION_SECONDS,
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicyAttachment(f"{name}-admin", role=role.name, policy_arn=ADMINISTRATOR_ACCESS, opts=child)

        topic = aws.sns.Topic(
            f"{name}-topic",
            name=args.alert_name,
            display_name="Break-glass role used",
            kms_master_key_id=args.alert_kms_key_arn,
            tags=tags,
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-rule",
            name=args.alert_name,
            description=f"Every AssumeRole of {args.role_name}",
            event_pattern=role.arn.apply(assume_role_event_pattern),
            state="ENABLED",
            tags=tags,
            opts=child,
        )
        policy = aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, rule.arn, args.account_id).apply(
                lambda a: alert_topic_policy(a[0], a[1], a[2])
            ),
            opts=child,
        )
        aws.sns.TopicSubscription(
            f"{name}-email", topic=topic.arn, protocol="email", endpoint=args.alert_email, opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-target",
            rule=rule.name,
            arn=topic.arn,
            target_id="break-glass-alert",
            # Publishing is refused until the topic policy lets the rule in.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )

        self.role_arn = role.arn
        self.topic_arn = topic.arn
        self.register_outputs({"role_arn": self.role_arn, "topic_arn": self.topic_arn})
