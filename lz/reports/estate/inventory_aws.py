"""Every resource in an AWS organisation, found by listing each service rather than by tags alone.

The Resource Groups Tagging API only knows resources that are (or were) tagged, so it cannot find
shadow IT, which is exactly the untagged kind. Each supported resource type therefore has a small
*lister* in `LISTERS`: one function, registered with the IAM actions it calls, that pages through
the service's own List/Describe API with a boto3 paginator. The Tagging API (`tag:GetResources`,
all pages, per region) then serves two purposes: it supplies tags for the services whose listings
do not carry them (one call per 100 resources instead of one per resource), and it adds tagged
resources of types no lister covers (NAT gateways, route tables, ...).

Accounts come from Organizations `ListAccounts` (every page); member accounts are read through a
read-only role assumed with STS, the caller's own account with the caller's credentials. Every call
goes through `lz.reports.retry.call_with_retries`: throttling and 5xx errors are retried with
backoff (also in the middle of a pagination: the retry sits beneath the paginator, see
`RetryingClient._paginator`), expired credentials stop the whole run (`ExpiredCredentialsError`), and
anything else that fails becomes a gap naming the account, region and service, so a report is
never silently partial.

Not listed on purpose, because AWS creates them and the council neither can nor should manage
them: the default VPC and its default subnets, each VPC's `default` security group, AWS-managed KMS
keys, service-linked roles (`/aws-service-role/`) and IAM Identity Center roles (`/aws-reserved/`).
Terminated instances, deleted volumes and keys pending deletion are gone for this purpose.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from lz.regions import UK_REGIONS
from lz.reports.estate.model import CloudResource, Gap, Scope
from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries

__all__ = [
    "LISTERS",
    "TAGGING_ACTIONS",
    "AwsInventory",
    "Lister",
    "RetryingClient",
    "arn_resource_id",
    "arn_type",
    "inventory_aws",
    "normalise_arn",
    "read_aws_estate",
]

T = TypeVar("T")
Sleep = Callable[[float], Any]
Progress = Callable[[str], None]

#: The session name member-account roles see in CloudTrail for this report's reads.
ROLE_SESSION_NAME: Final = "lz-estate-report"

#: Attempts counted by `call_with_retries` only; botocore's own retries are switched off so that
#: waits are not multiplied and tests can inject `sleep`.
CLIENT_CONFIG: Final = Config(
    retries={"total_max_attempts": 1, "mode": "standard"},
    user_agent_extra="lz-estate-report",
    connect_timeout=10,
    read_timeout=60,
)

#: IAM actions the inventory calls outside the listers, per account (see `required_actions`).
TAGGING_ACTIONS: Final[tuple[str, ...]] = ("tag:GetResources",)

#: Account states Organizations reports for accounts that can still be read.
_ACTIVE: Final = "ACTIVE"

#: Resource types of these ARN services have no type word in the ARN's resource part.
_BARE_ARN_TYPES: Final[Mapping[str, str]] = {"s3": "bucket", "sqs": "queue", "sns": "topic"}


def normalise_arn(arn: str) -> str:
    """The ARN without the `:*` that CloudWatch Logs appends to log-group ARNs in some APIs."""
    return arn[:-2] if arn.endswith(":*") else arn


def arn_type(arn: str) -> str:
    """`service:resource-type` of an ARN, spelt as the listers and the Tagging API spell it.

    `arn:aws:ec2:eu-west-2:1:instance/i-1` -> `ec2:instance`; S3, SQS and SNS ARNs carry no type
    word (`arn:aws:sqs:eu-west-2:1:jobs` -> `sqs:queue`). Classic load balancers get their own type
    so they are not mistaken for the v2 ones the ELBv2 lister reads.
    """
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "unknown"
    service, resource = parts[2], parts[5]
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    if cut < 0:
        if service == "sns" or service in _BARE_ARN_TYPES:
            return f"{service}:{_BARE_ARN_TYPES.get(service, service)}"
        return f"{service}:{service}"
    if service == "sns":  # topic ARNs have no separator; subscriptions are topic:uuid
        return "sns:subscription"
    word = resource[:cut]
    if service == "elasticloadbalancing" and word == "loadbalancer":
        kind = resource.split("/")[1] if resource.count("/") >= 2 else ""
        if kind not in ("app", "net", "gwy"):
            return "elasticloadbalancing:classic-loadbalancer"
    return f"{service}:{word}"


def arn_resource_id(arn: str) -> str:
    """The part of an ARN's resource after its type word (`instance/i-1` -> `i-1`)."""
    resource = arn.split(":", 5)[-1]
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    return resource if cut < 0 else resource[cut + 1 :]


def _arn_field(arn: str, index: int) -> str:
    parts = arn.split(":", 5)
    return parts[index] if len(parts) == 6 else ""


def _tag_dict(pairs: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """Tags from the `[{"Key": k, "Value": v}]` shape most AWS APIs use (None -> {})."""
    return {str(p[key]): str(p.get(value, "")) for p in pairs or ()}


def _name_tag(tags: Mapping[str, str], default: str) -> str:
    return tags.get("Name") or default


class RetryingClient:
    """A boto3 client whose calls (including each page a paginator fetches) are retried."""

    def __init__(self, raw: Any, service: str, sleep: Sleep) -> None:
        self.raw = raw
        self.service = service
        self._sleep = sleep
        self._originals: dict[str, Any] = {}

    def _what(self, op: str) -> str:
        return f"{self.service} {self.raw.meta.method_to_api_mapping.get(op, op)}"

    def call(self, op: str, **kwargs: Any) -> Any:
        """One API call with retries."""
        method = self._originals.get(op) or getattr(self.raw, op)
        return call_with_retries(lambda: method(**kwargs), what=self._what(op), sleep=self._sleep)

    def guarded(self, fn: Callable[[], T], what: str) -> T:
        """`fn()` with retries, for calls that need their own error handling inside."""
        return call_with_retries(fn, what=f"{self.service} {what}", sleep=self._sleep)

    def _paginator(self, op: str) -> Any:
        # A boto3 page iterator is a generator: once a page request raises, the iteration is over
        # and cannot be resumed. So retries must happen beneath it, in the call it makes for each
        # page. `get_paginator` looks the operation up on the client instance, so this client
        # (ours alone, never shared) gets a retrying method for `op` first.
        if op not in self._originals:
            original = getattr(self.raw, op)
            self._originals[op] = original
            what = self._what(op)
            sleep = self._sleep

            def retrying(**kwargs: Any) -> Any:
                return call_with_retries(lambda: original(**kwargs), what=what, sleep=sleep)

            setattr(self.raw, op, retrying)
        return self.raw.get_paginator(op)

    def pages(self, op: str, **kwargs: Any) -> Iterator[Any]:
        """Every page of a paginated operation, each page fetched with retries."""
        yield from self._paginator(op).paginate(**kwargs)

    def items(self, op: str, key: str, **kwargs: Any) -> Iterator[Any]:
        """Every item under `key` (dotted for nested keys) across all pages."""
        path = key.split(".")
        for page in self.pages(op, **kwargs):
            value: Any = page
            for part in path:
                value = value.get(part) if isinstance(value, Mapping) else None
            yield from value or ()


@dataclass
class ListContext:
    """What a lister gets: where it is, clients, and the region's tags from the Tagging API."""

    account: str
    region: str
    partition: str
    session: Any
    sleep: Sleep
    #: ARN -> tags from `tag:GetResources` for each region read so far (only regions where it worked).
    tagged: dict[str, dict[str, Mapping[str, str]]] = field(default_factory=dict)
    #: Gaps a lister records without giving up (a part it could not read while the rest was read).
    gaps: list[str] = field(default_factory=list)
    _clients: dict[tuple[str, str], RetryingClient] = field(default_factory=dict)

    def client(self, service: str, region: str | None = None) -> RetryingClient:
        key = (service, region or self.region)
        if key not in self._clients:
            raw = self.session.client(service, region_name=key[1], config=CLIENT_CONFIG)
            self._clients[key] = RetryingClient(raw, service, self.sleep)
        return self._clients[key]

    def arn(self, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
        where = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{where}:{self.account if account is None else account}:{resource}"

    def resource(
        self, type_: str, *, id_: str, arn: str, name: str, tags: Mapping[str, str], region: str | None = None
    ) -> CloudResource:
        return CloudResource(
            cloud="aws",
            account=self.account,
            region=self.region if region is None else region,
            type=type_,
            id=id_,
            arn_or_id=normalise_arn(arn),
            name=name,
            tags=tags,
        )

    def tags_via_api(
        self, arn: str, fetch: Callable[[], Mapping[str, str]], region: str | None = None
    ) -> Mapping[str, str]:
        """Tags from the region's Tagging API result; a resource it does not list has never been
        tagged, so `{}`. Where the Tagging API could not be read, `fetch` asks the service itself."""
        found = self.tagged.get(region or self.region)
        if found is None:
            return fetch()
        return found.get(normalise_arn(arn), {})


ListerFn = Callable[[ListContext], Iterator[CloudResource]]


@dataclass(frozen=True)
class Lister:
    """One resource type: how to list it, with which IAM actions, once per region or per account."""

    type: str
    """Required. The resource type it yields, `service:resource` (`sqs:queue`)."""
    service: str
    """Required. The boto3 client name (also the service named in gaps)."""
    actions: tuple[str, ...]
    """Required. Every IAM action the lister may call (the member role's policy is built from these)."""
    scope: Literal["region", "account"]
    """Required. `region`: called in each region; `account`: once per account (global services)."""
    fn: ListerFn
    """Required. The function that yields the resources."""


LISTERS: dict[str, Lister] = {}


def lister(
    type_: str, *, service: str, actions: tuple[str, ...], scope: Literal["region", "account"] = "region"
) -> Callable[[ListerFn], ListerFn]:
    """Register a lister for `type_` in `LISTERS` (one per type)."""

    def register(fn: ListerFn) -> ListerFn:
        if type_ in LISTERS:
            raise ValueError(f"a lister for {type_} is already registered")
        LISTERS[type_] = Lister(type=type_, service=service, actions=actions, scope=scope, fn=fn)
        return fn

    return register


def required_actions() -> list[str]:
    """Every IAM action the inventory calls in a member account, sorted (for the role's policy)."""
    actions = set(TAGGING_ACTIONS)
    for entry in LISTERS.values():
        actions.update(entry.actions)
    return sorted(actions)


# --- listers ---------------------------------------------------------------------------------------


def _bucket_region(client: RetryingClient, bucket: str) -> str:
    location = client.call("get_bucket_location", Bucket=bucket).get("LocationConstraint")
    # S3 reports us-east-1 as no constraint and the oldest eu-west-1 buckets as "EU".
    return str({None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location))


def _bucket_tags(client: RetryingClient, bucket: str) -> dict[str, str]:
    def read() -> dict[str, str]:
        try:
            return _tag_dict(client.raw.get_bucket_tagging(Bucket=bucket).get("TagSet"))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchTagSet":
                return {}
            raise

    return client.guarded(read, f"GetBucketTagging {bucket}")


@lister(
    "s3:bucket",
    service="s3",
    actions=("s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging"),
    scope="account",
)
def _s3_buckets(ctx: ListContext) -> Iterator[CloudResource]:
    # ListBuckets is global: every bucket of the account, whatever its region, is listed (a bucket
    # outside the allowed regions is exactly what an auditor wants to see).
    s3 = ctx.client("s3")
    # Unpaginated ListBuckets is refused for accounts allowed more than 10,000 buckets; a page size
    # makes S3 send a ContinuationToken when there are more.
    for bucket in s3.items("list_buckets", "Buckets", PaginationConfig={"PageSize": 10_000}):
        name = bucket["Name"]
        region = bucket.get("BucketRegion") or _bucket_region(s3, name)
        arn = f"arn:{ctx.partition}:s3:::{name}"
        try:
            tags = ctx.tags_via_api(arn, functools.partial(_bucket_tags, s3, name), region=region)
        except ExpiredCredentialsError:
            raise
        except ReportSourceError as error:
            # One bucket's tags out of reach (a region-deny SCP, a bucket policy) must not hide the
            # account's other buckets: the bucket is listed, and the gap says its tags are unknown.
            ctx.gaps.append(
                Gap(
                    "aws",
                    account=ctx.account,
                    region=region,
                    service="s3",
                    reason=f"tags of bucket {name} not read: {error}",
                )
            )
            tags = {}
        yield ctx.resource("s3:bucket", id_=name, arn=arn, name=name, tags=tags, region=region)


@lister("ec2:instance", service="ec2", actions=("ec2:DescribeInstances",))
def _ec2_instances(ctx: ListContext) -> Iterator[CloudResource]:
    for reservation in ctx.client("ec2").items("describe_instances", "Reservations"):
        for instance in reservation.get("Instances", ()):
            if instance.get("State", {}).get("Name") == "terminated":
                continue
            iid = instance["InstanceId"]
            tags = _tag_dict(instance.get("Tags"))
            arn = ctx.arn("ec2", f"instance/{iid}")
            yield ctx.resource("ec2:instance", id_=iid, arn=arn, name=_name_tag(tags, iid), tags=tags)


@lister("ec2:volume", service="ec2", actions=("ec2:DescribeVolumes",))
def _ebs_volumes(ctx: ListContext) -> Iterator[CloudResource]:
    for volume in ctx.client("ec2").items("describe_volumes", "Volumes"):
        if volume.get("State") == "deleted":
            continue
        vid = volume["VolumeId"]
        tags = _tag_dict(volume.get("Tags"))
        yield ctx.resource(
            "ec2:volume", id_=vid, arn=ctx.arn("ec2", f"volume/{vid}"), name=_name_tag(tags, vid), tags=tags
        )


@lister("ec2:vpc", service="ec2", actions=("ec2:DescribeVpcs",))
def _vpcs(ctx: ListContext) -> Iterator[CloudResource]:
    for vpc in ctx.client("ec2").items("describe_vpcs", "Vpcs"):
        if vpc.get("IsDefault"):
            continue
        vid = vpc["VpcId"]
        tags = _tag_dict(vpc.get("Tags"))
        arn = ctx.arn("ec2", f"vpc/{vid}", account=vpc.get("OwnerId") or ctx.account)
        yield ctx.resource("ec2:vpc", id_=vid, arn=arn, name=_name_tag(tags, vid), tags=tags)


@lister("ec2:subnet", service="ec2", actions=("ec2:DescribeSubnets",))
def _subnets(ctx: ListContext) -> Iterator[CloudResource]:
    for subnet in ctx.client("ec2").items("describe_subnets", "Subnets"):
        if subnet.get("DefaultForAz"):
            continue
        sid = subnet["SubnetId"]
        tags = _tag_dict(subnet.get("Tags"))
        arn = subnet.get("SubnetArn") or ctx.arn("ec2", f"subnet/{sid}")
        yield ctx.resource("ec2:subnet", id_=sid, arn=arn, name=_name_tag(tags, sid), tags=tags)


@lister("ec2:security-group", service="ec2", actions=("ec2:DescribeSecurityGroups",))
def _security_groups(ctx: ListContext) -> Iterator[CloudResource]:
    for group in ctx.client("ec2").items("describe_security_groups", "SecurityGroups"):
        if group.get("GroupName") == "default":  # created with every VPC; cannot be deleted
            continue
        gid = group["GroupId"]
        tags = _tag_dict(group.get("Tags"))
        arn = group.get("SecurityGroupArn") or ctx.arn("ec2", f"security-group/{gid}")
        yield ctx.resource("ec2:security-group", id_=gid, arn=arn, name=group.get("GroupName") or gid, tags=tags)


@lister("rds:db", service="rds", actions=("rds:DescribeDBInstances",))
def _rds_instances(ctx: ListContext) -> Iterator[CloudResource]:
    for db in ctx.client("rds").items("describe_db_instances", "DBInstances"):
        ident = db["DBInstanceIdentifier"]
        arn = db.get("DBInstanceArn") or ctx.arn("rds", f"db:{ident}")
        yield ctx.resource("rds:db", id_=ident, arn=arn, name=ident, tags=_tag_dict(db.get("TagList")))


@lister("rds:cluster", service="rds", actions=("rds:DescribeDBClusters",))
def _rds_clusters(ctx: ListContext) -> Iterator[CloudResource]:
    for cluster in ctx.client("rds").items("describe_db_clusters", "DBClusters"):
        ident = cluster["DBClusterIdentifier"]
        arn = cluster.get("DBClusterArn") or ctx.arn("rds", f"cluster:{ident}")
        yield ctx.resource("rds:cluster", id_=ident, arn=arn, name=ident, tags=_tag_dict(cluster.get("TagList")))


@lister("lambda:function", service="lambda", actions=("lambda:ListFunctions", "lambda:ListTags"))
def _lambda_functions(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("lambda")
    for function in client.items("list_functions", "Functions"):
        arn = function["FunctionArn"]

        def fetch(arn: str = arn) -> dict[str, str]:
            return dict(client.call("list_tags", Resource=arn).get("Tags") or {})

        tags = ctx.tags_via_api(arn, fetch)
        name = function["FunctionName"]
        yield ctx.resource("lambda:function", id_=name, arn=arn, name=name, tags=tags)


@lister("dynamodb:table", service="dynamodb", actions=("dynamodb:ListTables", "dynamodb:ListTagsOfResource"))
def _dynamodb_tables(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("dynamodb")
    for name in client.items("list_tables", "TableNames"):
        arn = ctx.arn("dynamodb", f"table/{name}")

        def fetch(arn: str = arn) -> dict[str, str]:
            return _tag_dict(client.items("list_tags_of_resource", "Tags", ResourceArn=arn))

        yield ctx.resource("dynamodb:table", id_=name, arn=arn, name=name, tags=ctx.tags_via_api(arn, fetch))


@lister("sqs:queue", service="sqs", actions=("sqs:ListQueues", "sqs:ListQueueTags"))
def _sqs_queues(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("sqs")
    # ListQueues answers at most 1,000 queues and a NextToken only when MaxResults is sent.
    for url in client.items("list_queues", "QueueUrls", PaginationConfig={"PageSize": 1000}):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        arn = ctx.arn("sqs", name)

        def fetch(url: str = url) -> dict[str, str]:
            return dict(client.call("list_queue_tags", QueueUrl=url).get("Tags") or {})

        tags = ctx.tags_via_api(arn, fetch)
        yield ctx.resource("sqs:queue", id_=url, arn=arn, name=name, tags=tags)


@lister("sns:topic", service="sns", actions=("sns:ListTopics", "sns:ListTagsForResource"))
def _sns_topics(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("sns")
    for topic in client.items("list_topics", "Topics"):
        arn = topic["TopicArn"]

        def fetch(arn: str = arn) -> dict[str, str]:
            return _tag_dict(client.call("list_tags_for_resource", ResourceArn=arn).get("Tags"))

        name = arn.rsplit(":", 1)[-1]
        yield ctx.resource("sns:topic", id_=arn, arn=arn, name=name, tags=ctx.tags_via_api(arn, fetch))


@lister(
    "kms:key",
    service="kms",
    actions=("kms:ListKeys", "kms:ListAliases", "kms:DescribeKey", "kms:ListResourceTags"),
)
def _kms_keys(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("kms")
    aliases: dict[str, str] = {}
    aws_managed: set[str] = set()
    for alias in client.items("list_aliases", "Aliases"):
        target = alias.get("TargetKeyId")
        if not target:
            continue
        if alias["AliasName"].startswith("alias/aws/"):
            aws_managed.add(target)
        else:
            aliases.setdefault(target, alias["AliasName"])
    for key in client.items("list_keys", "Keys"):
        kid = key["KeyId"]
        if kid in aws_managed:  # known from its alias: saves a DescribeKey per AWS-managed key
            continue
        meta = client.call("describe_key", KeyId=kid)["KeyMetadata"]
        if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") in (
            "PendingDeletion",
            "PendingReplicaDeletion",
        ):
            continue
        arn = key.get("KeyArn") or meta.get("Arn") or ctx.arn("kms", f"key/{kid}")

        def fetch(kid: str = kid) -> dict[str, str]:
            pairs = client.items("list_resource_tags", "Tags", KeyId=kid)
            return _tag_dict(pairs, key="TagKey", value="TagValue")

        yield ctx.resource("kms:key", id_=kid, arn=arn, name=aliases.get(kid, kid), tags=ctx.tags_via_api(arn, fetch))


@lister(
    "cloudfront:distribution",
    service="cloudfront",
    actions=("cloudfront:ListDistributions", "cloudfront:ListTagsForResource"),
    scope="account",
)
def _cloudfront_distributions(ctx: ListContext) -> Iterator[CloudResource]:
    # Global: the Tagging API only returns distributions in us-east-1, which may not be read, so
    # tags come from CloudFront itself (accounts have few distributions).
    client = ctx.client("cloudfront")
    for dist in client.items("list_distributions", "DistributionList.Items"):
        arn = dist["ARN"]
        tags = _tag_dict(client.call("list_tags_for_resource", Resource=arn).get("Tags", {}).get("Items"))
        name = dist.get("Comment") or dist.get("DomainName") or dist["Id"]
        yield ctx.resource("cloudfront:distribution", id_=dist["Id"], arn=arn, name=name, tags=tags, region="global")


@lister(
    "elasticloadbalancing:loadbalancer",
    service="elbv2",
    actions=("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags"),
)
def _load_balancers(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("elbv2")
    balancers = list(client.items("describe_load_balancers", "LoadBalancers"))
    tags: dict[str, dict[str, str]] = {}
    for start in range(0, len(balancers), 20):  # DescribeTags takes at most 20 ARNs
        batch = [lb["LoadBalancerArn"] for lb in balancers[start : start + 20]]
        for described in client.call("describe_tags", ResourceArns=batch).get("TagDescriptions", ()):
            tags[described["ResourceArn"]] = _tag_dict(described.get("Tags"))
    for lb in balancers:
        arn = lb["LoadBalancerArn"]
        name = lb["LoadBalancerName"]
        yield ctx.resource("elasticloadbalancing:loadbalancer", id_=arn, arn=arn, name=name, tags=tags.get(arn, {}))


@lister("elasticfilesystem:file-system", service="efs", actions=("elasticfilesystem:DescribeFileSystems",))
def _efs_file_systems(ctx: ListContext) -> Iterator[CloudResource]:
    for fs in ctx.client("efs").items("describe_file_systems", "FileSystems"):
        fid = fs["FileSystemId"]
        arn = fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fid}")
        tags = _tag_dict(fs.get("Tags"))
        yield ctx.resource("elasticfilesystem:file-system", id_=fid, arn=arn, name=fs.get("Name") or fid, tags=tags)


@lister("ecr:repository", service="ecr", actions=("ecr:DescribeRepositories", "ecr:ListTagsForResource"))
def _ecr_repositories(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("ecr")
    for repo in client.items("describe_repositories", "repositories"):
        arn = repo["repositoryArn"]
        tags = _tag_dict(client.call("list_tags_for_resource", resourceArn=arn).get("tags"))
        name = repo["repositoryName"]
        yield ctx.resource("ecr:repository", id_=name, arn=arn, name=name, tags=tags)


@lister("secretsmanager:secret", service="secretsmanager", actions=("secretsmanager:ListSecrets",))
def _secrets(ctx: ListContext) -> Iterator[CloudResource]:
    for secret in ctx.client("secretsmanager").items("list_secrets", "SecretList"):
        arn = secret["ARN"]
        tags = _tag_dict(secret.get("Tags"))
        yield ctx.resource("secretsmanager:secret", id_=arn, arn=arn, name=secret["Name"], tags=tags)


@lister("logs:log-group", service="logs", actions=("logs:DescribeLogGroups", "logs:ListTagsForResource"))
def _log_groups(ctx: ListContext) -> Iterator[CloudResource]:
    client = ctx.client("logs")
    for group in client.items("describe_log_groups", "logGroups"):
        name = group["logGroupName"]
        arn = normalise_arn(group.get("logGroupArn") or group.get("arn") or ctx.arn("logs", f"log-group:{name}"))

        def fetch(arn: str = arn) -> dict[str, str]:
            return dict(client.call("list_tags_for_resource", resourceArn=arn).get("tags") or {})

        yield ctx.resource("logs:log-group", id_=name, arn=arn, name=name, tags=ctx.tags_via_api(arn, fetch))


@lister("iam:role", service="iam", actions=("iam:ListRoles", "iam:ListRoleTags"), scope="account")
def _iam_roles(ctx: ListContext) -> Iterator[CloudResource]:
    # ListRoles does not return tags, and IAM is not in the Tagging API: one ListRoleTags per role.
    client = ctx.client("iam")
    for role in client.items("list_roles", "Roles"):
        if role.get("Path", "/").startswith(("/aws-service-role/", "/aws-reserved/")):
            continue
        name = role["RoleName"]
        tags = _tag_dict(client.items("list_role_tags", "Tags", RoleName=name))
        yield ctx.resource("iam:role", id_=name, arn=role["Arn"], name=name, tags=tags, region="global")


# --- the organisation walk -------------------------------------------------------------------------


@dataclass
class AwsInventory:
    """What one run read: the resources, the gaps, and the scope it set out to read."""

    resources: list[CloudResource] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    expired: ExpiredCredentialsError | None = None
    """Set when credentials expired: reading stopped there, and every account not finished is a gap."""

    def stop_expired(self, error: ExpiredCredentialsError, unread: Sequence[str | None]) -> None:
        """Record that credentials expired: a loud gap first, then a gap per account left unread."""
        self.expired = error
        first, *rest = unread or [None]
        self.gaps.append(Gap("aws", account=first, reason=f"CREDENTIALS EXPIRED, reading stopped: {error}"))
        for account in rest:
            self.gaps.append(Gap("aws", account=account, reason="not read: credentials expired earlier in the run"))

    accounts_complete: bool = True
    """False when the accounts were chosen (`account_ids`) rather than listed from Organizations."""

    @property
    def scope(self) -> Scope:
        return Scope(
            aws_accounts=tuple(self.accounts),
            aws_regions=tuple(self.regions),
            aws_accounts_complete=self.accounts_complete,
        )


def _loud(error: ExpiredCredentialsError, where: str) -> ExpiredCredentialsError:
    """The same error with the account and region in its text."""
    loud = ExpiredCredentialsError(
        f"AWS {where}: {error.what}", error.cause, attempts=error.attempts, reason=error.reason
    )
    return loud


def _list_accounts(session: Any, caller: str, region: str, sleep: Sleep, gaps: list[str]) -> list[str]:
    org = RetryingClient(
        session.client("organizations", region_name=region, config=CLIENT_CONFIG), "organizations", sleep
    )
    accounts: list[str] = []
    try:
        for account in org.items("list_accounts", "Accounts"):
            state = account.get("State") or account.get("Status") or _ACTIVE
            if state != _ACTIVE:
                gaps.append(Gap("aws", account=account["Id"], reason=f"account is {state} in Organizations; not read"))
                continue
            accounts.append(account["Id"])
    except ReportSourceError as error:
        if isinstance(error, ExpiredCredentialsError):
            raise
        code = getattr(error.cause, "response", {}).get("Error", {}).get("Code", "")
        if code == "AWSOrganizationsNotInUseException":
            return [caller]  # a standalone account: it is the whole estate
        gaps.append(
            Gap("aws", reason=f"cannot list the organisation's accounts ({error}); only account {caller} was read")
        )
        return [caller]
    if caller not in accounts:  # e.g. an organisation that lists no accounts to this caller
        accounts.insert(0, caller)
    return accounts


def _member_session(session: Any, role_arn: str, region: str, sleep: Sleep) -> Any:
    sts = RetryingClient(session.client("sts", region_name=region, config=CLIENT_CONFIG), "sts", sleep)
    creds = sts.call("assume_role", RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def _read_tagging_api(ctx: ListContext) -> dict[str, tuple[CloudResource | None, Mapping[str, str]]]:
    """ARN -> (resource for a type no lister covers, or None; its tags), one region, all pages."""
    found: dict[str, tuple[CloudResource | None, Mapping[str, str]]] = {}
    client = ctx.client("resourcegroupstaggingapi")
    for mapping in client.items("get_resources", "ResourceTagMappingList", ResourcesPerPage=100):
        arn = normalise_arn(mapping["ResourceARN"])
        tags = _tag_dict(mapping.get("Tags"))
        kind = arn_type(arn)
        extra = None
        if kind not in LISTERS:
            region = _arn_field(arn, 3) or ctx.region
            account = _arn_field(arn, 4) or ctx.account
            rid = arn_resource_id(arn)
            extra = CloudResource(
                cloud="aws",
                account=account,
                region=region,
                type=kind,
                id=rid,
                arn_or_id=arn,
                name=_name_tag(tags, rid),
                tags=tags,
            )
        found[arn] = (extra, tags)
    return found


def _run_lister(entry: Lister, ctx: ListContext, inventory: AwsInventory, where: str) -> None:
    try:
        for resource in entry.fn(ctx):
            inventory.resources.append(resource)
    except ExpiredCredentialsError as error:
        raise _loud(error, where) from error
    except ReportSourceError as error:
        region = None if entry.scope == "account" else ctx.region
        inventory.gaps.append(Gap("aws", account=ctx.account, region=region, service=entry.service, reason=str(error)))
    finally:
        inventory.gaps.extend(ctx.gaps)
        ctx.gaps.clear()


def _read_account(
    session: Any,
    account: str,
    partition: str,
    regions: Sequence[str],
    inventory: AwsInventory,
    sleep: Sleep,
    progress: Progress | None,
) -> None:
    seen_extra: set[str] = set()
    tagged: dict[str, dict[str, Mapping[str, str]]] = {}
    for region in regions:
        if progress:
            progress(f"AWS account {account} region {region}")
        ctx = ListContext(
            account=account, region=region, partition=partition, session=session, sleep=sleep, tagged=tagged
        )
        where = f"account {account} region {region}"
        try:
            found = _read_tagging_api(ctx)
        except ExpiredCredentialsError as error:
            raise _loud(error, where) from error
        except ReportSourceError as error:
            inventory.gaps.append(
                Gap(
                    "aws",
                    account=account,
                    region=region,
                    service="tag",
                    reason=f"{error}; resource types without a lister are missing and tags were read per resource",
                )
            )
        else:
            tagged[region] = {arn: tags for arn, (_extra, tags) in found.items()}
            for arn, (extra, _tags) in found.items():
                # Global services (S3 in moto, CloudFront) can appear in every region's answer.
                if extra is not None and arn not in seen_extra:
                    seen_extra.add(arn)
                    inventory.resources.append(extra)
        for entry in LISTERS.values():
            if entry.scope == "region":
                _run_lister(entry, ctx, inventory, where)
    # Global listers run last so that they can use every region's Tagging API answer.
    ctx = ListContext(
        account=account, region=regions[0], partition=partition, session=session, sleep=sleep, tagged=tagged
    )
    for entry in LISTERS.values():
        if entry.scope == "account":
            _run_lister(entry, ctx, inventory, f"account {account}")


def read_aws_estate(
    session: Any,
    *,
    regions: Sequence[str] | None = None,
    role_name: str | None,
    account_ids: Sequence[str] | None = None,
    sleep: Sleep = time.sleep,
    progress: Progress | None = None,
) -> AwsInventory:
    """Read every account (Organizations, or `account_ids`) in every region; see `inventory_aws`."""
    regions = list(regions or UK_REGIONS["aws"])
    inventory = AwsInventory(regions=regions)
    sts = RetryingClient(session.client("sts", region_name=regions[0], config=CLIENT_CONFIG), "sts", sleep)
    try:
        identity = sts.call("get_caller_identity")
    except ExpiredCredentialsError as error:
        inventory.stop_expired(_loud(error, "caller identity"), [])
        return inventory
    except ReportSourceError as error:
        inventory.gaps.append(Gap("aws", reason=f"cannot identify the caller ({error}); no AWS account was read"))
        return inventory
    caller = identity["Account"]
    partition = _arn_field(identity.get("Arn", ""), 1) or "aws"
    if account_ids:
        accounts = list(dict.fromkeys(account_ids))
        inventory.accounts_complete = False
    else:
        try:
            accounts = _list_accounts(session, caller, regions[0], sleep, inventory.gaps)
        except ExpiredCredentialsError as error:
            inventory.stop_expired(_loud(error, "organisation"), [])
            return inventory
    inventory.accounts = accounts
    for position, account in enumerate(accounts):
        if account == caller:
            account_session = session
        elif not role_name:
            inventory.gaps.append(
                Gap("aws", account=account, reason="not read: no --role-name to assume in member accounts")
            )
            continue
        else:
            role_arn = f"arn:{partition}:iam::{account}:role/{role_name}"
            try:
                account_session = _member_session(session, role_arn, regions[0], sleep)
            except ExpiredCredentialsError as error:
                inventory.stop_expired(_loud(error, f"account {account}"), accounts[position:])
                return inventory
            except ReportSourceError as error:
                inventory.gaps.append(Gap("aws", account=account, reason=f"cannot assume {role_arn}: {error}"))
                continue
        try:
            _read_account(account_session, account, partition, regions, inventory, sleep, progress)
        except ExpiredCredentialsError as error:
            # Every later call would fail the same way: stop, keep what was read, and say so.
            inventory.stop_expired(error, accounts[position:])
            return inventory
    return inventory


def inventory_aws(
    session: boto3.Session,
    *,
    regions: Sequence[str] | None = None,
    role_name: str | None,
    account_ids: Sequence[str] | None = None,
    sleep: Sleep = time.sleep,
    progress: Progress | None = None,
) -> tuple[list[CloudResource], list[str]]:
    """Every resource in every account and region: `(resources, gaps)`.

    Accounts are `account_ids`, or every ACTIVE account Organizations lists (all pages); the
    caller's own account is read with `session` itself, the others through
    `arn:<partition>:iam::<id>:role/<role_name>`. `regions` defaults to the UK regions. A gap is
    a `Gap` (a str) naming what could not be read and why. Expired or missing credentials raise
    `ExpiredCredentialsError` (naming the account, region and call) instead of returning: every
    later read would fail too. `read_aws_estate` returns what was read up to that point instead.
    """
    result = read_aws_estate(
        session, regions=regions, role_name=role_name, account_ids=account_ids, sleep=sleep, progress=progress
    )
    if result.expired is not None:
        raise result.expired
    return result.resources, result.gaps
