"""Reading Pulumi state: `pulumi stack export` files and a self-managed S3 backend."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from estate_helpers import FIXTURES, Faults, SleepRecorder, inject, state_text

from lz.problems import InputError
from lz.reports.estate.state import load_state_exports, parse_state_document, stack_owners

HOUSING = "111122223333"
VALUES = {
    "HOUSING": HOUSING,
    "ADULTS": "444455556666",
    "SANDBOX": "777788889999",
    "HOUSING_VPC": "vpc-1",
    "HOUSING_SUBNET": "subnet-1",
    "HOUSING_SG": "sg-1",
    "HOUSING_IGW": "igw-1",
    "HOUSING_ROUTE_TABLE": "rtb-1",
    "HOUSING_KEY": "key-1",
    "ADULTS_EFS": "fs-1",
    "ADULTS_VPC": "vpc-2",
    "ADULTS_SUBNET_A": "subnet-2",
    "ADULTS_SUBNET_B": "subnet-3",
    "ADULTS_LB": "arn:aws:elasticloadbalancing:eu-west-2:444455556666:loadbalancer/app/adults-portal/1",
}


def fixture_text(name: str) -> str:
    return state_text(name, VALUES)


def test_an_export_keeps_only_managed_custom_resources() -> None:
    state = parse_state_document(json.loads(fixture_text("housing-repairs-prod.json")), "housing.json")
    kinds = sorted(s.type for s in state)
    # Not the stack, providers, the component, or the route table the program only reads (external).
    assert "pulumi:pulumi:Stack" not in kinds and "lz:aws:Bucket" not in kinds
    assert not any(k.startswith("pulumi:providers:") for k in kinds)
    assert "aws:ec2/routeTable:RouteTable" not in kinds
    assert len(state) == 15
    assert {s.stack for s in state} == {"housing-repairs/prod"}
    queue = next(s for s in state if s.name == "jobs")
    assert (queue.arn, queue.location, queue.display_name, queue.source) == (
        f"arn:aws:sqs:eu-west-2:{HOUSING}:housing-repairs-jobs",
        "eu-west-2",
        "housing-repairs-jobs",
        "housing.json",
    )
    assert queue.tags["owner"] == "housing-digital@example.gov.uk"
    # The ARN's region wins; a resource without an ARN is placed by its provider's region.
    dr = next(s for s in state if s.name == "dr-jobs")
    assert dr.location == "eu-west-1"
    versioning = next(s for s in state if s.type == "aws:s3/bucketVersioning:BucketVersioning")
    assert (versioning.arn, versioning.location) == (None, "eu-west-2")


def test_a_checkpoint_file_reads_the_same_way() -> None:
    state = parse_state_document(json.loads(fixture_text("adults-care-prod.json")), "adults.json")
    assert {s.stack for s in state} == {"adults-care/prod"}
    assert len(state) == 7
    assert stack_owners(state) == {"adults-care/prod": "adults-digital@example.gov.uk"}


def test_secret_tags_are_never_read() -> None:
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}
    doc = {
        "deployment": {
            "resources": [
                {
                    "urn": "urn:pulumi:dev::p::aws:sqs/queue:Queue::q",
                    "custom": True,
                    "type": "aws:sqs/queue:Queue",
                    "id": "u",
                    "outputs": {"arn": "arn:aws:sqs:eu-west-2:1:q", "tags": secret, "tagsAll": secret},
                }
            ]
        }
    }
    assert dict(parse_state_document(doc, "x")[0].tags) == {}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "x.json: not a Pulumi stack export (expected a JSON object)"),
        ({"version": 3}, "x.json: not a Pulumi stack export: no 'deployment'"),
        ({"deployment": {"resources": {}}}, "x.json: 'resources' is not a list"),
        ({"deployment": {"resources": [{"type": "t"}]}}, "x.json: resources[0] has no 'urn' and 'type'"),
    ],
)
def test_malformed_documents_are_bad_input(document: Any, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_state_document(document, "x.json")
    assert str(raised.value).startswith(f"<input>:0:0: {message}")


def test_unreadable_files_are_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.json: not valid JSON"):
        load_state_exports([str(broken)])
    with pytest.raises(InputError, match=r"missing\.json: cannot read: No such file or directory"):
        load_state_exports([str(tmp_path / "missing.json")])


def test_an_empty_stack_has_no_resources(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": None}}), encoding="utf-8")
    assert load_state_exports([str(empty)]) == []


@pytest.mark.usefixtures("moto")
def test_a_self_managed_s3_backend_is_read_whole(tmp_path: Path) -> None:
    session = boto3.Session(region_name="eu-west-2")
    s3 = session.client("s3")
    s3.create_bucket(Bucket="council-pulumi-state", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    # Project-scoped layout, one stack gzipped (PULUMI_SELF_MANAGED_STATE_GZIP), plus files that are not stacks.
    s3.put_object(
        Bucket="council-pulumi-state",
        Key="estate/.pulumi/stacks/adults-care/prod.json",
        Body=fixture_text("adults-care-prod.json").encode(),
    )
    housing = json.loads(fixture_text("housing-repairs-prod.json"))
    checkpoint = {
        "version": 3,
        "checkpoint": {"stack": "organization/housing-repairs/prod", "latest": housing["deployment"]},
    }
    s3.put_object(
        Bucket="council-pulumi-state",
        Key="estate/.pulumi/stacks/housing-repairs/prod.json.gz",
        Body=gzip.compress(json.dumps(checkpoint).encode()),
    )
    s3.put_object(Bucket="council-pulumi-state", Key="estate/.pulumi/stacks/housing-repairs/prod.json.bak", Body=b"{}")
    s3.put_object(Bucket="council-pulumi-state", Key="estate/.pulumi/meta.yaml", Body=b"version: 1\n")
    s3.put_object(Bucket="council-pulumi-state", Key="other/.pulumi/stacks/x/y.json", Body=b"not read")

    state = load_state_exports(["s3://council-pulumi-state/estate"], session)
    assert {s.stack for s in state} == {"adults-care/prod", "housing-repairs/prod"}
    assert len(state) == 7 + 15
    assert {s.source for s in state} == {
        "s3://council-pulumi-state/estate/.pulumi/stacks/adults-care/prod.json",
        "s3://council-pulumi-state/estate/.pulumi/stacks/housing-repairs/prod.json.gz",
    }


@pytest.mark.usefixtures("moto")
def test_s3_backend_problems_are_bad_input_and_throttling_is_retried() -> None:
    session = boto3.Session(region_name="eu-west-2")
    with pytest.raises(
        InputError, match="s3://no-such-bucket: cannot read the Pulumi state: s3 ListObjectsV2: NoSuchBucket"
    ):
        load_state_exports(["s3://no-such-bucket"], session)
    s3 = session.client("s3")
    s3.create_bucket(Bucket="empty-state", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    with pytest.raises(InputError, match=r"no Pulumi stacks found under s3://empty-state/\.pulumi/stacks/"):
        load_state_exports(["s3://empty-state"], session)
    s3.put_object(
        Bucket="empty-state",
        Key=".pulumi/stacks/p/s.json",
        Body=(FIXTURES / "state" / "sandbox-lab-dev.json").read_bytes(),
    )
    inject(session, "s3", "GetObject", Faults(plan={1: ("SlowDown", 503)}))
    sleep = SleepRecorder()
    assert [s.name for s in load_state_exports(["s3://empty-state/"], session, sleep=sleep)] == ["experiments"]
    assert sleep.waits == [0.5]
