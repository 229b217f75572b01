"""The shared path (`analyze_plan`: each resource converted once for all its policies) gives the same
Analysis as the straightforward one (`analyze_plan_reference`: a protobuf request per resource and
per stack, judged by the SDK servicer's own `Analyze`/`AnalyzeStack`).

Compared over the pack on a generated graph (the benchmark's program), the deliberately
non-compliant programs and the example estate, and over generated property maps with probe
policies that dump everything they are given, write to it, raise, skip and read unknowns.
"""

from __future__ import annotations

import io
import pickle
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, UnknownValueError

from lz.plan import plan_callable, plan_directory
from lz.plan.model import PlannedResource, StackPlan
from lz.policy.analyzer import Analysis, OfflineAnalyzer
from lz.policy.evaluate import _initial_config, _pack_selection, evaluate_stack
from lz.policy.graph import PolicyGraph, dump_plan, load_graph

ROOT = Path(__file__).resolve().parents[3]
NONCOMPLIANT = ROOT / "tests" / "noncompliant"
CONFIG = {"aws:region": "eu-west-2", "azure-native:location": "uksouth"}
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
STACK = "urn:pulumi:dev::lz::pulumi:pulumi:Stack::lz-dev"


def pack_analyzer(plan: StackPlan) -> OfflineAnalyzer:
    selected, _ = _pack_selection(plan)
    return OfflineAnalyzer([p for p, _ in selected], initial_config=_initial_config(selected))


def assert_same(analyzer: OfflineAnalyzer, plan: StackPlan) -> Analysis:
    shared = analyzer.analyze_plan(plan)
    reference = analyzer.analyze_plan_reference(plan)
    assert shared.errors == reference.errors
    assert shared.levels == reference.levels
    assert shared.not_applicable == reference.not_applicable
    assert shared.diagnostics == reference.diagnostics  # same findings, in the same order
    return shared


# -- the pack over real plans ----------------------------------------------------------------------


def bench_program(n: int) -> Any:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_policy import program
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return program(n)


def test_the_pack_judges_a_generated_graph_the_same_both_ways() -> None:
    plan = plan_callable(bench_program(80), project="bench", stack="bench")
    analysis = assert_same(pack_analyzer(plan), plan)
    assert len({d.policy for d in analysis.diagnostics}) > 10  # the graph breaks many policies


def test_a_graph_read_from_a_plan_stream_is_judged_as_the_plan() -> None:
    planned = plan_callable(bench_program(40), project="bench", stack="bench")
    buffer = io.BytesIO()
    dump_plan(planned, buffer)
    buffer.seek(0)
    graph = load_graph(buffer)
    # A Struct's key order is what unpickling it gives: compare with the plan pickled whole.
    plan = pickle.loads(pickle.dumps(planned))
    assert graph == PolicyGraph.from_plan(plan)
    from_stream = evaluate_stack(graph, today=date(2026, 3, 1))
    from_plan = evaluate_stack(plan, today=date(2026, 3, 1))
    assert from_stream.to_json() == from_plan.to_json()
    assert from_stream.rules == from_plan.rules


def test_a_stream_that_is_not_a_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plan stream"):
        load_graph(io.BytesIO(pickle.dumps({"resources": []})))


@pytest.mark.parametrize("case", sorted(p.name for p in NONCOMPLIANT.iterdir() if (p / "__main__.py").is_file()))
def test_each_noncompliant_program_is_judged_the_same_both_ways(case: str) -> None:
    plan = plan_directory(NONCOMPLIANT / case, stack="dev", config=CONFIG)
    plan.metadata["monthly_budget_gbp"] = 50
    assert assert_same(pack_analyzer(plan), plan).diagnostics


@pytest.mark.slow
def test_the_example_estate_is_judged_the_same_both_ways() -> None:
    from lz.plan.estate import plan_estate
    from lz.problems import InputError
    from lz.stacks import load_estate

    estate = load_estate(ROOT)
    judged = []
    for name in estate.names():
        # Stack by stack: whether every stack of the estate plans is the estate test's business
        # (test_noncompliant_programs); here every stack that plans is judged both ways.
        try:
            stacks = plan_estate(estate, [name]).stacks
        except InputError:
            continue
        for plan in stacks:
            assert_same(pack_analyzer(plan), plan)
            judged.append(plan.name)
    assert len(judged) >= len(estate.names()) // 2, judged


# -- probe policies over generated props ------------------------------------------------------------

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8), st.sampled_from([UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE]),
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(min_size=1, max_size=6), children, max_size=4),
        children.map(lambda v: {**SECRET, "value": v}),
    ),
    max_leaves=12,
)
props = st.dictionaries(st.sampled_from(["a", "b", "tags", "bucket", "zz", "Key"]), values, max_size=5)


def dump(value: Any) -> Any:
    """Everything a policy can see of a value: types, order, unknowns (as the error they raise)."""
    if isinstance(value, str) or not hasattr(value, "__len__"):
        return (type(value).__name__, value)
    if hasattr(value, "keys"):
        out = []
        for key in value:
            try:
                out.append((key, dump(value[key])))
            except UnknownValueError as e:
                out.append((key, ("unknown", e.message)))
        return ("map", type(value).__mro__[-3].__name__, out)
    items = []
    for i in range(len(value)):
        try:
            items.append(dump(value[i]))
        except UnknownValueError as e:
            items.append(("unknown", e.message))
    return ("list", items)


def opts_dump(opts: Any) -> Any:
    t = opts.custom_timeouts
    return (opts.protect, list(opts.ignore_changes), opts.delete_before_replace, list(opts.aliases),
            (t.create_seconds, t.update_seconds, t.delete_seconds), list(opts.additional_secret_outputs), opts.parent)


def resource_probes() -> list[ResourceValidationPolicy]:
    def everything(args: ResourceValidationArgs, report: ReportViolation) -> None:
        provider = args.provider
        report(repr((args.resource_type, args.name, dump(args.props), opts_dump(args.opts), args.get_config(),
                     None if provider is None else (provider.resource_type, provider.name, dump(provider.props)))))

    def writer(args: ResourceValidationArgs, report: ReportViolation) -> None:
        args.props["written"] = 1  # type: ignore[index]
        if "a" in args.props and isinstance(args.props["a"], dict):
            args.props["a"]["__target"]["deep"] = 2
        args.opts.protect = not args.opts.protect
        if args.provider is not None:
            args.provider.props["__target"].clear()
        report(repr(dump(args.props)))

    def unknowns(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for key in sorted(args.props):
            report(f"{key}: {dump(args.props[key])!r}")  # raises UnknownValueError on an unknown

    def skipper(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if "b" in args.props:
            args.not_applicable("no b")
        report("not skipped")

    def boom(args: ResourceValidationArgs, report: ReportViolation) -> None:
        report("before the failure")
        if "zz" in args.props:
            raise KeyError("zz")

    async def later(args: ResourceValidationArgs, report: ReportViolation) -> None:
        report(f"async {args.name}")

    made = [("p-everything", everything), ("p-writer", writer), ("p-again", everything), ("p-unknowns", unknowns),
            ("p-skip", skipper), ("p-boom", boom), ("p-async", later)]
    return [ResourceValidationPolicy(name=n, description=f"{n}.", validate=v) for n, v in made]


def stack_probes() -> list[StackValidationPolicy]:
    def graph(args: StackValidationArgs, report: ReportViolation) -> None:
        for r in args.resources:
            provider = r.provider
            report(repr((r.resource_type, r.name, dump(r.props), opts_dump(r.opts),
                         r.parent.name if r.parent else None, [d.name for d in r.dependencies],
                         {k: [d.name for d in v] for k, v in r.property_dependencies.items()},
                         None if provider is None else (provider.name, dump(provider.props)))), r.urn)

    def vandal(args: StackValidationArgs, report: ReportViolation) -> None:
        args.resources.reverse()
        first = args.resources[0]
        first.props["vandal"] = True  # type: ignore[index]
        first.dependencies.clear()
        args.resources[-1].name = "renamed"
        report(f"{len(args.resources)} resources")

    def unknown(args: StackValidationArgs, report: ReportViolation) -> None:
        for r in args.resources:
            report(f"{r.name}: {dump(r.props.get('a'))!r}", r.urn)

    return [StackValidationPolicy(name="s-graph", description="s-graph.", validate=graph),
            StackValidationPolicy(name="s-vandal", description="s-vandal.", validate=vandal),
            StackValidationPolicy(name="s-graph-again", description="s-graph-again.", validate=graph,
                                  enforcement_level=EnforcementLevel.MANDATORY),
            StackValidationPolicy(name="s-unknown", description="s-unknown.", validate=unknown)]


def resource(name: str, type_: str, inputs: dict[str, Any], **extra: Any) -> PlannedResource:
    return PlannedResource(
        urn=f"urn:pulumi:dev::lz::{type_}::{name}", type=type_, name=name, custom=extra.pop("custom", True),
        parent=extra.pop("parent", STACK), provider=extra.pop("provider", None),
        dependencies=extra.pop("dependencies", []), property_dependencies=extra.pop("property_dependencies", {}),
        raw_inputs=inputs, options=extra.pop("options", {}), raw_outputs=extra.pop("raw_outputs", {}),
    )


def probe_plan(inputs: list[dict[str, Any]], outputs: list[dict[str, Any]], exports: dict[str, Any]) -> StackPlan:
    provider_urn = "urn:pulumi:dev::lz::pulumi:providers:aws::p"
    resources = [
        resource("lz-dev", "pulumi:pulumi:Stack", {}, parent=None, custom=False),
        resource("p", "pulumi:providers:aws", {"region": "eu-west-2", "defaultTags": {"tags": {"a": "b"}}}),
        resource("thing", "lz:aws:Thing", {}, custom=False),
    ]
    options = [
        {},
        {"protect": True, "ignore_changes": ["tags"], "custom_timeouts": {"create": "5m", "delete": "1h30m"},
         "delete_before_replace": False, "additional_secret_outputs": ["a"]},
        {"read": True},
        {"delete_before_replace": True},
    ]
    for i, (given_inputs, given_outputs) in enumerate(zip(inputs, outputs, strict=False)):
        earlier = resources[-1].urn
        resources.append(resource(
            f"r{i}", "aws:s3/bucket:Bucket" if i % 2 else "aws:ec2/vpc:Vpc", given_inputs,
            parent=resources[2].urn if i % 3 == 0 else STACK, provider=f"{provider_urn}::id-{i}" if i % 2 else None,
            dependencies=[earlier, "urn:pulumi:dev::lz::x:y:Z::missing"],
            property_dependencies={"zz": [earlier], "a": [earlier, resources[1].urn]},
            options=options[i % len(options)], raw_outputs=given_outputs,
        ))
    return StackPlan(name="dev", kind="service", project="lz", resources=resources, outputs={},
                     raw_outputs=exports)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=st.lists(props, min_size=1, max_size=6), outputs=st.lists(props, max_size=6), exports=props)
def test_probe_policies_see_and_report_the_same_both_ways(
    inputs: list[dict[str, Any]], outputs: list[dict[str, Any]], exports: dict[str, Any]
) -> None:
    analyzer = OfflineAnalyzer([*resource_probes(), *stack_probes()], config=[{"p-again": "mandatory"}])
    assert_same(analyzer, probe_plan(inputs, outputs, exports))


def test_props_the_servicer_cannot_read_fail_each_policy_the_same_both_ways() -> None:
    plan = probe_plan([{"a": 1.0}, {"a": float("inf")}], [{"a": float("nan")}, {}], {})
    analysis = assert_same(OfflineAnalyzer([*resource_probes(), *stack_probes()]), plan)
    assert any("Infinity" in e and "r1" in e for e in analysis.errors)
    assert any("NaN" in e and e.startswith("s-graph:") for e in analysis.errors)


def test_the_probes_see_what_they_should() -> None:
    plan = probe_plan([{"a": {"x": 1}, "zz": UNKNOWN_STRING_VALUE}, {"b": {**SECRET, "value": "s"}, "zz": 2}],
                      [{}, {}], {})
    analysis = assert_same(OfflineAnalyzer([*resource_probes(), *stack_probes()]), plan)
    by_policy: dict[str, list[str]] = {}
    for d in analysis.diagnostics:
        by_policy.setdefault(d.policy, []).append(d.message)
    # a writer's changes are its own: the policy after it sees the props the program sent
    assert by_policy["p-everything"] == by_policy["p-again"]
    assert "'written'" not in repr(by_policy["p-again"])
    # reading an unknown is "can't run during preview", not a failure; raising is an error
    assert any("during preview" in m for m in by_policy["p-unknowns"])
    assert analysis.errors == ["p-boom: failed on urn:pulumi:dev::lz::aws:s3/bucket:Bucket::r1: KeyError: 'zz'"]
    assert [n.policy for n in analysis.not_applicable] == ["p-skip"]
    # a stack policy that rearranges the graph does not change what the next one sees
    assert by_policy["s-graph"] == by_policy["s-graph-again"]
