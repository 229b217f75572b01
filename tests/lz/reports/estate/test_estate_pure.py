"""Pure functions of the estate report, table-driven (Hypothesis where the input space is large)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lz.reports.estate.classify import AWS_STATE_TYPES, check_resource_tags, owner_tag
from lz.reports.estate.inventory_aws import LISTERS, arn_resource_id, arn_type, normalise_arn, required_actions
from lz.reports.estate.model import CloudResource, Gap, Scope
from lz.tags import MANDATORY_TAG_KEYS

FULL = {
    "service": "housing-repairs",
    "cost-centre": "CC-1042",
    "owner": "housing-digital@example.gov.uk",
    "environment": "prod",
    "business-unit": "housing",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}


@pytest.mark.parametrize(
    ("arn", "kind", "rid"),
    [
        ("arn:aws:ec2:eu-west-2:111122223333:instance/i-0abc", "ec2:instance", "i-0abc"),
        ("arn:aws:ec2:eu-west-2:111122223333:security-group/sg-1", "ec2:security-group", "sg-1"),
        ("arn:aws:s3:::council-files", "s3:bucket", "council-files"),
        ("arn:aws:sqs:eu-west-2:111122223333:jobs", "sqs:queue", "jobs"),
        ("arn:aws:sns:eu-west-2:111122223333:alerts", "sns:topic", "alerts"),
        ("arn:aws:sns:eu-west-2:111122223333:alerts:5f1e-22", "sns:subscription", "5f1e-22"),
        ("arn:aws:rds:eu-west-2:111122223333:db:case-db", "rds:db", "case-db"),
        ("arn:aws:rds:eu-west-2:111122223333:cluster:analytics", "rds:cluster", "analytics"),
        ("arn:aws:lambda:eu-west-2:111122223333:function:report", "lambda:function", "report"),
        ("arn:aws:logs:eu-west-2:111122223333:log-group:/app/x", "logs:log-group", "/app/x"),
        ("arn:aws:iam::111122223333:role/path/deploy", "iam:role", "path/deploy"),
        ("arn:aws:cloudfront::111122223333:distribution/E1", "cloudfront:distribution", "E1"),
        (
            "arn:aws:elasticloadbalancing:eu-west-2:111122223333:loadbalancer/app/portal/50dc6c495c0c9188",
            "elasticloadbalancing:loadbalancer",
            "app/portal/50dc6c495c0c9188",
        ),
        (
            "arn:aws:elasticloadbalancing:eu-west-2:111122223333:loadbalancer/legacy",
            "elasticloadbalancing:classic-loadbalancer",
            "legacy",
        ),
        ("arn:aws:ec2:eu-west-2:111122223333:natgateway/nat-1", "ec2:natgateway", "nat-1"),
        ("not-an-arn", "unknown", "not-an-arn"),
    ],
)
def test_arn_type_and_id(arn: str, kind: str, rid: str) -> None:
    assert (arn_type(arn), arn_resource_id(arn)) == (kind, rid)


def test_log_group_arns_lose_the_star() -> None:
    assert normalise_arn("arn:aws:logs:eu-west-2:1:log-group:/x:*") == "arn:aws:logs:eu-west-2:1:log-group:/x"
    assert normalise_arn("arn:aws:sqs:eu-west-2:1:q") == "arn:aws:sqs:eu-west-2:1:q"


def test_every_lister_type_has_a_pulumi_type_and_its_own_arn_type() -> None:
    """A lister without a Pulumi type could never find orphans; one whose ARNs derive to another
    type would let the Tagging API add its resources twice."""
    assert set(AWS_STATE_TYPES.values()) == set(LISTERS)
    samples = {
        "s3:bucket": "arn:aws:s3:::b",
        "ec2:instance": "arn:aws:ec2:r:1:instance/i-1",
        "ec2:volume": "arn:aws:ec2:r:1:volume/vol-1",
        "ec2:vpc": "arn:aws:ec2:r:1:vpc/vpc-1",
        "ec2:subnet": "arn:aws:ec2:r:1:subnet/subnet-1",
        "ec2:security-group": "arn:aws:ec2:r:1:security-group/sg-1",
        "rds:db": "arn:aws:rds:r:1:db:d",
        "rds:cluster": "arn:aws:rds:r:1:cluster:c",
        "lambda:function": "arn:aws:lambda:r:1:function:f",
        "dynamodb:table": "arn:aws:dynamodb:r:1:table/t",
        "sqs:queue": "arn:aws:sqs:r:1:q",
        "sns:topic": "arn:aws:sns:r:1:t",
        "kms:key": "arn:aws:kms:r:1:key/k",
        "cloudfront:distribution": "arn:aws:cloudfront::1:distribution/E",
        "elasticloadbalancing:loadbalancer": "arn:aws:elasticloadbalancing:r:1:loadbalancer/net/n/1",
        "elasticfilesystem:file-system": "arn:aws:elasticfilesystem:r:1:file-system/fs-1",
        "ecr:repository": "arn:aws:ecr:r:1:repository/x",
        "secretsmanager:secret": "arn:aws:secretsmanager:r:1:secret:s-AbC",
        "logs:log-group": "arn:aws:logs:r:1:log-group:/g",
        "iam:role": "arn:aws:iam::1:role/r",
    }
    assert set(samples) == set(LISTERS)
    assert {kind: arn_type(arn) for kind, arn in samples.items()} == {kind: kind for kind in samples}


def test_required_actions_are_read_only() -> None:
    actions = required_actions()
    assert "tag:GetResources" in actions
    assert all(action.split(":")[1].startswith(("List", "Describe", "Get")) for action in actions)


@pytest.mark.parametrize(
    ("tags", "compliant", "missing", "invalid"),
    [
        (FULL, True, (), ()),
        ({}, False, MANDATORY_TAG_KEYS, ()),
        ({k: v for k, v in FULL.items() if k != "owner"}, False, ("owner",), ()),
        (
            {**FULL, "data-classification": "SECRET"},
            False,
            (),
            ("Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE",),
        ),
        (
            {**FULL, "environment": "Prod"},
            False,
            (),
            (
                "Tag 'environment' has value 'Prod'; it must be a lowercase slug "
                "(letters, digits and single hyphens, e.g. 'prod')",
            ),
        ),
        ({**FULL, "owner": ""}, False, (), ("Tag 'owner' is empty",)),
        ({**FULL, "extra": "<anything>"}, True, (), ()),  # only the mandatory keys count
    ],
)
def test_tag_check_aws(
    tags: dict[str, str], compliant: bool, missing: tuple[str, ...], invalid: tuple[str, ...]
) -> None:
    resource = CloudResource("aws", "1", "eu-west-2", "sqs:queue", "q", "arn:aws:sqs:eu-west-2:1:q", "q", tags)
    assert check_resource_tags(resource) == (compliant, missing, invalid)


def test_tag_keys_are_case_sensitive_on_aws_and_not_on_azure() -> None:
    tags = {("Owner" if k == "owner" else k): v for k, v in FULL.items()}
    aws = CloudResource("aws", "1", "eu-west-2", "sqs:queue", "q", "arn", "q", tags)
    azure = CloudResource("azure", "s", "uksouth", "microsoft.web/sites", "/x", "/x", "x", tags)
    assert check_resource_tags(aws) == (False, ("owner",), ())
    assert check_resource_tags(azure) == (True, (), ())
    assert (owner_tag(aws), owner_tag(azure)) == (None, FULL["owner"])


@given(
    cloud=st.sampled_from(["aws", "azure"]),
    account=st.none() | st.from_regex(r"[0-9a-f-]{1,36}", fullmatch=True),
    region=st.none() | st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
    service=st.none() | st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True),
    reason=st.text(min_size=1).filter(lambda s: s.strip() == s and s != ""),
)
def test_gap_text_round_trips(
    cloud: str, account: str | None, region: str | None, service: str | None, reason: str
) -> None:
    gap = Gap(cloud, account=account, region=region, service=service, reason=reason)
    again = Gap.parse(str(gap))
    assert (again.cloud, again.account, again.region, again.service, again.reason) == (
        cloud,
        account,
        region,
        service,
        reason,
    )
    assert isinstance(gap, str) and str(gap) == again
    assert pickle.loads(pickle.dumps(gap)).reason == reason


@pytest.mark.parametrize(
    ("gap", "place", "covered"),
    [
        (Gap("aws", account="1", reason="r"), ("aws", "1", "eu-west-2", "sqs"), True),
        (Gap("aws", account="1", reason="r"), ("aws", "2", "eu-west-2", "sqs"), False),
        (
            Gap("aws", account="1", region="eu-west-2", service="sqs", reason="r"),
            ("aws", "1", "eu-west-2", "sns"),
            False,
        ),
        (Gap("aws", account="1", region="eu-west-2", service="sqs", reason="r"), ("aws", "1", None, "sqs"), True),
        (Gap("aws", reason="organisation not listed"), ("aws", "9", "eu-west-1", "ec2"), True),
        (Gap("aws", reason="r"), ("azure", "s", None, None), False),
        (Gap.parse("free text from somewhere"), ("azure", "s", None, None), True),
    ],
)
def test_gap_coverage(gap: Gap, place: tuple[str, str | None, str | None, str | None], covered: bool) -> None:
    assert gap.covers(*place) is covered


def test_scope_reasons() -> None:
    scope = Scope(aws_accounts=("1",), aws_regions=("eu-west-2",), azure_subscriptions=("AbC",))
    assert scope.aws_reason("1", "eu-west-2") is None
    assert scope.aws_reason("1", "global") is None
    assert scope.aws_reason("2", "eu-west-2") == "account 2 was not read"
    assert scope.aws_reason("1", "eu-west-1") == "region eu-west-1 was not read"
    assert scope.azure_reason("abc") is None
    assert scope.azure_reason("def") == "subscription def was not read"
    assert Scope(aws_accounts=()).aws_reason("1", None) == "AWS was not read (--no-aws)"
    assert Scope(azure_subscriptions=()).azure_reason("x") == "Azure was not read (no --azure-subscription)"
    assert Scope().aws_reason("1", "anywhere") is None and Scope().azure_reason("x") is None


def test_cloud_resource_tags_are_read_only_and_hashing_ignores_them() -> None:
    resource = CloudResource("aws", "1", "r", "t", "i", "a", "n", {"b": "2", "a": "1"})
    with pytest.raises(TypeError):
        resource.tags["c"] = "3"  # type: ignore[index]
    assert list(resource.tags) == ["a", "b"]
    assert hash(resource) == hash(CloudResource("aws", "1", "r", "t", "i", "a", "n", {}))
