"""Cloud against state: managed, unmanaged ("shadow IT") or orphaned, and tag-compliant or not.

Matching, strongest key first:

1. AWS: the ARN (`outputs.arn` in state; `:*` stripped from log-group ARNs). Azure: the resource
   ID, compared case-insensitively (ARM IDs are case-insensitive and Resource Graph and the
   providers do not always agree on case, e.g. `resourceGroups` / `resourcegroups`).
2. AWS, when the state has no ARN: the provider ID (`id`), but only against resources of the type
   the Pulumi type token maps to (`AWS_STATE_TYPES`), or for resources the Tagging API found of a
   type no lister reads; and only when exactly one cloud resource has that ID, so a Lambda named
   `api` in two accounts is never matched by guesswork.

A state resource is an *orphan candidate* only if the inventory would have seen it: an AWS type in
`AWS_STATE_TYPES` (every lister has at least one), or a top-level, tracked Azure resource (an ID
`/subscriptions/../resourceGroups/../providers/<ns>/<type>/<name>` with a location, which is what
Resource Graph's `Resources` table holds). A candidate that was not found is reported as *not
checked* instead of orphaned when its account, region, service or subscription lies in a gap or
outside the scope that was read: a report never calls something deleted because it could not look.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from lz.reports.estate.inventory_aws import LISTERS, normalise_arn
from lz.reports.estate.model import STATUS_ORDER, CloudResource, Finding, Gap, Scope, Status
from lz.reports.estate.state import StateResource, stack_owners
from lz.tags import MANDATORY_TAG_KEYS, check_tag_value

__all__ = ["AWS_STATE_TYPES", "Classified", "Unchecked", "check_resource_tags", "classify", "owner_tag"]

#: Pulumi AWS type tokens and the inventory type (`service:resource`) each one is.
AWS_STATE_TYPES: Final[Mapping[str, str]] = {
    "aws:s3/bucket:Bucket": "s3:bucket",
    "aws:s3/bucketV2:BucketV2": "s3:bucket",
    "aws:ec2/instance:Instance": "ec2:instance",
    "aws:ebs/volume:Volume": "ec2:volume",
    "aws:ec2/vpc:Vpc": "ec2:vpc",
    "aws:ec2/subnet:Subnet": "ec2:subnet",
    "aws:ec2/securityGroup:SecurityGroup": "ec2:security-group",
    "aws:rds/instance:Instance": "rds:db",
    "aws:rds/cluster:Cluster": "rds:cluster",
    "aws:lambda/function:Function": "lambda:function",
    "aws:dynamodb/table:Table": "dynamodb:table",
    "aws:sqs/queue:Queue": "sqs:queue",
    "aws:sns/topic:Topic": "sns:topic",
    "aws:kms/key:Key": "kms:key",
    "aws:cloudfront/distribution:Distribution": "cloudfront:distribution",
    "aws:lb/loadBalancer:LoadBalancer": "elasticloadbalancing:loadbalancer",
    "aws:alb/loadBalancer:LoadBalancer": "elasticloadbalancing:loadbalancer",
    "aws:efs/fileSystem:FileSystem": "elasticfilesystem:file-system",
    "aws:ecr/repository:Repository": "ecr:repository",
    "aws:secretsmanager/secret:Secret": "secretsmanager:secret",
    "aws:cloudwatch/logGroup:LogGroup": "logs:log-group",
    "aws:iam/role:Role": "iam:role",
}

_AZURE_TOP_LEVEL: Final = re.compile(
    r"^/subscriptions/([^/]+)/resourcegroups/[^/]+/providers/([^/]+)/[^/]+/[^/]+$", re.IGNORECASE
)
#: Namespaces whose top-level-looking IDs are not in Resource Graph's `Resources` table.
_AZURE_NOT_IN_RESOURCES: Final = frozenset({"microsoft.authorization", "microsoft.resources", "microsoft.security"})


@dataclass(frozen=True)
class Unchecked:
    """A state resource the inventory could not have seen, so it is neither managed nor orphaned."""

    resource: CloudResource
    """Required. The resource as the stack's state describes it."""
    stack: str
    """Required. `project/stack`."""
    reason: str
    """Required. Why it was not checked: the gap, or what was outside the scope."""


@dataclass(frozen=True)
class Classified:
    """The outcome of `classify`."""

    findings: tuple[Finding, ...]
    unchecked: tuple[Unchecked, ...]
    not_compared: Mapping[str, int]
    """Pulumi types in state that the inventory does not list (policies, attachments, ...), counted."""
    stacks: tuple[str, ...]


def owner_tag(resource: CloudResource) -> str | None:
    """The `owner` tag's value (key case-insensitive on Azure, as Azure compares keys), or None."""
    if resource.cloud == "azure":
        value = next((v for k, v in resource.tags.items() if k.casefold() == "owner"), None)
    else:
        value = resource.tags.get("owner")
    return value or None


def check_resource_tags(resource: CloudResource) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """`(compliant, missing keys, problems with present keys)` against the mandatory tags.

    Only mandatory keys count: extra tags are the teams' own business. Azure keys are matched
    case-insensitively (Azure treats `Owner` and `owner` as one key); AWS keys exactly.
    """
    if resource.cloud == "azure":
        present = {k.casefold(): (k, v) for k, v in resource.tags.items()}
        found = {key: present[key.casefold()][1] for key in MANDATORY_TAG_KEYS if key.casefold() in present}
    else:
        found = {key: resource.tags[key] for key in MANDATORY_TAG_KEYS if key in resource.tags}
    missing = tuple(key for key in MANDATORY_TAG_KEYS if key not in found)
    invalid = tuple(p for key, value in found.items() if (p := check_tag_value(key, value)) is not None)
    return (not missing and not invalid), missing, invalid


def _finding(resource: CloudResource, status: Status, stacks: Sequence[str], owners: Mapping[str, str]) -> Finding:
    compliant, missing, invalid = check_resource_tags(resource)
    owner = owner_tag(resource)
    if owner is None:
        owner = next((owners[s] for s in sorted(stacks) if s in owners), None)
    return Finding(
        resource=resource,
        status=status,
        tag_compliant=compliant,
        missing_tags=missing,
        owner=owner,
        stack=", ".join(sorted(set(stacks))) or None,
        invalid_tags=invalid,
    )


def _as_cloud_resource(item: StateResource, kind: str, account: str, region: str) -> CloudResource:
    return CloudResource(
        cloud="azure" if item.cloud == "azure" else "aws",
        account=account,
        region=region,
        type=kind,
        id=item.id,
        arn_or_id=normalise_arn(item.arn) if item.arn else item.id,
        name=item.display_name or item.name,
        tags=item.tags,
    )


def _aws_place(item: StateResource, kind: str) -> tuple[str | None, str | None, str, str]:
    """(account, region, service, region to show) where the inventory would have found an AWS
    state resource; region is None for types listed once per account (S3, IAM, CloudFront)."""
    entry = LISTERS[kind]
    account = arn_region = None
    if item.arn:
        parts = item.arn.split(":", 5)
        account, arn_region = parts[4] or None, parts[3] or None
    if entry.scope == "account":
        # S3 buckets live in the region their provider was set to; IAM and CloudFront are global.
        shown = (item.location or "") if kind == "s3:bucket" else "global"
        return account, None, entry.service, shown
    region = arn_region or item.location
    return account, region, entry.service, region or ""


def _place_unfound(item: StateResource, scope: Scope, gaps: Sequence[Gap]) -> tuple[CloudResource, str | None] | None:
    """For a state resource no cloud resource matched: the resource as state describes it and why
    it cannot be judged (None: it is an orphan), or None when the inventory could never see it."""
    if item.cloud == "aws" and item.type in AWS_STATE_TYPES:
        kind = AWS_STATE_TYPES[item.type]
        account, region, service, shown = _aws_place(item, kind)
        resource = _as_cloud_resource(item, kind, account or "", shown)
        reason = scope.aws_reason(account, region)
        if reason is None:
            gap = next((g for g in gaps if g.covers("aws", account, region, service)), None)
            reason = f"in a gap: {gap}" if gap is not None else None
        return resource, reason
    match = _AZURE_TOP_LEVEL.match(item.id) if item.cloud == "azure" else None
    if match is None or not item.location or match.group(2).lower() in _AZURE_NOT_IN_RESOURCES:
        return None
    subscription = match.group(1)
    kind = "/".join(item.id.split("/")[6:8]).lower()
    resource = _as_cloud_resource(item, kind, subscription, item.location.replace(" ", "").lower())
    reason = scope.azure_reason(subscription)
    if reason is None:
        gap = next((g for g in gaps if g.covers("azure", subscription, None, None)), None)
        reason = f"in a gap: {gap}" if gap is not None else None
    return resource, reason


def classify(
    cloud: Sequence[CloudResource],
    state: Sequence[StateResource],
    gaps: Sequence[str],
    scope: Scope | None = None,
) -> Classified:
    """Every cloud resource as managed or unmanaged, every unfound state resource as orphaned or
    not checked, each with its tag verdict and owner. Deterministic: findings are sorted."""
    scope = scope or Scope()
    parsed_gaps = [Gap.parse(g) for g in gaps]
    state = list({(s.stack, s.urn): s for s in state}.values())  # the same stack given twice
    owners = stack_owners(state)

    by_key: dict[str, list[int]] = defaultdict(list)
    by_id: dict[str, list[int]] = defaultdict(list)
    for index, resource in enumerate(cloud):
        key = resource.arn_or_id.lower() if resource.cloud == "azure" else normalise_arn(resource.arn_or_id)
        by_key[key].append(index)
        if resource.cloud == "aws":
            by_id[resource.id].append(index)
            if resource.arn_or_id != resource.id:
                by_id[resource.arn_or_id].append(index)

    managed_by: dict[int, list[str]] = defaultdict(list)
    unchecked: list[Unchecked] = []
    orphans: list[tuple[CloudResource, str]] = []
    not_compared: dict[str, int] = defaultdict(int)

    for item in state:
        matches: list[int] = []
        ambiguous = 0
        if item.cloud == "azure":
            matches = by_key.get(item.id.lower(), [])
        elif item.cloud == "aws":
            if item.arn:
                matches = by_key.get(normalise_arn(item.arn), [])
            if not matches:
                wanted = AWS_STATE_TYPES.get(item.type)
                candidates = [
                    i
                    for i in by_id.get(item.id, [])
                    if cloud[i].type == wanted or (wanted is None and cloud[i].type not in LISTERS)
                ]
                if len(candidates) == 1:
                    matches = candidates
                ambiguous = len(candidates) if len(candidates) > 1 else 0
        if matches:
            for i in matches:
                managed_by[i].append(item.stack)
            continue
        placed = _place_unfound(item, scope, parsed_gaps)
        if placed is None:
            not_compared[item.type] += 1
            continue
        resource, reason = placed
        if ambiguous and reason is None:
            reason = f"ambiguous: {ambiguous} resources in the clouds have the ID {item.id} and the state has no ARN"
        if reason is None:
            orphans.append((resource, item.stack))
        else:
            unchecked.append(Unchecked(resource=resource, stack=item.stack, reason=reason))

    findings: list[Finding] = []
    for index, resource in enumerate(cloud):
        stacks = managed_by.get(index, [])
        findings.append(_finding(resource, "managed" if stacks else "unmanaged", stacks, owners))
    for resource, stack in orphans:
        findings.append(_finding(resource, "orphaned", [stack], owners))

    rank = {status: n for n, status in enumerate(STATUS_ORDER)}
    findings.sort(
        key=lambda f: (
            rank[f.status],
            f.resource.cloud,
            f.resource.account,
            f.resource.region,
            f.resource.type,
            f.resource.arn_or_id,
        )
    )
    unchecked.sort(key=lambda u: (u.resource.cloud, u.resource.account, u.resource.type, u.resource.arn_or_id))
    return Classified(
        findings=tuple(findings),
        unchecked=tuple(unchecked),
        not_compared=dict(sorted(not_compared.items())),
        stacks=tuple(sorted({s.stack for s in state})),
    )
