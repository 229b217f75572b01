"""Small programs, plans and hand-made policies for the policy-gate tests.

The policies are built with `policies.lib` like the pack's, but are not the pack's: the tests of the
gate must not change when the pack grows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs, StackValidationArgs

from lz.plan import StackPlan, plan_callable
from lz.policy.evaluate import BUDGET_POLICY, PolicyResult, Rule
from policies.lib import Frameworks, resource_policy, stack_policy, tag

BUCKET = "aws:s3/bucket:Bucket"
PROJECT = "council-lz"

OWNER = "aws-s3-bucket-owner-tagged"
NAMED = "aws-s3-bucket-explicit-name"

TAGS = {
    "service": "svc",
    "cost-centre": "CC-1",
    "owner": "team@example.gov.uk",
    "environment": "dev",
    "business-unit": "housing",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}


def without(*keys: str) -> dict[str, str]:
    return {k: v for k, v in TAGS.items() if k not in keys}


class Store(pulumi.ComponentResource):
    """A stand-in for a module component: named by its manifest key, owning one bucket."""

    def __init__(self, name: str, bucket_tags: Mapping[str, str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lz:aws:Bucket", name, None, opts)
        aws.s3.Bucket(f"{name}-bucket", tags=dict(bucket_tags), opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def sample_program() -> None:
    """Two components and one loose bucket; every bucket lacks an owner tag, only `logs` is named."""
    Store("files", without("owner"))
    Store("archive", without("owner"))
    aws.s3.Bucket("logs", bucket="svc-dev-logs", tags=without("owner"))


def sample_plan(
    *,
    environment: str | None = "dev",
    exceptions: list[dict[str, Any]] | None = None,
    budget: float | None = 150,
    with_register: bool = True,
) -> StackPlan:
    plan = plan_callable(sample_program, project=PROJECT, stack=f"svc-{environment or 'x'}",
                         config={"aws:region": "eu-west-2"}, kind="service", source="stacks/svc.yaml")
    plan.metadata.update(cloud="aws", monthly_budget_gbp=budget)
    if environment is not None:
        plan.metadata["environment"] = environment
    if with_register:
        plan.metadata["exceptions"] = [{**e, "index": i} for i, e in enumerate(exceptions or [])]
    return plan


def urn(stack: str, qualified_type: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified_type}::{name}"


def _owner(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if tag(props, "owner") is None:
        report("Bucket has no owner tag", None)


def _named(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not props.get("bucket"):
        report(f"Bucket {args.name} has no explicit name", None)


def owner_policy() -> Any:
    """High severity, so mandatory by default."""
    return resource_policy(
        name=OWNER,
        description="Buckets carry an owner tag.",
        severity="high",
        frameworks=Frameworks(ncsc="5.1", cis="CIS Controls v8 1.1", checkov=("CKV_TEST_1",)),
        remediation="Add the owner tag.",
        resource_types=[BUCKET],
        validate=_owner,
        topics=["tagging"],
    )


def named_policy() -> Any:
    """Medium severity, so advisory by default."""
    return resource_policy(
        name=NAMED,
        description="Buckets have explicit names.",
        severity="medium",
        frameworks=Frameworks(ncsc="2", cyber_essentials="Secure configuration"),
        remediation="Set `bucket` to a name from lz.naming.",
        resource_types=[BUCKET],
        validate=_named,
    )


def _budget(args: StackValidationArgs, report: ReportViolation) -> None:
    report(f"budget seen: {args.get_config()['stack_budget_gbp']}", None)


def budget_policy() -> Any:
    """Named like the pack's budget policy: reports the budget the gate passed it."""
    return stack_policy(
        name=BUDGET_POLICY,
        description="Service stacks have a budget.",
        severity="medium",
        frameworks=Frameworks(ncsc="4"),
        remediation="Set monthly_budget_gbp.",
        clouds=["aws", "azure"],
        validate=_budget,
        config_schema=PolicyConfigSchema(
            properties={"stack_budget_gbp": {"type": "number", "minimum": 0, "default": 0}},
        ),
    )


def rule(name: str, *, severity: str = "high", level: str = "mandatory", remediation: str = "Fix it.") -> Rule:
    return Rule(
        name=name,
        description=f"{name} description.",
        severity=severity,
        default_level=level,
        remediation=remediation,
        ncsc="11",
        ncsc_title="External interface protection",
        clouds=("aws",),
        topics=("network",),
    )


def finding(stack: str, policy: str, resource: str, message: str, *, level: str = "mandatory",
            severity: str = "high", type_: str = BUCKET) -> dict[str, Any]:
    return {
        "policy": policy, "level": level, "severity": severity, "message": message, "resource": resource,
        "urn": urn(stack, type_, resource), "type": type_, "stack": stack,
    }


def result(stack: str, *, violations: list[dict[str, Any]] = (), waived: list[dict[str, Any]] = (),  # type: ignore[assignment]
           errors: list[str] = (), evaluated: list[str] = (), rules: list[Rule] = (),  # type: ignore[assignment]
           source: str = "stacks/svc.yaml", environment: str | None = "dev") -> PolicyResult:
    return PolicyResult(
        violations=list(violations), waived=list(waived), errors=list(errors), stack=stack, source=source,
        environment=environment, evaluated=list(evaluated), rules={r.name: r for r in rules},
    )
