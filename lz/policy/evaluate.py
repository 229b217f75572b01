"""The policy gate for one planned stack: the pack's findings, with the exceptions register applied.

    result = evaluate_stack(plan, today=date.today(), policy_config=load_policy_config(path))
    result.violations   # [{"policy", "level", "severity", "message", "resource", "urn", "type", "stack"}]
    result.waived       # the same, plus "exception", "approved_by", "reason", "expires"
    result.errors       # what stopped the gate from judging faithfully (bad config, a policy that raised)

Which policies run: the pack's policies for the stack's clouds (`metadata["cloud"]`, else the
clouds of its resource types), at their default levels by severity, then `policy_config` (CrossGuard
config format, as in `pulumi preview --policy-pack-config`; `load_policy_config` reads the council's
file). They run through `lz.policy.analyzer`, i.e. the pack's own analyzer servicer.

Facts about the stack are passed as policy config: the manifest's monthly budget becomes
`stack_budget_gbp` of `lz-stack-budget-required` when the pack has that policy.

A stack passes when it has no mandatory violation and no error. A broken pack (a policy file that
does not import) raises `policies.pack.PackError`: nothing can be judged.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final, Protocol

from pulumi_policy import EnforcementLevel, Policy

from lz.plan.model import EstatePlan, StackPlan
from lz.policy.analyzer import Analysis, OfflineAnalyzer, PolicyConfigError, unknown_policy_names
from lz.policy.exceptions import (
    REGISTER_DESCRIPTION,
    REGISTER_POLICY,
    REGISTER_REMEDIATION,
    component_ancestors,
    read_register,
)
from lz.policy.graph import PolicyGraph
from lz.problems import InputError, Problem

BUDGET_POLICY: Final = "lz-stack-budget-required"
BUDGET_PROPERTY: Final = "stack_budget_gbp"
MANDATORY: Final = "mandatory"
ADVISORY: Final = "advisory"
_CLOUD_PREFIXES: Final = (("aws:", "aws"), ("pulumi:providers:aws", "aws"), ("azure-native:", "azure"),
                          ("pulumi:providers:azure-native", "azure"))


class FrameworksLike(Protocol):
    """`policies.lib.Frameworks`, as this module reads it."""

    @property
    def ncsc(self) -> str: ...
    @property
    def cis(self) -> str | None: ...
    @property
    def cyber_essentials(self) -> str | None: ...
    @property
    def checkov(self) -> tuple[str, ...]: ...
    def ncsc_title(self) -> str: ...


class PolicyMetadata(Protocol):
    """`policies.lib.PolicyMetadata`, as this module reads it.

    lz is typed strictly and installed; the pack is neither, so it is reached through
    `importlib` and described here rather than imported.
    """

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def frameworks(self) -> FrameworksLike: ...
    @property
    def remediation(self) -> str: ...
    @property
    def clouds(self) -> tuple[str, ...]: ...
    @property
    def resource_types(self) -> tuple[str, ...]: ...
    @property
    def topics(self) -> tuple[str, ...]: ...
    @property
    def kind(self) -> str: ...
    @property
    def config_defaults(self) -> Mapping[str, Any]: ...
    @property
    def default_level(self) -> EnforcementLevel: ...


Selected = tuple[Policy, PolicyMetadata]


#: The repository this toolkit runs from: it holds the pack (`policies/`) next to `lz/`.
REPOSITORY_ROOT: Final = Path(__file__).resolve().parents[2]


def pack_module() -> Any:
    """`policies.pack`, the pack's discovery and selection.

    The pack is not an installed package: it lives next to `lz/` in the repository. A process
    started elsewhere (the `lz` console script) gets the repository root appended to sys.path;
    appended, so nothing there can shadow an installed or standard-library module.
    """
    try:
        return importlib.import_module("policies.pack")
    except ModuleNotFoundError as exc:
        if exc.name != "policies" or not (REPOSITORY_ROOT / "policies" / "pack.py").is_file():
            raise
    sys.path.append(str(REPOSITORY_ROOT))
    return importlib.import_module("policies.pack")


@dataclass(frozen=True)
class Rule:
    """What reports need to know about a policy: its metadata in plain values."""

    name: str
    description: str
    severity: str
    default_level: str
    remediation: str
    ncsc: str
    ncsc_title: str
    cis: str | None = None
    cyber_essentials: str | None = None
    checkov: tuple[str, ...] = ()
    clouds: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kind: str = "resource"
    url: str | None = None

    @classmethod
    def from_metadata(cls, policy: Policy, metadata: PolicyMetadata) -> Rule:
        frameworks = metadata.frameworks
        return cls(
            name=metadata.name,
            description=metadata.description,
            severity=metadata.severity,
            default_level=metadata.default_level.value,
            remediation=metadata.remediation,
            ncsc=frameworks.ncsc,
            ncsc_title=frameworks.ncsc_title(),
            cis=frameworks.cis,
            cyber_essentials=frameworks.cyber_essentials,
            checkov=tuple(frameworks.checkov),
            clouds=tuple(metadata.clouds),
            resource_types=tuple(metadata.resource_types),
            topics=tuple(metadata.topics),
            kind=metadata.kind,
            url=policy.url,
        )


#: The register check is the gate's own policy (it judges manifests, not resources).
REGISTER_RULE: Final = Rule(
    name=REGISTER_POLICY,
    description=REGISTER_DESCRIPTION,
    severity="high",
    default_level=MANDATORY,
    remediation=REGISTER_REMEDIATION,
    ncsc="4",
    ncsc_title="Governance framework",
    cis="CIS Controls v8 4.1 (establish and maintain a secure configuration process)",
    clouds=("aws", "azure"),
    topics=("governance",),
    kind="stack",
)


@dataclass
class PolicyResult:
    """The gate's verdict on one stack."""

    violations: list[dict[str, Any]]
    waived: list[dict[str, Any]]
    errors: list[str]
    stack: str = ""
    #: Where the stack comes from (manifest, layer definition or program directory).
    source: str = ""
    environment: str | None = None
    #: Policies that ran and had something to check in this stack (plus the register check).
    evaluated: list[str] = field(default_factory=list)
    #: Metadata of every policy evaluated or reported, by name.
    rules: dict[str, Rule] = field(default_factory=dict)
    #: Effective enforcement level of every selected policy.
    levels: dict[str, str] = field(default_factory=dict)
    not_applicable: list[dict[str, str]] = field(default_factory=list)

    @property
    def mandatory(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["level"] == MANDATORY]

    @property
    def advisory(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["level"] != MANDATORY]

    @property
    def passed(self) -> bool:
        return not self.mandatory and not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "source": self.source,
            "environment": self.environment,
            "passed": self.passed,
            "violations": self.violations,
            "waived": self.waived,
            "errors": self.errors,
            "evaluated": self.evaluated,
            "levels": self.levels,
            "not_applicable": self.not_applicable,
        }


def stack_clouds(plan: StackPlan | PolicyGraph) -> list[str]:
    """The clouds a stack deploys to: its manifest's cloud, else those of its resource types."""
    cloud = plan.metadata.get("cloud")
    if isinstance(cloud, str) and cloud:
        return [cloud]
    found = {name for r in plan.resources for prefix, name in _CLOUD_PREFIXES if r.type.startswith(prefix)}
    return sorted(found)


def _applicable(metadata: PolicyMetadata, types: set[str]) -> bool:
    return not metadata.resource_types or bool(types & set(metadata.resource_types))


def _pack_selection(plan: StackPlan | PolicyGraph) -> tuple[list[Selected], set[str]]:
    pack = pack_module()
    clouds = stack_clouds(plan)
    selected: list[Selected] = pack.select(clouds=clouds or None)
    return selected, set(pack.names())


def _initial_config(selected: Sequence[Selected]) -> dict[str, Any]:
    config: dict[str, Any] = pack_module().initial_config(selected, None, known=[m.name for _, m in selected])
    return config


def _finding(plan: StackPlan | PolicyGraph, **values: Any) -> dict[str, Any]:
    keys = ("policy", "level", "severity", "message", "resource", "urn", "type")
    return {**{k: values[k] for k in keys}, "stack": plan.name}


def evaluate_stack(
    plan: StackPlan | PolicyGraph,
    *,
    today: date | None = None,
    policy_config: Mapping[str, Any] | None = None,
    policies: Sequence[Selected] | None = None,
    gate_findings: Sequence[Mapping[str, Any]] = (),
    gate_rules: Sequence[Rule] = (),
) -> PolicyResult:
    """Run the pack over one planned stack and apply its exceptions register.

    `gate_findings` are findings the gate itself made about the stack (e.g. over budget), with
    `gate_rules` describing their policies; the register waives them like the pack's.

    `policy_config` is CrossGuard config (`{name: level}` or `{name: {enforcementLevel, ...props}}`,
    `all` allowed) applied over the pack's defaults. `policies` replaces the pack's selection (tests,
    custom packs); the register then accepts waivers of those policies only.

    `plan` is the planner's StackPlan, or the gate's light `PolicyGraph` of it (`lz.policy.graph`,
    e.g. read from a plan stream): the verdict is the same.
    """
    today = today or date.today()
    if policies is None:
        selected, known = _pack_selection(plan)
    else:
        selected, known = list(policies), {m.name for _, m in policies}
    metadata = {m.name: m for _, m in selected}
    known = set(known) | {rule.name for rule in gate_rules}
    environment = plan.metadata.get("environment")
    environment = environment if isinstance(environment, str) else None
    result = PolicyResult(
        violations=[], waived=[], errors=[], stack=plan.name, source=plan.source, environment=environment
    )

    user_config = dict(policy_config or {})
    result.errors.extend(unknown_policy_names(user_config, known))
    stack_facts: dict[str, Any] = {}
    budget = plan.metadata.get("monthly_budget_gbp")
    if BUDGET_POLICY in metadata and isinstance(budget, int | float) and not isinstance(budget, bool):
        stack_facts[BUDGET_POLICY] = {BUDGET_PROPERTY: budget}

    analysis = Analysis()
    if selected:
        try:
            analyzer = OfflineAnalyzer(
                [p for p, _ in selected], initial_config=_initial_config(selected), config=[user_config, stack_facts]
            )
        except PolicyConfigError as exc:
            result.errors.extend(exc.problems)
        else:
            analysis = analyzer.analyze_plan(plan)
    result.errors.extend(analysis.errors)
    result.levels = dict(analysis.levels)
    result.not_applicable = [{"policy": n.policy, "urn": n.urn, "reason": n.reason} for n in analysis.not_applicable]

    types = {r.type for r in plan.resources}
    reporting = {d.policy for d in analysis.diagnostics}
    result.evaluated = [
        m.name for _, m in selected
        if analysis.levels.get(m.name, "disabled") != "disabled" and (_applicable(m, types) or m.name in reporting)
    ]

    exceptions = plan.metadata.get("exceptions")
    entries = exceptions if isinstance(exceptions, list) else []
    register = read_register(entries, known_policies=known, today=today, environment=environment)
    if "exceptions" in plan.metadata:
        result.evaluated.append(REGISTER_POLICY)

    by_urn = plan.by_urn()
    for d in analysis.diagnostics:
        meta = metadata.get(d.policy)
        finding = _finding(
            plan, policy=d.policy, level=d.level, severity=d.severity or (meta.severity if meta else ""),
            message=d.message, resource=d.name, urn=d.urn, type=d.type,
        )
        waiver = register.waiver_for(d.policy, d.name, component_ancestors(d.urn, by_urn))
        if waiver is None:
            result.violations.append(finding)
        else:
            result.waived.append({**finding, **waiver.describe()})
    for gate_finding in gate_findings:
        finding = _finding(plan, **{k: v for k, v in gate_finding.items() if k != "stack"})
        waiver = register.waiver_for(finding["policy"], finding["resource"], [])
        if waiver is None:
            result.violations.append(finding)
        else:
            result.waived.append({**finding, **waiver.describe()})
    for rule in gate_rules:
        result.evaluated.append(rule.name)
        result.rules[rule.name] = rule
    for problem in register.problems:
        result.violations.append(
            _finding(
                plan, policy=REGISTER_POLICY, level=MANDATORY, severity=REGISTER_RULE.severity,
                message=problem.message, resource=f"exceptions[{problem.index}]", urn="", type="",
            )
        )
    if REGISTER_POLICY in result.evaluated or register.problems:
        result.rules[REGISTER_POLICY] = REGISTER_RULE

    reported = {f["policy"] for f in (*result.violations, *result.waived)}
    for policy, meta in selected:
        if meta.name in reported or meta.name in result.evaluated:
            result.rules[meta.name] = Rule.from_metadata(policy, meta)

    def order(finding: dict[str, Any]) -> tuple[str, str, str, str]:
        return (finding["policy"], finding["urn"], finding["resource"], finding["message"])

    result.violations.sort(key=order)
    result.waived.sort(key=order)
    return result


def load_policy_config(path: Path | str | None = None) -> dict[str, Any]:
    """The council's override file (`path`, else `$LZ_POLICY_CONFIG`, else none) for `policy_config`.

    A file that cannot be read or has the wrong shape is bad input (InputError, exit code 2).
    """
    try:
        config: dict[str, Any] = pack_module().load_overrides(path)
    except PolicyConfigError as exc:
        where = str(path) if path is not None else os.environ.get(pack_module().CONFIG_ENV, "")
        raise InputError([
            Problem(file=where, line=1, col=1, path="", message=problem.removeprefix(f"{where}: "))
            for problem in exc.problems
        ]) from None
    return config


def evaluate_estate(
    estate: EstatePlan,
    *,
    today: date | None = None,
    policy_config: Mapping[str, Any] | None = None,
) -> list[PolicyResult]:
    """`evaluate_stack` for every stack of an estate plan, in plan order."""
    return [evaluate_stack(s, today=today, policy_config=policy_config) for s in estate.stacks]
