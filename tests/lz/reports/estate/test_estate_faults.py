"""Failure modes of the AWS inventory, injected through botocore's `before-call` events (the real
client code runs; only the answer is replaced) with a recorded, never real, sleep."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from estate_helpers import HOUSING_TAGS, MANAGEMENT, ROLE, Faults, SleepRecorder, inject

from lz.reports.estate.inventory_aws import inventory_aws, read_aws_estate
from lz.reports.estate.model import Gap
from lz.reports.estate.report import build_estate_report
from lz.reports.estate.state import parse_state_document
from lz.reports.retry import ExpiredCredentialsError

pytestmark = pytest.mark.usefixtures("moto")

QUEUES = 40  # with 7 tags each, moto's Tagging API pages hold 14 resources: 3 pages
LOG_GROUPS = 60  # DescribeLogGroups pages hold 50: 2 pages


@pytest.fixture
def session() -> Any:
    session = boto3.Session(region_name="eu-west-2")
    sqs = session.client("sqs")
    for n in range(QUEUES):
        sqs.create_queue(QueueName=f"queue-{n:02d}", tags=HOUSING_TAGS)
    logs = session.client("logs")
    for n in range(LOG_GROUPS):
        logs.create_log_group(logGroupName=f"/app/{n:02d}")
    return session


def names(resources: list[Any], kind: str) -> set[str]:
    return {r.name for r in resources if r.type == kind}


def test_throttling_mid_pagination_is_retried_and_nothing_is_lost(session: Any) -> None:
    tagging = inject(session, "resource-groups-tagging-api", "GetResources", Faults(plan={2: ("Throttling", 400)}))
    logs = inject(
        session,
        "cloudwatch-logs",
        "DescribeLogGroups",
        Faults(plan={2: ("ThrottlingException", 400), 3: ("ThrottlingException", 400)}),
    )
    sleep = SleepRecorder()
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=sleep)
    assert gaps == []
    assert names(resources, "sqs:queue") == {f"queue-{n:02d}" for n in range(QUEUES)}
    # Tags of queues on the page after the throttled one arrived too.
    assert all(dict(r.tags) == HOUSING_TAGS for r in resources if r.type == "sqs:queue")
    assert names(resources, "logs:log-group") == {f"/app/{n:02d}" for n in range(LOG_GROUPS)}
    assert (tagging.calls, logs.calls) == (3 + 1, 2 + 2)  # pages + retries
    assert sleep.waits == [0.5, 0.5, 1.0]  # exponential backoff per call, from base_delay 0.5


def test_server_errors_that_outlast_the_retries_are_a_gap_and_the_rest_is_read(session: Any) -> None:
    faults = inject(session, "sqs", "ListQueues", Faults(always=("InternalError", 500)))
    sleep = SleepRecorder()
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=sleep)
    assert faults.calls == 5
    assert sleep.waits == [0.5, 1.0, 2.0, 4.0]
    assert [str(g) for g in gaps] == [
        f"aws account={MANAGEMENT} region=eu-west-2 service=sqs: "
        "sqs ListQueues: InternalError (HTTP 500): injected after 5 attempts"
    ]
    assert names(resources, "sqs:queue") == set()
    assert len(names(resources, "logs:log-group")) == LOG_GROUPS

    # State in the gap is not checked; state elsewhere that is gone is orphaned.
    state = parse_state_document(
        {
            "deployment": {
                "resources": [
                    {
                        "urn": "urn:pulumi:prod::svc::aws:sqs/queue:Queue::q",
                        "custom": True,
                        "type": "aws:sqs/queue:Queue",
                        "id": "https://sqs.eu-west-2.amazonaws.com/123456789012/queue-00",
                        "outputs": {"arn": f"arn:aws:sqs:eu-west-2:{MANAGEMENT}:queue-00"},
                    },
                    {
                        "urn": "urn:pulumi:prod::svc::aws:cloudwatch/logGroup:LogGroup::gone",
                        "custom": True,
                        "type": "aws:cloudwatch/logGroup:LogGroup",
                        "id": "/app/gone",
                        "outputs": {"arn": f"arn:aws:logs:eu-west-2:{MANAGEMENT}:log-group:/app/gone"},
                    },
                ]
            }
        },
        "inline",
    )
    report = build_estate_report(resources, state, gaps)
    assert [(u.resource.name, u.reason) for u in report.unchecked] == [
        ("queue-00", f"in a gap: {gaps[0]}"),
    ]
    assert [f.resource.name for f in report.findings if f.status == "orphaned"] == ["/app/gone"]


def test_expired_credentials_mid_pagination_stop_the_run_loudly(session: Any) -> None:
    faults = inject(session, "resource-groups-tagging-api", "GetResources", Faults(plan={2: ("ExpiredToken", 400)}))
    sleep = SleepRecorder()
    with pytest.raises(ExpiredCredentialsError) as raised:
        inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=sleep)
    message = str(raised.value)
    assert message.startswith(
        f"AWS account {MANAGEMENT} region eu-west-2: resourcegroupstaggingapi GetResources: "
        "CREDENTIALS EXPIRED OR MISSING (ExpiredToken (HTTP 400): injected)"
    )
    assert "run the report again" in message
    assert faults.calls == 2  # never retried
    assert sleep.waits == []

    # The lower-level reader keeps what it read and turns the stop into a loud gap instead.
    faults.calls = 0
    inventory = read_aws_estate(session, regions=["eu-west-2"], role_name=None, sleep=sleep)
    assert inventory.expired is not None
    assert [Gap.parse(g).account for g in inventory.gaps] == [MANAGEMENT]
    assert "CREDENTIALS EXPIRED, reading stopped" in inventory.gaps[0]


def test_expired_credentials_before_a_member_account_leave_the_rest_as_gaps() -> None:
    session = boto3.Session(region_name="eu-west-2")
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    members = [
        org.create_account(Email=f"m{n}@example.gov.uk", AccountName=f"m{n}")["CreateAccountStatus"]["AccountId"]
        for n in range(3)
    ]
    inject(
        session,
        "sts",
        "AssumeRole",
        Faults(always=("ExpiredTokenException", 400), only_if=lambda p: members[1] in str(p)),
    )
    inventory = read_aws_estate(session, regions=["eu-west-2"], role_name=ROLE, sleep=SleepRecorder())
    gaps = [Gap.parse(g) for g in inventory.gaps]
    assert [(g.account, g.reason.split(",")[0].split(":")[0]) for g in gaps] == [
        (members[1], "CREDENTIALS EXPIRED"),
        (members[2], "not read"),
    ]
    # The management account and the first member were read in full before the stop.
    assert {r.account for r in inventory.resources} == {members[0]}  # (the management account is empty)
    assert inventory.accounts == [MANAGEMENT, *members]


def test_assume_role_denied_for_one_account_is_a_gap_and_the_others_are_read() -> None:
    session = boto3.Session(region_name="eu-west-2")
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    members = [
        org.create_account(Email=f"m{n}@example.gov.uk", AccountName=f"m{n}")["CreateAccountStatus"]["AccountId"]
        for n in range(3)
    ]
    inject(session, "sts", "AssumeRole", Faults(always=("AccessDenied", 403), only_if=lambda p: members[0] in str(p)))
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=ROLE, sleep=SleepRecorder())
    assert [(Gap.parse(g).account, Gap.parse(g).region, Gap.parse(g).service) for g in gaps] == [
        (members[0], None, None)
    ]
    assert "AccessDenied (HTTP 403)" in gaps[0]
    # Each member's OrganizationAccountAccessRole shows that the account was read.
    assert {r.account for r in resources if r.type == "iam:role"} == {members[1], members[2]}


def test_organizations_access_denied_is_a_gap_and_only_the_caller_is_read(session: Any) -> None:
    inject(session, "organizations", "ListAccounts", Faults(always=("AccessDeniedException", 400)))
    inventory = read_aws_estate(session, regions=["eu-west-2"], role_name=ROLE, sleep=SleepRecorder())
    assert inventory.accounts == [MANAGEMENT]
    assert len(inventory.gaps) == 1
    gap = Gap.parse(inventory.gaps[0])
    assert (gap.account, gap.region, gap.service) == (None, None, None)
    assert gap.reason.startswith(
        "cannot list the organisation's accounts (organizations ListAccounts: AccessDeniedException"
    )
    assert names(inventory.resources, "sqs:queue")  # the caller's account was still read


def test_a_standalone_account_is_the_whole_estate(session: Any) -> None:
    inject(session, "organizations", "ListAccounts", Faults(always=("AWSOrganizationsNotInUseException", 400)))
    inventory = read_aws_estate(session, regions=["eu-west-2"], role_name=None, sleep=SleepRecorder())
    assert (inventory.accounts, inventory.gaps) == ([MANAGEMENT], [])


def test_member_accounts_without_a_role_name_are_gaps() -> None:
    session = boto3.Session(region_name="eu-west-2")
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="m@example.gov.uk", AccountName="m")["CreateAccountStatus"]["AccountId"]
    _resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=SleepRecorder())
    assert gaps == [f"aws account={member}: not read: no --role-name to assume in member accounts"]


def test_without_the_tagging_api_tags_are_read_from_each_service(session: Any) -> None:
    inject(session, "resource-groups-tagging-api", "GetResources", Faults(always=("AccessDeniedException", 400)))
    tags_calls = inject(session, "sqs", "ListQueueTags", Faults())
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=SleepRecorder())
    assert [Gap.parse(g).service for g in gaps] == ["tag"]
    assert "tags were read per resource" in gaps[0]
    assert tags_calls.calls == QUEUES
    assert all(dict(r.tags) == HOUSING_TAGS for r in resources if r.type == "sqs:queue")


def test_with_the_tagging_api_no_per_resource_tag_calls_are_made(session: Any) -> None:
    tags_calls = inject(session, "sqs", "ListQueueTags", Faults())
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=SleepRecorder())
    assert (gaps, tags_calls.calls) == ([], 0)
    assert all(dict(r.tags) == HOUSING_TAGS for r in resources if r.type == "sqs:queue")
    # Never tagged: not in the Tagging API's answer, so no tags (and no call to find out).
    assert all(dict(r.tags) == {} for r in resources if r.type == "logs:log-group")


def test_explicit_accounts_skip_organizations(session: Any) -> None:
    listing = inject(session, "organizations", "ListAccounts", Faults())
    inventory = read_aws_estate(session, regions=["eu-west-2"], role_name=None, account_ids=[MANAGEMENT])
    assert (listing.calls, inventory.accounts, inventory.gaps) == (0, [MANAGEMENT], [])
    assert inventory.scope.aws_accounts_complete is False  # a chosen subset, not the organisation


def test_one_bucket_whose_tags_cannot_be_read_does_not_hide_the_others() -> None:
    session = boto3.Session(region_name="eu-west-2")
    session.client("s3").create_bucket(Bucket="uk-files", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    us = session.client("s3", region_name="us-east-1")
    us.create_bucket(Bucket="old-us-files")
    us.put_bucket_tagging(Bucket="old-us-files", Tagging={"TagSet": [{"Key": "owner", "Value": "x@example.gov.uk"}]})
    # A region-deny SCP: reading the us-east-1 bucket's tags is refused (the region's Tagging API is not read).
    inject(session, "s3", "GetBucketTagging", Faults(always=("AccessDenied", 403)))
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=SleepRecorder())
    assert {(r.name, r.region, dict(r.tags).get("owner")) for r in resources if r.type == "s3:bucket"} == {
        ("uk-files", "eu-west-2", None),
        ("old-us-files", "us-east-1", None),
    }
    assert [str(g) for g in gaps] == [
        f"aws account={MANAGEMENT} region=us-east-1 service=s3: tags of bucket old-us-files not read: "
        "s3 GetBucketTagging old-us-files: AccessDenied (HTTP 403): injected"
    ]


def test_more_than_a_thousand_queues_are_all_listed() -> None:
    """ListQueues stops at 1,000 without a NextToken unless MaxResults is sent."""
    session = boto3.Session(region_name="eu-west-2")
    sqs = session.client("sqs")
    for n in range(1001):
        sqs.create_queue(QueueName=f"q{n:04d}")
    resources, gaps = inventory_aws(session, regions=["eu-west-2"], role_name=None, sleep=SleepRecorder())
    assert (len(names(resources, "sqs:queue")), gaps) == (1001, [])
