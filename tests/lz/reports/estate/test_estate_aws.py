"""End to end on AWS: an organisation seeded in moto, read through assumed roles, compared with
Pulumi state exports. The expectations are written out in full: the exact unmanaged, orphaned,
managed and unchecked sets, tag verdicts and owners.

The organisation (see `estate_helpers.seed_organisation`):

* management account: the state bucket, created by hand (unmanaged);
* housing: a stack `housing-repairs/prod` manages a bucket, queue, VPC, subnet, security group,
  internet gateway, IAM role, DynamoDB table (with a disallowed `data-classification`), log group,
  KMS key and SNS topic. Shadow IT beside it: a bucket, a bucket in us-east-1, a queue, an untagged
  instance and its root volume, a Lambda function tagged with an owner only, a secret and a route
  table the stack only reads (`external`). State also holds a queue deleted since (orphaned) and one
  in eu-west-1, a region not read (not checked);
* adults: `adults-care/prod` (a self-managed backend's checkpoint) manages an RDS instance, EFS,
  VPC, two subnets and a load balancer; an RDS cluster, ECR repository and CloudFront distribution
  are shadow IT; the stack's DynamoDB table is gone (orphaned, owner from the stack);
* sandbox: AssumeRole is denied, so the account is a gap and `sandbox-lab/dev`'s queue is not checked;
* retired: closed in Organizations, so a gap.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from estate_helpers import ADULTS_OWNER, HOUSING_OWNER, ROLE, Org, seed_organisation
from estate_scenario import expected_managed, expected_unmanaged, keyed, read_estate

from lz.reports.estate.model import Gap
from lz.reports.estate.report import EstateReport
from lz.tags import MANDATORY_TAG_KEYS


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EstateReport, Org]]:
    """Seeded and read once for the module (seeding takes a few seconds)."""
    from moto import mock_aws

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    try:
        with mock_aws():
            session = boto3.Session(region_name="eu-west-2")
            org = seed_organisation(session)
            report, _state = read_estate(session, org, tmp_path_factory.mktemp("state"))
            yield report, org
    finally:
        monkeypatch.undo()


def test_unmanaged_resources_are_exactly_the_shadow_it(estate: tuple[EstateReport, Org]) -> None:
    report, org = estate
    assert keyed(report, "unmanaged") == expected_unmanaged(org)


def test_managed_resources_are_matched_by_arn_across_accounts(estate: tuple[EstateReport, Org]) -> None:
    report, org = estate
    assert keyed(report, "managed") == expected_managed(org)
    stacks = {f.resource.name: f.stack for f in report.findings if f.status == "managed"}
    assert stacks["housing-repairs-jobs"] == "housing-repairs/prod"
    assert stacks["adults-portal"] == "adults-care/prod"


def test_orphans_are_state_resources_gone_from_the_cloud_with_owners(estate: tuple[EstateReport, Org]) -> None:
    report, org = estate
    orphans = {
        (f.resource.account, f.resource.type, f.resource.name, f.owner, f.stack)
        for f in report.findings
        if f.status == "orphaned"
    }
    assert orphans == {
        # Tagged in state: the owner tag names the owner.
        (org.housing, "sqs:queue", "housing-old-queue", HOUSING_OWNER, "housing-repairs/prod"),
        # No tags in state: the stack's owner (the owner tag most of its resources carry).
        (org.adults, "dynamodb:table", "adults-legacy-table", ADULTS_OWNER, "adults-care/prod"),
    }


def test_state_in_a_gap_or_outside_the_scope_is_not_checked_never_orphaned(estate: tuple[EstateReport, Org]) -> None:
    report, org = estate
    unchecked = {(u.resource.account, u.resource.name, u.stack, u.reason.split(":")[0]) for u in report.unchecked}
    assert unchecked == {
        (org.housing, "housing-repairs-dr", "housing-repairs/prod", "region eu-west-1 was not read"),
        (org.sandbox, "sandbox-experiments", "sandbox-lab/dev", "in a gap"),
    }
    assert "cannot assume" in next(u.reason for u in report.unchecked if u.stack == "sandbox-lab/dev")


def test_gaps_name_the_denied_and_the_closed_account(estate: tuple[EstateReport, Org]) -> None:
    report, org = estate
    gaps = [Gap.parse(g) for g in report.gaps]
    assert sorted((g.account, g.region, g.service) for g in gaps) == sorted(
        [(org.sandbox, None, None), (org.retired, None, None)]
    )
    denied = next(g for g in gaps if g.account == org.sandbox)
    assert denied.reason.startswith(
        f"cannot assume arn:aws:iam::{org.sandbox}:role/{ROLE}: sts AssumeRole: AccessDenied"
    )
    closed = next(g for g in gaps if g.account == org.retired)
    assert "in Organizations; not read" in closed.reason


def test_tag_compliance_and_owners(estate: tuple[EstateReport, Org]) -> None:
    report, org = estate
    by_name = {f.resource.name: f for f in report.findings}
    compliant = {name for name, f in by_name.items() if f.tag_compliant}
    assert compliant == {name for (_a, _t, name) in expected_managed(org) if name != "housing-repairs-cases"} | {
        "housing-old-queue"
    }
    # Present but disallowed: not missing, but invalid.
    cases = by_name["housing-repairs-cases"]
    assert (cases.tag_compliant, cases.missing_tags) == (False, ())
    assert cases.invalid_tags == (
        "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE",
    )
    # Owner only: the owner is named, everything else is missing.
    report_fn = by_name["housing-report-fn"]
    assert report_fn.owner == HOUSING_OWNER
    assert report_fn.missing_tags == tuple(k for k in MANDATORY_TAG_KEYS if k != "owner")
    # Outside the UK and read through S3 itself (its region's Tagging API was not read).
    us_copy = by_name["housing-us-copy"]
    assert (us_copy.resource.region, us_copy.owner) == ("us-east-1", "jo.bloggs@example.gov.uk")
    # Shadow IT without tags has no owner to name.
    assert by_name["housing-shadow-queue"].owner is None
    assert by_name["housing-shadow-queue"].missing_tags == MANDATORY_TAG_KEYS
    # Managed resources name their owner from the tag.
    assert by_name["adults-portal"].owner == ADULTS_OWNER


def test_summary_counts(estate: tuple[EstateReport, Org]) -> None:
    report, _org = estate
    summary = report.summary()
    assert summary == {
        "cloud_resources": 31,
        "unmanaged": 14,
        "orphaned": 2,
        "managed": 17,
        "tag_compliant": 16,
        "tag_non_compliant": 15,
        "unchecked": 2,
        "gaps": 2,
        "stacks": 3,
    }
    # Types no lister reads and that matched nothing: counted, never called orphaned.
    assert report.not_compared == {
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:s3/bucketVersioning:BucketVersioning": 1,
    }
