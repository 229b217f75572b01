"""lz-stack-budget-required: every service stack has a budget.

Why: council money is public money; a service whose spend has no budget (and so no alert) is found
out at month end, when the bill arrives. Every service environment gets a monthly budget, and the
budget alerts its owner (NCSC principle 4, governance; the council's cloud cost controls).

A stack policy. A *service stack* is one whose resources carry the mandatory `service` tag with a
value other than the platform's (in `tags`/`tagsAll`, or the AWS provider's `defaultTags`). A stack
with any resource tagged as the platform is a platform stack, even though it may hold pieces
tagged for the services it serves (a spoke VPC per service), and is not judged; neither is a
stack with no `service` tag at all.

A service stack complies when either
* it contains a budget resource (`aws:budgets/budget:Budget`, `azure-native:consumption:Budget` or
  `azure-native:costmanagement:Budget`), or
* the `stack_budget_gbp` config is greater than 0: budgets may be created centrally by the
  platform rather than by the service stack, and the offline gate passes the manifest's
  `monthly_budget_gbp` for the stack's environment here.

Config: `stack_budget_gbp` (number, default 0), `platform_services` (array, default `["platform"]`).

Message (one, for the stack): `Service stack has no budget: add monthly_budget_gbp to every environment in the manifest`
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies.lib import Frameworks, as_list, get, plain, stack_policy, tag

MESSAGE: Final = "Service stack has no budget: add monthly_budget_gbp to every environment in the manifest"
BUDGET_TYPES: Final = (
    "aws:budgets/budget:Budget",
    "azure-native:consumption:Budget",
    "azure-native:costmanagement:Budget",
)
AWS_PROVIDER: Final = "pulumi:providers:aws"
DEFAULT_PLATFORM_SERVICES: Final = ["platform"]


def _provider_default_service(props: Mapping[str, Any]) -> str | None:
    """`defaultTags.tags.service` of an AWS provider; provider inputs arrive JSON-encoded."""
    default_tags = get(props, "defaultTags")
    if isinstance(default_tags, str):
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return None
    service = get(default_tags, "tags.service") if isinstance(default_tags, Mapping) else None
    return service if isinstance(service, str) else None


def _service(resource: PolicyResource) -> str | None:
    try:
        if resource.resource_type == AWS_PROVIDER:
            return _provider_default_service(resource.props)
        return tag(resource.props, "service")
    except UnknownValueError:
        return None


def _budget(config: Mapping[str, Any]) -> float:
    value = plain(config.get("stack_budget_gbp"))
    if isinstance(value, bool):
        return 0.0
    try:
        return float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    config = args.get_config()
    platform = {str(s) for s in as_list(config.get("platform_services", DEFAULT_PLATFORM_SERVICES))}
    services = {s for s in (_service(r) for r in args.resources) if s}
    if not services or services & platform:
        return
    if any(r.resource_type in BUDGET_TYPES for r in args.resources):
        return
    if _budget(config) > 0:
        return
    report(MESSAGE, None)


POLICY, METADATA = stack_policy(
    name="lz-stack-budget-required",
    description="Every service stack has a budget: a budget resource in the stack, or one the platform "
    "creates from the manifest's monthly_budget_gbp.",
    severity="high",
    frameworks=Frameworks(
        ncsc="4",
    ),
    remediation="Add `monthly_budget_gbp` to every environment of the service's manifest (the platform "
    "creates the budget and its alerts), or create an aws.budgets.Budget / azure-native consumption Budget "
    "in the stack.",
    clouds=("aws", "azure"),
    validate=_validate,
    resource_types=BUDGET_TYPES,
    topics=("cost", "governance"),
    config_schema=PolicyConfigSchema(
        properties={
            "stack_budget_gbp": {
                "type": "number",
                "minimum": 0,
                "default": 0,
                "description": "Monthly budget (GBP) the platform holds for this stack; set by the offline gate "
                "from the manifest's monthly_budget_gbp. 0 means none.",
            },
            "platform_services": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": DEFAULT_PLATFORM_SERVICES,
                "description": "`service` tag values that mark a stack as the platform's, not a service's.",
            },
        },
    ),
    config_defaults={"stack_budget_gbp": 0, "platform_services": DEFAULT_PLATFORM_SERVICES},
)
