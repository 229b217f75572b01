#!/usr/bin/env python3
"""The policy gate against checkov on the same graph, side by side in one run.

    .venv/bin/python bench/bench_policy.py                      # 10,000 resources, print the table
    .venv/bin/python bench/bench_policy.py --resources 1000     # a quick look
    .venv/bin/python bench/bench_policy.py --write              # ... and replace its section of docs/performance.md

1. A generated Pulumi program with N resources of the AWS types the pack covers (buckets, public
   access blocks, security groups, volumes, RDS instances, KMS keys, log groups, queues, topics,
   instances, tables, repositories, subnets), about a third of them non-compliant, is planned once
   with `lz.plan.plan_callable`.
2. The pack: a fresh Python process reads that plan (the planner's own `PlannedResource`s, pickled
   one by one with `lz.policy.graph.dump_plan`), converting each to the gate's light record as it is
   read (`load_graph`), and runs `lz.policy.evaluate.evaluate_stack` over it, as `lz plan` does.
3. checkov: the same plan exported with `lz.policy.checkov_export.to_terraform_plan`, written
   compactly as `terraform show -json` writes it, and judged by
   `checkov -f plan.json --framework terraform_plan -o json --compact --quiet`, skipping the seven
   expensive cloudsplaining IAM checks (docs/checkov.md) as `lz plan --checkov` does.

Both sides are measured as whole processes reading the graph from a file: wall time, and peak RSS
from the kernel's accounting of that process (`wait4`). Each is started by a small launcher
process (`LAUNCHER`), not by this one: Linux carries the peak RSS of the process that forks over to
the child it execs, so a child forked from this process (which holds the whole plan) would report
this process's peak, not its own. Targets: the pack at least 40x faster and at most 1/10 of
checkov's memory. The verdict is printed as measured, met or missed.

Needs checkov in `.venv-checkov/` or on PATH (docs/checkov.md). Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as stdlib_platform  # the root's platform/ directory must never shadow this
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Policy gate vs checkov (bench/bench_policy.py)"
SPEED_TARGET = 40.0  # the pack at least this many times faster than checkov
MEMORY_TARGET = 10.0  # and at most 1/this of checkov's peak RSS

TAGS = {"service": "bench", "cost-centre": "CC-1042", "owner": "bench@example.gov.uk", "environment": "dev",
        "business-unit": "ict", "data-classification": "OFFICIAL", "managed-by": "pulumi"}

# The pack's side, in its own process: read the plan stream, evaluate, report timings as JSON.
PACK = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    from lz.policy.analyzer import analysis_gc
    from lz.policy.evaluate import evaluate_stack
    from lz.policy.graph import load_graph
    with open(sys.argv[1], "rb") as f, analysis_gc():
        plan = load_graph(f)
    t1 = time.perf_counter()
    result = evaluate_stack(plan)
    t2 = time.perf_counter()
    print(json.dumps({"load_s": t1 - t0, "evaluate_s": t2 - t1, "violations": len(result.violations),
                      "mandatory": len(result.mandatory), "errors": result.errors[:5],
                      "policies": len(result.evaluated)}))
    """
)


# Starts one measured command and reports its exit status and peak RSS on the file descriptor named
# by argv[1]. It is small (no site, no imports beyond the interpreter's own), so the peak RSS the
# command inherits at exec is this launcher's few MB, never the benchmark's.
LAUNCHER = textwrap.dedent(
    """
    import json, os, sys
    report = int(sys.argv[1])
    pid = os.fork()
    if pid == 0:
        os.close(report)
        try:
            os.execvp(sys.argv[2], sys.argv[2:])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    os.write(report, json.dumps({"returncode": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss}).encode())
    """
)


def program(n: int) -> Any:
    """A Pulumi program registering exactly `n` resources; every third one breaks a policy."""

    def run() -> None:
        import pulumi_aws as aws

        vpc = aws.ec2.Vpc("bench-vpc", cidr_block="10.0.0.0/16", tags=TAGS)
        last_bucket: Any = None
        for i in range(n - 1):
            bad = i % 3 == 0
            kind = i % 13
            name = f"r{i}"
            if kind == 0:
                last_bucket = aws.s3.Bucket(name, tags=TAGS, acl="public-read" if bad else None)
            elif kind == 1 and last_bucket is not None:
                aws.s3.BucketPublicAccessBlock(name, bucket=last_bucket.id, block_public_acls=not bad,
                                               block_public_policy=True, ignore_public_acls=True,
                                               restrict_public_buckets=True)
            elif kind == 2:
                port, cidr = (22, "0.0.0.0/0") if bad else (443, "10.0.0.0/8")
                aws.ec2.SecurityGroup(name, vpc_id=vpc.id, description="bench", tags=TAGS, ingress=[
                    {"protocol": "tcp", "from_port": port, "to_port": port, "cidr_blocks": [cidr],
                     "description": "bench"}])
            elif kind == 3:
                aws.ebs.Volume(name, availability_zone="eu-west-2a", size=20, encrypted=not bad, tags=TAGS)
            elif kind == 4:
                aws.rds.Instance(name, instance_class="db.t3.micro", engine="postgres", allocated_storage=20,
                                 username="app", manage_master_user_password=True, publicly_accessible=bad,
                                 storage_encrypted=not bad, backup_retention_period=7, tags=TAGS)
            elif kind == 5:
                aws.kms.Key(name, enable_key_rotation=not bad, tags=TAGS)
            elif kind == 6:
                aws.cloudwatch.LogGroup(name, retention_in_days=30 if bad else 400, tags=TAGS)
            elif kind == 7:
                aws.sqs.Queue(name, sqs_managed_sse_enabled=not bad, tags=TAGS)
            elif kind == 8:
                aws.sns.Topic(name, kms_master_key_id=None if bad else "alias/aws/sns", tags=TAGS)
            elif kind == 9:
                aws.ec2.Instance(name, ami="ami-0abcdef1234567890", instance_type="t3.micro", tags=TAGS,
                                 metadata_options={"http_tokens": "optional" if bad else "required"},
                                 root_block_device={"encrypted": not bad})
            elif kind == 10:
                aws.dynamodb.Table(name, hash_key="id", billing_mode="PAY_PER_REQUEST",
                                   attributes=[{"name": "id", "type": "S"}],
                                   point_in_time_recovery={"enabled": not bad}, tags=TAGS)
            elif kind == 11:
                aws.ecr.Repository(name, image_tag_mutability="MUTABLE" if bad else "IMMUTABLE",
                                   image_scanning_configuration={"scan_on_push": not bad}, tags=TAGS)
            else:
                aws.ec2.Subnet(name, vpc_id=vpc.id, cidr_block=f"10.{(i // 256) % 256}.{i % 256}.0/24",
                               map_public_ip_on_launch=bad, tags=TAGS)

    return run


@dataclass
class Measured:
    wall_s: float
    rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def _measure(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run one process through `LAUNCHER`; wall time and its own peak RSS (`wait4`)."""
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, str(write_end), *cmd], cwd=cwd,
                                stdout=out, stderr=err, env=env, pass_fds=(write_end,))
        os.close(write_end)
        with os.fdopen(read_end, "rb") as report:
            measured = json.loads(report.read() or b"{}")
        proc.wait()
        wall = time.perf_counter() - start
        if "maxrss" not in measured:
            raise SystemExit(f"the launcher failed ({proc.returncode}) for {cmd[0]}")
        out.seek(0)
        err.seek(0)
        kib = measured["maxrss"] if sys.platform != "darwin" else measured["maxrss"] / 1024
        return Measured(wall, kib / 1024, measured["returncode"], out.read().decode(), err.read().decode())


def run_pack(plan_file: Path) -> dict[str, Any]:
    m = _measure([sys.executable, "-c", PACK, str(plan_file)], cwd=ROOT)
    if m.returncode != 0:
        raise SystemExit(f"the pack's process failed ({m.returncode}):\n{m.stderr[-3000:]}")
    return {**json.loads(m.stdout.strip().splitlines()[-1]), "wall_s": m.wall_s, "rss_mb": m.rss_mb}


def run_checkov(tf_file: Path, checkov: str) -> dict[str, Any]:
    from lz.policy.checkov_export import checkov_command, parse_report

    env = {**os.environ, "ANSI_COLORS_DISABLED": "1", "LOG_LEVEL": "WARNING"}
    m = _measure(checkov_command(checkov, str(tf_file)), cwd=tf_file.parent, env=env)
    if m.returncode not in (0, 1) or not m.stdout.strip():
        raise SystemExit(f"checkov failed ({m.returncode}):\n{m.stderr[-3000:]}")
    results = parse_report(json.loads(m.stdout))
    return {"wall_s": m.wall_s, "rss_mb": m.rss_mb, "failed": sum(r["result"] == "failed" for r in results),
            "checks": len({r["check_id"] for r in results})}


def report(n: int, exported: int, plan_s: float, export_s: float, pack: dict[str, Any], ckv: dict[str, Any],
           checkov_version: str) -> str:
    speed = ckv["wall_s"] / pack["wall_s"]
    memory = ckv["rss_mb"] / pack["rss_mb"]

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    return (
        f"{SECTION}\n\n"
        f"Measured on {date.today().isoformat()} ({os.cpu_count()} cores, Python {stdlib_platform.python_version()}, "
        f"{stdlib_platform.machine()}, checkov {checkov_version}): one generated program of {n:,} AWS resources "
        f"(13 types the pack covers, every third one non-compliant), planned once ({plan_s:.1f} s), then judged by "
        f"both tools as separate processes reading it from a file. checkov gets the same graph exported with "
        f"`to_terraform_plan` ({exported:,} resources, {export_s:.2f} s) and skips the seven cloudsplaining IAM "
        f"checks, as `lz plan --checkov` does. Peak RSS is each process's own, from `wait4`.\n\n"
        f"| tool | wall | peak RSS | findings | checkov ÷ pack | target | |\n"
        f"|---|---|---|---|---|---|---|\n"
        f"| policy pack (`evaluate_stack`, {pack['policies']} policies applied) | {pack['wall_s']:.1f} s "
        f"(load {pack['load_s']:.1f} s + evaluate {pack['evaluate_s']:.1f} s) | {pack['rss_mb']:.0f} MB | "
        f"{pack['violations']:,} violations ({pack['mandatory']:,} mandatory) | – | – | – |\n"
        f"| checkov (`terraform_plan`, {ckv['checks']} checks failing somewhere) | {ckv['wall_s']:.1f} s | "
        f"{ckv['rss_mb']:.0f} MB | {ckv['failed']:,} failed checks | – | – | – |\n"
        f"| speed | | | | {speed:.1f}× | ≥ {SPEED_TARGET:.0f}× | {mark(speed >= SPEED_TARGET)} |\n"
        f"| memory | | | | {memory:.1f}× | ≥ {MEMORY_TARGET:.0f}× | {mark(memory >= MEMORY_TARGET)} |\n\n"
        "Both processes include their start-up: imports and reading the graph (the pack's `load` is "
        "importing the gate and reading the plan stream, each resource converted to the gate's light record "
        "as it is read; the pack itself is imported inside `evaluate`). Each process is started by a small "
        "launcher, so its peak RSS is its own and not the benchmark's (Linux hands a forking process's peak "
        "on to the program it execs). "
        "checkov's time is parsing the plan (with a YAML parser, for line numbers), building its graph and "
        "running its resource and graph checks. Findings differ in kind and are not comparable one to one: "
        "checkov reports each failed check per resource, the pack one violation per broken rule.\n"
    )


def checkov_version(checkov: str) -> str:
    out = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resources", type=int, default=10_000, help="size of the generated program (default 10,000)")
    ap.add_argument("--repeat", type=int, default=1, help="interleaved runs of both tools; medians are reported")
    ap.add_argument("--checkov", help="checkov executable (default: PATH, then .venv-checkov/)")
    ap.add_argument("--write", action="store_true", help="replace this benchmark's section of docs/performance.md")
    args = ap.parse_args()
    if args.resources < 14:
        ap.error("--resources must be at least 14 (one of each generated type)")

    from lz.plan import plan_callable
    from lz.policy.checkov_export import CheckovNotInstalled, find_checkov, to_terraform_plan
    from lz.policy.graph import dump_plan

    try:
        checkov = find_checkov(args.checkov, search_from=ROOT)
    except CheckovNotInstalled as exc:
        raise SystemExit(str(exc)) from None

    print(f"planning {args.resources:,} resources ...", file=sys.stderr)
    t = time.perf_counter()
    plan = plan_callable(program(args.resources), project="bench", stack="bench")
    plan_s = time.perf_counter() - t
    assert len(plan.managed()) == args.resources, len(plan.managed())
    t = time.perf_counter()
    tf_plan = to_terraform_plan(plan)
    export_s = time.perf_counter() - t
    exported = len(tf_plan["planned_values"]["root_module"]["resources"])

    packs: list[dict[str, Any]] = []
    ckvs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lz-bench-policy-") as tmp:
        plan_file = Path(tmp) / "plan.stream"
        with plan_file.open("wb") as stream:
            dump_plan(plan, stream)
        tf_file = Path(tmp) / "plan.json"
        tf_file.write_text(json.dumps(tf_plan, separators=(",", ":")), encoding="utf-8")
        del plan, tf_plan  # this process's memory is not measured, but keep the machine free
        for i in range(args.repeat):  # interleaved so drift in machine load hits both sides alike
            print(f"run {i + 1}/{args.repeat}: policy pack ...", file=sys.stderr)
            packs.append(run_pack(plan_file))
            print(f"run {i + 1}/{args.repeat}: checkov ...", file=sys.stderr)
            ckvs.append(run_checkov(tf_file, checkov))

    def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
        keys = ("wall_s", "rss_mb", "load_s", "evaluate_s")
        return {**runs[-1], **{k: statistics.median(r[k] for r in runs) for k in keys if k in runs[-1]}}

    pack, ckv = median(packs), median(ckvs)
    if pack["errors"]:
        print(f"warning: the gate reported errors: {pack['errors']}", file=sys.stderr)
    text = report(args.resources, exported, plan_s, export_s, pack, ckv, checkov_version(checkov))
    print(text)
    if args.write:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from perfdoc import DOC, write_section

        write_section(SECTION, text)
        print(f"section written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
