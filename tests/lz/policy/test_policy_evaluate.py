"""evaluate_stack: the pack's findings for one stack, with the exceptions register applied."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pulumi_aws as aws
import pytest
from gate_helpers import (
    BUCKET,
    NAMED,
    OWNER,
    budget_policy,
    finding,
    named_policy,
    owner_policy,
    sample_plan,
    urn,
)

from lz.plan import plan_callable
from lz.policy.evaluate import (
    BUDGET_POLICY,
    REGISTER_RULE,
    Rule,
    evaluate_stack,
    load_policy_config,
    stack_clouds,
)
from lz.policy.exceptions import REGISTER_POLICY
from lz.problems import InputError

TODAY = date(2026, 3, 1)
STACK = "svc-dev"
COMPONENT_BUCKET = "lz:aws:Bucket$aws:s3/bucket:Bucket"
POLICIES = [owner_policy(), named_policy()]


def waiver(**overrides: Any) -> dict[str, Any]:
    return {"policy": OWNER, "reason": "Owner tags arrive with the CMDB sync", "approved_by": "ciso@example.gov.uk",
            "expires": "2026-12-31", "environments": [], "resources": [], **overrides}


def owner(resource: str, type_: str = COMPONENT_BUCKET) -> dict[str, Any]:
    found = finding(STACK, OWNER, resource, "Bucket has no owner tag")
    found["urn"] = urn(STACK, type_, resource)
    return found


def named(resource: str) -> dict[str, Any]:
    found = finding(STACK, NAMED, resource, f"Bucket {resource} has no explicit name", level="advisory",
                    severity="medium")
    found["urn"] = urn(STACK, COMPONENT_BUCKET, resource)
    return found


LOGS = owner("logs", BUCKET)


def test_findings_are_violations_with_level_severity_and_resource() -> None:
    result = evaluate_stack(sample_plan(), today=TODAY, policies=POLICIES)
    assert result.violations == [
        named("archive-bucket"), named("files-bucket"),
        LOGS, owner("archive-bucket"), owner("files-bucket"),
    ]
    assert result.waived == []
    assert result.errors == []
    assert [v["policy"] for v in result.mandatory] == [OWNER] * 3
    assert len(result.advisory) == 2
    assert result.passed is False
    assert (result.stack, result.source, result.environment) == (STACK, "stacks/svc.yaml", "dev")
    assert result.evaluated == [OWNER, NAMED, REGISTER_POLICY]
    assert result.levels == {OWNER: "mandatory", NAMED: "advisory"}
    assert set(result.rules) == {OWNER, NAMED, REGISTER_POLICY}
    assert result.rules[REGISTER_POLICY] == REGISTER_RULE
    assert result.rules[OWNER] == Rule(
        name=OWNER, description="Buckets carry an owner tag.", severity="high", default_level="mandatory",
        remediation="Add the owner tag.", ncsc="5.1", ncsc_title="Operational security", cis="CIS Controls v8 1.1",
        checkov=("CKV_TEST_1",), clouds=("aws",), resource_types=(BUCKET,), topics=("tagging",),
    )


def test_a_component_name_waives_every_resource_in_the_component() -> None:
    plan = sample_plan(exceptions=[waiver(resources=["files"])])
    result = evaluate_stack(plan, today=TODAY, policies=POLICIES)
    assert result.waived == [{
        **owner("files-bucket"), "exception": 0, "approved_by": "ciso@example.gov.uk",
        "reason": "Owner tags arrive with the CMDB sync", "expires": "2026-12-31",
    }]
    assert [v["resource"] for v in result.mandatory] == ["logs", "archive-bucket"]
    # another policy's finding on the same resource is not waived
    assert named("files-bucket") in result.violations


def test_a_resource_name_waives_exactly_that_resource() -> None:
    result = evaluate_stack(sample_plan(exceptions=[waiver(resources=["logs", "archive-bucket"])]), today=TODAY,
                            policies=POLICIES)
    assert sorted(w["resource"] for w in result.waived) == ["archive-bucket", "logs"]
    assert [v["resource"] for v in result.mandatory] == ["files-bucket"]


def test_an_empty_resource_list_waives_the_policy_everywhere_in_its_environments() -> None:
    result = evaluate_stack(sample_plan(exceptions=[waiver(environments=["dev"])]), today=TODAY, policies=POLICIES)
    assert result.mandatory == []
    assert len(result.waived) == 3
    assert result.passed is True


def test_a_waiver_for_another_environment_does_not_apply() -> None:
    result = evaluate_stack(sample_plan(exceptions=[waiver(environments=["prod"], expires="2020-01-01")]),
                            today=TODAY, policies=POLICIES)
    assert result.waived == []
    assert len(result.mandatory) == 3  # and its expiry is prod's business


def test_an_expired_waiver_waives_nothing_and_is_a_mandatory_violation() -> None:
    result = evaluate_stack(sample_plan(exceptions=[waiver(expires="2026-01-31")]), today=TODAY, policies=POLICIES)
    assert result.waived == []
    assert result.violations[-1] == {
        "policy": REGISTER_POLICY, "level": "mandatory", "severity": "high",
        "message": "Exception 0 for aws-s3-bucket-owner-tagged expired on 2026-01-31 (approved by ciso@example.gov.uk)",
        "resource": "exceptions[0]", "urn": "", "type": "", "stack": STACK,
    }
    assert len(result.mandatory) == 4


def test_a_waiver_naming_an_unknown_policy_is_a_violation() -> None:
    result = evaluate_stack(sample_plan(exceptions=[waiver(policy="aws-s3-bucket-owner-taged")]), today=TODAY,
                            policies=POLICIES)
    assert [v["message"] for v in result.violations if v["policy"] == REGISTER_POLICY] == [
        "Exception 0 names unknown policy aws-s3-bucket-owner-taged; did you mean aws-s3-bucket-owner-tagged?"
    ]


def test_today_defaults_to_the_real_date() -> None:
    result = evaluate_stack(sample_plan(exceptions=[waiver(expires="2000-01-01")]), policies=POLICIES)
    assert [v["resource"] for v in result.violations if v["policy"] == REGISTER_POLICY] == ["exceptions[0]"]


def test_a_stack_without_a_register_skips_the_register_check() -> None:
    result = evaluate_stack(sample_plan(with_register=False), today=TODAY, policies=POLICIES)
    assert REGISTER_POLICY not in result.evaluated
    assert REGISTER_POLICY not in result.rules


# -- configuration -------------------------------------------------------------------------------


def test_policy_config_changes_levels() -> None:
    result = evaluate_stack(sample_plan(), today=TODAY, policies=POLICIES,
                            policy_config={"all": "advisory", NAMED: "disabled"})
    assert result.mandatory == []
    assert [v["policy"] for v in result.violations] == [OWNER] * 3
    assert result.levels == {OWNER: "advisory", NAMED: "disabled"}
    assert NAMED not in result.evaluated
    assert result.passed is True


def test_config_naming_an_unknown_policy_is_an_error_but_the_rest_still_runs() -> None:
    result = evaluate_stack(sample_plan(), today=TODAY, policies=POLICIES, policy_config={"aws-s3-bucket-onwer": "x"})
    assert result.errors[0] == (
        "policy config names 'aws-s3-bucket-onwer', which is not a policy of the pack; did you mean "
        "'aws-s3-bucket-owner-tagged'?"
    )


def test_invalid_config_is_an_error_and_nothing_is_judged() -> None:
    result = evaluate_stack(sample_plan(budget=None), today=TODAY, policies=[*POLICIES, budget_policy()],
                            policy_config={BUDGET_POLICY: {"stack_budget_gbp": "lots"}})
    assert result.errors == ["lz-stack-budget-required: stack_budget_gbp: 'lots' is not of type 'number'"]
    assert result.violations == []
    assert result.passed is False


def test_the_manifest_budget_is_passed_to_the_budget_policy() -> None:
    def budget_message(budget: float | None) -> str:
        result = evaluate_stack(sample_plan(budget=budget), today=TODAY, policies=[budget_policy()])
        (only,) = result.violations
        assert (only["resource"], only["type"]) == ("council-lz-svc-dev", "pulumi:pulumi:Stack")
        return str(only["message"])

    assert budget_message(150) == "budget seen: 150.0"
    assert budget_message(None) == "budget seen: 0.0"  # the policy's default: no budget


def test_the_stack_budget_wins_over_configured_budgets() -> None:
    result = evaluate_stack(sample_plan(budget=90), today=TODAY, policies=[budget_policy()],
                            policy_config={BUDGET_POLICY: {"stack_budget_gbp": 1}})
    assert [v["message"] for v in result.violations] == ["budget seen: 90.0"]


def test_a_policy_that_raises_is_an_error() -> None:
    from policies.lib import Frameworks, resource_policy

    def boom(props: Any, args: Any, report: Any) -> None:
        raise ValueError("bad props")

    broken = resource_policy(name="aws-s3-bucket-broken", description="d", severity="low",
                             frameworks=Frameworks(ncsc="1"), remediation="r", resource_types=[BUCKET], validate=boom)
    result = evaluate_stack(sample_plan(), today=TODAY, policies=[broken, owner_policy()])
    assert result.errors == [
        f"aws-s3-bucket-broken: failed on {urn(STACK, BUCKET, 'logs')}: ValueError: bad props",
        f"aws-s3-bucket-broken: failed on {urn(STACK, COMPONENT_BUCKET, 'archive-bucket')}: ValueError: bad props",
        f"aws-s3-bucket-broken: failed on {urn(STACK, COMPONENT_BUCKET, 'files-bucket')}: ValueError: bad props",
    ]
    assert len(result.mandatory) == 3
    assert result.passed is False


def test_the_council_config_file_is_read_from_a_path_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text(f"{NAMED}: disabled\n")
    monkeypatch.delenv("LZ_POLICY_CONFIG", raising=False)
    assert load_policy_config(config) == {NAMED: "disabled"}
    assert load_policy_config() == {}
    monkeypatch.setenv("LZ_POLICY_CONFIG", str(config))
    assert load_policy_config() == {NAMED: "disabled"}


def test_a_bad_config_file_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text("all: strict\nx: 3\n")
    monkeypatch.setenv("LZ_POLICY_CONFIG", str(config))
    with pytest.raises(InputError) as caught:
        load_policy_config()
    assert [str(p) for p in caught.value.problems] == [
        f"{config}:1:1: all: 'strict' is not an enforcement level; use one of advisory, mandatory, remediate, disabled",
        f"{config}:1:1: x: expected an enforcement level or a mapping, got int",
    ]


# -- which policies run --------------------------------------------------------------------------


def test_clouds_come_from_the_manifest_or_the_resource_types() -> None:
    assert stack_clouds(sample_plan()) == ["aws"]
    plan = plan_callable(lambda: aws.s3.Bucket("b"))
    assert stack_clouds(plan) == ["aws"]
    assert stack_clouds(plan_callable(lambda: None)) == []


@pytest.fixture(scope="module")
def pack_result() -> Any:
    return evaluate_stack(sample_plan(), today=TODAY)


def test_the_pack_is_selected_for_the_stack_cloud(pack_result: Any) -> None:
    from policies import pack

    aws_names = {m.name for _, m in pack.select(clouds=["aws"])}
    assert set(pack_result.levels) == aws_names
    assert not any(name.startswith("azure-") for name in pack_result.levels)
    assert pack_result.errors == []
