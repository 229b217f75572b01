"""Shared helpers for the estate report tests: the seeded organisation, state fixtures, fault
injection through botocore's event system, and recorded Resource Graph responses served to the
real azure-mgmt-resourcegraph client through a custom azure-core transport."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import HttpResponse, HttpTransport
from botocore.awsrequest import AWSResponse

FIXTURES = Path(__file__).parent / "fixtures"
REGION = "eu-west-2"
ROLE = "OrganizationAccountAccessRole"


def tags(**values: str) -> dict[str, str]:
    """Keyword tags with `_` spelt `-` (cost_centre -> cost-centre)."""
    return {key.replace("_", "-"): value for key, value in values.items()}


def contract(service: str, owner: str, *, classification: str = "OFFICIAL", **extra: str) -> dict[str, str]:
    """A complete, valid set of the seven mandatory tags."""
    base = tags(
        service=service,
        cost_centre="CC-1042",
        owner=owner,
        environment="prod",
        business_unit=service.split("-")[0],
        data_classification=classification,
        managed_by="pulumi",
    )
    return {**base, **extra}


def pairs(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in mapping.items()]


HOUSING_OWNER = "housing-digital@example.gov.uk"
ADULTS_OWNER = "adults-digital@example.gov.uk"
HOUSING_TAGS = contract("housing-repairs", HOUSING_OWNER)
ADULTS_TAGS = contract("adults-care", ADULTS_OWNER, classification="OFFICIAL-SENSITIVE")
MANAGEMENT = "123456789012"  # moto's default account: the organisation's management account


@dataclass
class Org:
    """IDs of what `seed_organisation` created; `values` fill the state fixtures' placeholders."""

    housing: str
    adults: str
    sandbox: str
    retired: str
    values: dict[str, str] = field(default_factory=dict)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def member_session(session: Any, account: str) -> Any:
    import boto3

    creds = session.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def _seed_housing(s: Any, values: dict[str, str]) -> None:
    s3 = s.client("s3", region_name=REGION)
    where = {"LocationConstraint": REGION}
    s3.create_bucket(Bucket="housing-repairs-prod-files", CreateBucketConfiguration=where)
    s3.put_bucket_tagging(Bucket="housing-repairs-prod-files", Tagging={"TagSet": pairs(HOUSING_TAGS)})
    s3.create_bucket(Bucket="housing-shadow-exports", CreateBucketConfiguration=where)
    # Outside the UK, tagged with an owner only: found (ListBuckets is global), tags read per bucket.
    us = s.client("s3", region_name="us-east-1")
    us.create_bucket(Bucket="housing-us-copy")
    us.put_bucket_tagging(Bucket="housing-us-copy", Tagging={"TagSet": pairs({"owner": "jo.bloggs@example.gov.uk"})})

    sqs = s.client("sqs", region_name=REGION)
    sqs.create_queue(QueueName="housing-repairs-jobs", tags=HOUSING_TAGS)
    sqs.create_queue(QueueName="housing-shadow-queue")
    s.client("sqs", region_name="eu-west-1").create_queue(QueueName="housing-repairs-dr", tags=HOUSING_TAGS)

    ec2 = s.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(
        CidrBlock="10.10.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": pairs({**HOUSING_TAGS, "Name": "housing-vpc"})}],
    )["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(
        VpcId=vpc,
        CidrBlock="10.10.1.0/24",
        AvailabilityZone="eu-west-2a",
        TagSpecifications=[{"ResourceType": "subnet", "Tags": pairs(HOUSING_TAGS)}],
    )["Subnet"]["SubnetId"]
    group = ec2.create_security_group(
        GroupName="housing-web",
        Description="web",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": pairs(HOUSING_TAGS)}],
    )["GroupId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]
    volumes = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}])
    igw = ec2.create_internet_gateway(
        TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": pairs(HOUSING_TAGS)}]
    )["InternetGateway"]["InternetGatewayId"]
    table = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=[{"ResourceType": "route-table", "Tags": pairs({"Name": "manual-rt"})}]
    )["RouteTable"]["RouteTableId"]

    iam = s.client("iam", region_name=REGION)
    role = iam.create_role(
        RoleName="housing-lambda-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        Tags=pairs(HOUSING_TAGS),
    )["Role"]["Arn"]
    s.client("lambda", region_name=REGION).create_function(
        FunctionName="housing-report-fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
        Tags={"owner": HOUSING_OWNER},
    )
    s.client("dynamodb", region_name=REGION).create_table(
        TableName="housing-repairs-cases",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=pairs({**HOUSING_TAGS, "data-classification": "SECRET"}),
    )
    s.client("logs", region_name=REGION).create_log_group(logGroupName="/housing/repairs", tags=HOUSING_TAGS)
    kms = s.client("kms", region_name=REGION)
    key = kms.create_key(Tags=[{"TagKey": k, "TagValue": v} for k, v in HOUSING_TAGS.items()])["KeyMetadata"]
    kms.create_alias(AliasName="alias/housing-repairs", TargetKeyId=key["KeyId"])
    s.client("secretsmanager", region_name=REGION).create_secret(Name="housing/shadow-api-key", SecretString="x")
    s.client("sns", region_name=REGION).create_topic(Name="housing-alerts", Tags=pairs(HOUSING_TAGS))
    values.update(
        HOUSING_VPC=vpc,
        HOUSING_SUBNET=subnet,
        HOUSING_SG=group,
        HOUSING_INSTANCE=instance["InstanceId"],
        HOUSING_VOLUME=volumes["Volumes"][0]["VolumeId"],
        HOUSING_IGW=igw,
        HOUSING_ROUTE_TABLE=table,
        HOUSING_KEY=key["KeyId"],
    )


def _seed_adults(s: Any, values: dict[str, str]) -> None:
    rds = s.client("rds", region_name=REGION)
    rds.create_db_instance(
        DBInstanceIdentifier="adults-case-db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        Tags=pairs(ADULTS_TAGS),
    )
    rds.create_db_cluster(
        DBClusterIdentifier="adults-analytics",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
    )
    efs = s.client("efs", region_name=REGION).create_file_system(CreationToken="adults", Tags=pairs(ADULTS_TAGS))
    s.client("ecr", region_name=REGION).create_repository(repositoryName="adults-shadow-images")
    ec2 = s.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(
        CidrBlock="10.20.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": pairs(ADULTS_TAGS)}]
    )["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.20.{n}.0/24",
            AvailabilityZone=f"eu-west-2{zone}",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": pairs(ADULTS_TAGS)}],
        )["Subnet"]["SubnetId"]
        for n, zone in ((1, "a"), (2, "b"))
    ]
    lb = s.client("elbv2", region_name=REGION).create_load_balancer(
        Name="adults-portal", Subnets=subnets, Tags=pairs(ADULTS_TAGS)
    )["LoadBalancers"][0]["LoadBalancerArn"]
    s.client("cloudfront", region_name="us-east-1").create_distribution(
        DistributionConfig={
            "CallerReference": "adults-shadow-site",
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "o",
                        "DomainName": "example.org",
                        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "o",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            },
            "Comment": "adults shadow site",
            "Enabled": True,
        }
    )
    values.update(
        ADULTS_EFS=efs["FileSystemId"],
        ADULTS_VPC=vpc,
        ADULTS_SUBNET_A=subnets[0],
        ADULTS_SUBNET_B=subnets[1],
        ADULTS_LB=lb,
    )


def seed_organisation(session: Any) -> Org:
    """The organisation the end-to-end tests read (see test_estate_aws.py for what to expect)."""
    org = session.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")

    def account(name: str) -> str:
        status = org.create_account(Email=f"{name}@example.gov.uk", AccountName=name)["CreateAccountStatus"]
        return str(status["AccountId"])

    result = Org(
        housing=account("housing"), adults=account("adults"), sandbox=account("sandbox"), retired=account("retired")
    )
    org.close_account(AccountId=result.retired)
    result.values.update(MANAGEMENT=MANAGEMENT, HOUSING=result.housing, ADULTS=result.adults, SANDBOX=result.sandbox)
    # The state bucket of the self-managed backend, created by hand before Pulumi existed.
    session.client("s3", region_name=REGION).create_bucket(
        Bucket="council-pulumi-state", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    _seed_housing(member_session(session, result.housing), result.values)
    _seed_adults(member_session(session, result.adults), result.values)
    member_session(session, result.sandbox).client("sqs", region_name=REGION).create_queue(
        QueueName="sandbox-experiments", tags=contract("sandbox-lab", "lab@example.gov.uk")
    )
    return result


def state_text(name: str, values: dict[str, str]) -> str:
    """A state fixture with its `${...}` placeholders filled (account and resource IDs moto made up)."""
    # Only `${UPPER_CASE}` is a placeholder: URNs contain `$` of their own (`lz:aws:Bucket$aws:s3/...`).
    text = (FIXTURES / "state" / name).read_text(encoding="utf-8")
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: values[m.group(1)], text)


def render_state(name: str, values: dict[str, str], directory: Path) -> Path:
    """`state_text` written to `directory/name`."""
    text = state_text(name, values)
    target = directory / name
    target.write_text(text, encoding="utf-8")
    return target


# --- fault injection -------------------------------------------------------------------------------


def aws_error(code: str, status: int, message: str = "injected") -> tuple[AWSResponse, dict[str, Any]]:
    """What a `before-call` handler returns to make botocore raise ClientError(code) without a call."""
    response = AWSResponse("https://injected.invalid/", status, {}, None)
    parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return response, parsed


@dataclass
class Faults:
    """Makes chosen calls fail: `plan[n]` is the error for the operation's n-th call (1-based);
    `always` fails every call. Registered on a boto3 session's events, so clients the code under
    test creates from that session see the faults; the real call is made otherwise."""

    plan: dict[int, tuple[str, int]] = field(default_factory=dict)
    always: tuple[str, int] | None = None
    only_if: Callable[[dict[str, Any]], bool] = lambda params: True
    calls: int = 0

    def __call__(self, params: dict[str, Any], **_: Any) -> Any:
        if not self.only_if(params):
            return None
        self.calls += 1
        fault = self.always or self.plan.get(self.calls)
        return aws_error(*fault) if fault else None


def inject(session: Any, service_id: str, operation: str, faults: Faults) -> Faults:
    session.events.register(f"before-call.{service_id}.{operation}", faults)
    return faults


class SleepRecorder:
    """Stands in for `time.sleep`: records the waits, never sleeps."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


# --- Azure: recorded Resource Graph responses ------------------------------------------------------


class FakeCredential:
    """A TokenCredential that hands out a token, or fails like an expired `az login`."""

    def __init__(self, *, expired: bool = False) -> None:
        self.expired = expired

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        if self.expired:
            from azure.core.exceptions import ClientAuthenticationError

            raise ClientAuthenticationError("AADSTS700082: The refresh token has expired")
        return AccessToken("recorded-token", 4_102_444_800)


class RecordedResponse(HttpResponse):
    """An azure-core transport response holding a recorded body (AutoRest clients read `body()`)."""

    def __init__(self, request: Any, status: int, headers: dict[str, str], body: bytes) -> None:
        super().__init__(request, None)
        self.status_code = status
        self.headers = headers
        self.reason = {200: "OK", 401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests"}.get(status, "Error")
        self.content_type = headers.get("Content-Type", "application/json")
        self._body = body

    def body(self) -> bytes:
        return self._body


class RecordedTransport(HttpTransport):
    """Serves recorded Resource Graph exchanges in order of (subscription, skip token).

    A recording is `{"request": {"subscriptions": [...], "skipToken": ...}, "responses": [...]}`:
    the responses are returned one per matching request (the last one repeats), so a recording can
    hold a 429 followed by the 200 that the retry gets. Requests are kept for assertions.
    """

    def __init__(self, recordings: list[dict[str, Any]]) -> None:
        self.recordings = recordings
        self.served: dict[int, int] = {}
        self.requests: list[dict[str, Any]] = []

    def __enter__(self) -> RecordedTransport:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, request: Any, **kwargs: Any) -> RecordedResponse:
        body = json.loads(request.content)
        self.requests.append(
            {"url": request.url, "method": request.method, "headers": dict(request.headers), "body": body}
        )
        skip = (body.get("options") or {}).get("$skipToken")
        for index, recording in enumerate(self.recordings):
            wanted = recording["request"]
            if wanted["subscriptions"] == body["subscriptions"] and wanted.get("skipToken") == skip:
                responses = recording["responses"]
                position = min(self.served.get(index, 0), len(responses) - 1)
                self.served[index] = position + 1
                answer = responses[position]
                payload = json.dumps(answer["body"]).encode("utf-8")
                return RecordedResponse(request, answer["status"], dict(answer.get("headers", {})), payload)
        raise AssertionError(f"no recording for {body}")


def load_recordings(*names: str) -> list[dict[str, Any]]:
    recordings: list[dict[str, Any]] = []
    for name in names:
        data = json.loads((FIXTURES / "azure" / name).read_text(encoding="utf-8"))
        recordings.extend(data["exchanges"])
    return recordings


def graph_factory(transport: RecordedTransport) -> Callable[[Any], Any]:
    """A client factory giving the real ResourceGraphClient the recorded transport."""
    from lz.reports.estate.inventory_azure import graph_client

    return lambda credential: graph_client(credential, transport=transport)


def iter_rows(path: Path) -> Iterator[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
