"""Run the three auditor reports against an emulated council estate: `run_demo`.

The estate of `lz.demo.seed` is put into moto's server (``ThreadedMotoServer``, on 127.0.0.1 and
a port the OS picks), and the reports run against it through their own public APIs, unchanged:
`lz.reports.cost.aws_ce.read_cost_explorer`, `lz.reports.estate.inventory_aws.read_aws_estate`
with `lz.reports.estate.state.load_state_exports`, and `lz.reports.carbon.usage.load_ce_usage`.
They find the server the way they would find any endpoint, through ``AWS_ENDPOINT_URL``.

For the duration of the run, and only then, the process environment points the AWS SDK at the
server with dummy credentials; the user's own credentials and config files are hidden from it
(``AWS_SHARED_CREDENTIALS_FILE`` and ``AWS_CONFIG_FILE`` point at the null device) so nothing can
reach a real account. Every variable is restored afterwards and the server is stopped, whatever
happens. Because it changes the process environment, `run_demo` must not run in parallel with
other AWS work in the same process.

Cost Explorer cannot be driven by resources: moto answers ``GetCostAndUsage`` from a queue seeded
through ``POST /moto-api/static/ce/cost-and-usage-results``, one queued answer per distinct
request, first come first served. The demo queues the cost report's answers just before it runs
and the carbon report's just before that one, in the order each report asks.

Finally the demo checks the reports against the ground truth (spend total and untagged spend,
the unmanaged and orphaned sets, the usage quantities) and raises `DemoMismatch` if any differ:
the files are still written, so the difference can be inspected.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import html
import io
import json
import logging
import os
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from lz.demo.seed import (
    ACCESS_ROLE,
    CARBON_DIMENSIONS,
    COST_GROUP_BY,
    COST_METRIC,
    REGION,
    CloudIds,
    CouncilEstate,
    DemoResource,
    LineItem,
    Period,
    cost_results,
    council_estate,
    demo_period,
    expected_findings,
    spend_line_items,
    state_exports,
    usage_results,
)

__all__ = ["DemoError", "DemoInputError", "DemoMismatch", "DemoResult", "run_demo"]

Progress = Callable[[str], None]

#: Seed of moto's random generator: the same account IDs, VPC and key IDs on every run.
MOTO_SEED: Final = 20261129

#: Shown wherever the demo's output could be mistaken for a real estate's.
SYNTHETIC: Final = "SYNTHETIC DATA: produced by `lz demo reports` against an emulated AWS (moto) on 127.0.0.1"

#: Set for the duration of the run (the endpoint is added at run time).
_ENV_SET: Final[Mapping[str, str]] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    # Never read the user's profiles, credentials or per-profile endpoints.
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    # moto: loading the AWS-managed IAM policies costs seconds per account; the demo attaches none.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "false",
    # Nor the public AMI catalogue, loaded for every account and region EC2 is asked about.
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
#: Removed for the duration of the run: anything that could pick other credentials or endpoints.
_ENV_CLEAR: Final[tuple[str, ...]] = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_CA_BUNDLE",
)
_ENV_CLEAR_PREFIX: Final = "AWS_ENDPOINT_URL_"


class DemoError(Exception):
    """The demo could not run, or its reports do not match the data it seeded."""


class DemoInputError(DemoError):
    """Bad input or a missing prerequisite: nothing useful was produced (the CLI exits 2)."""


class DemoMismatch(DemoError):
    """The reports were written but disagree with the seeded ground truth (the CLI exits 3)."""

    def __init__(self, problems: Sequence[str], result: DemoResult) -> None:
        self.problems = tuple(problems)
        self.result = result
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class DemoResult:
    """Where the demo wrote its files and what the reports say."""

    out_dir: Path
    index: Path
    """``index.html`` linking the three reports."""
    readme: Path
    """``README.txt`` saying the data is synthetic."""
    cost_files: tuple[Path, ...]
    estate_files: tuple[Path, ...]
    carbon_files: tuple[Path, ...]
    input_files: tuple[Path, ...]
    """The seeded data: stack exports, spend line items, the ground truth."""
    period: Period
    account_ids: Mapping[str, str]
    """Account key (``housing``) -> the ID the emulated organisation gave it."""
    currency: str
    total_spend: Decimal
    """The cost report's total for the period."""
    untagged_spend: Decimal
    """Spend on resources without a ``cost-centre`` tag."""
    untagged_share: Decimal | None
    """``untagged_spend / total_spend`` (6 places), as the cost report states it."""
    unmanaged_count: int
    """Resources in the cloud that no stack manages (shadow IT)."""
    orphaned_count: int
    """Resources in a stack's state that are gone from the cloud."""
    total_kgco2e: float
    """The carbon report's estimate for the period (operational + embodied)."""
    endpoint: str
    """The server's URL while it ran (it is stopped when `run_demo` returns)."""
    seconds: float
    problems: tuple[str, ...] = ()
    """Differences between the reports and the ground truth (empty when they agree)."""
    reports: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The report objects (``cost``, ``estate``, ``carbon``) for callers that want more."""

    def summary(self) -> dict[str, Any]:
        """The headline numbers and paths, JSON-ready."""
        return {
            "data": "synthetic",
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "currency": self.currency,
            "total_spend": str(self.total_spend),
            "untagged_spend": str(self.untagged_spend),
            "untagged_share": None if self.untagged_share is None else str(self.untagged_share),
            "unmanaged_count": self.unmanaged_count,
            "orphaned_count": self.orphaned_count,
            "total_kgco2e": self.total_kgco2e,
            "accounts": dict(self.account_ids),
            "index": str(self.index),
            "files": {
                "cost": [str(p) for p in self.cost_files],
                "estate": [str(p) for p in self.estate_files],
                "carbon": [str(p) for p in self.carbon_files],
                "inputs": [str(p) for p in self.input_files],
            },
            "seconds": round(self.seconds, 2),
        }


# --- the emulated cloud ----------------------------------------------------------------------------


def _no_sleep(_seconds: float) -> None:
    """Retries against a local emulator gain nothing from waiting."""


@contextlib.contextmanager
def _quiet_server_log() -> Iterator[None]:
    # werkzeug logs every request at INFO on stderr; the demo's own output says what happens.
    logger = logging.getLogger("werkzeug")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _server_class() -> Any:
    """moto's ``ThreadedMotoServer`` (moto[server] brings Flask, which the server needs)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        raise DemoInputError(
            f"the demo needs moto's server ({error}); install it with: pip install 'moto[server]>=5,<6'"
        ) from None
    return ThreadedMotoServer


@contextlib.contextmanager
def _moto_server(server_class: Any) -> Iterator[str]:
    """moto's server on 127.0.0.1 and a free port; always stopped."""
    # Port 0: the OS picks a free port while binding, so no other process can take it in between.
    server = server_class(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        _host, port = server.get_host_and_port()
        yield f"http://127.0.0.1:{port}"
    finally:
        # Ends werkzeug's serve_forever(), which closes the listening socket on its way out.
        server.stop()


@contextlib.contextmanager
def _aws_environment(endpoint: str) -> Iterator[None]:
    """Point the AWS SDK at ``endpoint`` with dummy credentials; restore every variable after."""
    touched = {*_ENV_SET, *_ENV_CLEAR, "AWS_ENDPOINT_URL", "NO_PROXY", "no_proxy"}
    touched.update(name for name in os.environ if name.startswith(_ENV_CLEAR_PREFIX))
    saved = {name: os.environ.get(name) for name in touched}
    try:
        for name in touched:
            os.environ.pop(name, None)
        os.environ.update(_ENV_SET)
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        # A proxy configured for the internet must not be asked for 127.0.0.1.
        for name in ("NO_PROXY", "no_proxy"):
            os.environ[name] = ",".join(p for p in ("127.0.0.1", "localhost", saved.get(name)) if p)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _post(endpoint: str, path: str, payload: Any = None) -> None:
    import requests

    try:
        with requests.Session() as http:
            http.trust_env = False  # never a proxy or .netrc for the local server
            response = http.post(f"{endpoint}{path}", json=payload, timeout=30)
    except requests.RequestException as error:
        raise DemoError(f"moto's server did not answer POST {path}: {error}") from None
    if response.status_code not in (200, 201):
        raise DemoError(f"moto's API refused POST {path}: HTTP {response.status_code} {response.text[:200]}")


def _queue_cost_explorer(endpoint: str, answers: Sequence[Mapping[str, Any]]) -> None:
    """Queue ``GetCostAndUsage`` answers; each distinct request takes the next one."""
    _post(endpoint, "/moto-api/static/ce/cost-and-usage-results", {"results": list(answers)})


def _client(session: Any, service: str, region: str = REGION) -> Any:
    from botocore.config import Config

    # One attempt: against the local server an error is a bug to see at once, not to retry.
    return session.client(service, region_name=region, config=Config(retries={"total_max_attempts": 1}))


class _Clients:
    """One client per service and region for an account's session (building one parses the
    service's model, which costs far more than the calls the demo makes)."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._made: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str = REGION) -> Any:
        if (service, region) not in self._made:
            self._made[(service, region)] = _client(self.session, service, region)
        return self._made[(service, region)]


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _member_session(session: Any, account_id: str) -> Any:
    import boto3

    credentials = _client(session, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}", RoleSessionName="lz-demo-seed"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def _create_organisation(session: Any, estate: CouncilEstate) -> dict[str, str]:
    org = _client(session, "organizations")
    ids = {estate.management.key: org.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]}
    for account in estate.members:
        status = org.create_account(AccountName=account.name, Email=account.email)["CreateAccountStatus"]
        while status["State"] == "IN_PROGRESS":  # moto answers SUCCEEDED at once; AWS would not
            status = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            raise DemoError(f"creating account {account.name} failed: {status.get('FailureReason', status['State'])}")
        ids[account.key] = status["AccountId"]
    return ids


def _instance_class(resource: DemoResource) -> str:
    for meter in resource.meters:
        if "InstanceUsage:" in meter.usage_type:
            return meter.usage_type.split("InstanceUsage:", 1)[1]
    raise ValueError(f"{resource.key}: no InstanceUsage meter says which instance class it is")


def _allocated_storage(resource: DemoResource) -> int:
    storage = next(m for m in resource.meters if m.usage_type.endswith("-Storage"))
    return int(storage.quantities[-1])


def _create(resource: DemoResource, client: _Clients, account_id: str, created: Mapping[str, CloudIds]) -> CloudIds:
    """Create one resource as its owner would have; returns what Pulumi would record."""
    region, name, tags = resource.region, resource.name, dict(resource.tags)
    if resource.kind == "s3_bucket":
        s3 = client("s3", region)
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tag_list(tags)})
        return CloudIds(id=name, arn=f"arn:aws:s3:::{name}")
    if resource.kind == "sqs_queue":
        sqs = client("sqs", region)
        url = sqs.create_queue(QueueName=name, **({"tags": tags} if tags else {}))["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        # State records the queue URL AWS would give, not the emulator's.
        canonical = f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"
        return CloudIds(id=canonical, arn=arn, outputs={"url": canonical})
    if resource.kind == "sns_topic":
        sns = client("sns", region)
        arn = sns.create_topic(Name=name, **({"Tags": _tag_list(tags)} if tags else {}))["TopicArn"]
        return CloudIds(id=arn, arn=arn)
    if resource.kind == "vpc":
        ec2 = client("ec2", region)
        spec = [{"ResourceType": "vpc", "Tags": _tag_list({**tags, "Name": name})}]
        vpc = ec2.create_vpc(CidrBlock="10.64.0.0/22", TagSpecifications=spec)["Vpc"]
        arn = f"arn:aws:ec2:{region}:{account_id}:vpc/{vpc['VpcId']}"
        return CloudIds(id=vpc["VpcId"], arn=arn, outputs={"cidrBlock": vpc["CidrBlock"]})
    if resource.kind == "security_group":
        ec2 = client("ec2", region)
        if resource.vpc is not None:
            vpc_id = created[f"{resource.account}/vpc/{resource.vpc}"].id
        else:
            default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
            vpc_id = default[0]["VpcId"]
        extra = {"TagSpecifications": [{"ResourceType": "security-group", "Tags": _tag_list(tags)}]} if tags else {}
        group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id, **extra)["GroupId"]
        arn = f"arn:aws:ec2:{region}:{account_id}:security-group/{group_id}"
        return CloudIds(id=group_id, arn=arn, outputs={"vpcId": vpc_id})
    if resource.kind == "kms_key":
        kms = client("kms", region)
        key_tags = [{"TagKey": key, "TagValue": value} for key, value in tags.items()]
        meta = kms.create_key(Description=name, Tags=key_tags)["KeyMetadata"]
        kms.create_alias(AliasName=name, TargetKeyId=meta["KeyId"])
        return CloudIds(id=meta["KeyId"], arn=meta["Arn"], outputs={"keyId": meta["KeyId"]})
    if resource.kind == "rds_instance":
        rds = client("rds", region)
        db = rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBInstanceClass=_instance_class(resource),
            Engine="postgres",
            AllocatedStorage=_allocated_storage(resource),
            StorageType="gp3",
            MasterUsername="lzadmin",
            MasterUserPassword=secrets.token_urlsafe(24),  # thrown away: nothing ever connects
            Tags=_tag_list(tags),
        )["DBInstance"]
        outputs = {"instanceClass": db["DBInstanceClass"], "engine": db["Engine"]}
        return CloudIds(id=db.get("DbiResourceId") or name, arn=db["DBInstanceArn"], outputs=outputs)
    if resource.kind == "dynamodb_table":
        dynamodb = client("dynamodb", region)
        table = dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            **({"Tags": _tag_list(tags)} if tags else {}),
        )["TableDescription"]
        return CloudIds(id=name, arn=table["TableArn"])
    if resource.kind == "iam_role":
        iam = client("iam", region)
        if not resource.made_by_organizations:
            raise ValueError(f"{resource.key}: the demo only tags roles that Organizations made")
        iam.tag_role(RoleName=name, Tags=_tag_list(tags))
        return CloudIds(id=name, arn=iam.get_role(RoleName=name)["Role"]["Arn"])
    raise ValueError(f"{resource.key}: the demo cannot create a {resource.kind}")


def _seed_cloud(
    session: Any, estate: CouncilEstate, progress: Progress | None
) -> tuple[dict[str, str], dict[str, CloudIds]]:
    """The organisation, then each account's resources through its access role."""
    account_ids = _create_organisation(session, estate)
    created: dict[str, CloudIds] = {}
    for account in estate.accounts:
        if progress:
            progress(f"Seeding account {account.name}")
        account_session = session if account.management else _member_session(session, account_ids[account.key])
        clients = _Clients(account_session)
        # VPCs first: security groups are created in them.
        mine = sorted(
            (r for r in estate.resources if r.account == account.key and r.in_cloud), key=lambda r: r.kind != "vpc"
        )
        for resource in mine:
            created[resource.key] = _create(resource, clients, account_ids[account.key], created)
    return account_ids, created


# --- inputs written beside the reports -------------------------------------------------------------


def _csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _write_inputs(
    out: Path,
    estate: CouncilEstate,
    items: Sequence[LineItem],
    documents: Mapping[str, Mapping[str, Any]],
    account_ids: Mapping[str, str],
    period: Period,
) -> tuple[list[Path], list[Path]]:
    """The seeded data, so a reader can check the reports against it: (all files, state files)."""
    from lz.reports import write_atomic
    from lz.tags import MANDATORY_TAG_KEYS

    state_files: list[Path] = []
    for stack, document in documents.items():
        path = out / "pulumi-state" / f"{stack}.json"
        write_atomic(path, json.dumps(document, indent=2) + "\n")
        state_files.append(path)
    rows = [
        {
            "month": item.month,
            "account": item.account,
            "account_id": account_ids[item.account],
            "resource": item.resource,
            "service": item.service,
            "usage_type": item.usage_type,
            "unit": item.unit,
            "quantity": format(item.quantity, "f"),
            "amount_usd": format(item.amount, "f"),
            **{f"tag:{key}": item.tags.get(key, "") for key in MANDATORY_TAG_KEYS},
        }
        for item in items
    ]
    line_items = out / "spend-line-items.csv"
    write_atomic(line_items, _csv_text(rows))
    truth = {
        "data": "synthetic",
        "council": estate.council,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "months": list(period.months)},
        "accounts": [
            {"key": a.key, "name": a.name, "id": account_ids[a.key], "purpose": a.purpose, "management": a.management}
            for a in estate.accounts
        ],
        "resources": [
            {
                "account": r.account,
                "account_id": account_ids[r.account],
                "type": r.inventory_type,
                "name": r.name,
                "region": r.region,
                "status": r.status,
                "stack": r.stack,
                "tags": dict(r.tags),
                "story": r.story,
            }
            for r in estate.resources
        ],
        "spend_total_usd": format(sum((i.amount for i in items), Decimal(0)), "f"),
        "spend_without_cost_centre_usd": format(_untagged_spend(items), "f"),
    }
    ground_truth = out / "ground-truth.json"
    write_atomic(ground_truth, json.dumps(truth, indent=2) + "\n")
    return [*state_files, line_items, ground_truth], state_files


def _untagged_spend(items: Sequence[LineItem], key: str = "cost-centre") -> Decimal:
    return sum((item.amount for item in items if not item.tags.get(key)), Decimal(0))


# --- the three reports -----------------------------------------------------------------------------


def _cost_report(session: Any, period: Period, out: Path) -> tuple[Any, list[Path]]:
    from lz.reports import write_report_files
    from lz.reports.cost.aws_ce import SOURCE, ce_client, read_cost_explorer
    from lz.reports.cost.cli import REPORT_STEM
    from lz.reports.cost.render import csv_rows, json_data, render_html
    from lz.reports.cost.report import build_cost_report

    metric = COST_METRIC[0]
    result = read_cost_explorer(
        start=period.start,
        end=period.end,
        group_by=COST_GROUP_BY,
        metric=metric,
        client=ce_client(session),
        sleep=_no_sleep,
    )
    last_day = date.fromordinal(period.end.toordinal() - 1)
    meta = {
        "data": SYNTHETIC,
        "period": f"{period.start.isoformat()} to {last_day.isoformat()} (inclusive)",
        "metric": metric,
        "sources": SOURCE,
        "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    report = build_cost_report(
        result.rows, group_by=COST_GROUP_BY, gaps=result.gaps, months=list(period.months), meta=meta
    )
    files = write_report_files(
        out, REPORT_STEM, html=render_html(report), csv_rows=csv_rows(report), json_data=json_data(report)
    )
    return report, files


def _estate_report(
    session: Any, state_files: Sequence[Path], out: Path, progress: Progress | None
) -> tuple[Any, list[Path]]:
    from lz.reports.estate.inventory_aws import read_aws_estate
    from lz.reports.estate.render import write_estate_report
    from lz.reports.estate.report import build_estate_report
    from lz.reports.estate.state import load_state_exports

    state = load_state_exports([str(path) for path in state_files])
    aws = read_aws_estate(session, regions=[REGION], role_name=ACCESS_ROLE, sleep=_no_sleep, progress=progress)
    scope = dataclasses.replace(aws.scope, azure_subscriptions=())
    report = build_estate_report(aws.resources, state, aws.gaps, scope=scope)
    return report, write_estate_report(report, out)


def _carbon_report(session: Any, period: Period, out: Path) -> tuple[Any, list[Path]]:
    from lz.estimate.carbon import load_coefficients
    from lz.reports.carbon.render import write_carbon_report
    from lz.reports.carbon.report import build_report
    from lz.reports.carbon.usage import load_ce_usage
    from lz.reports.cost.aws_ce import ce_client
    from lz.reports.retry import call_with_retries

    data = load_ce_usage(
        ce_client(session),
        start=period.start,
        end=period.end,
        dimensions=list(CARBON_DIMENSIONS),
        retry=functools.partial(call_with_retries, sleep=_no_sleep),
    )
    data.notes.append(SYNTHETIC)
    report = build_report(data, load_coefficients(), list(CARBON_DIMENSIONS))
    return report, write_carbon_report(report, out)


# --- checks against the ground truth ---------------------------------------------------------------


def _check(
    estate: CouncilEstate,
    items: Sequence[LineItem],
    account_ids: Mapping[str, str],
    cost: Any,
    estate_report: Any,
    carbon: Any,
) -> list[str]:
    problems: list[str] = [f"cost report gap: {gap}" for gap in cost.gaps]
    problems += [f"estate report gap: {gap}" for gap in estate_report.gaps]
    problems += [f"carbon report gap: {gap}" for gap in carbon.gaps]
    total = sum((item.amount for item in items), Decimal(0))
    if dict(cost.totals) != {"USD": total}:
        problems.append(f"cost report totals {dict(cost.totals)}; the seeded spend is USD {total}")
    else:
        untagged = cost.section("USD").breakdown("cost-centre").untagged
        got = untagged.total if untagged is not None else Decimal(0)
        if got != _untagged_spend(items):
            problems.append(f"cost report untagged spend {got}; the seeded untagged spend is {_untagged_spend(items)}")
    expected = expected_findings(estate, account_ids)
    for status, wanted in expected.items():
        found = {(f.resource.account, f.resource.type, f.resource.name) for f in estate_report.with_status(status)}
        if found != wanted:
            problems.append(
                f"estate report {status}: missing {sorted(wanted - found)}, unexpected {sorted(found - wanted)}"
            )
    seeded: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in items:
        seeded[(item.service, item.usage_type)] += item.quantity
    read: dict[tuple[str, str], float] = defaultdict(float)
    for line in carbon.total_lines:
        read[(line.record.service, line.record.usage_type)] += line.record.quantity
    if set(read) != set(seeded) or any(abs(read[k] - float(v)) > 1e-6 * max(1.0, float(v)) for k, v in seeded.items()):
        problems.append("carbon report usage quantities differ from the seeded usage")
    problems += [f"carbon report: {note}" for note in carbon.notes if "partition totals" in note]
    return problems


# --- index and README ------------------------------------------------------------------------------


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def _index_html(result: DemoResult, estate: CouncilEstate) -> str:
    e = html.escape
    base = result.out_dir
    report_links = []
    for title, files, what in (
        ("Cost", result.cost_files, "spend by cost centre, business unit, environment, classification, account"),
        ("Estate", result.estate_files, "every resource against Pulumi state: managed, shadow IT, orphaned; tags"),
        ("Carbon", result.carbon_files, "estimated emissions (Cloud Carbon Footprint method) by service and tag"),
    ):
        links = " · ".join(f'<a href="{e(_relative(p, base))}">{e(p.suffix[1:].upper())}</a>' for p in files)
        main = next(p for p in files if p.suffix == ".html")
        report_links.append(
            f'<li><a href="{e(_relative(main, base))}"><strong>{e(title)} report</strong></a>: {e(what)} ({links})</li>'
        )
    share = "n/a" if result.untagged_share is None else f"{result.untagged_share * 100:.1f}%"
    headline = [
        ("Period", f"{result.period.start.isoformat()} to {result.period.end.isoformat()} (end exclusive)"),
        ("Total spend", f"{result.currency} {result.total_spend:,.2f}"),
        ("Spend without a cost-centre tag", f"{result.currency} {result.untagged_spend:,.2f} ({share})"),
        ("Unmanaged resources (shadow IT)", str(result.unmanaged_count)),
        ("Orphaned in Pulumi state", str(result.orphaned_count)),
        ("Estimated emissions", f"{result.total_kgco2e:,.3f} kgCO2e"),
    ]
    accounts = "".join(
        f"<tr><td>{e(a.key)}</td><td>{e(a.name)}</td><td><code>{e(result.account_ids[a.key])}</code></td>"
        f"<td>{e(a.purpose)}</td></tr>"
        for a in estate.accounts
    )
    planted = "".join(
        f"<tr><td>{e(r.status)}</td><td>{e(r.account)}</td><td>{e(r.inventory_type)}</td>"
        f"<td><code>{e(r.name)}</code></td><td>{e(r.story)}</td></tr>"
        for r in estate.resources
        if r.story
    )
    inputs = "".join(
        f'<li><a href="{e(_relative(p, base))}">{e(_relative(p, base))}</a></li>' for p in result.input_files
    )
    problems = ""
    if result.problems:
        items = "".join(f"<li>{e(p)}</li>" for p in result.problems)
        problems = (
            f'<section class="problems"><h2>The reports disagree with the seeded data</h2><ul>{items}</ul></section>'
        )
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in headline)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{e(estate.council)}: demo reports (synthetic data)</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; line-height: 1.45; color: #1b1b1b; }}
.banner {{ background: #fff4ce; border: 2px solid #c79a00; padding: .75rem 1rem; font-weight: 600; }}
.problems {{ background: #fde7e9; border: 2px solid #a4262c; padding: .5rem 1rem; }}
table {{ border-collapse: collapse; margin: .5rem 0 1.5rem; }}
th, td {{ border: 1px solid #bbb; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
</style>
</head>
<body>
<p class="banner">{e(SYNTHETIC)}. No real council, account or spend is shown.</p>
<h1>{e(estate.council)}: auditor reports (demo)</h1>
{problems}
<h2>Reports</h2>
<ul>{"".join(report_links)}</ul>
<h2>Headline numbers</h2>
<table>{rows}</table>
<h2>Accounts</h2>
<table><tr><th>Key</th><th>Account name</th><th>ID (emulated)</th><th>Purpose</th></tr>{accounts}</table>
<h2>What was planted for the reports to find</h2>
<table><tr><th>Status</th><th>Account</th><th>Type</th><th>Name</th><th>Story</th></tr>{planted}</table>
<h2>The seeded data</h2>
<p>Every number in the reports can be checked against these files:</p>
<ul>{inputs}</ul>
<p>Generated by <code>lz demo reports</code> in {result.seconds:.1f} s. See docs/demo.md.</p>
</body>
</html>
"""


def _readme_text(result: DemoResult, estate: CouncilEstate) -> str:
    base = result.out_dir
    lines = [
        SYNTHETIC + ".",
        "",
        f"{estate.council} does not exist. Its accounts, resources, Pulumi state and spend were made up by",
        "lz/demo/seed.py and put into moto, an AWS emulator, running on 127.0.0.1 for the length of the run.",
        "No cloud account was contacted; the account IDs are the emulator's.",
        "",
        "The three reports were made by the same code as `lz report cost`, `lz report estate` and",
        "`lz report carbon`, unchanged, reading the emulator as they would read AWS:",
        "",
        *(f"  {_relative(p, base)}" for p in (*result.cost_files, *result.estate_files, *result.carbon_files)),
        "",
        "Start with index.html. The seeded data the reports were computed from:",
        "",
        *(f"  {_relative(p, base)}" for p in result.input_files),
        "",
        f"Period: {result.period.start.isoformat()} to {result.period.end.isoformat()} (end exclusive).",
        f"Total spend: {result.currency} {result.total_spend}; without a cost-centre tag: "
        f"{result.currency} {result.untagged_spend}.",
        f"Unmanaged (shadow IT): {result.unmanaged_count}; orphaned in state: {result.orphaned_count}.",
        f"Estimated emissions: {result.total_kgco2e:.3f} kgCO2e.",
        "",
        "Regenerate with: lz demo reports --out <this directory>",
        "",
    ]
    return "\n".join(lines)


# --- the run ---------------------------------------------------------------------------------------


def _prepare_out(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise DemoInputError(f"--out {out_dir} exists and is not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DemoInputError(f"--out {out_dir}: cannot create the directory ({error.strerror or error})") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise DemoInputError(f"--out {out_dir}: the directory is not writable")


def run_demo(out_dir: Path, *, today: date | None = None, progress: Progress | None = None) -> DemoResult:
    """Seed the emulated estate, run cost → estate → carbon, write them under ``out_dir``.

    ``out_dir`` gets ``cost/``, ``estate/``, ``carbon/`` (each report's HTML, CSV and JSON),
    ``inputs/`` (the seeded data), ``index.html`` and ``README.txt``. ``today`` fixes the period
    (the three full months before it; default: today in UTC). ``progress`` is told what is
    happening. Raises `DemoInputError` for an unusable ``out_dir`` or a missing moto server,
    `DemoError` if the emulator fails, and `DemoMismatch` (after writing everything) if the
    reports disagree with the seeded data.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    server_class = _server_class()
    _prepare_out(out_dir)
    today = today or datetime.now(UTC).date()
    estate = council_estate()
    period = demo_period(today)
    items = spend_line_items(estate, period.months)
    say = progress or (lambda _message: None)

    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    say("Starting moto's server on 127.0.0.1")
    try:
        with _quiet_server_log(), _moto_server(server_class) as endpoint, _aws_environment(endpoint):
            # The server shares moto's in-process backends: start from an empty cloud, with IDs
            # that are the same on every run.
            _post(endpoint, "/moto-api/reset")
            _post(endpoint, f"/moto-api/seed?a={MOTO_SEED}")
            session = boto3.Session(region_name=REGION)
            try:
                account_ids, cloud_ids = _seed_cloud(session, estate, say)
                documents = state_exports(estate, account_ids=account_ids, cloud_ids=cloud_ids, exported=period.end)
                input_files, state_files = _write_inputs(
                    out_dir / "inputs", estate, items, documents, account_ids, period
                )
                say("Running the cost report")
                _queue_cost_explorer(
                    endpoint, cost_results(estate, items, months=period.months, account_ids=account_ids)
                )
                cost, cost_files = _cost_report(session, period, out_dir / "cost")
                say("Running the estate report")
                estate_report, estate_files = _estate_report(session, state_files, out_dir / "estate", progress)
                say("Running the carbon report")
                _queue_cost_explorer(
                    endpoint, usage_results(estate, items, months=period.months, account_ids=account_ids)
                )
                carbon, carbon_files = _carbon_report(session, period, out_dir / "carbon")
            finally:
                # Free the emulated estate (moto's backends live in this process).
                with contextlib.suppress(DemoError, OSError):
                    _post(endpoint, "/moto-api/reset")
    except (BotoCoreError, ClientError) as error:
        raise DemoError(f"the emulated AWS failed while the demo ran: {error}") from error
    except OSError as error:
        raise DemoInputError(f"--out {out_dir}: could not write the demo's files ({error})") from error

    problems = _check(estate, items, account_ids, cost, estate_report, carbon)
    section = cost.sections[0] if cost.sections else None
    untagged_line = section.breakdown("cost-centre").untagged if section is not None else None
    result = DemoResult(
        out_dir=out_dir,
        index=out_dir / "index.html",
        readme=out_dir / "README.txt",
        cost_files=tuple(cost_files),
        estate_files=tuple(estate_files),
        carbon_files=tuple(carbon_files),
        input_files=tuple(input_files),
        period=period,
        account_ids=dict(account_ids),
        currency=section.currency if section is not None else "USD",
        total_spend=section.total if section is not None else Decimal(0),
        untagged_spend=untagged_line.total if untagged_line is not None else Decimal(0),
        untagged_share=untagged_line.share if untagged_line is not None else None,
        unmanaged_count=len(estate_report.with_status("unmanaged")),
        orphaned_count=len(estate_report.with_status("orphaned")),
        total_kgco2e=carbon.total_kgco2e,
        endpoint=endpoint,
        seconds=time.perf_counter() - started,
        problems=tuple(problems),
        reports={"cost": cost, "estate": estate_report, "carbon": carbon},
    )
    from lz.reports import write_atomic

    try:
        write_atomic(result.readme, _readme_text(result, estate))
        write_atomic(result.index, _index_html(result, estate))
    except OSError as error:
        raise DemoInputError(f"--out {out_dir}: could not write the demo's files ({error})") from error
    if problems:
        raise DemoMismatch(problems, result)
    return result
