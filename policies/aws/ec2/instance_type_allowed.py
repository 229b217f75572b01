"""aws-ec2-instance-type-allowed: EC2 instance types come from the allowlist of the environment.

Why: a council's cloud budget is fixed a year ahead. Development and test environments need only
small burstable instances; production may also use current general-purpose and memory-optimised
families up to 2xlarge. Anything bigger, older or exotic (GPU, metal) is a decision for the cloud
board, made by widening the config, not by a pull request. The environment is read from the
`environment` tag (`prod`, `production`, `live` are production).

Checks `instanceType` of instances and of launch templates (a template without one is skipped).

Config (exact names or globs such as `t4g.*`):
* `non_production` (default: t4g and t3, micro to large)
* `production` (default: those, plus m7g, r7g, m6i and r6i from large to 2xlarge)

Messages:
* `Instance type 'm7g.large' is not allowed in non-production environments (environment 'dev'); allowed: t4g.micro, ...`
* `Instance type 'p4d.24xlarge' is not allowed in production environments (environment 'prod'); allowed: ...`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws import allowlist_schema, is_allowed, sizes
from policies.lib import Frameworks, get, is_production, resource_policy, tag

NON_PRODUCTION: Final = tuple(sizes(("t4g", "t3"), ("micro", "small", "medium", "large")))
PRODUCTION: Final = (*NON_PRODUCTION, *sizes(("m7g", "r7g", "m6i", "r6i"), ("large", "xlarge", "2xlarge")))


def allowlist_problem(what: str, value: Any, props: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """The message when `value` is not in the allowlist of the resource's environment (shared with RDS)."""
    if not isinstance(value, str) or not value:
        return None
    production = is_production(props)
    key = "production" if production else "non_production"
    allowed = [str(p) for p in config.get(key, [])]
    if is_allowed(value, allowed):
        return None
    kind = "production" if production else "non-production"
    environment = tag(props, "environment") or "not tagged"
    return (
        f"{what} '{value}' is not allowed in {kind} environments (environment '{environment}'); "
        f"allowed: {', '.join(allowed) or 'none'}"
    )


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    problem = allowlist_problem("Instance type", get(props, "instanceType"), props, args.get_config())
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-instance-type-allowed",
    description="EC2 instance types (instances and launch templates) are on the allowlist of their environment.",
    severity="medium",
    frameworks=Frameworks(ncsc="4"),
    remediation=(
        "Pick a type from the allowlist: t4g/t3 (micro to large) outside production; in production also "
        "m7g, r7g, m6i or r6i up to 2xlarge. Prefer Graviton (`t4g`, `m7g`, `r7g`): cheaper for the same "
        "work. If a larger type is justified, the platform team widens the policy config "
        "(`non_production`/`production`) in the policy pack configuration."
    ),
    resource_types=("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"),
    validate=_validate,
    topics=("cost",),
    config_schema=PolicyConfigSchema(properties=allowlist_schema(NON_PRODUCTION, PRODUCTION, "EC2 instance types")),
    config_defaults={"non_production": list(NON_PRODUCTION), "production": list(PRODUCTION)},
)
