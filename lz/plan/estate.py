"""Plan several stacks of the estate, feeding each StackReference from the referenced stack's plan.

A stack that references another (a service reading its spoke from the network layer) is run;
if the reference names a stack not planned yet, that stack is planned first and the program is
run again. No dependency list is kept by hand: the programs' own StackReferences are the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lz.plan.model import EstatePlan, StackPlan
from lz.plan.runner import ProgramError, plan_callable, plan_directory
from lz.problems import InputError
from lz.stacks import PROJECT, Estate, StackSpec

ProgressHook = Callable[[str], None]


class EstatePlanner:
    """Plans stacks of one estate, each at most once, in dependency order."""

    def __init__(self, estate: Estate | None, *, progress: ProgressHook | None = None) -> None:
        self.estate = estate
        self.plans: dict[str, StackPlan] = {}
        self.order: list[str] = []
        self.progress = progress

    def _resolver(self, missing: list[str]) -> Callable[[str], Mapping[str, Any]]:
        def resolve(ref: str) -> Mapping[str, Any]:
            short = ref.split("/")[-1]
            if short in self.plans:
                return self.plans[short].raw_outputs
            missing.append(short)
            raise LookupError(f"stack reference {ref!r}: stack {short!r} has not been planned")

        return resolve

    def _with_references(self, run: Callable[[Callable[[str], Mapping[str, Any]]], StackPlan],
                         chain: tuple[str, ...], who: str) -> StackPlan:
        while True:
            missing: list[str] = []
            try:
                return run(self._resolver(missing))
            except ProgramError:
                if not missing:
                    raise
                target = missing[0]
                if target in chain or target == who:
                    raise InputError(f"stack references form a cycle: {' -> '.join((*chain, who, target))}") from None
                if self.estate is None or target not in self.estate.names():
                    raise InputError(
                        f"{who}: references stack {target!r}, which is not part of this estate; "
                        "plan it from the repository root or pass its outputs with --stack-outputs"
                    ) from None
                self.plan_stack(target, chain=(*chain, who))

    def plan_stack(self, name: str, *, chain: tuple[str, ...] = ()) -> StackPlan:
        if name in self.plans:
            return self.plans[name]
        assert self.estate is not None
        spec = self.estate.spec(name)
        for dependency in spec.depends_on:
            if dependency in chain:
                raise InputError(f"stack dependencies form a cycle: {' -> '.join((*chain, name, dependency))}")
            self.plan_stack(dependency, chain=(*chain, name))
        if self.progress:
            self.progress(name)

        def run(resolver: Callable[[str], Mapping[str, Any]]) -> StackPlan:
            return _plan_spec(spec, resolver)

        plan = self._with_references(run, chain, name)
        self.plans[name] = plan
        self.order.append(name)
        return plan

    def plan_program(self, path: Path, *, stack: str, config: Mapping[str, str] | None = None,
                     external_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> StackPlan:
        """Plan an arbitrary program directory; its references resolve against this estate."""
        external = dict(external_outputs or {})

        def run(resolver: Callable[[str], Mapping[str, Any]]) -> StackPlan:
            def resolve(ref: str) -> Mapping[str, Any]:
                for key in (ref, ref.split("/")[-1]):
                    if key in external:
                        return external[key]
                return resolver(ref)

            return plan_directory(path, stack=stack, config=config, resolve_stack_outputs=resolve)

        plan = self._with_references(run, (), str(path))
        self.plans[f"{path}:{stack}"] = plan
        self.order.append(f"{path}:{stack}")
        return plan

    def result(self) -> EstatePlan:
        return EstatePlan(stacks=[self.plans[n] for n in self.order])


def _plan_spec(spec: StackSpec, resolver: Callable[[str], Mapping[str, Any]]) -> StackPlan:
    plan = plan_callable(
        spec.program,
        project=PROJECT,
        stack=spec.name,
        config=spec.config,
        resolve_stack_outputs=resolver,
        kind=spec.kind,
        source=spec.source,
    )
    plan.metadata.update(spec.metadata)
    plan.metadata["cloud"] = spec.cloud
    return plan


def plan_estate(estate: Estate, names: Sequence[str] | None = None,
                progress: ProgressHook | None = None) -> EstatePlan:
    """Plan the named stacks (all by default) plus any stack they reference."""
    planner = EstatePlanner(estate, progress=progress)
    for name in names if names is not None else estate.names():
        planner.plan_stack(name)
    return planner.result()
