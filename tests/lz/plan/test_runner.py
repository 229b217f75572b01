"""The planner runs real programs and records what the engine would receive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from lz.plan import ProgramError, plan_callable, plan_directory
from lz.plan.model import EstatePlan
from lz.plan.render import plan_json

PROGRAMS = Path(__file__).parent / "programs"
BUCKET = "aws:s3/bucket:Bucket"


@pytest.fixture(scope="module")
def transforms_plan():
    return plan_directory(PROGRAMS / "transforms", resolve_stack_outputs=lambda ref: {"vpc_id": "vpc-0abc"})


def test_transforms_apply_own_then_parents_then_stack(transforms_plan):
    bucket = transforms_plan.one(BUCKET, "docs-bucket")
    assert bucket.inputs["tags"] == {"team": "t", "order": "own>parent>stack"}


def test_transform_returned_options_are_recorded(transforms_plan):
    bucket = transforms_plan.one(BUCKET, "docs-bucket")
    assert bucket.options["retain_on_delete"] is True  # set by the stack transform
    assert bucket.options["protect"] is True
    assert bucket.options["ignore_changes"] == ["tags.colour"]


def test_resources_without_a_matching_transform_are_untouched(transforms_plan):
    key = transforms_plan.one("aws:kms/key:Key", "key")
    assert key.inputs == {"description": "k", "bypassPolicyLockoutSafetyCheck": False} or "tags" not in key.inputs


def test_urn_parent_and_project_from_the_program_directory(transforms_plan):
    bucket = transforms_plan.one(BUCKET, "docs-bucket")
    assert transforms_plan.project == "transforms"
    assert bucket.urn == "urn:pulumi:dev::transforms::test:index:Store$aws:s3/bucket:Bucket::docs-bucket"
    assert bucket.parent == "urn:pulumi:dev::transforms::test:index:Store::docs"


def test_dependencies_and_property_dependencies(transforms_plan):
    policy = transforms_plan.one("aws:s3/bucketPolicy:BucketPolicy", "policy")
    bucket_urn = transforms_plan.one(BUCKET, "docs-bucket").urn
    key_urn = transforms_plan.one("aws:kms/key:Key", "key").urn
    assert policy.dependencies == sorted([bucket_urn, key_urn])
    assert policy.property_dependencies == {"bucket": [bucket_urn], "policy": [key_urn]}
    # depends_on a component means its children, as the SDK expands it
    assert transforms_plan.one("aws:kms/key:Key", "key").dependencies == [bucket_urn]


def test_inputs_use_engine_names_and_mock_outputs_flow_into_other_resources(transforms_plan):
    policy = transforms_plan.one("aws:s3/bucketPolicy:BucketPolicy", "policy")
    key = transforms_plan.one("aws:kms/key:Key", "key")
    assert policy.inputs["bucket"] == "acme-docs-files"
    assert json.loads(policy.inputs["policy"]) == {"k": key.outputs["arn"]}
    assert key.outputs["arn"].startswith("arn:aws:kms:eu-west-2:123456789012:key/")


def test_secrets_are_masked_in_inputs_and_outputs(transforms_plan):
    secret = transforms_plan.one("aws:secretsmanager/secretVersion:SecretVersion", "secret")
    assert secret.inputs["secretString"] == "[secret]"
    assert transforms_plan.outputs["password"] == "[secret]"
    assert "hunter2" not in plan_json(EstatePlan([transforms_plan]))
    # the wire form keeps the secret envelope, as CrossGuard receives it
    assert secret.wire_inputs()["secretString"]["4dabf18193072939515e22adb298388d"] == (
        "1b47061264138c4ac30d75fd1eb44270"
    )


def test_stack_reference_is_fed_from_the_resolver_and_recorded(transforms_plan):
    assert transforms_plan.outputs["vpc"] == "vpc-0abc"
    ref = transforms_plan.one("pulumi:pulumi:StackReference", "acme/network/prod")
    assert ref.options["read"] is True
    assert transforms_plan.metadata["stack_references"] == ["acme/network/prod"]


def test_plans_are_identical_across_runs(transforms_plan):
    again = plan_directory(PROGRAMS / "transforms", resolve_stack_outputs=lambda ref: {"vpc_id": "vpc-0abc"})
    assert plan_json(EstatePlan([again])) == plan_json(EstatePlan([transforms_plan]))


def test_project_and_stack_config_are_read_like_the_engine():
    plan = plan_directory(PROGRAMS / "configured", stack="test")
    assert plan.project == "configured"
    assert [r.name for r in plan.find(BUCKET)] == ["acme-gold-0", "acme-gold-1", "acme-gold-2"]
    assert plan.outputs == {"region": "eu-west-2", "token_is_secret": "[secret]"}


def test_config_overrides_win_over_the_stack_file():
    plan = plan_directory(PROGRAMS / "configured", stack="test", config={"configured:size": "1"})
    assert [r.name for r in plan.find(BUCKET)] == ["acme-gold-0"]


def test_a_failing_program_reports_its_own_frames():
    with pytest.raises(ProgramError) as err:
        plan_directory(PROGRAMS / "failing")
    text = str(err.value)
    assert text.startswith("ValueError: bucket name missing in config")
    assert "failing/__main__.py:5 in build" in text
    assert "site-packages" not in text


def test_a_program_outside_the_repository(tmp_path):
    target = tmp_path / "elsewhere"
    shutil.copytree(PROGRAMS / "transforms", target)
    plan = plan_directory(target, resolve_stack_outputs=lambda ref: {"vpc_id": "v"})
    assert plan.project == "elsewhere"
    assert plan.one(BUCKET, "docs-bucket").inputs["bucket"] == "acme-docs-files"


def test_local_modules_do_not_leak_between_programs(tmp_path):
    for name, value in (("one", "first"), ("two", "second")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "naming.py").write_text(f"VALUE = {value!r}\n")
        (tmp_path / name / "__main__.py").write_text(
            "import pulumi_aws as aws\nfrom naming import VALUE\naws.s3.Bucket(VALUE)\n"
        )
    first = plan_directory(tmp_path / "one")
    second = plan_directory(tmp_path / "two")
    assert [r.name for r in first.find(BUCKET)] == ["first"]
    assert [r.name for r in second.find(BUCKET)] == ["second"]


def test_missing_main_is_an_input_error(tmp_path):
    from lz.problems import InputError

    with pytest.raises(InputError, match=r"no __main__\.py"):
        plan_directory(tmp_path)


def test_non_python_runtime_is_refused(tmp_path):
    from lz.problems import InputError

    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: nodejs\n")
    with pytest.raises(InputError, match="runtime 'nodejs' is not Python"):
        plan_directory(tmp_path)


def test_plan_callable_records_components_providers_and_unknown_invokes():
    def program() -> None:
        provider = aws.Provider("london", region="eu-west-2")
        comp = pulumi.ComponentResource("test:index:Thing", "thing")
        aws.s3.Bucket("b", opts=pulumi.ResourceOptions(parent=comp, provider=provider))
        aws.get_billing_service_account(opts=pulumi.InvokeOptions(provider=provider))

    plan = plan_callable(program, stack="unit")
    provider = plan.one("pulumi:providers:aws", "london")
    bucket = plan.one(BUCKET, "b")
    assert bucket.provider == f"{provider.urn}::london-provider-id"
    assert plan.one("test:index:Thing", "thing").is_component
    assert plan.notes == [
        "invoke aws:index/getBillingServiceAccount:getBillingServiceAccount has no offline answer; "
        "it returned an empty result"
    ]
    assert plan.counts_by_type() == {BUCKET: 1, "pulumi:providers:aws": 1, "test:index:Thing": 1}


def test_each_plan_starts_from_fresh_runtime_state():
    def program() -> None:
        aws.s3.Bucket("only")

    first = plan_callable(program, stack="a")
    second = plan_callable(program, stack="b")
    assert [r.urn for r in first.find(BUCKET)] == ["urn:pulumi:a::lz::aws:s3/bucket:Bucket::only"]
    assert [r.urn for r in second.find(BUCKET)] == ["urn:pulumi:b::lz::aws:s3/bucket:Bucket::only"]


def test_policy_documents_given_as_dicts_come_back_as_json_text() -> None:
    def program() -> None:
        role = aws.iam.Role("r", assume_role_policy={"Version": "2012-10-17", "Statement": []})
        pulumi.export("doc", role.assume_role_policy)

    plan = plan_callable(program, stack="unit")
    assert json.loads(plan.outputs["doc"]) == {"Statement": [], "Version": "2012-10-17"}
