"""The indexed look-ups of stack policies (`policies.aws.Referrers`, `policies.aws.s3.Satellites`) give
what the scans they replace give: the same resources in the same order, and so the same verdicts.

Graphs are generated: buckets named by `bucket` and/or `id` (or neither, or unknown during a
preview), configuration resources linked by a property dependency, by the bucket's name, by its id,
by an unknown or odd value (empty, a number, a list), before or after their bucket, several per
bucket, and resources of other types in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import PolicyResource, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.aws import Referrers, refers_to
from policies.aws.cloudfront import distribution_access_logging
from policies.aws.ec2 import vpc_default_security_group_closed, vpc_flow_logs_enabled
from policies.aws.s3 import (
    BUCKET_TYPES,
    ENCRYPTION_TYPES,
    POLICY_TYPES,
    PUBLIC_ACCESS_BLOCK_TYPES,
    VERSIONING_TYPES,
    Satellites,
    bucket_customer_managed_key,
    bucket_policy_tls_only,
    bucket_public_access_block,
    bucket_server_side_encryption,
    bucket_versioning_production,
    configurations,
)
from tests.policies.policy_harness import _await, _options, wire

SATELLITE_TYPES = (*ENCRYPTION_TYPES, *POLICY_TYPES, *PUBLIC_ACCESS_BLOCK_TYPES, *VERSIONING_TYPES)
OTHER_TYPE = "aws:sqs/queue:Queue"
NAMES = ("media", "site", "logs", "")  # "" : a bucket name that never matches
TLS_POLICY = (
    '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", '
    '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}'
)
TAGS = st.sampled_from(
    [
        {},
        {"environment": "prod", "data-classification": "OFFICIAL-SENSITIVE"},
        {"environment": "dev"},
        {"environment": UNKNOWN_STRING_VALUE},
    ]
)
# what a configuration's `bucket` argument may hold: a literal name or id, nothing, unknown, odd values
BUCKET_ARG = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(["id-media", "id-site", "id-logs"]),
    st.just(UNKNOWN_STRING_VALUE),
    st.none(),
    st.sampled_from([3.0, True, ["media"], {"name": "media"}]),
)
# what a bucket's `bucket` / `id` may hold
NAME_VALUE = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(["id-media", "id-site"]),
    st.just(UNKNOWN_STRING_VALUE),
    st.none(),
    st.just(3.0),
)
SATELLITE_PROPS = st.fixed_dictionaries(
    {},
    optional={
        "rules": st.sampled_from(
            [
                [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"}}],
                [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
                [],
                UNKNOWN_STRING_VALUE,
            ]
        ),
        "policy": st.sampled_from([TLS_POLICY, "{}", UNKNOWN_STRING_VALUE]),
        "versioningConfiguration": st.sampled_from(
            [{"status": "Enabled"}, {"status": "Suspended"}, {"status": UNKNOWN_STRING_VALUE}]
        ),
    },
)


@st.composite
def graphs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Resource specs: type, name, props and the names of the resources its `bucket` depends on."""
    n_buckets = draw(st.integers(0, 4))
    specs: list[dict[str, Any]] = []
    for i in range(n_buckets):
        props: dict[str, Any] = {"tags": draw(TAGS)}
        for key in ("bucket", "id"):
            value = draw(NAME_VALUE)
            if value is not None:
                props[key] = value
        specs.append({"type": draw(st.sampled_from(BUCKET_TYPES)), "name": f"b{i}", "props": props, "deps": []})
    bucket_names = [s["name"] for s in specs]
    for i in range(draw(st.integers(0, 8))):
        props = dict(draw(SATELLITE_PROPS))
        arg = draw(BUCKET_ARG)
        if arg is not None:
            props["bucket"] = arg
        deps = draw(st.lists(st.sampled_from(bucket_names), max_size=2)) if bucket_names else []
        kind = draw(st.sampled_from((*SATELLITE_TYPES, OTHER_TYPE)))
        specs.append({"type": kind, "name": f"s{i}", "props": props, "deps": deps})
    return draw(st.permutations(specs))  # configurations before or after their bucket


def build(specs: Sequence[dict[str, Any]]) -> list[PolicyResource]:
    built = {
        s["name"]: PolicyResource(
            s["type"],
            unknown_checking_proxy(wire(s["props"])),
            f"urn:pulumi:test::lz::{s['type']}::{s['name']}",
            s["name"],
            _options(),
            None,
            None,
            [],
            {},
        )
        for s in specs
    }
    for s in specs:
        if s["deps"]:
            built[s["name"]].property_dependencies = {"bucket": [built[n] for n in s["deps"]]}
    return list(built.values())


def _scan_of(self: Satellites, bucket: PolicyResource, types: Sequence[str]) -> list[PolicyResource]:
    return configurations(bucket, self._resources, types)


def _reports(policy: Any, resources: list[PolicyResource]) -> list[tuple[str, str | None]]:
    """What the policy reports, and what it raised (if anything) after reporting it."""
    found: list[tuple[str, str | None]] = []
    try:
        _await(policy.validate(StackValidationArgs(resources, {}), lambda m, urn=None: found.append((m, urn))))
    except Exception as exc:  # e.g. a tag unknown during a preview: the policy fails, as it must
        found.append((f"raised {type(exc).__name__}", None))
    return found


S3_POLICIES = (
    bucket_public_access_block.POLICY,
    bucket_server_side_encryption.POLICY,
    bucket_customer_managed_key.POLICY,
    bucket_policy_tls_only.POLICY,
    bucket_versioning_production.POLICY,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_satellites_are_the_scan(specs: list[dict[str, Any]]) -> None:
    resources = build(specs)
    satellites = Satellites(resources)
    for bucket in resources:
        for types in (ENCRYPTION_TYPES, POLICY_TYPES, PUBLIC_ACCESS_BLOCK_TYPES, VERSIONING_TYPES, SATELLITE_TYPES):
            expected = configurations(bucket, resources, types)
            assert [r.urn for r in satellites.of(bucket, types)] == [r.urn for r in expected]
            assert all(a is b for a, b in zip(satellites.of(bucket, types), expected, strict=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_s3_policies_report_what_the_scan_reports(specs: list[dict[str, Any]]) -> None:
    for policy in S3_POLICIES:
        indexed = _reports(policy, build(specs))
        with mock.patch.object(Satellites, "of", _scan_of):
            scanned = _reports(policy, build(specs))
        assert indexed == scanned, policy.name


def test_the_index_covers_name_id_dependency_and_order() -> None:
    specs = [
        {"type": PUBLIC_ACCESS_BLOCK_TYPES[0], "name": "before", "props": {"bucket": "media"}, "deps": []},
        {"type": BUCKET_TYPES[0], "name": "b", "props": {"bucket": "media", "id": "id-media"}, "deps": []},
        {"type": PUBLIC_ACCESS_BLOCK_TYPES[0], "name": "by-id", "props": {"bucket": "id-media"}, "deps": []},
        {"type": PUBLIC_ACCESS_BLOCK_TYPES[0], "name": "by-dep", "props": {"bucket": UNKNOWN_STRING_VALUE},
         "deps": ["b"]},
        {"type": PUBLIC_ACCESS_BLOCK_TYPES[0], "name": "other", "props": {"bucket": "site"}, "deps": []},
        {"type": PUBLIC_ACCESS_BLOCK_TYPES[0], "name": "unknown", "props": {"bucket": UNKNOWN_STRING_VALUE},
         "deps": []},
    ]
    resources = build(specs)
    bucket = resources[1]
    assert [r.name for r in Satellites(resources).of(bucket, PUBLIC_ACCESS_BLOCK_TYPES)] == [
        "before",
        "by-id",
        "by-dep",
    ]


# Referrers in general: any prop and target props, as the VPC and CloudFront stack policies use it.
VALUES = st.one_of(
    st.sampled_from(["a", "b", "arn:a", ""]), st.just(UNKNOWN_STRING_VALUE), st.none(), st.sampled_from([1.0, False])
)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[list[PolicyResource], list[PolicyResource]]:
    targets = [
        {"type": "t", "name": f"t{i}", "props": {k: v for k in ("id", "arn") if (v := draw(VALUES)) is not None},
         "deps": []}
        for i in range(draw(st.integers(0, 4)))
    ]
    names = [t["name"] for t in targets]
    sources = []
    for i in range(draw(st.integers(0, 6))):
        value = draw(VALUES)
        sources.append(
            {"type": "s", "name": f"s{i}", "props": {} if value is None else {"ref": value},
             "deps": draw(st.lists(st.sampled_from(names), max_size=3)) if names else []}
        )
    built = build([{**s, "deps": []} for s in targets + sources])
    by_name = {r.name: r for r in built}
    for s in sources:
        if s["deps"]:
            by_name[s["name"]].property_dependencies = {"ref": [by_name[n] for n in s["deps"]]}
    return built[: len(targets)], built[len(targets) :]


@settings(max_examples=300, deadline=None)
@given(pairs(), st.sampled_from([("id",), ("arn",), ("id", "arn"), ()]))
def test_referrers_are_refers_to(
    graph: tuple[list[PolicyResource], list[PolicyResource]], props: tuple[str, ...]
) -> None:
    targets, sources = graph
    index = Referrers(sources, "ref", props)
    for target in targets:
        expected = [s for s in sources if refers_to(s, "ref", target, props)]
        assert [r.name for r in index.of(target)] == [r.name for r in expected]


def test_vpc_and_cloudfront_policies_use_the_index_for_each_target() -> None:
    # Two VPCs, one flow log and one default group each, linked by id and by dependency.
    specs = [
        {"type": "aws:ec2/vpc:Vpc", "name": "v1", "props": {"id": "vpc-1"}, "deps": []},
        {"type": "aws:ec2/vpc:Vpc", "name": "v2", "props": {"id": "vpc-2"}, "deps": []},
        {"type": vpc_flow_logs_enabled.FLOW_LOG_TYPE, "name": "f1", "props": {"vpcId": "vpc-1"}, "deps": []},
        {"type": vpc_default_security_group_closed.DEFAULT_SG_TYPE, "name": "g2",
         "props": {"vpcId": "vpc-2", "ingress": [{"protocol": "-1"}]}, "deps": []},
        {"type": "aws:cloudfront/distribution:Distribution", "name": "d1", "props": {"arn": "arn:d1"}, "deps": []},
        {"type": "aws:cloudfront/distribution:Distribution", "name": "d2", "props": {"arn": "arn:d2"}, "deps": []},
        {"type": distribution_access_logging.DELIVERY_SOURCE, "name": "src", "props": {"resourceArn": "arn:d2"},
         "deps": []},
    ]
    assert [m for m, _ in _reports(vpc_flow_logs_enabled.POLICY, build(specs))] == [
        "VPC 'v2' has no flow log: no aws.ec2.FlowLog has it as vpcId"
    ]
    assert [m for m, _ in _reports(vpc_default_security_group_closed.POLICY, build(specs))] == [
        "VPC 'v1' leaves its default security group unmanaged, with AWS's allow-all rules: adopt it with "
        "aws.ec2.DefaultSecurityGroup and no rules",
        "Default security group of VPC 'v2' has 1 ingress and 0 egress rules; it must have none",
    ]
    assert [m for m, _ in _reports(distribution_access_logging.POLICY, build(specs))] == [
        "CloudFront distribution 'd1' writes no access logs: set loggingConfig.bucket or add a LogDeliverySource "
        "for it"
    ]
