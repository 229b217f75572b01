"""GuardDuty, Security Hub and AWS Config across the organisation, administered from the audit account.

Two components, one per account they deploy into (each takes that account's provider):

`SecurityDelegation` (`lz:aws:SecurityDelegation`), in the management account:

- `guardduty-detector`: the management account's own `aws.guardduty.Detector` (with `guardduty`);
- `guardduty-admin`: `aws.guardduty.OrganizationAdminAccount` → audit (with `guardduty`);
- `security-hub`: `aws.securityhub.Account` of the management account (needed before delegating);
- `security-hub-admin`: `aws.securityhub.OrganizationAdminAccount` → audit;
- `config-admin`, `config-multiaccount-admin`: `aws.organizations.DelegatedAdministrator` for
  `config.amazonaws.com` (the aggregator) and `config-multiaccountsetup.amazonaws.com` (rules).

`SecurityTooling` (`lz:aws:SecurityTooling`), in the audit account (make it depend on the delegation):

- with `guardduty`: `guardduty-detector` (`aws.guardduty.Detector`), `guardduty-<feature>`
  (`aws.guardduty.DetectorFeature`, ENABLED), `guardduty-organisation`
  (`aws.guardduty.OrganizationConfiguration`, auto-enable ALL members) and
  `guardduty-organisation-<feature>` (`aws.guardduty.OrganizationConfigurationFeature`, ALL);
- `security-hub` (`aws.securityhub.Account`, consolidated control findings),
  `security-hub-organisation` (`aws.securityhub.OrganizationConfiguration`, auto-enable members)
  and `standard-<standard>` (`aws.securityhub.StandardsSubscription`) per standard;
- `aggregator-role`, `aggregator-role-policy`, `aggregator`: the Config organisation aggregator and
  its role (managed policy `AWSConfigRoleForOrganizations`);
- `log-retention-rule`: `aws.cfg.OrganizationManagedRule` `CW_LOGGROUP_RETENTION_PERIOD_CHECK`,
  with `cloudwatch_retention_days`;
- with `findings_email`: `findings-key`, `findings-key-alias`, `findings-topic`,
  `findings-topic-policy`, `findings-rule`, `findings-target`, `findings-email`: HIGH and CRITICAL
  findings → EventBridge → KMS-encrypted SNS topic → email.

Security Hub aggregates GuardDuty (and Config) findings, so one EventBridge rule on Security Hub
findings of severity HIGH or CRITICAL covers all three services.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.regions import KNOWN_REGIONS
from lz.tags import check_tags
from modules.aws.access_log_bucket import account_id_problems, policy_document
from modules.aws.iam_docs import service_assume_role_policy
from modules.aws.service_key import rotating_key_with_alias

DELEGATION_TYPE_TOKEN: Final = "lz:aws:SecurityDelegation"
TOOLING_TYPE_TOKEN: Final = "lz:aws:SecurityTooling"

CONFIG_SERVICE: Final = "config.amazonaws.com"
CONFIG_MULTIACCOUNT_SERVICE: Final = "config-multiaccountsetup.amazonaws.com"
EVENTS_SERVICE: Final = "events.amazonaws.com"
AGGREGATOR_POLICY_ARN: Final = "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"
RETENTION_RULE_IDENTIFIER: Final = "CW_LOGGROUP_RETENTION_PERIOD_CHECK"

#: Security Hub standards this toolkit knows, with the version path of their ARN.
STANDARD_PATHS: Final[Mapping[str, str]] = {
    "aws-foundational-security-best-practices": "aws-foundational-security-best-practices/v/1.0.0",
    "cis-aws-foundations-benchmark": "cis-aws-foundations-benchmark/v/3.0.0",
    "nist-800-53": "nist-800-53/v/5.0.0",
}
#: GuardDuty protection plans switched on by default: S3 data events, EKS audit logs, malware
#: scans of EBS volumes on suspicious findings, RDS login activity. Runtime Monitoring (an agent
#: on every instance and container) is left to the council to opt into.
DEFAULT_GUARDDUTY_FEATURES: Final = ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS")
GUARDDUTY_FEATURES: Final = (
    "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING",
)
#: Severity labels that page the security mailbox.
ALERT_SEVERITIES: Final = ("HIGH", "CRITICAL")
CLOUDWATCH_RETENTION_DAYS: Final = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                                    2192, 2557, 2922, 3288, 3653)
#: Names of the aggregator, the rule and the topic; 50 leaves room for the EventBridge rule's suffix.
_RESOURCE_NAME_RE: Final = re.compile(r"[\w.-]{1,50}")
_EMAIL_RE: Final = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


# -- pure documents ---------------------------------------------------------------------------------

def standards_arn(region: str, standard: str) -> str:
    """ARN of a Security Hub standard in a region, e.g. CIS v3.0.0:
    `arn:aws:securityhub:eu-west-2::standards/cis-aws-foundations-benchmark/v/3.0.0`."""
    return f"arn:aws:securityhub:{region}::standards/{STANDARD_PATHS[standard]}"


def retention_rule_parameters(days: int) -> str:
    """Input parameters of the `CW_LOGGROUP_RETENTION_PERIOD_CHECK` managed rule (string values)."""
    return json.dumps({"MinRetentionTime": str(days)})


def findings_event_pattern() -> str:
    """EventBridge pattern: new, active Security Hub findings of severity HIGH or CRITICAL."""
    return json.dumps(
        {
            "source": ["aws.securityhub"],
            "detail-type": ["Security Hub Findings - Imported"],
            "detail": {
                "findings": {
                    "Severity": {"Label": list(ALERT_SEVERITIES)},
                    "Workflow": {"Status": ["NEW"]},
                    "RecordState": ["ACTIVE"],
                }
            },
        }
    )


def findings_key_policy(*, account_id: str) -> str:
    """Key policy of the findings topic key: the audit root administers it; EventBridge may use it
    to publish to the encrypted topic, on behalf of this account only."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EnableRootAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AllowEventBridgePublish",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_SERVICE},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    ]
    return policy_document(statements)


def findings_topic_policy(*, topic_arn: str, rule_arn: str, account_id: str) -> str:
    """Topic policy: the owning account manages the topic; only the findings rule may publish."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "OwnerManagesTopic",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": [
                "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
                "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish",
            ],
            "Resource": topic_arn,
        },
        {
            "Sid": "AllowFindingsRulePublish",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_SERVICE},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        },
    ]
    return policy_document(statements)


# -- management account -----------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class SecurityDelegationArgs:
    """Inputs of `SecurityDelegation`."""

    audit_account_id: pulumi.Input[str]
    """Required. The account that administers GuardDuty, Security Hub and Config for the organisation."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    guardduty: bool = True
    """Optional. Delegate (and enable, in the management account) GuardDuty."""


def validate_security_delegation_args(args: SecurityDelegationArgs) -> list[str]:
    """Every problem with `args`; empty when a `SecurityDelegation` can be built from them."""
    problems = account_id_problems("audit_account_id", args.audit_account_id)
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    return problems


class SecurityDelegation(pulumi.ComponentResource):
    """Management-account side: delegate the security services' administration to audit."""

    management_detector_id: pulumi.Output[str] | None
    """The management account's GuardDuty detector id (None without GuardDuty)."""

    def __init__(
        self, name: str, args: SecurityDelegationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        problems = validate_security_delegation_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(DELEGATION_TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.management_detector_id = None
        if args.guardduty:
            detector = aws.guardduty.Detector(f"{name}-guardduty-detector", enable=True, tags=dict(args.tags),
                                              opts=child)
            aws.guardduty.OrganizationAdminAccount(
                f"{name}-guardduty-admin", admin_account_id=args.audit_account_id,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[detector]),
            )
            self.management_detector_id = detector.id
        hub = aws.securityhub.Account(f"{name}-security-hub", enable_default_standards=False, opts=child)
        aws.securityhub.OrganizationAdminAccount(
            f"{name}-security-hub-admin", admin_account_id=args.audit_account_id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[hub]),
        )
        aws.organizations.DelegatedAdministrator(
            f"{name}-config-admin", account_id=args.audit_account_id, service_principal=CONFIG_SERVICE, opts=child
        )
        aws.organizations.DelegatedAdministrator(
            f"{name}-config-multiaccount-admin",
            account_id=args.audit_account_id,
            service_principal=CONFIG_MULTIACCOUNT_SERVICE,
            opts=child,
        )
        self.register_outputs({"management_detector_id": self.management_detector_id})


# -- audit account ----------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class SecurityToolingArgs:
    """Inputs of `SecurityTooling`."""

    account_id: pulumi.Input[str]
    """Required. The audit account (the provider's account)."""
    region: str
    """Required. The home region (standards ARNs name it)."""
    aggregator_name: str
    """Required. Name of the Config organisation aggregator."""
    aggregator_role_name: str
    """Required. Name of the aggregator's IAM role."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    guardduty: bool = True
    """Optional. Administer GuardDuty for the organisation (auto-enable every member)."""
    guardduty_features: Sequence[str] = DEFAULT_GUARDDUTY_FEATURES
    """Optional. GuardDuty protection plans enabled here and auto-enabled in every member."""
    standards: Sequence[str] = ("aws-foundational-security-best-practices", "cis-aws-foundations-benchmark")
    """Optional. Security Hub standards subscribed (keys of `STANDARD_PATHS`)."""
    cloudwatch_retention_days: int | None = None
    """Optional. Minimum CloudWatch log retention checked in every account by an organisation
    Config rule; None: no rule."""
    retention_rule_name: str = "cloudwatch-log-retention"
    """Optional. Name of that organisation Config rule."""
    findings_email: str | None = None
    """Optional. Mailbox for HIGH and CRITICAL findings; None: no alerting resources."""
    findings_topic_name: str = "security-findings"
    """Optional. Name of the findings SNS topic."""
    findings_key_alias: str = "alias/security-findings"
    """Optional. Alias of the key encrypting the findings topic."""
    lock: bool = True
    """Optional. Protect the GuardDuty detector, the Security Hub account and the findings key."""
    excluded_rule_accounts: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Optional. Accounts the organisation Config rule skips."""


def validate_security_tooling_args(args: SecurityToolingArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `SecurityTooling` can be built."""
    problems = account_id_problems("account_id", args.account_id)
    if args.region not in KNOWN_REGIONS["aws"]:
        problems.append(f"region {args.region!r} is not an AWS region")
    for field_name in ("aggregator_name", "retention_rule_name", "findings_topic_name"):
        value = getattr(args, field_name)
        if _RESOURCE_NAME_RE.fullmatch(value) is None:
            problems.append(f"{field_name} must be 1-50 letters, digits, '.', '_' or '-', got {value!r}")
    problems += [f"aggregator_role_name {args.aggregator_role_name!r} {p}"
                 for p in check_name(NAME_RULES["aws"]["iam_role"], args.aggregator_role_name)]
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    unknown = [f for f in args.guardduty_features if f not in GUARDDUTY_FEATURES]
    if unknown:
        problems.append(f"guardduty_features: unknown {unknown}; known: {', '.join(GUARDDUTY_FEATURES)}")
    if {"EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING"} <= set(args.guardduty_features):
        problems.append("guardduty_features: EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot both be enabled")
    if len(set(args.guardduty_features)) != len(args.guardduty_features):
        problems.append("guardduty_features has duplicates")
    unknown = [s for s in args.standards if s not in STANDARD_PATHS]
    if unknown:
        problems.append(f"standards: unknown {unknown}; known: {', '.join(STANDARD_PATHS)}")
    if len(set(args.standards)) != len(args.standards):
        problems.append("standards has duplicates")
    if args.cloudwatch_retention_days is not None and args.cloudwatch_retention_days not in CLOUDWATCH_RETENTION_DAYS:
        problems.append(f"cloudwatch_retention_days must be a retention CloudWatch accepts, got "
                        f"{args.cloudwatch_retention_days}")
    if args.findings_email is not None and _EMAIL_RE.fullmatch(args.findings_email) is None:
        problems.append(f"findings_email must be an email address, got {args.findings_email!r}")
    problems += [f"findings_key_alias {args.findings_key_alias!r} {p}"
                 for p in check_name(NAME_RULES["aws"]["kms_alias"], args.findings_key_alias)]
    for i, account in enumerate(args.excluded_rule_accounts):
        problems += account_id_problems(f"excluded_rule_accounts[{i}]", account)
    return problems


class SecurityTooling(pulumi.ComponentResource):
    """Audit-account side: GuardDuty and Security Hub administration, Config aggregation and rules,
    high-severity alerting."""

    detector_id: pulumi.Output[str] | None
    """The audit account's GuardDuty detector id (None without GuardDuty)."""
    aggregator_arn: pulumi.Output[str]
    """ARN of the Config organisation aggregator."""
    findings_topic_arn: pulumi.Output[str] | None
    """ARN of the findings topic (None without `findings_email`)."""

    def __init__(self, name: str, args: SecurityToolingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_security_tooling_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TOOLING_TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        stateful = (
            pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True) if args.lock else child
        )

        self.detector_id = None
        if args.guardduty:
            detector = aws.guardduty.Detector(f"{name}-guardduty-detector", enable=True, tags=tags, opts=stateful)
            for feature in args.guardduty_features:
                aws.guardduty.DetectorFeature(
                    f"{name}-guardduty-{feature.lower().replace('_', '-')}",
                    detector_id=detector.id, name=feature, status="ENABLED", opts=child,
                )
            organisation = aws.guardduty.OrganizationConfiguration(
                f"{name}-guardduty-organisation",
                detector_id=detector.id,
                auto_enable_organization_members="ALL",
                opts=child,
            )
            for feature in args.guardduty_features:
                aws.guardduty.OrganizationConfigurationFeature(
                    f"{name}-guardduty-organisation-{feature.lower().replace('_', '-')}",
                    detector_id=detector.id, name=feature, auto_enable="ALL",
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[organisation]),
                )
            self.detector_id = detector.id

        hub = aws.securityhub.Account(
            f"{name}-security-hub",
            enable_default_standards=False,
            auto_enable_controls=True,
            # One finding per control across standards, not one per standard.
            control_finding_generator="SECURITY_CONTROL",
            opts=stateful,
        )
        aws.securityhub.OrganizationConfiguration(
            f"{name}-security-hub-organisation",
            auto_enable=True,
            auto_enable_standards="DEFAULT",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[hub]),
        )
        for standard in args.standards:
            aws.securityhub.StandardsSubscription(
                f"{name}-standard-{standard}",
                standards_arn=standards_arn(args.region, standard),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[hub]),
            )

        role = aws.iam.Role(
            f"{name}-aggregator-role",
            name=args.aggregator_role_name,
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda a: service_assume_role_policy(CONFIG_SERVICE, source_account=a)
            ),
            tags=tags,
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-aggregator-role-policy", role=role.name, policy_arn=AGGREGATOR_POLICY_ARN, opts=child
        )
        aggregator = aws.cfg.ConfigurationAggregator(
            f"{name}-aggregator",
            name=args.aggregator_name,
            organization_aggregation_source=aws.cfg.ConfigurationAggregatorOrganizationAggregationSourceArgs(
                all_regions=True, role_arn=role.arn
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]),
        )
        self.aggregator_arn = aggregator.arn

        if args.cloudwatch_retention_days is not None:
            aws.cfg.OrganizationManagedRule(
                f"{name}-log-retention-rule",
                name=args.retention_rule_name,
                rule_identifier=RETENTION_RULE_IDENTIFIER,
                description=f"CloudWatch log groups keep logs for at least {args.cloudwatch_retention_days} days",
                input_parameters=retention_rule_parameters(args.cloudwatch_retention_days),
                excluded_accounts=list(args.excluded_rule_accounts) or None,
                opts=child,
            )

        self.findings_topic_arn = None
        if args.findings_email is not None:
            self.findings_topic_arn = self._alerting(name, args, tags, stateful)

        self.register_outputs(
            {
                "detector_id": self.detector_id,
                "aggregator_arn": self.aggregator_arn,
                "findings_topic_arn": self.findings_topic_arn,
            }
        )

    def _alerting(
        self, name: str, args: SecurityToolingArgs, tags: dict[str, str], stateful: pulumi.ResourceOptions
    ) -> pulumi.Output[str]:
        assert args.findings_email is not None
        child = pulumi.ResourceOptions(parent=self)
        account = pulumi.Output.from_input(args.account_id)
        key, _ = rotating_key_with_alias(
            f"{name}-findings-key",
            parent=self,
            alias=args.findings_key_alias,
            description="Security findings topic",
            policy=account.apply(lambda a: findings_key_policy(account_id=a)),
            tags=tags,
            opts=stateful,
        )
        topic = aws.sns.Topic(
            f"{name}-findings-topic", name=args.findings_topic_name, kms_master_key_id=key.arn, tags=tags, opts=child
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-findings-rule",
            name=f"{args.findings_topic_name}-high-severity",
            description="New HIGH and CRITICAL Security Hub findings (GuardDuty, Config, standards)",
            event_pattern=findings_event_pattern(),
            tags=tags,
            opts=child,
        )
        topic_policy = aws.sns.TopicPolicy(
            f"{name}-findings-topic-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, rule.arn, account).apply(
                lambda v: findings_topic_policy(topic_arn=str(v[0]), rule_arn=str(v[1]), account_id=str(v[2]))
            ),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-findings-target", rule=rule.name, arn=topic.arn, target_id="security-findings-topic",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[topic_policy]),
        )
        aws.sns.TopicSubscription(
            f"{name}-findings-email", topic=topic.arn, protocol="email", endpoint=args.findings_email, opts=child
        )
        return topic.arn
