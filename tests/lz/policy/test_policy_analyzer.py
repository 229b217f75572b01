"""The offline analyzer calls the pack's own servicer as the engine does, with the CLI's config steps."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from lz.plan import plan_callable
from lz.plan.model import UNKNOWN, PlannedResource, StackPlan
from lz.policy.analyzer import (
    AnalyzerUnavailable,
    Diagnostic,
    NotApplicable,
    OfflineAnalyzer,
    PolicyConfigError,
    check_sdk,
    duration_seconds,
    normalize_config,
    reconcile_config,
    to_struct,
    unknown_policy_names,
)

BUCKET = "aws:s3/bucket:Bucket"
STACK_URN = "urn:pulumi:dev::lz::pulumi:pulumi:Stack::lz-dev"


def recorder(seen: list[ResourceValidationArgs], only: str | None = None) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if only is None or args.resource_type == only:
            seen.append(args)

    return validate


def policy(name: str, validate: Any, **kwargs: Any) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(name=name, description=f"{name} checks.", validate=validate, **kwargs)


def reporting(message: str, only: str = BUCKET) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == only:
            report(message, None)

    return validate


def one_bucket() -> None:
    aws.s3.Bucket("b", tags={"a": "b"})


# -- what a resource policy receives ------------------------------------------------------------


def test_props_arrive_as_on_the_wire_numbers_as_floats_and_secrets_unwrapped() -> None:
    def program() -> None:
        aws.rds.Instance("db", instance_class="db.t3.micro", engine="postgres", allocated_storage=20,
                         username="app", password=pulumi.Output.secret("s3cr3t"), publicly_accessible=True)

    seen: list[ResourceValidationArgs] = []
    OfflineAnalyzer([policy("t-db", recorder(seen, "aws:rds/instance:Instance"))]).analyze_plan(plan_callable(program))
    (args,) = seen
    assert args.props["allocatedStorage"] == 20.0
    assert isinstance(args.props["allocatedStorage"], float)
    assert args.props["password"] == "s3cr3t"
    assert args.props["publiclyAccessible"] is True
    assert args.name == "db"
    assert args.urn == "urn:pulumi:dev::lz::aws:rds/instance:Instance::db"


def test_the_explicit_provider_and_the_options_reach_the_policy() -> None:
    def program() -> None:
        provider = aws.Provider("use1", region="us-east-1")
        parent = pulumi.ComponentResource("lz:aws:Thing", "thing")
        aws.s3.Bucket("b", opts=pulumi.ResourceOptions(
            provider=provider, parent=parent, protect=True, ignore_changes=["tags"], delete_before_replace=True,
            custom_timeouts=pulumi.CustomTimeouts(create="1h30m", delete="90s")))

    seen: list[ResourceValidationArgs] = []
    OfflineAnalyzer([policy("t-b", recorder(seen, BUCKET))]).analyze_plan(plan_callable(program))
    (args,) = seen
    assert args.provider is not None
    assert (args.provider.resource_type, args.provider.name, args.provider.props["region"]) == (
        "pulumi:providers:aws", "use1", "us-east-1")
    assert args.opts.protect is True
    assert list(args.opts.ignore_changes) == ["tags"]
    assert args.opts.delete_before_replace is True
    assert (args.opts.custom_timeouts.create_seconds, args.opts.custom_timeouts.delete_seconds) == (5400.0, 90.0)
    assert args.opts.parent == "urn:pulumi:dev::lz::lz:aws:Thing::thing"
    assert list(args.opts.aliases) == []  # the engine sends only aliases matched against existing state


def test_every_registration_is_analyzed_but_reads_are_not() -> None:
    def program() -> None:
        aws.Provider("p", region="eu-west-2")
        thing = pulumi.ComponentResource("lz:aws:Thing", "thing")
        aws.s3.Bucket("b", opts=pulumi.ResourceOptions(parent=thing))
        aws.s3.Bucket.get("existing", "existing-bucket")

    seen: list[ResourceValidationArgs] = []
    OfflineAnalyzer([policy("t-all", recorder(seen))]).analyze_plan(plan_callable(program))
    assert sorted((a.resource_type, a.name) for a in seen) == [
        (BUCKET, "b"), ("lz:aws:Thing", "thing"), ("pulumi:providers:aws", "p"), ("pulumi:pulumi:Stack", "lz-dev"),
    ]


# -- diagnostics -------------------------------------------------------------------------------


def test_a_finding_keeps_description_and_message_apart() -> None:
    analyzer = OfflineAnalyzer([policy("t-b", reporting("Bucket is bad"), severity=Severity.HIGH,
                                       enforcement_level=EnforcementLevel.MANDATORY)])
    result = analyzer.analyze_plan(plan_callable(one_bucket))
    assert result.diagnostics == [
        Diagnostic(policy="t-b", level="mandatory", severity="high", message="Bucket is bad",
                   description="t-b checks.", urn="urn:pulumi:dev::lz::aws:s3/bucket:Bucket::b", name="b",
                   type=BUCKET, kind="resource")
    ]
    assert result.errors == []


def test_an_empty_message_shows_the_description() -> None:
    result = OfflineAnalyzer([policy("t-b", reporting(""))]).analyze_plan(plan_callable(one_bucket))
    assert [(d.message, d.level, d.severity) for d in result.diagnostics] == [("t-b checks.", "advisory", "")]


def test_unknown_values_become_an_advisory_cannot_run_diagnostic() -> None:
    bucket = PlannedResource(
        urn="urn:pulumi:dev::lz::aws:s3/bucket:Bucket::b", type=BUCKET, name="b", custom=True, parent=None,
        provider=None, dependencies=[], property_dependencies={}, raw_inputs={"bucket": UNKNOWN}, options={},
    )
    plan = StackPlan(name="dev", kind="program", project="lz", resources=[bucket], outputs={})

    def reads_bucket(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.props["bucket"] != "wanted":
            report("wrong name", None)

    analyzer = OfflineAnalyzer([policy("t-name", reads_bucket, severity=Severity.CRITICAL,
                                       enforcement_level=EnforcementLevel.MANDATORY)])
    (diagnostic,) = analyzer.analyze_plan(plan).diagnostics
    assert diagnostic.level == "advisory"
    assert diagnostic.severity == "critical"  # the SDK sends none; the policy has one
    assert diagnostic.urn == bucket.urn
    assert diagnostic.message == (
        "can't run policy 't-name' from policy pack 'council-lz@v0.1.0' during preview: "
        "string value at .bucket can't be known during preview"
    )


def test_not_applicable_is_reported_per_resource() -> None:
    def skip(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == BUCKET:
            args.not_applicable("no buckets today")

    result = OfflineAnalyzer([policy("t-skip", skip)]).analyze_plan(plan_callable(one_bucket))
    assert result.not_applicable == [
        NotApplicable(policy="t-skip", urn="urn:pulumi:dev::lz::aws:s3/bucket:Bucket::b", reason="no buckets today")
    ]
    assert result.diagnostics == []


def test_a_policy_that_raises_is_an_error_and_the_others_still_report() -> None:
    def boom(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == BUCKET:
            raise KeyError("versioning")

    analyzer = OfflineAnalyzer([policy("t-boom", boom), policy("t-b", reporting("Bucket is bad"))])
    result = analyzer.analyze_plan(plan_callable(one_bucket))
    assert result.errors == ["t-boom: failed on urn:pulumi:dev::lz::aws:s3/bucket:Bucket::b: KeyError: 'versioning'"]
    assert [(d.policy, d.name, d.message) for d in result.diagnostics] == [("t-b", "b", "Bucket is bad")]


# -- enforcement levels --------------------------------------------------------------------------


def test_levels_resolve_like_the_cli() -> None:
    runs: list[str] = []

    def counting(name: str) -> Any:
        def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
            if args.resource_type == BUCKET:
                runs.append(name)
                report("found", None)

        return validate

    policies = [
        policy("t-own", counting("t-own"), enforcement_level=EnforcementLevel.MANDATORY),
        policy("t-pack", counting("t-pack")),  # no level: the pack's
        policy("t-initial", counting("t-initial")),
        policy("t-off", counting("t-off"), enforcement_level=EnforcementLevel.MANDATORY),
        policy("t-fix", counting("t-fix")),
    ]
    analyzer = OfflineAnalyzer(
        policies,
        initial_config={"t-initial": "mandatory"},
        config=[{"t-off": {"enforcementLevel": "disabled"}}, {"t-fix": "remediate"}],
    )
    result = analyzer.analyze_plan(plan_callable(one_bucket))
    assert analyzer.levels == {"t-own": "mandatory", "t-pack": "advisory", "t-initial": "mandatory",
                               "t-off": "disabled", "t-fix": "remediate"}
    assert sorted(runs) == ["t-fix", "t-initial", "t-own", "t-pack"]  # disabled never runs
    assert {d.policy: d.level for d in result.diagnostics} == {
        "t-own": "mandatory", "t-pack": "advisory", "t-initial": "mandatory", "t-fix": "mandatory",
    }


def test_all_applies_before_the_entries_of_the_same_layer() -> None:
    policies = [policy(n, reporting("x"), enforcement_level=EnforcementLevel.MANDATORY) for n in ("t-a", "t-b")]
    analyzer = OfflineAnalyzer(policies, config=[{"t-b": "mandatory", "all": "advisory"}])
    assert analyzer.levels == {"t-a": "advisory", "t-b": "mandatory"}


# -- config reconciliation -----------------------------------------------------------------------

SCHEMA = PolicyConfigSchema(
    properties={
        "max": {"type": "integer", "minimum": 1, "default": 5},
        "names": {"type": "array", "items": {"type": "string"}},
    },
    required=["max"],
)


def configured(seen: list[dict[str, Any]]) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == BUCKET:
            seen.append(dict(args.get_config()))

    return validate


def test_schema_defaults_then_initial_then_user_config_reach_the_policy() -> None:
    seen: list[dict[str, Any]] = []
    analyzer = OfflineAnalyzer(
        [policy("t-cfg", configured(seen), config_schema=SCHEMA)],
        initial_config={"t-cfg": {"enforcementLevel": EnforcementLevel.MANDATORY, "names": ["a"]}},
        config=[{"t-cfg": {"max": 7}}],
    )
    analyzer.analyze_plan(plan_callable(one_bucket))
    assert seen == [{"max": 7.0, "names": ["a"]}]  # through Configure's Struct: numbers are floats
    assert analyzer.settings["t-cfg"].properties == {"max": 7, "names": ["a"]}
    assert analyzer.levels == {"t-cfg": "mandatory"}


def test_defaults_alone_are_sent_when_nothing_is_configured() -> None:
    seen: list[dict[str, Any]] = []
    OfflineAnalyzer([policy("t-cfg", configured(seen), config_schema=SCHEMA)]).analyze_plan(plan_callable(one_bucket))
    assert seen == [{"max": 5.0}]


def test_config_is_validated_against_the_schema_with_every_problem() -> None:
    p = policy("t-cfg", configured([]), config_schema=SCHEMA)
    with pytest.raises(PolicyConfigError) as caught:
        reconcile_config([p], config=[{"t-cfg": {"max": 0, "names": ["ok", 3]}}])
    assert caught.value.problems == [
        "t-cfg: max: 0 is less than the minimum of 1",
        "t-cfg: names.1: 3 is not of type 'string'",
    ]


def test_a_required_setting_without_default_is_reported() -> None:
    schema = PolicyConfigSchema(properties={"arn": {"type": "string"}}, required=["arn"])
    with pytest.raises(PolicyConfigError) as caught:
        reconcile_config([policy("t-arn", configured([]), config_schema=schema)])
    assert caught.value.problems == ["t-arn: 'arn' is a required property"]


def test_bad_levels_and_shapes_are_reported_together() -> None:
    with pytest.raises(PolicyConfigError) as caught:
        normalize_config({"a": "strict", "b": 3, "c": {"enforcementLevel": "nope"}}, "my.yaml")
    assert caught.value.problems == [
        "my.yaml: a: 'strict' is not an enforcement level; use one of advisory, mandatory, remediate, disabled",
        "my.yaml: b: expected an enforcement level or a mapping, got int",
        "my.yaml: c: 'nope' is not an enforcement level; use one of advisory, mandatory, remediate, disabled",
    ]


def test_unknown_policy_names_get_a_suggestion() -> None:
    assert unknown_policy_names({"all": "advisory", "aws-s3-bucket-versoning": "disabled", "zzz": "advisory"},
                                ["aws-s3-bucket-versioning"]) == [
        "policy config names 'aws-s3-bucket-versoning', which is not a policy of the pack; "
        "did you mean 'aws-s3-bucket-versioning'?",
        "policy config names 'zzz', which is not a policy of the pack",
    ]


def test_config_for_other_policies_is_ignored() -> None:
    analyzer = OfflineAnalyzer([policy("t-a", reporting("x"))], config=[{"t-elsewhere": "mandatory"}])
    assert analyzer.levels == {"t-a": "advisory"}


# -- stack policies ------------------------------------------------------------------------------


def test_stack_policies_see_the_graph_and_the_outputs() -> None:
    def program() -> None:
        thing = pulumi.ComponentResource("lz:aws:Thing", "thing")
        bucket = aws.s3.Bucket("b", opts=pulumi.ResourceOptions(parent=thing))
        aws.s3.BucketPolicy("bp", bucket=bucket.id, policy="{}", opts=pulumi.ResourceOptions(parent=thing))
        pulumi.export("bucket", bucket.bucket)

    seen: dict[str, Any] = {}

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        by_name = {r.name: r for r in args.resources}
        bp = by_name["bp"]
        seen["parent"] = bp.parent.name if bp.parent else None
        seen["dependencies"] = sorted(d.name for d in bp.dependencies)
        seen["property_dependencies"] = {k: [d.name for d in v] for k, v in bp.property_dependencies.items()}
        seen["bucket_id"] = by_name["b"].props["id"]
        seen["exports"] = dict(by_name["lz-dev"].props)
        report("the bucket policy", bp.urn)
        report("the whole stack", None)

    analyzer = OfflineAnalyzer([StackValidationPolicy(name="t-graph", description="Graph.", validate=validate,
                                                      enforcement_level=EnforcementLevel.MANDATORY)])
    plan = plan_callable(program)
    result = analyzer.analyze_plan(plan)
    bucket_id = plan.one(BUCKET, "b").id
    assert seen == {
        "parent": "thing",
        "dependencies": ["b"],
        "property_dependencies": {"bucket": ["b"]},
        "bucket_id": bucket_id,
        "exports": {"bucket": bucket_id},
    }
    assert [(d.kind, d.name, d.type, d.message) for d in result.diagnostics] == [
        ("stack", "bp", "aws:s3/bucketPolicy:BucketPolicy", "the bucket policy"),
        ("stack", "lz-dev", "pulumi:pulumi:Stack", "the whole stack"),  # no URN: the stack itself
    ]
    assert result.diagnostics[1].urn == STACK_URN


def test_a_stack_policy_that_raises_is_an_error() -> None:
    def boom(args: StackValidationArgs, report: ReportViolation) -> None:
        raise RuntimeError("no graph")

    result = OfflineAnalyzer([StackValidationPolicy(name="t-boom", description="d", validate=boom),
                              policy("t-b", reporting("Bucket is bad"))]).analyze_plan(plan_callable(one_bucket))
    assert result.errors == ["t-boom: failed on stack dev: RuntimeError: no graph"]
    assert [d.policy for d in result.diagnostics] == ["t-b"]


# -- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [(None, 0.0), ("", 0.0), ("90s", 90.0), ("5m", 300.0), ("1h30m", 5400.0), ("1.5h", 5400.0),
     ("250ms", 0.25), ("2h0m10s", 7210.0), ("ten minutes", 0.0), ("5m junk", 0.0)],
)
def test_custom_timeouts_parse_like_go_durations(text: str | None, seconds: float) -> None:
    assert duration_seconds(text) == pytest.approx(seconds)


def test_to_struct_encodes_sdk_values_the_sdk_way() -> None:
    struct = to_struct({"n": 1, "asset": pulumi.StringAsset("hello")})
    assert struct["n"] == 1.0
    assert struct["asset"]["text"] == "hello"
    assert struct["asset"]["4dabf18193072939515e22adb298388d"] == "c44067f5952c0a294b673a41bacd8c17"


def test_the_installed_sdk_has_the_servicer_this_module_calls() -> None:
    check_sdk()


def test_a_changed_servicer_is_refused_with_the_difference() -> None:
    class Changed:
        def __init__(self, name: str, policies: list[Any]) -> None: ...

        def Analyze(self) -> None: ...

    with pytest.raises(AnalyzerUnavailable) as caught:
        check_sdk(Changed)
    message = str(caught.value)
    assert "_PolicyAnalyzerServicer('self', 'name', 'policies')" in message
    assert "missing ['Configure', 'AnalyzeStack']" in message


def test_an_analyzer_needs_a_policy() -> None:
    with pytest.raises(ValueError, match="at least one policy"):
        OfflineAnalyzer([])
