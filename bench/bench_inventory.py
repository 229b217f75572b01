#!/usr/bin/env python3

"""Estate inventory of 10,000 resources against a bare boto3 pagination loop, side by side.

    .venv/bin/python bench/bench_inventory.py                 # print the Markdown table
    .venv/bin/python bench/bench_inventory.py --write         # ... and replace its section of docs/performance.md
    .venv/bin/python bench/bench_inventory.py --resources 2000 --repeat 1   # a quick look

One account, one region, seeded in moto in-process (`mock_aws`) with a mix of services that seed
quickly (KMS keys cost ~40 ms each in moto, so there are none): S3 buckets, CloudWatch log groups,
SQS queues, SNS topics, security groups and secrets, about half of them tagged with the seven
mandatory tags.

* **lz**: `inventory_aws(...)`: every lister in the registry, the Tagging API, retries around
  every page, `CloudResource`s with read-only tags.
* **baseline**: the loop an engineer would write by hand for the same answer: the same API calls
  (every lister's paginated listing and the per-resource calls it needs, plus the Tagging API for
  tags), appending plain dicts, no retries.

Both are run `--repeat` times, interleaved, and the medians are compared (target: lz/baseline <=
1.2). Classifying the result against a state of half the resources is timed too, for scale. Never
run as a test: timings depend on the machine; the ratio is what carries over.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform as stdlib_platform  # the root's platform/ directory must never shadow this
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "## Estate inventory (bench/bench_inventory.py)"
REGION = "eu-west-2"
TARGET = 1.2

#: Share of the resources per service (they add up to 1).
#: S3 is kept to a tenth: moto's ListBuckets has no BucketRegion, so each bucket costs a GetBucketLocation.
MIX: dict[str, float] = {"s3": 0.1, "logs": 0.2, "sqs": 0.25, "sns": 0.2, "ec2-sg": 0.15, "secretsmanager": 0.1}

TAGS = {
    "service": "bench",
    "cost-centre": "CC-1042",
    "owner": "bench@example.gov.uk",
    "environment": "prod",
    "business-unit": "ict",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}


def seed(session: Any, total: int) -> dict[str, int]:
    """Create `total` resources in the mix; even-numbered ones are tagged."""
    counts = {service: int(total * share) for service, share in MIX.items()}
    counts["s3"] += total - sum(counts.values())
    pairs = [{"Key": k, "Value": v} for k, v in TAGS.items()]
    s3 = session.client("s3", region_name=REGION)
    for n in range(counts["s3"]):
        name = f"bench-bucket-{n:05d}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        if n % 2 == 0:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": pairs})
    logs = session.client("logs", region_name=REGION)
    for n in range(counts["logs"]):
        logs.create_log_group(logGroupName=f"/bench/{n:05d}", **({"tags": TAGS} if n % 2 == 0 else {}))
    sqs = session.client("sqs", region_name=REGION)
    for n in range(counts["sqs"]):
        sqs.create_queue(QueueName=f"bench-queue-{n:05d}", **({"tags": TAGS} if n % 2 == 0 else {}))
    sns = session.client("sns", region_name=REGION)
    for n in range(counts["sns"]):
        sns.create_topic(Name=f"bench-topic-{n:05d}", **({"Tags": pairs} if n % 2 == 0 else {}))
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    counts["ec2-sg"] -= 1  # the VPC counts as one resource
    for n in range(counts["ec2-sg"]):
        spec = [{"ResourceType": "security-group", "Tags": pairs}] if n % 2 == 0 else []
        ec2.create_security_group(GroupName=f"bench-sg-{n:05d}", Description="bench", VpcId=vpc, TagSpecifications=spec)
    secrets = session.client("secretsmanager", region_name=REGION)
    for n in range(counts["secretsmanager"]):
        secrets.create_secret(Name=f"bench/secret-{n:05d}", SecretString="x", **({"Tags": pairs} if n % 2 == 0 else {}))
    counts["ec2-vpc"] = 1
    return counts


def run_lz(session: Any) -> int:
    from lz.reports.estate.inventory_aws import inventory_aws

    resources, gaps = inventory_aws(session, regions=[REGION], role_name=None)
    assert not gaps, gaps
    return len(resources)


def _pages(client: Any, op: str, key: str, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(op).paginate(**kwargs):
        value: Any = page
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        items.extend(value or ())
    return items


def run_baseline(session: Any) -> int:
    """The same calls as the listers make for this account and region, by hand."""
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1, "mode": "standard"})

    def client(service: str) -> Any:
        return session.client(service, region_name=REGION, config=config)

    out: list[dict[str, Any]] = []
    account = client("sts").get_caller_identity()["Account"]
    _pages(client("organizations"), "list_accounts", "Accounts")
    tagged = {
        m["ResourceARN"]: {t["Key"]: t["Value"] for t in m.get("Tags", ())}
        for m in _pages(
            client("resourcegroupstaggingapi"), "get_resources", "ResourceTagMappingList", ResourcesPerPage=100
        )
    }
    ec2 = client("ec2")
    for reservation in _pages(ec2, "describe_instances", "Reservations"):
        for i in reservation["Instances"]:
            out.append({"arn": f"arn:aws:ec2:{REGION}:{account}:instance/{i['InstanceId']}", "tags": i.get("Tags", [])})
    for v in _pages(ec2, "describe_volumes", "Volumes"):
        out.append({"arn": f"arn:aws:ec2:{REGION}:{account}:volume/{v['VolumeId']}", "tags": v.get("Tags", [])})
    for v in _pages(ec2, "describe_vpcs", "Vpcs"):
        if not v.get("IsDefault"):
            out.append({"arn": f"arn:aws:ec2:{REGION}:{account}:vpc/{v['VpcId']}", "tags": v.get("Tags", [])})
    for s in _pages(ec2, "describe_subnets", "Subnets"):
        if not s.get("DefaultForAz"):
            out.append({"arn": s["SubnetArn"], "tags": s.get("Tags", [])})
    for g in _pages(ec2, "describe_security_groups", "SecurityGroups"):
        if g["GroupName"] != "default":
            out.append({"arn": g.get("SecurityGroupArn"), "tags": g.get("Tags", [])})
    rds = client("rds")
    out += [
        {"arn": d["DBInstanceArn"], "tags": d.get("TagList", [])}
        for d in _pages(rds, "describe_db_instances", "DBInstances")
    ]
    out += [
        {"arn": c["DBClusterArn"], "tags": c.get("TagList", [])}
        for c in _pages(rds, "describe_db_clusters", "DBClusters")
    ]
    out += [
        {"arn": f["FunctionArn"], "tags": tagged.get(f["FunctionArn"], {})}
        for f in _pages(client("lambda"), "list_functions", "Functions")
    ]
    for name in _pages(client("dynamodb"), "list_tables", "TableNames"):
        arn = f"arn:aws:dynamodb:{REGION}:{account}:table/{name}"
        out.append({"arn": arn, "tags": tagged.get(arn, {})})
    for url in _pages(client("sqs"), "list_queues", "QueueUrls", PaginationConfig={"PageSize": 1000}):
        arn = f"arn:aws:sqs:{REGION}:{account}:{url.rsplit('/', 1)[-1]}"
        out.append({"arn": arn, "tags": tagged.get(arn, {})})
    out += [
        {"arn": t["TopicArn"], "tags": tagged.get(t["TopicArn"], {})}
        for t in _pages(client("sns"), "list_topics", "Topics")
    ]
    kms = client("kms")
    managed = {
        a["TargetKeyId"]
        for a in _pages(kms, "list_aliases", "Aliases")
        if a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a
    }
    for key in _pages(kms, "list_keys", "Keys"):
        if (
            key["KeyId"] not in managed
            and kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyManager"] == "CUSTOMER"
        ):
            out.append({"arn": key["KeyArn"], "tags": tagged.get(key["KeyArn"], {})})
    elb = client("elbv2")
    lbs = _pages(elb, "describe_load_balancers", "LoadBalancers")
    for start in range(0, len(lbs), 20):
        elb.describe_tags(ResourceArns=[lb["LoadBalancerArn"] for lb in lbs[start : start + 20]])
    out += [{"arn": lb["LoadBalancerArn"]} for lb in lbs]
    out += [
        {"arn": f["FileSystemArn"], "tags": f.get("Tags", [])}
        for f in _pages(client("efs"), "describe_file_systems", "FileSystems")
    ]
    ecr = client("ecr")
    for repo in _pages(ecr, "describe_repositories", "repositories"):
        out.append(
            {
                "arn": repo["repositoryArn"],
                "tags": ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"],
            }
        )
    out += [
        {"arn": s["ARN"], "tags": s.get("Tags", [])}
        for s in _pages(client("secretsmanager"), "list_secrets", "SecretList")
    ]
    for group in _pages(client("logs"), "describe_log_groups", "logGroups"):
        arn = group["logGroupArn"]
        out.append({"arn": arn, "tags": tagged.get(arn, {})})
    # Global services, once per account.
    s3 = client("s3")
    for bucket in _pages(s3, "list_buckets", "Buckets", PaginationConfig={"PageSize": 10_000}):
        region = bucket.get("BucketRegion") or s3.get_bucket_location(Bucket=bucket["Name"])["LocationConstraint"]
        arn = f"arn:aws:s3:::{bucket['Name']}"
        out.append({"arn": arn, "region": region, "tags": tagged.get(arn, {})})
    cloudfront = client("cloudfront")
    for dist in _pages(cloudfront, "list_distributions", "DistributionList.Items"):
        out.append({"arn": dist["ARN"], "tags": cloudfront.list_tags_for_resource(Resource=dist["ARN"])["Tags"]})
    iam = client("iam")
    for role in _pages(iam, "list_roles", "Roles"):
        out.append({"arn": role["Arn"], "tags": _pages(iam, "list_role_tags", "Tags", RoleName=role["RoleName"])})
    return len(out)


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    count = fn()
    return time.perf_counter() - start, count


def bench_classify(session: Any) -> tuple[float, int]:
    """Classify the inventory against a state holding every other resource (ARNs), for scale."""
    from lz.reports.estate.inventory_aws import inventory_aws
    from lz.reports.estate.report import build_estate_report
    from lz.reports.estate.state import StateResource

    resources, _gaps = inventory_aws(session, regions=[REGION], role_name=None)
    state = [
        StateResource(
            stack="bench/prod",
            urn=f"urn:pulumi:prod::bench::aws:sqs/queue:Queue::r{n}",
            type="aws:sqs/queue:Queue",
            id=r.id,
            arn=r.arn_or_id,
            name=f"r{n}",
            tags=TAGS,
        )
        for n, r in enumerate(resources)
        if n % 2 == 0
    ]
    gc.collect()
    start = time.perf_counter()
    report = build_estate_report(resources, state, [])
    return time.perf_counter() - start, len(report.findings)


def report(
    total: int,
    counts: dict[str, int],
    seed_s: float,
    lz: list[float],
    base: list[float],
    found: int,
    classify_s: float,
    findings: int,
) -> str:
    lz_med, base_med = statistics.median(lz), statistics.median(base)
    ratio = lz_med / base_med
    met = "met" if ratio <= TARGET else "**missed**"
    mix = ", ".join(f"{n:,} {service}" for service, n in counts.items())
    return (
        f"{SECTION}\n\n"
        f"Measured on {date.today().isoformat()} ({os.cpu_count()} cores, Python {stdlib_platform.python_version()}, "
        f"{stdlib_platform.machine()}): one account and region in moto in-process with {total:,} resources ({mix}; "
        f"about half tagged; seeded in {seed_s:.1f} s). Medians of {len(lz)} interleaved runs.\n\n"
        "| measure | lz | baseline | ratio | target | |\n"
        "|---|---|---|---|---|---|\n"
        f"| inventory of {found:,} resources (`inventory_aws`, all listers + Tagging API) | {lz_med:.2f} s | "
        f"bare boto3 pagination loop, same calls {base_med:.2f} s | {ratio:.2f}× | ≤ {TARGET}× | {met} |\n"
        f"| classify against a state of {found // 2 + found % 2:,} resources (`build_estate_report`) | "
        f"{classify_s:.2f} s ({findings:,} findings) | – | – | – | – |\n\n"
        "Both sides make the same API calls, so the difference is the toolkit's own work: a retry wrapper\n"
        "around every page, `CloudResource`s with read-only tags, gap bookkeeping. In moto, S3 `ListBuckets`\n"
        "does not return `BucketRegion`, so both sides ask `GetBucketLocation` per bucket; AWS returns the region\n"
        "in the listing and the inventory then makes no per-bucket call.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="replace this benchmark's section of docs/performance.md")
    args = parser.parse_args()

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    import boto3
    from moto import mock_aws

    with mock_aws():
        session = boto3.Session(region_name=REGION)
        start = time.perf_counter()
        counts = seed(session, args.resources)
        seed_s = time.perf_counter() - start
        run_lz(session)  # warm-up: service models loaded, caches filled, for both sides
        run_baseline(session)
        lz_times: list[float] = []
        base_times: list[float] = []
        found = 0
        for _ in range(args.repeat):
            seconds, found = timed(lambda: run_lz(session))
            lz_times.append(seconds)
            seconds, base_found = timed(lambda: run_baseline(session))
            base_times.append(seconds)
            assert base_found == found == args.resources, (base_found, found, args.resources)
        classify_s, findings = bench_classify(session)
    text = report(args.resources, counts, seed_s, lz_times, base_times, found, classify_s, findings)
    print(text)
    if args.write:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from perfdoc import DOC, write_section

        write_section(SECTION, text)
        print(f"section written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
