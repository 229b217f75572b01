"""Matching cloud against state, one rule per test, on hand-built resources."""

from __future__ import annotations

from datetime import UTC, datetime

from lz.reports.estate.model import CloudResource, Gap, Scope
from lz.reports.estate.report import build_estate_report
from lz.reports.estate.state import StateResource

OWNER = {"owner": "team@example.gov.uk"}


def aws(
    kind: str, rid: str, arn: str, *, account: str = "111122223333", tags: dict[str, str] | None = None
) -> CloudResource:
    return CloudResource("aws", account, "eu-west-2", kind, rid, arn, rid, tags or {})


def state(
    kind: str,
    rid: str,
    arn: str | None = None,
    *,
    stack: str = "svc/prod",
    tags: dict[str, str] | None = None,
    location: str | None = "eu-west-2",
) -> StateResource:
    return StateResource(
        stack=stack,
        urn=f"urn:pulumi:{stack.split('/')[1]}::{stack.split('/')[0]}::{kind}::{rid}",
        type=kind,
        id=rid,
        arn=arn,
        name=rid,
        tags=tags or {},
        location=location,
        display_name=rid,
    )


def statuses(report: object) -> dict[str, str]:
    return {f.resource.name: f.status for f in report.findings}  # type: ignore[attr-defined]


def test_matched_by_arn_even_when_ids_differ() -> None:
    cloud = [aws("rds:db", "case-db", "arn:aws:rds:eu-west-2:111122223333:db:case-db")]
    st = [state("aws:rds/instance:Instance", "db-RESOURCEID", "arn:aws:rds:eu-west-2:111122223333:db:case-db")]
    assert statuses(build_estate_report(cloud, st, [])) == {"case-db": "managed"}


def test_log_group_arns_match_with_or_without_the_star() -> None:
    cloud = [aws("logs:log-group", "/app", "arn:aws:logs:eu-west-2:111122223333:log-group:/app")]
    st = [state("aws:cloudwatch/logGroup:LogGroup", "/app", "arn:aws:logs:eu-west-2:111122223333:log-group:/app:*")]
    assert statuses(build_estate_report(cloud, st, [])) == {"/app": "managed"}


def test_matched_by_unique_id_when_state_has_no_arn() -> None:
    cloud = [aws("ec2:natgateway", "nat-1", "arn:aws:ec2:eu-west-2:111122223333:natgateway/nat-1")]
    st = [state("aws:ec2/natGateway:NatGateway", "nat-1")]
    assert statuses(build_estate_report(cloud, st, [])) == {"nat-1": "managed"}


def test_an_id_shared_by_two_accounts_matches_neither_and_is_not_called_orphaned() -> None:
    cloud = [
        aws("lambda:function", "api", "arn:aws:lambda:eu-west-2:111122223333:function:api"),
        aws("lambda:function", "api", "arn:aws:lambda:eu-west-2:444455556666:function:api", account="444455556666"),
    ]
    report = build_estate_report(cloud, [state("aws:lambda/function:Function", "api")], [])
    assert [f.status for f in report.findings] == ["unmanaged", "unmanaged"]
    assert [u.reason for u in report.unchecked] == [
        "ambiguous: 2 resources in the clouds have the ID api and the state has no ARN"
    ]


def test_config_resources_sharing_a_bucket_name_do_not_make_the_bucket_managed() -> None:
    cloud = [aws("s3:bucket", "files", "arn:aws:s3:::files")]
    report = build_estate_report(cloud, [state("aws:s3/bucketVersioning:BucketVersioning", "files")], [])
    assert statuses(report) == {"files": "unmanaged"}
    assert report.not_compared == {"aws:s3/bucketVersioning:BucketVersioning": 1}


def test_orphans_need_the_place_to_have_been_read() -> None:
    gone = [
        state("aws:sqs/queue:Queue", "q1", "arn:aws:sqs:eu-west-2:111122223333:q1"),
        state("aws:sqs/queue:Queue", "q2", "arn:aws:sqs:eu-west-2:444455556666:q2"),
        state("aws:sqs/queue:Queue", "q3", "arn:aws:sqs:eu-west-1:111122223333:q3"),
        state("aws:iam/role:Role", "r1", "arn:aws:iam::111122223333:role/r1", location="us-east-1"),
        state("aws:sns/topic:Topic", "t1", "arn:aws:sns:eu-west-2:111122223333:t1"),
    ]
    gaps = [Gap("aws", account="111122223333", region="eu-west-2", service="sns", reason="kept failing")]
    scope = Scope(aws_accounts=("111122223333",), aws_regions=("eu-west-2",))
    report = build_estate_report([], gone, gaps, scope=scope)
    assert {f.resource.name for f in report.findings if f.status == "orphaned"} == {"q1", "r1"}
    assert {u.resource.name: u.reason for u in report.unchecked} == {
        "q2": "account 444455556666 was not read",
        "q3": "region eu-west-1 was not read",
        "t1": f"in a gap: {gaps[0]}",
    }
    role = next(f for f in report.findings if f.resource.name == "r1")
    assert (role.resource.account, role.resource.region, role.resource.type) == ("111122223333", "global", "iam:role")


def test_a_gap_in_another_service_does_not_hide_an_orphan() -> None:
    gone = [state("aws:sqs/queue:Queue", "q1", "arn:aws:sqs:eu-west-2:111122223333:q1")]
    gaps = [Gap("aws", account="111122223333", region="eu-west-2", service="tag", reason="no Tagging API")]
    assert [f.status for f in build_estate_report([], gone, gaps).findings] == ["orphaned"]


def test_owner_precedence() -> None:
    cloud = [
        aws("sqs:queue", "tagged", "arn:aws:sqs:eu-west-2:111122223333:tagged", tags={"owner": "own@example.gov.uk"}),
        aws("sqs:queue", "untagged", "arn:aws:sqs:eu-west-2:111122223333:untagged"),
        aws("sqs:queue", "shadow", "arn:aws:sqs:eu-west-2:111122223333:shadow"),
    ]
    st = [
        state("aws:sqs/queue:Queue", "tagged", "arn:aws:sqs:eu-west-2:111122223333:tagged", tags=OWNER),
        state("aws:sqs/queue:Queue", "untagged", "arn:aws:sqs:eu-west-2:111122223333:untagged"),
        state("aws:sqs/queue:Queue", "gone", "arn:aws:sqs:eu-west-2:111122223333:gone"),
    ]
    owners = {f.resource.name: f.owner for f in build_estate_report(cloud, st, []).findings}
    assert owners == {
        "tagged": "own@example.gov.uk",  # the cloud's owner tag wins
        "untagged": "team@example.gov.uk",  # else the stack's owner
        "shadow": None,  # shadow IT without an owner tag: nobody to name
        "gone": "team@example.gov.uk",  # an orphan: the stack's owner
    }


def test_a_resource_in_two_stacks_names_both_and_the_same_stack_twice_counts_once() -> None:
    cloud = [aws("sqs:queue", "q", "arn:aws:sqs:eu-west-2:111122223333:q")]
    arn = "arn:aws:sqs:eu-west-2:111122223333:q"
    st = [
        state("aws:sqs/queue:Queue", "q", arn, stack="b/prod"),
        state("aws:sqs/queue:Queue", "q", arn, stack="a/prod"),
        state("aws:sqs/queue:Queue", "q", arn, stack="a/prod"),
    ]
    report = build_estate_report(cloud, st, [])
    assert [f.stack for f in report.findings] == ["a/prod, b/prod"]
    assert report.stacks == ("a/prod", "b/prod")


def test_findings_are_sorted_unmanaged_orphaned_managed() -> None:
    cloud = [
        aws("sqs:queue", "m", "arn:aws:sqs:eu-west-2:111122223333:m"),
        aws("sqs:queue", "u2", "arn:aws:sqs:eu-west-2:111122223333:u2"),
        aws("sqs:queue", "u1", "arn:aws:sqs:eu-west-2:111122223333:u1"),
    ]
    st = [
        state("aws:sqs/queue:Queue", "m", "arn:aws:sqs:eu-west-2:111122223333:m"),
        state("aws:sqs/queue:Queue", "o", "arn:aws:sqs:eu-west-2:111122223333:o"),
    ]
    now = datetime(2025, 3, 4, 10, 20, 30, 123456, tzinfo=UTC)
    report = build_estate_report(cloud, st, [], now=now)
    assert [(f.status, f.resource.name) for f in report.findings] == [
        ("unmanaged", "u1"),
        ("unmanaged", "u2"),
        ("orphaned", "o"),
        ("managed", "m"),
    ]
    assert report.generated_at == "2025-03-04T10:20:30+00:00"
    assert report.complete


def test_azure_state_outside_resource_graph_is_not_compared() -> None:
    rg = "/subscriptions/s1/resourceGroups/rg"
    st = [
        state("azure-native:resources:ResourceGroup", rg, location="uksouth"),
        state(
            "azure-native:network:Subnet",
            f"{rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
            location=None,
        ),
        state(
            "azure-native:network:VirtualNetwork", f"{rg}/providers/Microsoft.Network/virtualNetworks/v", location=None
        ),
        state("azure-native:web:WebApp", f"{rg}/providers/Microsoft.Web/sites/app", location="UK South"),
    ]
    report = build_estate_report([], st, [])
    assert report.not_compared == {
        "azure-native:network:Subnet": 1,
        "azure-native:network:VirtualNetwork": 1,  # no location in state: not known to be tracked
        "azure-native:resources:ResourceGroup": 1,
    }
    orphan = report.findings[0]
    assert (orphan.status, orphan.resource.type, orphan.resource.region) == (
        "orphaned",
        "microsoft.web/sites",
        "uksouth",
    )


def test_a_bucket_whose_account_is_unknown_is_only_orphaned_when_every_account_was_read() -> None:
    gone = [state("aws:s3/bucket:Bucket", "old-files", "arn:aws:s3:::old-files")]
    every = Scope(aws_accounts=("111122223333",), aws_regions=("eu-west-2",))
    chosen = Scope(aws_accounts=("111122223333",), aws_regions=("eu-west-2",), aws_accounts_complete=False)
    assert [f.status for f in build_estate_report([], gone, [], scope=every).findings] == ["orphaned"]
    report = build_estate_report([], gone, [], scope=chosen)
    assert (report.findings, [u.reason for u in report.unchecked]) == (
        (),
        ["its account is not known (its ARN names none) and only some accounts were read"],
    )
