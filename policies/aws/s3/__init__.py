"""S3 policies. With pulumi-aws v7 a bucket's encryption, versioning, public access block and policy
are separate resources (`aws.s3.BucketServerSideEncryptionConfiguration`...), so a per-bucket
requirement is a stack policy that finds each bucket's configuration resources here: a policy makes
one `Satellites(args.resources)` per run and asks it for each bucket's configurations, so a stack of
many buckets costs one pass over its resources per configuration type, not one per bucket.

The deprecated inline arguments of `aws.s3.Bucket` (`serverSideEncryptionConfiguration`,
`versioning`, `policy`, `acl`, `grants`) still work in v7 and are honoured too, as are the deprecated
`...V2` type aliases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from pulumi_policy import PolicyResource

from policies.aws import UNKNOWN, Referrers, read, refers_to, resources_of
from policies.lib import as_list, plain

BUCKET_TYPES: Final = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
ENCRYPTION_TYPES: Final = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
PUBLIC_ACCESS_BLOCK_TYPES: Final = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
VERSIONING_TYPES: Final = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
POLICY_TYPES: Final = ("aws:s3/bucketPolicy:BucketPolicy",)

#: The four settings of a public access block, in the order S3 documents them.
PUBLIC_ACCESS_BLOCK_SETTINGS: Final = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)


def buckets(resources: Sequence[PolicyResource]) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type in BUCKET_TYPES]


def configurations(
    bucket: PolicyResource, resources: Sequence[PolicyResource], types: Sequence[str]
) -> list[PolicyResource]:
    """The resources of `types` whose `bucket` argument is this bucket (by dependency, name or id).

    A scan of every resource: `Satellites.of` gives the same list for many buckets at once."""
    return [r for r in resources if r.resource_type in types and refers_to(r, "bucket", bucket, ("bucket", "id"))]


class Satellites:
    """The configuration resources of each bucket of one stack graph: `Satellites(resources).of(bucket,
    types)` is `configurations(bucket, resources, types)` (same resources, same order), indexed once
    per configuration type by the URNs of their `bucket` dependency and their literal `bucket` value
    (`policies.aws.Referrers`). Make one per policy run over `args.resources`; it keeps nothing else.
    """

    __slots__ = ("_index", "_resources")

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self._resources = resources
        self._index: dict[tuple[str, ...], Referrers] = {}

    def of(self, bucket: PolicyResource, types: Sequence[str]) -> list[PolicyResource]:
        key = tuple(types)
        referrers = self._index.get(key)
        if referrers is None:
            referrers = self._index[key] = Referrers(resources_of(self._resources, key), "bucket", ("bucket", "id"))
        return referrers.of(bucket)


def default_encryption_rules(bucket: PolicyResource, satellites: Satellites) -> list[Any]:
    """The `applyServerSideEncryptionByDefault` blocks that apply to a bucket (inline and separate),
    `UNKNOWN` for one that cannot be read during a preview."""
    rules: list[Any] = []
    inline = read(bucket.props, "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault")
    if inline is not None:
        rules.append(inline)
    for config in satellites.of(bucket, ENCRYPTION_TYPES):
        listed = read(config.props, "rules")
        if listed is UNKNOWN:
            rules.append(UNKNOWN)
            continue
        for index in range(len(as_list(listed))):
            block = read(config.props, f"rules.{index}.applyServerSideEncryptionByDefault")
            if block is not None:
                rules.append(block)
    return rules


def policy_values(bucket: PolicyResource, satellites: Satellites) -> list[Any]:
    """The bucket's policy documents (inline and `BucketPolicy`), raw, `UNKNOWN` when not yet known."""
    values = []
    inline = read(bucket.props, "policy")
    if inline is not None:
        values.append(inline)
    for policy in satellites.of(bucket, POLICY_TYPES):
        values.append(read(policy.props, "policy"))
    return [plain(v) for v in values]
