"""What `lz plan` adds to a plan after the programs ran: the estimate, the budget check, the policy gate.

Kept apart from the planner so that plans stay pure records of what the programs registered. The
gate runs the CrossGuard pack in `policies/` through the same analyzer code path `pulumi preview
--policy-pack policies` uses, applies each manifest's exceptions register, and adds the gate's own
finding: a service stack estimated over its monthly budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from lz.plan.model import EstatePlan, StackPlan

BUDGET_POLICY = "lz-stack-within-budget"


def budget_rule() -> Any:
    from lz.policy.evaluate import Rule

    return Rule(
        name=BUDGET_POLICY,
        description=(
            "A service environment's estimated monthly cost (lz.estimate, from the dated price table) "
            "stays within the manifest's monthly_budget_gbp."
        ),
        severity="high",
        default_level="mandatory",
        remediation=(
            "Reduce the stack (smaller sizes, fewer environments) or raise monthly_budget_gbp in the manifest "
            "with the budget holder's approval. A time-limited exception needs an approver and an expiry."
        ),
        ncsc="4",
        ncsc_title="Governance framework",
        cis=None,
        clouds=("aws", "azure"),
        topics=("cost", "governance"),
        kind="stack",
    )


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


def assess(
    result: EstatePlan,
    *,
    today: date | None = None,
    policy_config: Mapping[str, Any] | None = None,
    policies: bool = True,
) -> list[Any]:
    """Estimate every stack and run the policy gate; fill each stack's violations and waived findings.

    Returns the gate's PolicyResults (for SARIF, JUnit and Markdown). With `policies=False` only the
    estimate and the budget finding are produced (no exceptions register is applied then).
    """
    results = []
    for plan in result.stacks:
        # Every stack is estimated (the platform's spokes and endpoints cost money too); only service
        # environments have a budget to be over.
        budget = estimate_stack(plan)
        if not policies:
            plan.violations.extend(budget)
            continue
        from lz.policy.evaluate import evaluate_stack

        verdict = evaluate_stack(
            plan, today=today, policy_config=policy_config, gate_findings=budget,
            gate_rules=[budget_rule()] if plan.kind == "service" else [],
        )
        plan.violations = list(verdict.violations)
        plan.waived = list(verdict.waived)
        plan.notes.extend(f"policy gate error: {e}" for e in verdict.errors)
        results.append(verdict)
    return results
