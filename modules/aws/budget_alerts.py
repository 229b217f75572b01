"""`BudgetAlerts`: an encrypted alerts topic and the monthly cost budgets that publish to it.

Children (logical names `<name>-<suffix>`, all parented to the component):

| suffix             | resource                                                              | when               |
|--------------------|-----------------------------------------------------------------------|--------------------|
| `key`              | `aws.kms.Key` (rotation on) encrypting the topic                       | always             |
| `key-alias`        | `aws.kms.Alias`                                                       | always             |
| `topic`            | `aws.sns.Topic` encrypted with `key`                                   | always             |
| `topic-policy`     | `aws.sns.TopicPolicy`: only Budgets and Cost Anomaly Detection publish | always             |
| `email-<n>`        | `aws.sns.TopicSubscription` (protocol `email`)                         | per alert email    |
| `cc-<cost centre>` | `aws.budgets.Budget` filtered on `user:cost-centre$<cost centre>`      | per cost centre    |
| `account-<slug>`   | `aws.budgets.Budget` filtered on `LinkedAccount`                       | per account budget |

Every budget is a MONTHLY COST budget in USD (AWS bills in USD) with, for each threshold, one
ACTUAL and one FORECASTED notification to the topic. Budgets must live in the payer account to see
the whole organisation, and their SNS topic must be in the same account (AWS Cost Management User
Guide, "Creating an Amazon SNS topic for budget notifications"). Give the budgets a `budgets_provider`
in us-east-1: the Budgets API is served from there.

An encrypted topic only receives service notifications if the key policy lets the publishing
service use the key (SNS Developer Guide, "Encryption at rest": compatibility with event sources
from AWS services), hence `alerts_key_policy`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.service_key import rotating_key_with_alias

TYPE_TOKEN: Final = "lz:aws:BudgetAlerts"

#: The services that publish cost alerts: AWS Budgets and AWS Cost Anomaly Detection.
BUDGETS_SERVICE: Final = "budgets.amazonaws.com"
ANOMALY_SERVICE: Final = "costalerts.amazonaws.com"
ALERT_SERVICES: Final = (BUDGETS_SERVICE, ANOMALY_SERVICE)

#: The tag key budgets filter cost centres on; it must be an active cost allocation tag.
COST_CENTRE_TAG: Final = "cost-centre"

NOTIFICATION_TYPES: Final = ("ACTUAL", "FORECASTED")
_ACCOUNT_ID: Final = re.compile(r"\d{12}")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COST_CENTRE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_BUDGET_NAME: Final = re.compile(r"[^:\\]{1,100}")


@dataclass(frozen=True, kw_only=True)
class AccountBudget:
    """A monthly budget for everything one member account spends."""

    account_id: pulumi.Input[str]
    """Required. The 12-digit id of the member account (the budget's `LinkedAccount` filter)."""
    amount_usd: int
    """Required. Monthly limit in whole US dollars, above zero."""


@dataclass(frozen=True, kw_only=True)
class BudgetAlertsArgs:
    """Inputs of `BudgetAlerts`."""

    name_prefix: str
    """Required. Prefix of every budget name (the council prefix, e.g. `ebc`); budgets are named
    `<prefix>-cc-<cost centre>` and `<prefix>-account-<slug>`."""
    topic_name: str
    """Required. Physical SNS topic name (normally from `lz.naming.physical_name`)."""
    key_alias: str
    """Required. Alias of the topic's KMS key, `alias/...`."""
    account_id: pulumi.Input[str]
    """Required. The payer account that owns the budgets and the topic: the only `aws:SourceAccount`
    allowed to publish, and the key administrator."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included; applied to every taggable child."""
    alert_emails: Sequence[str]
    """Required. Mailboxes subscribed to the topic (each must confirm the subscription email)."""
    thresholds_percent: Sequence[int] = (80, 100)
    """Optional. Percentages of the budget at which actual and forecast spend alert."""
    cost_centre_budgets_usd: Mapping[str, int]
    """Required. Monthly USD limit per cost centre code; a budget filtered on the `cost-centre`
    cost allocation tag is created for each."""
    account_budgets: Mapping[str, AccountBudget]
    """Required. Budgets per member account, keyed by account slug (may be empty)."""
    budgets_provider: pulumi.ProviderResource | None = None
    """Optional. Provider for the budgets (us-east-1 in the payer account); default: inherited."""
    lock: bool = True
    """Optional. Protect the topic and key (`protect`, `retain_on_delete`): alerts must not vanish
    with a stray `pulumi destroy`."""


def budget_name(prefix: str, kind: str, key: str) -> str:
    """The deterministic budget name: `ebc-cc-CC-1042`, `ebc-account-workloads-prod`."""
    return f"{prefix}-{kind}-{key}"


def cost_centre_filter_value(cost_centre: str) -> str:
    """The Budgets `TagKeyValue` filter value of a cost centre: `user:cost-centre$CC-1042`."""
    return f"user:{COST_CENTRE_TAG}${cost_centre}"


def validate_budget_alerts_args(args: BudgetAlertsArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `BudgetAlerts` can be built from them."""
    problems: list[str] = []
    if _SLUG.fullmatch(args.name_prefix) is None:
        problems.append(f"name_prefix {args.name_prefix!r} must be a lowercase slug")
    problems += [f"topic_name {args.topic_name!r} {p}" for p in check_name(NAME_RULES["aws"]["sns_topic"],
                                                                            args.topic_name)]
    problems += [f"key_alias {args.key_alias!r} {p}" for p in check_name(NAME_RULES["aws"]["kms_alias"],
                                                                          args.key_alias)]
    if isinstance(args.account_id, str) and _ACCOUNT_ID.fullmatch(args.account_id) is None:
        problems.append(f"account_id must be a 12-digit AWS account id, got {args.account_id!r}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if not args.alert_emails:
        problems.append("alert_emails must list at least one mailbox")
    bad = [e for e in args.alert_emails if _EMAIL.fullmatch(e) is None]
    if bad:
        problems.append(f"alert_emails: not email addresses: {bad}")
    if len(set(args.alert_emails)) != len(args.alert_emails):
        problems.append("alert_emails must not repeat an address")
    if not args.thresholds_percent:
        problems.append("thresholds_percent must list at least one threshold")
    if any(t <= 0 or t > 1000 for t in args.thresholds_percent) or len(set(args.thresholds_percent)) != len(
        args.thresholds_percent
    ):
        problems.append("thresholds_percent must be distinct percentages between 1 and 1000")
    if not args.cost_centre_budgets_usd and not args.account_budgets:
        problems.append("at least one cost centre or account budget is needed")
    for cost_centre in sorted(args.cost_centre_budgets_usd):
        amount = args.cost_centre_budgets_usd[cost_centre]
        if _COST_CENTRE.fullmatch(cost_centre) is None:
            problems.append(f"cost_centre_budgets_usd: {cost_centre!r} is not a cost centre code")
        if amount <= 0:
            problems.append(f"cost_centre_budgets_usd.{cost_centre} must be above zero, got {amount}")
    for slug in sorted(args.account_budgets):
        budget = args.account_budgets[slug]
        if _SLUG.fullmatch(slug) is None:
            problems.append(f"account_budgets: {slug!r} must be an account slug")
        if budget.amount_usd <= 0:
            problems.append(f"account_budgets.{slug}.amount_usd must be above zero, got {budget.amount_usd}")
        if isinstance(budget.account_id, str) and _ACCOUNT_ID.fullmatch(budget.account_id) is None:
            problems.append(f"account_budgets.{slug}.account_id must be a 12-digit AWS account id, "
                            f"got {budget.account_id!r}")
    names = [budget_name(args.name_prefix, "cc", c) for c in args.cost_centre_budgets_usd]
    names += [budget_name(args.name_prefix, "account", s) for s in args.account_budgets]
    problems += [f"budget name {n!r} must be 1-100 characters without ':' or '\\'" for n in names
                 if _BUDGET_NAME.fullmatch(n) is None]
    return problems


def alerts_key_policy(account_id: str) -> str:
    """Key policy of the alerts topic's key: the account administers it (through IAM), and the two
    cost alerting services may only generate and decrypt data keys (what SNS needs to encrypt
    the messages they publish)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersKeyThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CostAlertServicesEncryptToTopic",
                    "Effect": "Allow",
                    "Principal": {"Service": list(ALERT_SERVICES)},
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                    "Resource": "*",
                },
            ],
        },
        indent=2,
    )


def alerts_topic_policy(topic_arn: str, account_id: str) -> str:
    """Topic policy: only AWS Budgets (for this account's budgets) and Cost Anomaly Detection (for
    this account's subscriptions) may publish; nothing may use the topic without TLS."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "BudgetsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": BUDGETS_SERVICE},
                    "Action": "SNS:Publish",
                    "Resource": topic_arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:budgets::{account_id}:*"},
                    },
                },
                {
                    "Sid": "AnomalyDetectionPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": ANOMALY_SERVICE},
                    "Action": "SNS:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:Receive"],
                    "Resource": topic_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        },
        indent=2,
    )


def budget_notifications(
    thresholds_percent: Sequence[int], topic_arn: pulumi.Input[str]
) -> list[aws.budgets.BudgetNotificationArgs]:
    """One ACTUAL and one FORECASTED notification per threshold, all to the topic."""
    return [
        aws.budgets.BudgetNotificationArgs(
            notification_type=kind,
            comparison_operator="GREATER_THAN",
            threshold=float(threshold),
            threshold_type="PERCENTAGE",
            subscriber_sns_topic_arns=[topic_arn],
        )
        for threshold in sorted(thresholds_percent)
        for kind in NOTIFICATION_TYPES
    ]


class BudgetAlerts(pulumi.ComponentResource):
    """Monthly cost budgets per cost centre and per account, alerting through one encrypted topic."""

    topic_arn: pulumi.Output[str]
    """ARN of the alerts topic (also the Cost Anomaly Detection subscriber)."""
    key_arn: pulumi.Output[str]
    """ARN of the topic's KMS key."""
    budget_names: list[str]
    """Names of every budget, sorted (known before deployment)."""

    def __init__(self, name: str, args: BudgetAlertsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_budget_alerts_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        keep = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True) if args.lock else child
        account_id = pulumi.Output.from_input(args.account_id)

        key, _ = rotating_key_with_alias(
            f"{name}-key",
            parent=self,
            alias=args.key_alias,
            description=f"Encrypts the cost alerts topic {args.topic_name}",
            policy=account_id.apply(alerts_key_policy),
            tags=tags,
            opts=keep,
        )
        topic = aws.sns.Topic(
            f"{name}-topic",
            name=args.topic_name,
            kms_master_key_id=key.arn,
            tags=tags,
            opts=keep,
        )
        aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, account_id).apply(lambda a: alerts_topic_policy(a[0], a[1])),
            opts=child,
        )
        for index, email in enumerate(args.alert_emails):
            aws.sns.TopicSubscription(
                f"{name}-email-{index}", topic=topic.arn, protocol="email", endpoint=email, opts=child
            )

        budget_opts = pulumi.ResourceOptions(parent=self, provider=args.budgets_provider)
        notifications = budget_notifications(args.thresholds_percent, topic.arn)
        names: list[str] = []
        for cost_centre in sorted(args.cost_centre_budgets_usd):
            budget = budget_name(args.name_prefix, "cc", cost_centre)
            names.append(budget)
            self._budget(name, f"cc-{cost_centre.lower()}", budget, args.cost_centre_budgets_usd[cost_centre],
                         aws.budgets.BudgetCostFilterArgs(name="TagKeyValue",
                                                          values=[cost_centre_filter_value(cost_centre)]),
                         account_id, notifications, tags, budget_opts)
        for slug in sorted(args.account_budgets):
            spec = args.account_budgets[slug]
            budget = budget_name(args.name_prefix, "account", slug)
            names.append(budget)
            self._budget(name, f"account-{slug}", budget, spec.amount_usd,
                         aws.budgets.BudgetCostFilterArgs(name="LinkedAccount", values=[spec.account_id]),
                         account_id, notifications, tags, budget_opts)

        self.topic_arn = topic.arn
        self.key_arn = key.arn
        self.budget_names = sorted(names)
        self.register_outputs({"topic_arn": self.topic_arn, "key_arn": self.key_arn, "budget_names": self.budget_names})

    @staticmethod
    def _budget(
        name: str,
        suffix: str,
        budget: str,
        amount_usd: int,
        cost_filter: aws.budgets.BudgetCostFilterArgs,
        account_id: pulumi.Output[str],
        notifications: list[aws.budgets.BudgetNotificationArgs],
        tags: dict[str, str],
        opts: pulumi.ResourceOptions,
    ) -> None:
        aws.budgets.Budget(
            f"{name}-{suffix}",
            name=budget,
            account_id=account_id,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=str(amount_usd),
            limit_unit="USD",
            cost_filters=[cost_filter],
            notifications=notifications,
            tags=tags,
            opts=opts,
        )
