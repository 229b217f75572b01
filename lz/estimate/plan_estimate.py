"""Cost and carbon of a planned stack, at request time: `estimate_plan(plan) -> StackEstimate`.

Each planned resource is mapped to the charges it incurs (rows of ``lz/data/prices.json``) and
to the usage the carbon method needs (`lz.estimate.carbon.UsageRecord`). Charges are of two
kinds:

* **fixed**: what the resource costs for existing (instance-hours, GB provisioned, a key-month);
* **usage-based**: what depends on traffic or data (GB stored in a bucket, requests, egress).
  Those are priced at a named default quantity, `DEFAULT_USAGE`, and every such line carries
  the assumption in words. Pass ``usage={...}`` to use other quantities.

A charge whose price is not in the table, a resource type the estimator does not know, or an
input that is unknown at plan time is listed as **unpriced** with the reason; it is never
counted as zero. Resource types AWS or Azure do not bill for (a VPC, an IAM role, a bucket's
policy) are listed as **no charge** so the reader can see they were considered.

Prices are list prices, on demand, excluding VAT, discounts and free tiers; the total is
converted to GBP at the rate stored in the price table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from lz.estimate.carbon import (
    UNMAPPED_PREFIX,
    CarbonLine,
    Cloud,
    Coefficients,
    UsageRecord,
    estimate_usage,
    load_coefficients,
)
from lz.estimate.prices import PriceTable, load_price_table
from lz.plan.model import PlannedResource, StackPlan

__all__ = [
    "DEFAULT_USAGE",
    "NO_CHARGE_TYPES",
    "LineItem",
    "NoChargeItem",
    "StackEstimate",
    "UnpricedItem",
    "UsageAssumption",
    "estimate_plan",
    "estimate_summary",
    "estimate_to_json",
    "plan_usage_records",
]

ChargeKind = Literal["fixed", "usage"]


def _fmt(quantity: float) -> str:
    return f"{quantity:,.0f}" if float(quantity).is_integer() else f"{quantity:,}"


@dataclass(frozen=True)
class UsageAssumption:
    """A default quantity for a usage-based charge, printed next to every line that uses it."""

    quantity: float
    """Required. The assumed monthly quantity."""
    unit: str
    """Required. Unit of `quantity`."""
    template: str
    """Required. What is assumed, with ``{quantity}`` where the number goes (shown in reports)."""

    @property
    def description(self) -> str:
        return self.template.format(quantity=_fmt(self.quantity))


#: Default monthly usage for usage-based charges. Chosen small (a low-traffic council service),
#: in the spirit of Infracost's "small" usage profile; see docs/carbon-method.md.
DEFAULT_USAGE: Final[Mapping[str, UsageAssumption]] = {
    "s3.storage_gb": UsageAssumption(10, "GB-month", "{quantity} GB stored"),
    "s3.write_requests": UsageAssumption(10_000, "request", "{quantity} PUT/COPY/POST/LIST requests"),
    "s3.read_requests": UsageAssumption(100_000, "request", "{quantity} GET requests"),
    "cloudfront.data_out_gb": UsageAssumption(50, "GB", "{quantity} GB egress to viewers in the UK/Europe"),
    "cloudfront.https_requests": UsageAssumption(1_000_000, "request", "{quantity} HTTPS requests"),
    "kms.requests": UsageAssumption(10_000, "request", "{quantity} KMS API requests"),
    "secretsmanager.api_requests": UsageAssumption(10_000, "request", "{quantity} Secrets Manager API requests"),
    "vpc_endpoint.data_gb": UsageAssumption(10, "GB", "{quantity} GB processed by the endpoint"),
    "vpc_endpoint.azs_if_unknown": UsageAssumption(
        2, "AZ", "{quantity} Availability Zones (subnets unknown at plan time)"
    ),
    "logs.ingested_gb": UsageAssumption(5, "GB", "{quantity} GB of logs ingested"),
    "logs.stored_gb": UsageAssumption(10, "GB-month", "{quantity} GB of logs stored"),
    "nat.data_gb": UsageAssumption(50, "GB", "{quantity} GB processed by the NAT gateway"),
    "tgw.data_gb": UsageAssumption(10, "GB", "{quantity} GB sent through the transit gateway"),
    "azure_storage.stored_gb": UsageAssumption(10, "GB-month", "{quantity} GB stored (hot tier)"),
    "azure_storage.write_ops": UsageAssumption(10_000, "operation", "{quantity} write operations"),
    "azure_storage.read_ops": UsageAssumption(100_000, "operation", "{quantity} read operations"),
}

_NO_CHARGE_AWS_NETWORK = (
    "AWS does not charge for the VPC object itself or its subnets, route tables and security groups (VPC pricing)"
)
_NO_CHARGE_IAM = "IAM is offered at no additional charge"
_NO_CHARGE_CONFIG = "configuration of a resource billed elsewhere (the bucket, database or distribution it belongs to)"

#: Resource types that carry no charge of their own, with the reason shown in reports.
NO_CHARGE_TYPES: Final[Mapping[str, str]] = {
    "aws:ec2/vpc:Vpc": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/subnet:Subnet": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/routeTable:RouteTable": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/route:Route": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/securityGroup:SecurityGroup": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _NO_CHARGE_AWS_NETWORK,
    "aws:ec2/securityGroupRule:SecurityGroupRule": _NO_CHARGE_AWS_NETWORK,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _NO_CHARGE_AWS_NETWORK,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _NO_CHARGE_AWS_NETWORK,
    "aws:iam/role:Role": _NO_CHARGE_IAM,
    "aws:iam/policy:Policy": _NO_CHARGE_IAM,
    "aws:iam/rolePolicy:RolePolicy": _NO_CHARGE_IAM,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _NO_CHARGE_IAM,
    "aws:iam/instanceProfile:InstanceProfile": _NO_CHARGE_IAM,
    "aws:kms/alias:Alias": "aliases are free; the key is billed",
    "aws:s3/bucketVersioning:BucketVersioning": _NO_CHARGE_CONFIG,
    "aws:s3/bucketVersioningV2:BucketVersioningV2": _NO_CHARGE_CONFIG,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _NO_CHARGE_CONFIG,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": _NO_CHARGE_CONFIG,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _NO_CHARGE_CONFIG,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _NO_CHARGE_CONFIG,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _NO_CHARGE_CONFIG,
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": _NO_CHARGE_CONFIG,
    "aws:s3/bucketLogging:BucketLogging": _NO_CHARGE_CONFIG
    + "; the log objects are billed as storage in the target bucket",
    "aws:s3/bucketLoggingV2:BucketLoggingV2": _NO_CHARGE_CONFIG
    + "; the log objects are billed as storage in the target bucket",
    "aws:s3/bucketPolicy:BucketPolicy": _NO_CHARGE_CONFIG,
    "aws:rds/subnetGroup:SubnetGroup": _NO_CHARGE_CONFIG,
    "aws:rds/parameterGroup:ParameterGroup": _NO_CHARGE_CONFIG,
    "aws:rds/optionGroup:OptionGroup": _NO_CHARGE_CONFIG,
    "aws:secretsmanager/secretVersion:SecretVersion": "versions are included in the secret's monthly charge",
    "aws:cloudfront/originAccessControl:OriginAccessControl": _NO_CHARGE_CONFIG,
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": _NO_CHARGE_CONFIG,
    "aws:cloudfront/cachePolicy:CachePolicy": _NO_CHARGE_CONFIG,
    "aws:ec2/vpcIpamPool:VpcIpamPool": "IPAM bills per active IP address at the IPAM, not per pool",
    "aws:ec2/vpcIpamPoolCidr:VpcIpamPoolCidr": "IPAM bills per active IP address at the IPAM, not per pool CIDR",
    "azure-native:resources:ResourceGroup": "resource groups are free",
    "azure-native:authorization:ManagementLockAtResourceGroupLevel": "management locks have no charge",
    "azure-native:authorization:ManagementLockAtResourceLevel": "management locks have no charge",
    "azure-native:authorization:ManagementLockAtSubscriptionLevel": "management locks have no charge",
    "azure-native:authorization:ManagementLockByScope": "management locks have no charge",
    "azure-native:authorization:RoleAssignment": "Azure RBAC role assignments have no charge",
    "azure-native:storage:BlobContainer": "containers are free; data is billed at the storage account",
    "azure-native:storage:BlobServiceProperties": _NO_CHARGE_CONFIG,
    "random:index/randomPassword:RandomPassword": "generated locally by Pulumi; no cloud resource",
    "random:index/randomString:RandomString": "generated locally by Pulumi; no cloud resource",
    "random:index/randomId:RandomId": "generated locally by Pulumi; no cloud resource",
}

_UNKNOWN_VALUES: Final = frozenset({"[unknown]", "[secret]", "[output]"})


@dataclass(frozen=True)
class LineItem:
    """One priced charge of one resource."""

    urn: str
    name: str
    type: str
    priced: str
    """What was priced, in words."""
    quantity: float
    unit: str
    unit_price: float
    currency: str
    monthly_gbp: float
    kind: ChargeKind
    assumption: str | None
    """Set for usage-based lines: the default quantity assumed."""
    price_row: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "name": self.name,
            "type": self.type,
            "priced": self.priced,
            "quantity": self.quantity,
            "unit": self.unit,
            "unit_price": self.unit_price,
            "currency": self.currency,
            "monthly_gbp": self.monthly_gbp,
            "kind": self.kind,
            "assumption": self.assumption,
            "price_row": self.price_row,
            "source": self.source,
        }


@dataclass(frozen=True)
class UnpricedItem:
    """A charge (or a whole resource) the table cannot price; never counted as zero."""

    urn: str
    name: str
    type: str
    what: str
    kind: ChargeKind | Literal["unknown"]
    reason: str
    price_row: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "name": self.name,
            "type": self.type,
            "what": self.what,
            "kind": self.kind,
            "reason": self.reason,
            "price_row": self.price_row,
        }


@dataclass(frozen=True)
class NoChargeItem:
    urn: str
    name: str
    type: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"urn": self.urn, "name": self.name, "type": self.type, "reason": self.reason}


@dataclass
class StackEstimate:
    """The request-time estimate of one stack."""

    stack: str
    cloud: str | None
    region: str | None
    line_items: list[LineItem]
    unpriced: list[UnpricedItem]
    no_charge: list[NoChargeItem]
    carbon_lines: list[CarbonLine]
    budget_gbp: float | None
    price_table_version: str
    prices_as_of: str
    usd_per_gbp: float
    fx: Mapping[str, Any]
    coefficients_version: str
    assumptions: dict[str, str] = field(default_factory=dict)

    @property
    def fixed_gbp(self) -> float:
        return sum(item.monthly_gbp for item in self.line_items if item.kind == "fixed")

    @property
    def usage_gbp(self) -> float:
        return sum(item.monthly_gbp for item in self.line_items if item.kind == "usage")

    @property
    def total_gbp(self) -> float:
        return self.fixed_gbp + self.usage_gbp

    @property
    def over_budget(self) -> bool:
        """True when the priced total alone exceeds the budget (unpriced items can only add)."""
        return self.budget_gbp is not None and self.total_gbp > self.budget_gbp

    @property
    def operational_kgco2e(self) -> float:
        return sum(line.operational_kgco2e for line in self.carbon_lines)

    @property
    def embodied_kgco2e(self) -> float:
        return sum(line.embodied_kgco2e for line in self.carbon_lines if line.status == "estimated")

    @property
    def kgco2e(self) -> float:
        return self.operational_kgco2e + self.embodied_kgco2e


# -- charges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Charge:
    what: str
    row_id: str | None
    quantity: float
    unit: str
    kind: ChargeKind
    assumption: str | None = None
    reason: str | None = None
    """Set when the charge cannot be priced for a reason other than a missing row."""


@dataclass
class _Mapped:
    charges: list[_Charge] = field(default_factory=list)
    usage: list[UsageRecord] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    cloud: Cloud
    region: str | None
    hours: float
    usage: Mapping[str, UsageAssumption]

    def qty(self, key: str) -> float:
        return self.usage[key].quantity

    def says(self, key: str) -> str:
        return f"assumed: {self.usage[key].description} per month"


def _known(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value in _UNKNOWN_VALUES):
        return None
    return value


def _record(
    ctx: _Context,
    service: str,
    usage_type: str,
    quantity: float,
    unit: str,
    resource: PlannedResource,
    assumption: str | None = None,
    region: str | None = None,
) -> UsageRecord:
    tags = resource.inputs.get("tags")
    return UsageRecord(
        service=service,
        usage_type=usage_type,
        quantity=quantity,
        unit=unit,
        cloud=ctx.cloud,
        region=region if region is not None else ctx.region,
        tags={str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {},
        label=resource.name,
        assumption=assumption,
    )


def _rds_instance(r: PlannedResource, ctx: _Context) -> _Mapped:
    out = _Mapped()
    region = ctx.region
    engine = _known(r.inputs.get("engine"))
    klass = _known(r.inputs.get("instanceClass"))
    multi_az = bool(_known(r.inputs.get("multiAz")) or False)
    az = "multi-az" if multi_az else "single-az"
    if engine is None or klass is None:
        out.charges.append(
            _Charge(
                f"DB instance hours ({klass or '?'}, {engine or '?'})",
                None,
                ctx.hours,
                "hour",
                "fixed",
                reason="engine or instanceClass unknown at plan time",
            )
        )
    else:
        out.charges.append(
            _Charge(
                f"{engine} {klass} {az}, {ctx.hours:g} h",
                f"aws/{region}/rds/instance/{engine}/{klass}/{az}",
                ctx.hours,
                "hour",
                "fixed",
            )
        )
        out.usage.append(
            _record(
                ctx, "AmazonRDS", f"{'Multi-AZUsage' if multi_az else 'InstanceUsage'}:{klass}", ctx.hours, "Hrs", r
            )
        )
    allocated = _known(r.inputs.get("allocatedStorage"))
    storage_type = _known(r.inputs.get("storageType")) or "gp2"
    if allocated is None:
        out.charges.append(
            _Charge("allocated storage", None, 0, "GB-month", "fixed", reason="allocatedStorage unknown at plan time")
        )
        return out
    gb = float(allocated)
    copies = 2 if multi_az else 1
    what = f"{storage_type} storage {gb:g} GB" + (" x 2 (primary and standby)" if multi_az else "")
    out.charges.append(_Charge(what, f"aws/{region}/rds/storage/{storage_type}", gb * copies, "GB-month", "fixed"))
    usage_type = f"RDS:Multi-AZ-{storage_type.upper()}-Storage" if multi_az else f"RDS:{storage_type.upper()}-Storage"
    out.usage.append(_record(ctx, "AmazonRDS", usage_type, gb, "GB-Mo", r))
    return out


def _s3_bucket(r: PlannedResource, ctx: _Context) -> _Mapped:
    region = ctx.region
    out = _Mapped()
    out.charges += [
        _Charge(
            "S3 Standard storage",
            f"aws/{region}/s3/standard/storage",
            ctx.qty("s3.storage_gb"),
            "GB-month",
            "usage",
            ctx.says("s3.storage_gb"),
        ),
        _Charge(
            "S3 PUT/COPY/POST/LIST requests",
            f"aws/{region}/s3/standard/requests-tier1",
            ctx.qty("s3.write_requests"),
            "request",
            "usage",
            ctx.says("s3.write_requests"),
        ),
        _Charge(
            "S3 GET requests",
            f"aws/{region}/s3/standard/requests-tier2",
            ctx.qty("s3.read_requests"),
            "request",
            "usage",
            ctx.says("s3.read_requests"),
        ),
    ]
    out.usage.append(
        _record(
            ctx, "AmazonS3", "TimedStorage-ByteHrs", ctx.qty("s3.storage_gb"), "GB-Mo", r, ctx.says("s3.storage_gb")
        )
    )
    return out


def _cloudfront(r: PlannedResource, ctx: _Context) -> _Mapped:
    out = _Mapped()
    out.charges += [
        _Charge(
            "CloudFront data transfer out (Europe)",
            "aws/global/cloudfront/europe/data-transfer-out",
            ctx.qty("cloudfront.data_out_gb"),
            "GB",
            "usage",
            ctx.says("cloudfront.data_out_gb"),
        ),
        _Charge(
            "CloudFront HTTPS requests (Europe)",
            "aws/global/cloudfront/europe/https-requests",
            ctx.qty("cloudfront.https_requests"),
            "request",
            "usage",
            ctx.says("cloudfront.https_requests"),
        ),
    ]
    out.usage.append(
        _record(
            ctx,
            "AmazonCloudFront",
            "EU-DataTransfer-Out-Bytes",
            ctx.qty("cloudfront.data_out_gb"),
            "GB",
            r,
            ctx.says("cloudfront.data_out_gb"),
            region="global",
        )
    )
    return out


def _kms_key(r: PlannedResource, ctx: _Context) -> _Mapped:
    region = ctx.region
    out = _Mapped()
    out.charges += [
        _Charge("KMS customer managed key", f"aws/{region}/kms/key-month", 1, "key-month", "fixed"),
        _Charge(
            "KMS requests",
            f"aws/{region}/kms/requests",
            ctx.qty("kms.requests"),
            "request",
            "usage",
            ctx.says("kms.requests"),
        ),
    ]
    out.usage.append(_record(ctx, "awskms", "KMS-Keys", 1, "Keys", r))
    return out


def _secret(r: PlannedResource, ctx: _Context) -> _Mapped:
    region = ctx.region
    out = _Mapped()
    out.charges += [
        _Charge("Secrets Manager secret", f"aws/{region}/secretsmanager/secret-month", 1, "secret-month", "fixed"),
        _Charge(
            "Secrets Manager API requests",
            f"aws/{region}/secretsmanager/api-requests",
            ctx.qty("secretsmanager.api_requests"),
            "request",
            "usage",
            ctx.says("secretsmanager.api_requests"),
        ),
    ]
    out.usage.append(_record(ctx, "AWSSecretsManager", "AWSSecretsManager-Secrets", 1, "Secrets", r))
    return out


def _vpc_endpoint(r: PlannedResource, ctx: _Context) -> _Mapped | str:
    kind = _known(r.inputs.get("vpcEndpointType")) or "Gateway"
    if kind == "Gateway":
        return "gateway endpoints (S3, DynamoDB) have no hourly or data processing charge"
    out = _Mapped()
    region = ctx.region
    if kind != "Interface":
        out.charges.append(
            _Charge(
                f"{kind} endpoint",
                None,
                ctx.hours,
                "hour",
                "fixed",
                reason=f"{kind} endpoints are not in the price table",
            )
        )
        return out
    subnets = _known(r.inputs.get("subnetIds"))
    assumption = None
    if isinstance(subnets, list) and subnets:
        azs = float(len(subnets))
    else:
        azs = ctx.qty("vpc_endpoint.azs_if_unknown")
        assumption = ctx.says("vpc_endpoint.azs_if_unknown")
    out.charges += [
        _Charge(
            f"interface endpoint, {azs:g} AZ x {ctx.hours:g} h",
            f"aws/{region}/vpc/interface-endpoint/hour",
            azs * ctx.hours,
            "hour",
            "fixed",
            assumption,
        ),
        _Charge(
            "interface endpoint data processed",
            f"aws/{region}/vpc/interface-endpoint/data-processed",
            ctx.qty("vpc_endpoint.data_gb"),
            "GB",
            "usage",
            ctx.says("vpc_endpoint.data_gb"),
        ),
    ]
    out.usage += [
        _record(ctx, "AmazonVPC", "VpcEndpoint-Hours", azs * ctx.hours, "Hrs", r, assumption),
        _record(
            ctx,
            "AmazonVPC",
            "VpcEndpoint-Bytes",
            ctx.qty("vpc_endpoint.data_gb"),
            "GB",
            r,
            ctx.says("vpc_endpoint.data_gb"),
        ),
    ]
    return out


def _log_group(r: PlannedResource, ctx: _Context) -> _Mapped:
    region = ctx.region
    out = _Mapped()
    out.charges += [
        _Charge(
            "CloudWatch Logs ingestion",
            f"aws/{region}/logs/ingestion",
            ctx.qty("logs.ingested_gb"),
            "GB",
            "usage",
            ctx.says("logs.ingested_gb"),
        ),
        _Charge(
            "CloudWatch Logs storage",
            f"aws/{region}/logs/storage",
            ctx.qty("logs.stored_gb"),
            "GB-month",
            "usage",
            ctx.says("logs.stored_gb"),
        ),
    ]
    out.usage.append(
        _record(
            ctx,
            "AmazonCloudWatch",
            "TimedStorage-ByteHrs",
            ctx.qty("logs.stored_gb"),
            "GB-Mo",
            r,
            ctx.says("logs.stored_gb"),
        )
    )
    return out


def _nat_gateway(r: PlannedResource, ctx: _Context) -> _Mapped:
    region = ctx.region
    out = _Mapped()
    out.charges += [
        _Charge(f"NAT gateway, {ctx.hours:g} h", f"aws/{region}/ec2/nat-gateway/hour", ctx.hours, "hour", "fixed"),
        _Charge(
            "NAT gateway data processed",
            f"aws/{region}/ec2/nat-gateway/data-processed",
            ctx.qty("nat.data_gb"),
            "GB",
            "usage",
            ctx.says("nat.data_gb"),
        ),
    ]
    out.usage += [
        _record(ctx, "AmazonEC2", "NatGateway-Hours", ctx.hours, "Hrs", r),
        _record(ctx, "AmazonEC2", "NatGateway-Bytes", ctx.qty("nat.data_gb"), "GB", r, ctx.says("nat.data_gb")),
    ]
    return out


def _tgw_attachment(r: PlannedResource, ctx: _Context) -> _Mapped:
    region = ctx.region
    out = _Mapped()
    out.charges += [
        _Charge(
            f"Transit Gateway VPC attachment, {ctx.hours:g} h",
            f"aws/{region}/tgw/vpc-attachment/hour",
            ctx.hours,
            "hour",
            "fixed",
        ),
        _Charge(
            "Transit Gateway data processed",
            f"aws/{region}/tgw/data-processed",
            ctx.qty("tgw.data_gb"),
            "GB",
            "usage",
            ctx.says("tgw.data_gb"),
        ),
    ]
    out.usage += [
        _record(ctx, "AmazonVPC", "TransitGateway-Hours", ctx.hours, "Hrs", r),
        _record(ctx, "AmazonVPC", "TransitGateway-Bytes", ctx.qty("tgw.data_gb"), "GB", r, ctx.says("tgw.data_gb")),
    ]
    return out


def _flow_log(r: PlannedResource, ctx: _Context) -> _Mapped:
    out = _Mapped()
    destination = _known(r.inputs.get("logDestinationType")) or "cloud-watch-logs"
    out.charges.append(
        _Charge(
            f"flow log delivery to {destination}",
            None,
            0,
            "GB",
            "usage",
            reason="flow logs are billed as vended-log ingestion at the destination; vended-log rates are not in "
            "the price table",
        )
    )
    return out


def _ipam(r: PlannedResource, ctx: _Context) -> _Mapped | str:
    if _known(r.inputs.get("tier")) == "free":
        return "the IPAM Free tier has no charge"
    out = _Mapped()
    out.charges.append(
        _Charge(
            "IPAM Advanced tier",
            None,
            0,
            "hour",
            "usage",
            reason="IPAM Advanced tier is billed per active IP address-hour; that rate is not in the price table",
        )
    )
    return out


_AZURE_REDUNDANCY: Final[Mapping[str, str]] = {
    "LRS": "LRS",
    "ZRS": "ZRS",
    "GRS": "GRS",
    "RAGRS": "RA-GRS",
    "GZRS": "GZRS",
    "RAGZRS": "RA-GZRS",
}


def _storage_account(r: PlannedResource, ctx: _Context) -> _Mapped:
    out = _Mapped()
    region = _known(r.inputs.get("location")) or ctx.region
    sku = r.inputs.get("sku")
    name = _known(sku.get("name")) if isinstance(sku, Mapping) else None
    tier, _, redundancy_code = str(name or "").partition("_")
    redundancy = _AZURE_REDUNDANCY.get(redundancy_code)
    if name is None or redundancy is None:
        out.charges.append(
            _Charge(
                "storage account", None, 0, "GB-month", "usage", reason=f"sku.name {name!r} unknown or not understood"
            )
        )
        return out
    access = "premium" if tier == "Premium" else "hot"
    slug = f"{access}-{redundancy.lower()}"
    stored = ctx.qty("azure_storage.stored_gb")
    out.charges += [
        _Charge(
            f"{redundancy} {access} data stored",
            f"azure/{region}/storage/{slug}/data-stored",
            stored,
            "GB-month",
            "usage",
            ctx.says("azure_storage.stored_gb"),
        ),
        _Charge(
            f"{redundancy} {access} write operations",
            f"azure/{region}/storage/{slug}/write-operations",
            ctx.qty("azure_storage.write_ops") / 10_000,
            "10K operations",
            "usage",
            ctx.says("azure_storage.write_ops"),
        ),
        _Charge(
            f"{access} read operations",
            f"azure/{region}/storage/{access}/read-operations",
            ctx.qty("azure_storage.read_ops") / 10_000,
            "10K operations",
            "usage",
            ctx.says("azure_storage.read_ops"),
        ),
    ]
    meter = f"{'Premium' if access == 'premium' else 'Hot'} {redundancy} Data Stored"
    out.usage.append(
        _record(
            ctx,
            "Storage",
            meter,
            stored,
            "GB-Mo",
            r,
            ctx.says("azure_storage.stored_gb"),
            region=str(region) if region else None,
        )
    )
    return out


def _postgres_flexible(r: PlannedResource, ctx: _Context) -> _Mapped:
    out = _Mapped()
    region = _known(r.inputs.get("location")) or ctx.region
    sku = r.inputs.get("sku")
    name = _known(sku.get("name")) if isinstance(sku, Mapping) else None
    if name is None:
        out.charges.append(_Charge("server compute", None, ctx.hours, "hour", "fixed", reason="sku.name unknown"))
    else:
        out.charges.append(
            _Charge(
                f"{name} compute, {ctx.hours:g} h",
                f"azure/{region}/postgres-flexible/{name}/compute",
                ctx.hours,
                "hour",
                "fixed",
            )
        )
        out.usage.append(
            _record(
                ctx,
                "Azure Database for PostgreSQL",
                f"Compute:{name}",
                ctx.hours,
                "Hrs",
                r,
                region=str(region) if region else None,
            )
        )
    storage = r.inputs.get("storage")
    size = _known(storage.get("storageSizeGB")) if isinstance(storage, Mapping) else None
    if size is None:
        out.charges.append(
            _Charge("server storage", None, 0, "GB-month", "fixed", reason="storage.storageSizeGB unknown at plan time")
        )
    else:
        out.charges.append(
            _Charge(
                f"storage {float(size):g} GB",
                f"azure/{region}/postgres-flexible/storage",
                float(size),
                "GB-month",
                "fixed",
            )
        )
        out.usage.append(
            _record(
                ctx,
                "Azure Database for PostgreSQL",
                "Storage Data Stored",
                float(size),
                "GB-Mo",
                r,
                region=str(region) if region else None,
            )
        )
    return out


_Handler = Callable[[PlannedResource, _Context], "_Mapped | str"]

#: Resource types the estimator prices, by Pulumi type token.
_HANDLERS: Final[Mapping[str, _Handler]] = {
    "aws:rds/instance:Instance": _rds_instance,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:cloudfront/distribution:Distribution": _cloudfront,
    "aws:kms/key:Key": _kms_key,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": _tgw_attachment,
    "aws:ec2/flowLog:FlowLog": _flow_log,
    "aws:ec2/vpcIpam:VpcIpam": _ipam,
    "azure-native:storage:StorageAccount": _storage_account,
    "azure-native:dbforpostgresql:Server": _postgres_flexible,
}


def _stack_region(plan: StackPlan) -> str | None:
    region = plan.metadata.get("region")
    if isinstance(region, str) and region:
        return region
    for resource in plan.resources:
        if resource.type in ("pulumi:providers:aws", "pulumi:providers:azure-native"):
            for key in ("region", "location"):
                value = _known(resource.inputs.get(key))
                if isinstance(value, str) and value:
                    return value
    return None


def _stack_cloud(plan: StackPlan) -> Cloud:
    cloud = plan.metadata.get("cloud")
    if cloud in ("aws", "azure"):
        return cloud  # type: ignore[no-any-return]
    azure = sum(1 for r in plan.managed() if r.type.startswith("azure-native:"))
    aws = sum(1 for r in plan.managed() if r.type.startswith("aws:"))
    return "azure" if azure > aws else "aws"


def _budget(plan: StackPlan) -> float | None:
    value = plan.metadata.get("monthly_budget_gbp")
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _map_resource(resource: PlannedResource, ctx: _Context) -> _Mapped | str | None:
    """The resource's charges and usage; a string when it carries no charge; None when unknown."""
    if resource.type in NO_CHARGE_TYPES:
        return NO_CHARGE_TYPES[resource.type]
    handler = _HANDLERS.get(resource.type)
    return None if handler is None else handler(resource, ctx)


def _unmapped_record(resource: PlannedResource, ctx: _Context) -> UsageRecord:
    # The service is the provider module of the type token: aws:ec2/flowLog:FlowLog -> aws:ec2.
    service = resource.type.rsplit(":", 1)[0].split("/")[0]
    return _record(ctx, service, f"{UNMAPPED_PREFIX}{resource.type}", 1, "resource", resource)


def _context(plan: StackPlan, hours: float, usage: Mapping[str, float] | None) -> _Context:
    assumptions = dict(DEFAULT_USAGE)
    for key, quantity in (usage or {}).items():
        if key not in assumptions:
            raise KeyError(f"unknown usage key {key!r}; known: {', '.join(sorted(assumptions))}")
        base = assumptions[key]
        assumptions[key] = UsageAssumption(float(quantity), base.unit, base.template)
    return _Context(cloud=_stack_cloud(plan), region=_stack_region(plan), hours=hours, usage=assumptions)


def _billable(plan: StackPlan) -> list[PlannedResource]:
    """Custom resources a deployment creates (components and providers are not cloud resources)."""
    return [r for r in plan.managed() if r.custom and not r.type.startswith("pulumi:providers:")]


def plan_usage_records(
    plan: StackPlan, *, hours_per_month: float, usage: Mapping[str, float] | None = None
) -> list[UsageRecord]:
    """The carbon-relevant usage of everything ``plan`` would create, one month of it: what
    `estimate_plan` feeds the carbon method, for reports that group it by tag or service."""
    ctx = _context(plan, hours_per_month, usage)
    records: list[UsageRecord] = []
    for resource in _billable(plan):
        mapped = _map_resource(resource, ctx)
        if isinstance(mapped, str):
            continue
        # A resource with no usage for the method still gets a line, so it is listed as not estimated.
        records.extend(mapped.usage if mapped is not None and mapped.usage else [_unmapped_record(resource, ctx)])
    return records


def estimate_plan(
    plan: StackPlan,
    *,
    prices: PriceTable | None = None,
    coefficients: Coefficients | None = None,
    usage: Mapping[str, float] | None = None,
) -> StackEstimate:
    """Monthly cost (GBP) and carbon (kgCO2e) of everything ``plan`` would create.

    ``usage`` overrides `DEFAULT_USAGE` quantities by key (e.g. ``{"s3.storage_gb": 500}``).
    """
    table = prices or load_price_table()
    coeffs = coefficients or load_coefficients()
    ctx = _context(plan, table.hours_per_month, usage)
    estimate = StackEstimate(
        stack=plan.name,
        cloud=ctx.cloud,
        region=ctx.region,
        line_items=[],
        unpriced=[],
        no_charge=[],
        carbon_lines=[],
        budget_gbp=_budget(plan),
        price_table_version=table.version,
        prices_as_of=table.as_of.isoformat(),
        usd_per_gbp=table.usd_per_gbp,
        fx=table.fx,
        coefficients_version=coeffs.version,
    )
    for resource in _billable(plan):
        mapped = _map_resource(resource, ctx)
        if isinstance(mapped, str):
            estimate.no_charge.append(NoChargeItem(resource.urn, resource.name, resource.type, mapped))
            continue
        if mapped is None:
            estimate.unpriced.append(
                UnpricedItem(
                    resource.urn,
                    resource.name,
                    resource.type,
                    "the resource",
                    "unknown",
                    "resource type not in the estimator's price mapping",
                )
            )
            estimate.carbon_lines.append(estimate_usage(_unmapped_record(resource, ctx), coeffs))
            continue
        for charge in mapped.charges:
            _price(estimate, table, resource, charge, ctx.region)
        for record in mapped.usage or [_unmapped_record(resource, ctx)]:
            estimate.carbon_lines.append(estimate_usage(record, coeffs))
    estimate.assumptions = {key: a.description for key, a in ctx.usage.items()}
    return estimate


def _price(
    estimate: StackEstimate, table: PriceTable, resource: PlannedResource, charge: _Charge, region: str | None
) -> None:
    def unpriced(reason: str) -> None:
        estimate.unpriced.append(
            UnpricedItem(resource.urn, resource.name, resource.type, charge.what, charge.kind, reason, charge.row_id)
        )

    if charge.reason is not None:
        unpriced(charge.reason)
        return
    if charge.row_id is None or (region is None and "/None/" in charge.row_id):
        unpriced("region unknown: the stack names no region")
        return
    row = table.get(charge.row_id)
    if row is None:
        unpriced(table.why_missing(charge.row_id))
        return
    if row.unit != charge.unit:
        unpriced(f"price row {row.id} is per {row.unit}, the charge is per {charge.unit}")
        return
    amount = charge.quantity * row.unit_price
    estimate.line_items.append(
        LineItem(
            urn=resource.urn,
            name=resource.name,
            type=resource.type,
            priced=charge.what,
            quantity=charge.quantity,
            unit=charge.unit,
            unit_price=row.unit_price,
            currency=row.currency,
            monthly_gbp=table.to_gbp(amount, row.currency),
            kind=charge.kind,
            assumption=charge.assumption,
            price_row=row.id,
            source=table.source_summary(row),
        )
    )


def estimate_summary(est: StackEstimate) -> str:
    """One line for consoles and HTML headers, e.g. for `lz plan`'s per-stack summary."""
    parts = [
        f"£{est.total_gbp:,.2f}/month (fixed £{est.fixed_gbp:,.2f}, usage-based £{est.usage_gbp:,.2f} at default usage)"
    ]
    if est.unpriced:
        parts.append(f"{len(est.unpriced)} item{'s' if len(est.unpriced) != 1 else ''} unpriced, so at least this")
    if est.budget_gbp is not None:
        verdict = "OVER BUDGET" if est.over_budget else "within budget"
        parts.append(f"budget £{est.budget_gbp:,.2f}: {verdict}")
    parts.append(f"{est.kgco2e:,.2f} kgCO2e/month")
    return "; ".join(parts)


def estimate_to_json(est: StackEstimate) -> dict[str, Any]:
    """The documented JSON shape of a `StackEstimate` (``lz plan --json`` embeds it per stack)."""
    estimated = [line for line in est.carbon_lines if line.status == "estimated"]
    return {
        "stack": est.stack,
        "cloud": est.cloud,
        "region": est.region,
        "currency": "GBP",
        "price_table": {"version": est.price_table_version, "as_of": est.prices_as_of},
        "fx": {"usd_per_gbp": est.usd_per_gbp, "period": est.fx.get("period"), "source": est.fx.get("source")},
        "basis": "list prices, on demand, excluding VAT, discounts and free tiers",
        "line_items": [item.to_json() for item in est.line_items],
        "unpriced": [item.to_json() for item in est.unpriced],
        "no_charge": [item.to_json() for item in est.no_charge],
        "totals": {
            "fixed_gbp": round(est.fixed_gbp, 6),
            "usage_gbp": round(est.usage_gbp, 6),
            "total_gbp": round(est.total_gbp, 6),
            "unpriced_count": len(est.unpriced),
            "complete": not est.unpriced,
        },
        "budget_gbp": est.budget_gbp,
        "over_budget": est.over_budget,
        "assumptions": dict(est.assumptions),
        "carbon": {
            "coefficients_version": est.coefficients_version,
            "kgco2e_month": round(est.kgco2e, 6),
            "operational_kgco2e": round(est.operational_kgco2e, 6),
            "embodied_kgco2e": round(est.embodied_kgco2e, 6),
            "lines": [line.to_json() for line in estimated],
            "not_estimated": [line.to_json() for line in est.carbon_lines if line.status != "estimated"],
        },
    }
