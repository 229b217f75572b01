"""Offline planner: run real Pulumi programs under the mock runtime and capture the resource graph."""

from lz.plan.model import EstatePlan, PlannedResource, StackPlan
from lz.plan.runner import ProgramError, plan_callable, plan_directory

__all__ = ["EstatePlan", "PlannedResource", "ProgramError", "StackPlan", "plan_callable", "plan_directory"]
