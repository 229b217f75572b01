"""What `lz plan` adds to a plan after the programs ran: the monthly estimate and the budget check.

Kept apart from the planner so that plans stay pure records of what the programs registered.
"""

from __future__ import annotations

from typing import Any

from lz.plan.model import EstatePlan, StackPlan

BUDGET_POLICY = "lz-stack-within-budget"


def budget_finding(plan: StackPlan, estimate: Any) -> dict[str, Any] | None:
    """A mandatory finding when the priced monthly total of a service stack exceeds its budget."""
    if not estimate.over_budget:
        return None
    return {
        "policy": BUDGET_POLICY,
        "level": "mandatory",
        "severity": "high",
        "message": (
            f"Estimated £{estimate.total_gbp:,.2f}/month is over the environment's budget of "
            f"£{estimate.budget_gbp:,.2f} (monthly_budget_gbp in {plan.source}); raise the budget "
            "with the budget holder's approval or reduce the stack"
        ),
        "resource": plan.name,
        "urn": plan.stack_resource.urn if plan.stack_resource else "",
        "type": "pulumi:pulumi:Stack",
        "stack": plan.name,
    }


def estimate_stack(plan: StackPlan) -> list[dict[str, Any]]:
    """Fill in the plan's estimate; return the budget finding, if any, for the policy gate."""
    from lz.estimate import estimate_plan, estimate_summary, estimate_to_json

    estimate = estimate_plan(plan)
    plan.estimate = estimate_to_json(estimate)
    plan.estimate_summary = estimate_summary(estimate)
    finding = budget_finding(plan, estimate)
    return [finding] if finding else []


def assess(result: EstatePlan) -> None:
    """Estimate every stack of a plan and record budget findings."""
    for plan in result.stacks:
        plan.violations.extend(estimate_stack(plan))
