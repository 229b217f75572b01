"""The demo's ground truth: a small, deterministic council estate, its Pulumi state and its spend.

Everything the demo reports is computed from the data in this module, so every number in the
three reports can be checked against it:

* `council_estate` is the organisation ("Example Borough Council", prefix ``ebc``): a management
  account and four member accounts, and the resources in each. Most carry the seven mandatory tags
  (`lz.tags.MANDATORY_TAG_KEYS`) and sit in a Pulumi stack; some are shadow IT (no stack: created
  in the console, untagged, partly tagged or mis-tagged); one is in a stack's state but no longer
  in the cloud (an orphan); one managed bucket had a tag changed in the console (drift).
* `spend_line_items` turns each resource's meters into line items (month, account, service,
  usage type, quantity, amount in USD, the resource's tags) for the report months. The amounts
  are what a bill would say, rounded to the cent per line.
* `cost_results` and `usage_results` aggregate those line items into the ``GetCostAndUsage``
  responses the cost report and the carbon report will ask for, in the order they ask
  (`plan_cost_queries`, `plan_usage_queries`), as real Cost Explorer responses: monthly
  ``ResultsByTime``, tag group keys ``"<key>$<value>"`` and ``"<key>$"`` for spend without the tag.
* `state_exports` writes the ``pulumi stack export`` documents (version 3) of the stacks, with the
  IDs and ARNs the emulated cloud assigned (`CloudIds`).

Pure data and functions: no boto3, no I/O. `lz.demo.run` puts this estate into moto.
"""

from __future__ import annotations

import calendar
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Final, Literal

__all__ = [
    "ACCESS_ROLE",
    "CARBON_DIMENSIONS",
    "COST_GROUP_BY",
    "COST_METRIC",
    "INVENTORY_TYPES",
    "PROJECT",
    "PULUMI_TYPES",
    "REGION",
    "CloudIds",
    "CouncilEstate",
    "DemoAccount",
    "DemoResource",
    "Kind",
    "LineItem",
    "Meter",
    "Period",
    "cost_results",
    "council_estate",
    "demo_period",
    "expected_findings",
    "plan_cost_queries",
    "plan_usage_queries",
    "spend_line_items",
    "state_exports",
    "synthetic_ids",
    "usage_results",
]

#: The one home region of the estate (the platform definition allows only London).
REGION: Final = "eu-west-2"
#: The Pulumi project every stack belongs to (Pulumi.yaml at the repository root).
PROJECT: Final = "council-lz"
#: The role Organizations creates in each member account; the demo seeds and reads through it.
ACCESS_ROLE: Final = "OrganizationAccountAccessRole"
#: Breakdowns of the demo's cost report (four tag keys: four tag × account queries, one account ×
#: service query).
COST_GROUP_BY: Final[tuple[str, ...]] = (
    "cost-centre",
    "business-unit",
    "environment",
    "data-classification",
    "account",
    "service",
    "month",
)
#: The cost report's ``--metric`` and the Cost Explorer metric it asks for.
COST_METRIC: Final = ("amortised", "AmortizedCost")
#: Breakdowns of the demo's carbon report.
CARBON_DIMENSIONS: Final[tuple[str, ...]] = ("service", "cost-centre", "business-unit")
#: How many full months the demo's spend covers (the cost report's default period).
MONTHS: Final = 3

Kind = Literal[
    "s3_bucket",
    "sqs_queue",
    "sns_topic",
    "vpc",
    "security_group",
    "kms_key",
    "rds_instance",
    "dynamodb_table",
    "iam_role",
]

#: How the estate inventory names each kind (`service:resource`), written out here rather than
#: taken from the report's tables so that the ground truth does not lean on the code it checks.
INVENTORY_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "s3_bucket": "s3:bucket",
        "sqs_queue": "sqs:queue",
        "sns_topic": "sns:topic",
        "vpc": "ec2:vpc",
        "security_group": "ec2:security-group",
        "kms_key": "kms:key",
        "rds_instance": "rds:db",
        "dynamodb_table": "dynamodb:table",
        "iam_role": "iam:role",
    }
)
#: Pulumi AWS (v7) type tokens of each kind.
PULUMI_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "s3_bucket": "aws:s3/bucket:Bucket",
        "sqs_queue": "aws:sqs/queue:Queue",
        "sns_topic": "aws:sns/topic:Topic",
        "vpc": "aws:ec2/vpc:Vpc",
        "security_group": "aws:ec2/securityGroup:SecurityGroup",
        "kms_key": "aws:kms/key:Key",
        "rds_instance": "aws:rds/instance:Instance",
        "dynamodb_table": "aws:dynamodb/table:Table",
        "iam_role": "aws:iam/role:Role",
    }
)
#: Toolkit components (modules/aws) that own a kind; others sit directly under the stack.
_COMPONENTS: Final[Mapping[str, str]] = {
    "s3_bucket": "lz:aws:Bucket",
    "rds_instance": "lz:aws:Database",
    "vpc": "lz:aws:SpokeVpc",
}

# Cost Explorer SERVICE names.
S3: Final = "Amazon Simple Storage Service"
SQS: Final = "Amazon Simple Queue Service"
SNS: Final = "Amazon Simple Notification Service"
KMS: Final = "AWS Key Management Service"
RDS: Final = "Amazon Relational Database Service"
DYNAMODB: Final = "Amazon DynamoDB"

_CENT: Final = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """The report period: ``start`` inclusive, ``end`` exclusive, and its months (``YYYY-MM``)."""

    start: date
    end: date
    months: tuple[str, ...]


def demo_period(today: date) -> Period:
    """The last three full months before ``today``: the cost report's default period."""
    from lz.reports.cost.cli import default_period

    start, end = default_period(today)
    months: list[str] = []
    index = start.year * 12 + start.month - 1
    while index < end.year * 12 + end.month - 1:
        months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += 1
    return Period(start=start, end=end, months=tuple(months))


@dataclass(frozen=True)
class Meter:
    """One usage type a resource is billed for, with its quantity in each report month."""

    service: str
    """Required. Cost Explorer SERVICE name."""
    usage_type: str
    """Required. Usage type as Cost Explorer reports it, with its region prefix (``EUW2-``)."""
    unit: str
    """Required. Unit of the quantity (``GB-Mo``, ``Hrs``, ``Requests`` ...)."""
    price: Decimal
    """Required. USD per unit."""
    quantities: tuple[str, ...] = ()
    """Optional. Quantity per report month, oldest first; empty for `hourly` meters."""
    hourly: bool = False
    """Optional. Always-on: the quantity is the hours in each month."""

    def quantity(self, month: str, index: int) -> Decimal:
        if self.hourly:
            year, number = (int(part) for part in month.split("-"))
            return Decimal(calendar.monthrange(year, number)[1] * 24)
        return Decimal(self.quantities[index])


@dataclass(frozen=True)
class DemoAccount:
    """One account of the organisation."""

    key: str
    """Required. Short name used throughout the demo (``housing``)."""
    name: str
    """Required. The AWS account name."""
    email: str
    """Required. The account's root email address."""
    purpose: str
    """Required. What the account is for, shown on the index page."""
    management: bool = False
    """Optional. The organisation's management account (the one the reports run from)."""


@dataclass(frozen=True)
class DemoResource:
    """One resource of the estate, as the cloud has it and (if managed) as Pulumi's state has it."""

    account: str
    """Required. `DemoAccount.key` of the account it lives in."""
    kind: Kind
    """Required. What it is."""
    name: str
    """Required. The name the estate report shows: bucket, queue, topic, table, role or security
    group name, the VPC's ``Name`` tag, the KMS key's alias, the RDS identifier."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Optional. Tags in the cloud (what billing sees); empty for untagged resources."""
    stack: str | None = None
    """Optional. The stack that manages it; None for shadow IT."""
    logical: str = ""
    """Optional. Pulumi logical name (managed resources)."""
    state_tags: Mapping[str, str] | None = None
    """Optional. Tags Pulumi recorded, when someone has since changed them in the console."""
    region: str = REGION
    """Optional. Where it lives."""
    vpc: str | None = None
    """Optional. Security groups: the name of their VPC; None for the account's default VPC."""
    in_cloud: bool = True
    """Optional. False for an orphan: in a stack's state, deleted from the cloud."""
    made_by_organizations: bool = False
    """Optional. Created by AWS Organizations with the account (the access role): only tagged."""
    meters: tuple[Meter, ...] = ()
    """Optional. What it is billed for."""
    story: str = ""
    """Optional. Why it is interesting, for the index page."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))
        if self.state_tags is not None:
            object.__setattr__(self, "state_tags", MappingProxyType(dict(self.state_tags)))

    @property
    def key(self) -> str:
        """Unique within the estate: ``account/kind/name``."""
        return f"{self.account}/{self.kind}/{self.name}"

    @property
    def status(self) -> Literal["managed", "unmanaged", "orphaned"]:
        """What the estate report must call it."""
        if not self.in_cloud:
            return "orphaned"
        return "managed" if self.stack else "unmanaged"

    @property
    def inventory_type(self) -> str:
        return INVENTORY_TYPES[self.kind]


@dataclass(frozen=True)
class CouncilEstate:
    """The organisation and everything in it."""

    council: str
    prefix: str
    accounts: tuple[DemoAccount, ...]
    resources: tuple[DemoResource, ...]

    def account(self, key: str) -> DemoAccount:
        for account in self.accounts:
            if account.key == key:
                return account
        raise KeyError(key)

    @property
    def management(self) -> DemoAccount:
        return next(account for account in self.accounts if account.management)

    @property
    def members(self) -> tuple[DemoAccount, ...]:
        return tuple(account for account in self.accounts if not account.management)

    @property
    def stacks(self) -> tuple[str, ...]:
        return tuple(sorted({r.stack for r in self.resources if r.stack}))

    def with_status(self, status: str) -> list[DemoResource]:
        return [r for r in self.resources if r.status == status]


@dataclass(frozen=True)
class LineItem:
    """Spend on one usage type of one resource in one month (what a CUR line item sums to)."""

    month: str
    account: str
    """`DemoAccount.key`."""
    resource: str
    """`DemoResource.key`."""
    service: str
    usage_type: str
    unit: str
    quantity: Decimal
    amount: Decimal
    """USD, rounded to the cent."""
    tags: Mapping[str, str]
    """The resource's tags in the cloud: cost allocation tags."""


@dataclass(frozen=True)
class CloudIds:
    """What the cloud assigned to a seeded resource, as Pulumi records it in state."""

    id: str
    """Required. The provider ID (bucket name, queue URL, ``vpc-...``, key ID, role name ...)."""
    arn: str
    """Required. The resource's ARN (``outputs.arn``)."""
    outputs: Mapping[str, Any] = field(default_factory=dict)
    """Optional. Further outputs (``vpcId``, ``keyId``, ``url`` ...)."""


# --- the estate ------------------------------------------------------------------------------------


def _contract(
    service: str, cost_centre: str, owner: str, business_unit: str, classification: str, **extra: str
) -> dict[str, str]:
    """The seven mandatory tags, as a Pulumi program of this toolkit sets them."""
    return {
        "service": service,
        "cost-centre": cost_centre,
        "owner": owner,
        "environment": "prod",
        "business-unit": business_unit,
        "data-classification": classification,
        "managed-by": "pulumi",
        **extra,
    }


def _name(kind: str, name: str) -> str:
    """The toolkit's physical name in production in London (`lz.naming.physical_name`)."""
    from lz.naming import physical_name

    return physical_name("aws", kind, prefix="ebc", env="prod", region=REGION, name=name)


def _s3(storage: tuple[str, ...], requests: tuple[str, ...], *, region: str = "EUW2-") -> tuple[Meter, ...]:
    storage_price = "0.024" if region == "EUW2-" else "0.023"
    return (
        Meter(S3, f"{region}TimedStorage-ByteHrs", "GB-Mo", Decimal(storage_price), storage),
        Meter(S3, f"{region}Requests-Tier1", "Requests", Decimal("0.0000053"), requests),
    )


def _transfer_out(gigabytes: tuple[str, ...]) -> Meter:
    return Meter(S3, "EUW2-DataTransfer-Out-Bytes", "GB", Decimal("0.09"), gigabytes)


def _sqs(requests: tuple[str, ...]) -> tuple[Meter, ...]:
    return (Meter(SQS, "EUW2-Requests-RBP", "Requests", Decimal("0.0000004"), requests),)


def _sns(requests: tuple[str, ...]) -> tuple[Meter, ...]:
    return (Meter(SNS, "EUW2-Requests-Tier1", "Requests", Decimal("0.0000005"), requests),)


def _kms(requests: tuple[str, ...]) -> tuple[Meter, ...]:
    return (
        Meter(KMS, "eu-west-2-KMS-Keys", "Keys", Decimal("1"), ("1", "1", "1")),
        Meter(KMS, "eu-west-2-KMS-Requests", "Requests", Decimal("0.000003"), requests),
    )


def _rds(instance_class: str, hourly_price: str, storage_gb: tuple[str, ...]) -> tuple[Meter, ...]:
    return (
        Meter(RDS, f"EUW2-InstanceUsage:{instance_class}", "Hrs", Decimal(hourly_price), hourly=True),
        Meter(RDS, "EUW2-RDS:GP3-Storage", "GB-Mo", Decimal("0.133"), storage_gb),
    )


def _dynamodb(storage: tuple[str, ...], reads: tuple[str, ...], writes: tuple[str, ...]) -> tuple[Meter, ...]:
    return (
        Meter(DYNAMODB, "EUW2-TimedStorage-ByteHrs", "GB-Mo", Decimal("0.2975"), storage),
        Meter(DYNAMODB, "EUW2-ReadRequestUnits", "ReadRequestUnits", Decimal("0.000000297"), reads),
        Meter(DYNAMODB, "EUW2-WriteRequestUnits", "WriteRequestUnits", Decimal("0.000001485"), writes),
    )


def council_estate() -> CouncilEstate:
    """Example Borough Council's AWS organisation: the same data on every call."""
    platform = _contract("platform", "CC-0100", "cloud-platform@example.gov.uk", "ict", "OFFICIAL")
    housing = _contract("housing-repairs", "CC-1042", "housing-digital@example.gov.uk", "housing", "OFFICIAL-SENSITIVE")
    asc = _contract(
        "adult-social-care-records",
        "CC-2210",
        "asc-digital@example.gov.uk",
        "adult-social-care",
        "OFFICIAL-SENSITIVE",
    )
    web = _contract("council-website", "CC-3050", "web-team@example.gov.uk", "communications", "OFFICIAL")
    org_stack, network_stack = "platform-aws-organisation", "platform-aws-network"
    accounts = (
        DemoAccount(
            "management",
            "ebc-management",
            "aws-management@example.gov.uk",
            "Organisation, guardrails, Pulumi state; the reports run from here",
            management=True,
        ),
        DemoAccount("housing", "ebc-housing-prod", "aws-housing@example.gov.uk", "Housing repairs service"),
        DemoAccount(
            "adult-social-care",
            "ebc-adult-social-care-prod",
            "aws-asc@example.gov.uk",
            "Adult social care case records",
        ),
        DemoAccount("web", "ebc-web-prod", "aws-web@example.gov.uk", "The council website"),
        DemoAccount("sandbox", "ebc-sandbox", "aws-sandbox@example.gov.uk", "Experiments; no Pulumi stacks"),
    )
    access_roles = tuple(
        DemoResource(
            key,
            "iam_role",
            ACCESS_ROLE,
            platform,
            stack=org_stack,
            logical=f"{key}-access-role",
            made_by_organizations=True,
            story="created by Organizations with the account; imported into the organisation stack and tagged",
        )
        for key in ("housing", "adult-social-care", "web", "sandbox")
    )
    resources = (
        # Management account: the Pulumi state backend and its key.
        DemoResource(
            "management",
            "s3_bucket",
            _name("s3_bucket", "pulumi-state"),
            platform,
            stack=org_stack,
            logical="pulumi-state",
            meters=_s3(("2", "2", "3"), ("180000", "210000", "240000")),
        ),
        DemoResource(
            "management",
            "kms_key",
            _name("kms_alias", "pulumi-state"),
            platform,
            stack=org_stack,
            logical="pulumi-state-key",
            meters=_kms(("90000", "95000", "110000")),
        ),
        *access_roles,
        # Housing.
        DemoResource(
            "housing",
            "vpc",
            _name("vpc", "housing-repairs"),
            housing,
            stack=network_stack,
            logical="housing-repairs-prod",
        ),
        DemoResource(
            "housing",
            "security_group",
            _name("security_group", "housing-repairs-db"),
            housing,
            stack="housing-repairs-prod",
            logical="db-sg",
            vpc=_name("vpc", "housing-repairs"),
        ),
        DemoResource(
            "housing",
            "s3_bucket",
            _name("s3_bucket", "housing-repairs-files"),
            housing,
            stack="housing-repairs-prod",
            logical="files",
            meters=_s3(("3400", "3650", "3920"), ("1200000", "1350000", "1410000")),
        ),
        DemoResource(
            "housing",
            "rds_instance",
            _name("rds_instance", "housing-repairs-db"),
            housing,
            stack="housing-repairs-prod",
            logical="db",
            meters=_rds("db.t3.medium", "0.077", ("100", "100", "100")),
        ),
        DemoResource(
            "housing",
            "sqs_queue",
            _name("sqs_queue", "housing-repairs-jobs"),
            housing,
            stack="housing-repairs-prod",
            logical="jobs",
            meters=_sqs(("2100000", "2350000", "2200000")),
        ),
        DemoResource(
            "housing",
            "sns_topic",
            _name("sns_topic", "housing-repairs-alerts"),
            housing,
            stack="housing-repairs-prod",
            logical="alerts",
            meters=_sns(("400000", "420000", "390000")),
        ),
        DemoResource(
            "housing",
            "sqs_queue",
            _name("sqs_queue", "housing-repairs-dlq"),
            housing,
            stack="housing-repairs-prod",
            logical="dlq",
            in_cloud=False,
            meters=_sqs(("300000", "0", "0")),
            story="deleted in the console in the second month; still in the stack's state",
        ),
        DemoResource(
            "housing",
            "s3_bucket",
            "housing-tenancy-export-2026",
            stack=None,
            meters=(*_s3(("450", "900", "1800"), ("40000", "90000", "150000")), _transfer_out(("200", "600", "1500"))),
            story="made in the console to share a tenancy data export with a contractor; untagged",
        ),
        DemoResource(
            "housing",
            "sqs_queue",
            "repairs-test-queue",
            meters=_sqs(("150000", "150000", "150000")),
            story="a developer's test queue, never deleted; untagged",
        ),
        # Adult social care.
        DemoResource(
            "adult-social-care",
            "vpc",
            _name("vpc", "adult-social-care-records"),
            asc,
            stack=network_stack,
            logical="adult-social-care-records-prod",
        ),
        DemoResource(
            "adult-social-care",
            "security_group",
            _name("security_group", "asc-case-db"),
            asc,
            stack="adult-social-care-records-prod",
            logical="db-sg",
            vpc=_name("vpc", "adult-social-care-records"),
        ),
        DemoResource(
            "adult-social-care",
            "rds_instance",
            _name("rds_instance", "asc-case-records"),
            asc,
            stack="adult-social-care-records-prod",
            logical="db",
            meters=_rds("db.t3.xlarge", "0.308", ("500", "500", "600")),
        ),
        DemoResource(
            "adult-social-care",
            "dynamodb_table",
            _name("dynamodb_table", "asc-referrals"),
            asc,
            stack="adult-social-care-records-prod",
            logical="referrals",
            meters=_dynamodb(("12", "13", "14"), ("8000000", "8500000", "9100000"), ("900000", "950000", "990000")),
        ),
        DemoResource(
            "adult-social-care",
            "s3_bucket",
            _name("s3_bucket", "asc-documents"),
            asc,
            stack="adult-social-care-records-prod",
            logical="documents",
            meters=_s3(("8000", "8150", "8300"), ("600000", "640000", "610000")),
        ),
        DemoResource(
            "adult-social-care",
            "kms_key",
            _name("kms_alias", "asc-case-records"),
            asc,
            stack="adult-social-care-records-prod",
            logical="records-key",
            meters=_kms(("2500000", "2600000", "2750000")),
        ),
        DemoResource(
            "adult-social-care",
            "sns_topic",
            "asc-manual-alerts",
            {"service": "asc-alerts", "owner": "a.n.other@example.gov.uk"},
            meters=_sns(("50000", "52000", "51000")),
            story="made by hand for out-of-hours alerts; only two of the seven mandatory tags",
        ),
        # The council website.
        DemoResource(
            "web",
            "s3_bucket",
            _name("s3_bucket", "council-website-assets"),
            web,
            stack="council-website-prod",
            logical="site",
            meters=(
                *_s3(("250", "260", "260"), ("9000000", "9400000", "12500000")),
                _transfer_out(("9000", "9500", "14000")),
            ),
        ),
        DemoResource(
            "web",
            "s3_bucket",
            _name("s3_bucket", "council-website-logs"),
            {**web, "data-classification": "PUBLIC"},
            stack="council-website-prod",
            logical="logs",
            state_tags=web,
            meters=_s3(("600", "640", "700"), ("300000", "310000", "330000")),
            story="managed, but someone changed data-classification to PUBLIC in the console (drift)",
        ),
        DemoResource(
            "web",
            "sqs_queue",
            _name("sqs_queue", "council-website-forms"),
            web,
            stack="council-website-prod",
            logical="forms",
            meters=_sqs(("8000000", "8200000", "11000000")),
        ),
        DemoResource(
            "web",
            "sns_topic",
            _name("sns_topic", "council-website-forms"),
            web,
            stack="council-website-prod",
            logical="forms-topic",
            meters=_sns(("600000", "610000", "830000")),
        ),
        DemoResource(
            "web",
            "security_group",
            "launch-wizard-1",
            story="left behind by a console launch wizard in the default VPC; untagged",
        ),
        # Sandbox: no stacks at all.
        DemoResource(
            "sandbox",
            "s3_bucket",
            "jb-chatbot-poc",
            region="us-east-1",
            meters=_s3(("50", "300", "750"), ("200000", "800000", "2600000"), region=""),
            story="a chatbot proof of concept in N. Virginia (outside the UK); untagged",
        ),
        DemoResource(
            "sandbox",
            "sqs_queue",
            "chatbot-poc-queue",
            {
                "service": "chatbot-poc",
                "cost-centre": "CC-9999",
                "owner": "j.bloggs@example.gov.uk",
                "environment": "Production",
                "business-unit": "digital",
                "data-classification": "PUBLIC",
                "managed-by": "console",
            },
            meters=_sqs(("1000000", "9000000", "30000000")),
            story="tagged by hand: every key present, but environment, data-classification and managed-by "
            "have values the contract does not allow",
        ),
        DemoResource(
            "sandbox",
            "dynamodb_table",
            "chatbot-sessions",
            meters=_dynamodb(("1", "4", "9"), ("500000", "7000000", "24000000"), ("200000", "3000000", "11000000")),
            story="the chatbot's session store; untagged",
        ),
    )
    return CouncilEstate(council="Example Borough Council", prefix="ebc", accounts=accounts, resources=resources)


# --- spend -----------------------------------------------------------------------------------------


def spend_line_items(estate: CouncilEstate, months: Sequence[str]) -> list[LineItem]:
    """Every resource's meters as line items, month by month (months with no usage have none)."""
    items: list[LineItem] = []
    for resource in estate.resources:
        for meter in resource.meters:
            if not meter.hourly and len(meter.quantities) != len(months):
                raise ValueError(f"{resource.key}: {meter.usage_type} has {len(meter.quantities)} months of usage")
            for index, month in enumerate(months):
                quantity = meter.quantity(month, index)
                if not quantity:
                    continue
                items.append(
                    LineItem(
                        month=month,
                        account=resource.account,
                        resource=resource.key,
                        service=meter.service,
                        usage_type=meter.usage_type,
                        unit=meter.unit,
                        quantity=quantity,
                        amount=(quantity * meter.price).quantize(_CENT, rounding=ROUND_HALF_UP),
                        tags=resource.tags,
                    )
                )
    return items


# --- Cost Explorer responses -----------------------------------------------------------------------


def _month_period(month: str) -> dict[str, str]:
    year, number = (int(part) for part in month.split("-"))
    after = date(year + number // 12, number % 12 + 1, 1)
    return {"Start": f"{month}-01", "End": after.isoformat()}


def _plain(value: Decimal) -> str:
    return format(value, "f")


def plan_cost_queries(group_by: Sequence[str] = COST_GROUP_BY) -> list[list[dict[str, str]]]:
    """The ``GroupBy`` of each query the cost report sends, in its order
    (`lz.reports.cost.model.plan_api_queries`: one tag × LINKED_ACCOUNT query per tag key, then
    LINKED_ACCOUNT × SERVICE)."""
    from lz.reports.cost.model import plan_api_queries

    dimension = {"account": "LINKED_ACCOUNT", "service": "SERVICE"}
    plans: list[list[dict[str, str]]] = []
    for query in plan_api_queries(list(group_by)):
        groups = [{"Type": "TAG", "Key": query.tag_key}] if query.tag_key else []
        groups += [{"Type": "DIMENSION", "Key": dimension[d]} for d in query.dimensions]
        plans.append(groups)
    return plans


def plan_usage_queries(
    items: Sequence[LineItem], dimensions: Sequence[str] = CARBON_DIMENSIONS
) -> list[tuple[str | None, list[dict[str, str]]]]:
    """``(SERVICE filter, GroupBy)`` of each query the carbon report sends, in its order
    (`lz.reports.carbon.usage.load_ce_usage`): SERVICE × USAGE_TYPE first, then for each tag key,
    for each service in that answer (sorted), the tag × USAGE_TYPE filtered to the service."""
    usage_type = {"Type": "DIMENSION", "Key": "USAGE_TYPE"}
    by_service = [{"Type": "DIMENSION", "Key": "SERVICE"}, usage_type]
    plans: list[tuple[str | None, list[dict[str, str]]]] = [(None, by_service)]
    services = sorted({item.service for item in items})
    for tag in (d for d in dimensions if d != "service"):
        plans.extend((service, [{"Type": "TAG", "Key": tag}, usage_type]) for service in services)
    return plans


def _group_key(item: LineItem, groups: Sequence[Mapping[str, str]], account_ids: Mapping[str, str]) -> tuple[str, ...]:
    keys: list[str] = []
    for group in groups:
        if group["Type"] == "TAG":
            # Cost Explorer's "<key>$<value>"; "<key>$" is spend on resources without the tag.
            keys.append(f"{group['Key']}${item.tags.get(group['Key'], '')}")
        elif group["Key"] == "LINKED_ACCOUNT":
            keys.append(account_ids[item.account])
        elif group["Key"] == "SERVICE":
            keys.append(item.service)
        elif group["Key"] == "USAGE_TYPE":
            keys.append(item.usage_type)
        else:
            raise ValueError(f"the demo cannot group by {group}")
    return tuple(keys)


def _response(
    items: Sequence[LineItem],
    months: Sequence[str],
    groups: Sequence[Mapping[str, str]],
    metric: str,
    value: Callable[[LineItem], tuple[Decimal, str]],
    account_ids: Mapping[str, str],
    account_names: Mapping[str, str],
) -> dict[str, Any]:
    results = []
    for month in months:
        sums: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
        units: dict[tuple[str, ...], str] = {}
        for item in items:
            if item.month != month:
                continue
            key = _group_key(item, groups, account_ids)
            amount, unit = value(item)
            sums[key] += amount
            units[key] = unit
        results.append(
            {
                "TimePeriod": _month_period(month),
                "Total": {},
                "Groups": [
                    {"Keys": list(key), "Metrics": {metric: {"Amount": _plain(sums[key]), "Unit": units[key]}}}
                    for key in sorted(sums)
                ],
                "Estimated": False,
            }
        )
    attributes = []
    if any(group.get("Key") == "LINKED_ACCOUNT" for group in groups):
        # Cost Explorer names the linked accounts it grouped by.
        attributes = [
            {"Value": account_ids[key], "Attributes": {"description": account_names[key]}}
            for key in sorted({item.account for item in items}, key=lambda k: account_ids[k])
        ]
    return {
        "GroupDefinitions": [dict(g) for g in groups],
        "ResultsByTime": results,
        "DimensionValueAttributes": attributes,
    }


def cost_results(
    estate: CouncilEstate,
    items: Sequence[LineItem],
    *,
    months: Sequence[str],
    account_ids: Mapping[str, str],
    group_by: Sequence[str] = COST_GROUP_BY,
) -> list[dict[str, Any]]:
    """The cost report's ``GetCostAndUsage`` answers (``AmortizedCost``), in the order it asks."""
    names = {account.key: account.name for account in estate.accounts}
    metric = COST_METRIC[1]
    return [
        _response(items, months, groups, metric, lambda item: (item.amount, "USD"), account_ids, names)
        for groups in plan_cost_queries(group_by)
    ]


def usage_results(
    estate: CouncilEstate,
    items: Sequence[LineItem],
    *,
    months: Sequence[str],
    account_ids: Mapping[str, str],
    dimensions: Sequence[str] = CARBON_DIMENSIONS,
) -> list[dict[str, Any]]:
    """The carbon report's ``GetCostAndUsage`` answers (``UsageQuantity``), in the order it asks."""
    names = {account.key: account.name for account in estate.accounts}
    answers = []
    for service, groups in plan_usage_queries(items, dimensions):
        chosen = [item for item in items if service is None or item.service == service]
        answers.append(
            _response(
                chosen,
                months,
                groups,
                "UsageQuantity",
                lambda item: (item.quantity, item.unit),
                account_ids,
                names,
            )
        )
    return answers


# --- what the estate report must find --------------------------------------------------------------


def expected_findings(estate: CouncilEstate, account_ids: Mapping[str, str]) -> dict[str, set[tuple[str, str, str]]]:
    """``status -> {(account ID, inventory type, name)}`` for managed, unmanaged and orphaned."""
    found: dict[str, set[tuple[str, str, str]]] = {"managed": set(), "unmanaged": set(), "orphaned": set()}
    for resource in estate.resources:
        found[resource.status].add((account_ids[resource.account], resource.inventory_type, resource.name))
    return found


# --- Pulumi state ----------------------------------------------------------------------------------

#: The Pulumi CLI version the exports say wrote them.
_PULUMI_VERSION: Final = "v3.200.0"
_AWS_PROVIDER_VERSION: Final = "7.6.0"


def synthetic_ids(resource: DemoResource, account_id: str) -> CloudIds:
    """The IDs an orphan had when it existed (it is not in the cloud to ask)."""
    region, name = resource.region, resource.name
    if resource.kind == "sqs_queue":
        url = f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"
        return CloudIds(id=url, arn=f"arn:aws:sqs:{region}:{account_id}:{name}", outputs={"url": url})
    if resource.kind == "sns_topic":
        arn = f"arn:aws:sns:{region}:{account_id}:{name}"
        return CloudIds(id=arn, arn=arn)
    if resource.kind == "s3_bucket":
        return CloudIds(id=name, arn=f"arn:aws:s3:::{name}")
    if resource.kind == "dynamodb_table":
        return CloudIds(id=name, arn=f"arn:aws:dynamodb:{region}:{account_id}:table/{name}")
    raise ValueError(f"{resource.key}: the demo has no IDs for an orphaned {resource.kind}")


def _stable_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "lz-demo:" + ":".join(parts)))


def _outputs(resource: DemoResource, ids: CloudIds, tags: Mapping[str, str]) -> dict[str, Any]:
    outputs: dict[str, Any] = {"id": ids.id, "arn": ids.arn}
    if resource.kind in ("s3_bucket",):
        outputs.update(bucket=resource.name, region=resource.region)
    elif resource.kind in ("sqs_queue", "sns_topic", "dynamodb_table", "iam_role", "security_group"):
        outputs["name"] = resource.name
    elif resource.kind == "rds_instance":
        outputs["identifier"] = resource.name
    outputs.update(ids.outputs)
    outputs["tags"] = dict(tags)
    outputs["tagsAll"] = dict(tags)
    return outputs


def state_exports(
    estate: CouncilEstate,
    *,
    account_ids: Mapping[str, str],
    cloud_ids: Mapping[str, CloudIds],
    exported: date,
) -> dict[str, dict[str, Any]]:
    """``stack name -> `pulumi stack export` document`` for every stack of the estate.

    ``cloud_ids`` holds what the emulated cloud assigned to each resource in the cloud
    (`DemoResource.key` -> `CloudIds`); orphans get the IDs they had (`synthetic_ids`). Each
    stack has an AWS provider per account it deploys to (assuming `ACCESS_ROLE` in members), the
    toolkit's components as parents, and KMS aliases beside their keys.
    """
    time = f"{exported.isoformat()}T06:00:00.000000Z"
    documents: dict[str, dict[str, Any]] = {}
    for stack in estate.stacks:
        prefix = f"urn:pulumi:{stack}::{PROJECT}::"
        stack_urn = f"{prefix}pulumi:pulumi:Stack::{PROJECT}-{stack}"
        entries: list[dict[str, Any]] = [
            {"urn": stack_urn, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {}, "created": time}
        ]
        members = [r for r in estate.resources if r.stack == stack]
        providers: dict[str, str] = {}
        for account in dict.fromkeys(r.account for r in members):
            urn = f"{prefix}pulumi:providers:aws::{account}"
            provider_id = _stable_id(stack, account)
            inputs: dict[str, Any] = {"region": REGION, "version": _AWS_PROVIDER_VERSION}
            if not estate.account(account).management:
                inputs["assumeRoles"] = [{"roleArn": f"arn:aws:iam::{account_ids[account]}:role/{ACCESS_ROLE}"}]
            entries.append(
                {
                    "urn": urn,
                    "custom": True,
                    "id": provider_id,
                    "type": "pulumi:providers:aws",
                    "inputs": inputs,
                    "outputs": dict(inputs),
                    "parent": stack_urn,
                    "created": time,
                }
            )
            providers[account] = f"{urn}::{provider_id}"
        for resource in members:
            ids = cloud_ids.get(resource.key) or synthetic_ids(resource, account_ids[resource.account])
            tags = resource.state_tags if resource.state_tags is not None else resource.tags
            if resource.kind == "vpc":
                tags = {**tags, "Name": resource.name}
            parent, qualified = stack_urn, PULUMI_TYPES[resource.kind]
            component = _COMPONENTS.get(resource.kind)
            if component is not None:
                parent = f"{prefix}{component}::{resource.logical}"
                entries.append(
                    {"urn": parent, "custom": False, "type": component, "parent": stack_urn, "created": time}
                )
                qualified = f"{component}${qualified}"
            logical = f"{resource.logical}-{resource.kind.split('_')[0]}" if component else resource.logical
            resource_urn = f"{prefix}{qualified}::{logical}"
            entry: dict[str, Any] = {
                "urn": resource_urn,
                "custom": True,
                "id": ids.id,
                "type": PULUMI_TYPES[resource.kind],
                "inputs": {"tags": dict(tags)},
                "outputs": _outputs(resource, ids, tags),
                "parent": parent,
                "provider": providers[resource.account],
                "created": time,
                "modified": time,
            }
            if resource.made_by_organizations:
                entry["inputs"]["name"] = resource.name
                entry["importID"] = resource.name  # adopted with `pulumi import`, never created by Pulumi
            entries.append(entry)
            if resource.kind == "kms_key":
                alias_arn = f"arn:aws:kms:{REGION}:{account_ids[resource.account]}:{resource.name}"
                entries.append(
                    {
                        "urn": f"{prefix}aws:kms/alias:Alias::{resource.logical}-alias",
                        "custom": True,
                        "id": resource.name,
                        "type": "aws:kms/alias:Alias",
                        "inputs": {"name": resource.name, "targetKeyId": ids.id},
                        "outputs": {
                            "id": resource.name,
                            "arn": alias_arn,
                            "name": resource.name,
                            "targetKeyId": ids.id,
                        },
                        "parent": stack_urn,
                        "provider": providers[resource.account],
                        "dependencies": [resource_urn],
                        "created": time,
                    }
                )
        documents[stack] = {
            "version": 3,
            "deployment": {
                "manifest": {
                    "time": time,
                    "magic": hashlib.sha256(_PULUMI_VERSION.encode()).hexdigest(),
                    "version": _PULUMI_VERSION,
                },
                "resources": entries,
            },
        }
    return documents
