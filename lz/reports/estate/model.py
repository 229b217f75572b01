"""The shapes the estate report is built from: cloud resources, findings, gaps and the scope read.

They live apart from `lz.reports.estate.report` (which re-exports them) so that the inventory and
state modules can use them without importing the report, which imports them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "Cloud",
    "CloudResource",
    "Finding",
    "Gap",
    "Scope",
    "Status",
]

Cloud = Literal["aws", "azure"]
Status = Literal["managed", "unmanaged", "orphaned"]

#: The order findings are listed in everywhere: what needs action first.
STATUS_ORDER: Final[tuple[Status, ...]] = ("unmanaged", "orphaned", "managed")


def _frozen_tags(tags: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(tags.items())))


@dataclass(frozen=True)
class CloudResource:
    """One resource that exists in a cloud (or, for an orphan, that a stack's state says exists)."""

    cloud: Cloud
    """Required. `aws` or `azure`."""
    account: str
    """Required. AWS account ID or Azure subscription ID ("" when the source does not say)."""
    region: str
    """Required. AWS region or Azure location; `global` for IAM roles and CloudFront."""
    type: str
    """Required. `service:resource` for AWS (`sqs:queue`, the Tagging API's spelling); the ARM
    type in lower case for Azure (`microsoft.storage/storageaccounts`)."""
    id: str
    """Required. The service's own identifier: bucket name, `i-...`, queue URL, key ID, ..."""
    arn_or_id: str
    """Required. The ARN (AWS) or the full resource ID (Azure): the key matched against state."""
    name: str
    """Required. A human name: the `Name` tag, the bucket or queue name, the Azure name."""
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Optional. The resource's tags as the cloud reports them (read-only)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", _frozen_tags(self.tags))


@dataclass(frozen=True)
class Finding:
    """The verdict on one resource: is it in a stack's state, and does it carry the tag contract?"""

    resource: CloudResource
    """Required. The resource (for an orphan: as the stack's state describes it)."""
    status: Status
    """Required. `managed` (in the cloud and in a stack), `unmanaged` (in the cloud only: shadow
    IT) or `orphaned` (in a stack's state only: deleted or moved outside Pulumi)."""
    tag_compliant: bool
    """Required. All mandatory tags present with allowed values."""
    missing_tags: tuple[str, ...]
    """Required. Mandatory tag keys the resource lacks, in the contract's order."""
    owner: str | None
    """Required. The `owner` tag, else the owner of the stack that holds the resource, else None."""
    stack: str | None
    """Required. `project/stack` of the stack(s) holding the resource (comma-separated), or None."""
    invalid_tags: tuple[str, ...] = ()
    """Optional. Problems with mandatory tags that are present but have a disallowed value."""


# `key=value` words of a gap's text; `account` for AWS, `subscription` for Azure.
_GAP_TEXT: Final = re.compile(r"^(aws|azure)((?: (?:account|subscription|region|service)=\S+)*): (.*)$", re.S)


class Gap(str):
    """A part of the estate that could not be read, so the report says so instead of omitting it.

    A gap *is* its text (so gaps are plain strings in the public API, in JSON and in CSV), and also
    carries its scope: a field that is None covers everything at that level (`region=None`: every
    region of the account; `account=None`: every account). The text is
    `aws account=111122223333 region=eu-west-2 service=sqs: <reason>`; `Gap.parse` reads it back.
    """

    cloud: str
    account: str | None
    region: str | None
    service: str | None
    reason: str

    def __new__(
        cls,
        cloud: str,
        *,
        reason: str,
        account: str | None = None,
        region: str | None = None,
        service: str | None = None,
    ) -> Gap:
        words = [cloud]
        if account is not None:
            words.append(f"{'subscription' if cloud == 'azure' else 'account'}={account}")
        if region is not None:
            words.append(f"region={region}")
        if service is not None:
            words.append(f"service={service}")
        self = super().__new__(cls, f"{' '.join(words)}: {reason}")
        self.cloud, self.account, self.region, self.service, self.reason = cloud, account, region, service, reason
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_gap_from_text, (str(self),))

    @classmethod
    def parse(cls, text: str) -> Gap:
        """The gap a text describes; text in any other shape is a gap of unknown scope (covers all)."""
        if isinstance(text, Gap):
            return text
        match = _GAP_TEXT.match(text)
        if match is None:
            return cls("unknown", reason=text)
        words = dict(word.split("=", 1) for word in match.group(2).split())
        return cls(
            match.group(1),
            reason=match.group(3),
            account=words.get("account") or words.get("subscription"),
            region=words.get("region"),
            service=words.get("service"),
        )

    def covers(self, cloud: str, account: str | None, region: str | None, service: str | None) -> bool:
        """True when this gap may hide a resource at that place (None: the place is not known)."""
        if self.cloud not in (cloud, "unknown"):
            return False
        for mine, theirs in ((self.account, account), (self.region, region), (self.service, service)):
            if mine is not None and theirs is not None and mine != theirs:
                return False
        return True


def _gap_from_text(text: str) -> Gap:
    return Gap.parse(text)


@dataclass(frozen=True)
class Scope:
    """What the inventory set out to read; state outside it is reported as not checked, never orphaned.

    None means "not restricted": every account / region / subscription counts as read (the default
    when a caller has no better knowledge, e.g. `build_estate_report` without a scope).
    """

    aws_accounts: tuple[str, ...] | None = None
    """Optional. AWS accounts read (after Organizations listed them); () when AWS was not read."""
    aws_regions: tuple[str, ...] | None = None
    """Optional. AWS regions read in each account."""
    azure_subscriptions: tuple[str, ...] | None = None
    """Optional. Azure subscriptions read; () when Azure was not read."""
    aws_accounts_complete: bool = True
    """Optional. False when `aws_accounts` is a chosen subset of the organisation (`--account`):
    then a state resource whose ARN names no account (an S3 bucket) may live in an unread one."""

    def aws_reason(self, account: str | None, region: str | None) -> str | None:
        """Why an AWS place is outside the scope, or None when it is inside."""
        if self.aws_accounts is not None and not self.aws_accounts:
            return "AWS was not read (--no-aws)"
        if account and self.aws_accounts is not None and account not in self.aws_accounts:
            return f"account {account} was not read"
        if not account and not self.aws_accounts_complete:
            return "its account is not known (its ARN names none) and only some accounts were read"
        if region and region != "global" and self.aws_regions is not None and region not in self.aws_regions:
            return f"region {region} was not read"
        return None

    def azure_reason(self, subscription: str | None) -> str | None:
        """Why an Azure subscription is outside the scope, or None when it is inside."""
        if self.azure_subscriptions is None:
            return None
        wanted = {s.lower() for s in self.azure_subscriptions}
        if not wanted:
            return "Azure was not read (no --azure-subscription)"
        if subscription and subscription.lower() not in wanted:
            return f"subscription {subscription} was not read"
        return None
