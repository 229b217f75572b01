"""The stack programs of the example estate: what each stack builds and what it reads from others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lz.plan.estate import EstatePlanner, plan_estate
from lz.plan.model import EstatePlan, StackPlan
from lz.plan.render import plan_json
from lz.plan.runner import plan_directory
from lz.problems import InputError
from lz.stacks import LAYERS, load_estate

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def estate():
    return load_estate(ROOT)


@pytest.fixture(scope="module")
def plan(estate) -> EstatePlan:
    return plan_estate(estate)


def spoke_of(network: StackPlan, key: str) -> dict:
    return network.raw_outputs["network"]["spokes"][key]


def test_stacks_are_layers_first_then_services_dev_before_prod(estate) -> None:
    assert estate.names() == [
        *(layer.name for layer in LAYERS),
        "council-website-dev", "council-website-prod",
        "housing-repairs-dev", "housing-repairs-prod",
        "planning-documents-dev", "planning-documents-prod",
    ]


def test_network_layer_vends_spokes_only_where_a_network_is_needed(plan) -> None:
    network = plan.stack("platform-aws-network")
    spokes = network.find("lz:aws:SpokeVpc")
    assert sorted(s.name for s in spokes) == ["spoke-housing-repairs-dev", "spoke-housing-repairs-prod"]
    assert sorted(network.raw_outputs["network"]["spokes"]) == ["housing-repairs-dev", "housing-repairs-prod"]
    pool_cidr = network.one("aws:ec2/vpcIpamPoolCidr:VpcIpamPoolCidr")
    assert pool_cidr.inputs["cidr"] == "10.64.0.0/12"
    assert pool_cidr.options["protect"] is True


def test_spoke_size_and_endpoints_follow_the_manifest_and_platform(plan) -> None:
    network = plan.stack("platform-aws-network")
    vpcs = {r.name: r for r in network.find("aws:ec2/vpc:Vpc")}
    assert vpcs["spoke-housing-repairs-prod-vpc"].inputs["ipv4NetmaskLength"] == 23  # network_size: medium
    assert vpcs["spoke-housing-repairs-dev-vpc"].inputs["ipv4NetmaskLength"] == 24
    endpoints = [
        r for r in network.find("aws:ec2/vpcEndpoint:VpcEndpoint") if r.inputs["vpcEndpointType"] == "Interface"
    ]
    services = sorted(r.inputs["serviceName"].rsplit(".", 1)[-1] for r in endpoints)
    assert services == ["ec2messages", "kms", "logs", "secretsmanager", "ssm", "ssmmessages"]
    assert all("prod" in r.name for r in endpoints)


def test_spoke_vpcs_are_tagged_as_the_service_s_cost(plan) -> None:
    network = plan.stack("platform-aws-network")
    vpc = network.one("aws:ec2/vpc:Vpc", "spoke-housing-repairs-prod-vpc")
    assert vpc.inputs["tags"]["service"] == "housing-repairs"
    assert vpc.inputs["tags"]["cost-centre"] == "CC-1042"
    assert vpc.inputs["tags"]["environment"] == "prod"


def test_database_reads_its_spoke_from_the_network_plan(plan) -> None:
    network = plan.stack("platform-aws-network")
    prod = plan.stack("housing-repairs-prod")
    spoke = spoke_of(network, "housing-repairs-prod")
    sg = prod.one("aws:ec2/securityGroup:SecurityGroup")
    subnets = prod.one("aws:rds/subnetGroup:SubnetGroup")
    assert sg.inputs["vpcId"] == spoke["vpc_id"]
    assert subnets.inputs["subnetIds"] == spoke["private_subnet_ids"]
    assert sg.inputs["ingress"][0]["cidrBlocks"] == [spoke["cidr_block"]]
    assert prod.metadata["stack_references"] == [
        f"organization/council-lz/{layer}"
        for layer in ("platform-aws-logging", "platform-aws-network", "platform-aws-organisation")
    ]


def test_services_deploy_only_into_their_workload_account(plan) -> None:
    accounts = plan.stack("platform-aws-organisation").raw_outputs["organisation"]["account_ids"]
    for name, account in (("housing-repairs-prod", "workloads-prod"), ("housing-repairs-dev", "workloads-nonprod"),
                          ("council-website-prod", "workloads-prod")):
        stack = plan.stack(name)
        provider = stack.one("pulumi:providers:aws", "aws-eu-west-2")
        assert json.loads(provider.inputs["allowedAccountIds"]) == [accounts[account]]
        assert stack.outputs["account_id"] == accounts[account]
        arns = [str(r.outputs.get("arn", "")) for r in stack.managed() if r.type.startswith("aws:")]
        in_accounts = {arn.split(":")[4] for arn in arns if len(arn.split(":")) > 4 and arn.split(":")[4]}
        assert in_accounts == {accounts[account]}, name


def test_data_keys_and_access_logs_come_from_the_logging_layer(plan) -> None:
    logging = plan.stack("platform-aws-logging").raw_outputs
    for name, account in (("housing-repairs-prod", "workloads-prod"), ("council-website-dev", "workloads-nonprod")):
        stack = plan.stack(name)
        assert stack.find("aws:kms/key:Key") == []  # the platform vends keys; services only use them
        assert stack.outputs["kms_key_arn"] == logging["kms_keys"]["services"][name]
        access_logs = logging["log_destinations"]["access_logs"][account]["name"]
        logged = [r for r in stack.find("aws:s3/bucketLogging:BucketLogging")]
        assert logged and all(r.inputs["targetBucket"] == access_logs for r in logged)
    site = plan.stack("council-website-prod").one("aws:cloudfront/distribution:Distribution")
    assert site.inputs["loggingConfig"]["bucket"].startswith(
        logging["log_destinations"]["access_logs"]["workloads-prod"]["name"]
    )


def test_database_roles_stay_inside_the_identity_boundary(plan) -> None:
    identity = plan.stack("platform-aws-identity").raw_outputs["identity"]
    prod = plan.stack("housing-repairs-prod")
    role = prod.one("aws:iam/role:Role")
    assert role.inputs["path"] == "/lz/housing-repairs/"
    # The service computes the boundary's ARN; it must be exactly what the identity layer creates.
    assert role.inputs["permissionsBoundary"] == identity["permissions_boundary_arns"]["workloads-prod"]


def test_the_service_boundary_name_and_path_are_the_identity_layer_s() -> None:
    from lz.stacks.aws_identity import BOUNDARY_NAME
    from lz.stacks.contracts import SERVICE_BOUNDARY_POLICY_NAME, SERVICE_BOUNDARY_POLICY_PATH, service_boundary_arn
    from modules.aws.identity_docs import BOUNDARY_PATH, boundary_arn

    assert (BOUNDARY_NAME, BOUNDARY_PATH) == (SERVICE_BOUNDARY_POLICY_NAME, SERVICE_BOUNDARY_POLICY_PATH)
    assert service_boundary_arn("123456789012") == boundary_arn("123456789012", BOUNDARY_NAME)


def test_production_is_protected_and_dev_is_not(plan) -> None:
    prod, dev = plan.stack("housing-repairs-prod"), plan.stack("housing-repairs-dev")
    logging = plan.stack("platform-aws-logging")
    for stack, expected in ((prod, True), (dev, False)):
        key = logging.one("aws:kms/key:Key", f"kms-{stack.name}-key")
        assert bool(key.options["protect"]) is expected
        assert key.inputs["enableKeyRotation"] is True
    assert prod.one("aws:rds/instance:Instance").inputs["deletionProtection"] is True
    assert dev.one("aws:rds/instance:Instance").inputs["deletionProtection"] is False
    assert prod.one("aws:rds/instance:Instance").inputs["multiAz"] is True
    assert dev.one("aws:rds/instance:Instance").inputs["multiAz"] is False


def test_every_data_store_is_encrypted_with_the_environment_key(plan) -> None:
    prod = plan.stack("housing-repairs-prod")
    key_arn = plan.stack("platform-aws-logging").raw_outputs["kms_keys"]["services"]["housing-repairs-prod"]
    sse = prod.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                   "files-encryption")
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == key_arn
    assert prod.one("aws:rds/instance:Instance").inputs["kmsKeyId"] == key_arn
    assert prod.one("aws:secretsmanager/secret:Secret").inputs["kmsKeyId"] == key_arn


def test_physical_names_are_deterministic_and_prefixed(plan) -> None:
    prod = plan.stack("housing-repairs-prod")
    assert prod.one("aws:s3/bucket:Bucket", "files-bucket").inputs["bucket"] == "ebc-prod-euw2-s3-housing-repairs-files"
    assert prod.one("aws:rds/instance:Instance").inputs["identifier"] == "ebc-prod-euw2-rds-housing-repairs-db"
    alias = plan.stack("platform-aws-logging").one("aws:kms/alias:Alias", "kms-housing-repairs-prod-alias")
    assert alias.inputs["name"] == "alias/ebc/housing-repairs/prod"


def test_static_site_only_service_reads_no_network(plan) -> None:
    site = plan.stack("council-website-prod")
    assert site.metadata["stack_references"] == [
        "organization/council-lz/platform-aws-logging", "organization/council-lz/platform-aws-organisation"
    ]


def test_azure_service_has_a_locked_resource_group_and_storage_in_prod(plan) -> None:
    prod = plan.stack("planning-documents-prod")
    rg = prod.one("azure-native:resources:ResourceGroup")
    assert rg.inputs["resourceGroupName"] == "ebc-prod-uks-rg-planning-documents"
    assert rg.inputs["location"] == "uksouth"
    account = prod.one("azure-native:storage:StorageAccount")
    assert account.inputs["sku"] == {"name": "Standard_ZRS"}
    assert prod.find("azure-native:authorization:ManagementLockAtResourceGroupLevel")
    dev = plan.stack("planning-documents-dev")
    assert dev.find("azure-native:authorization:ManagementLockAtResourceGroupLevel") == []


def test_azure_tags_come_from_the_transform_where_modules_do_not_set_them(plan) -> None:
    # Azure has no provider default tags: every taggable resource still carries the contract.
    prod = plan.stack("planning-documents-prod")
    for r in prod.resources:
        if r.type in ("azure-native:storage:StorageAccount", "azure-native:resources:ResourceGroup"):
            assert r.inputs["tags"]["records-retention"] == "15y"
            assert r.inputs["tags"]["service"] == "planning-documents"


def test_the_root_program_pulumi_up_runs_builds_the_same_stack(estate, plan) -> None:
    # `pulumi up -s council-website-prod` runs platform/__main__.py from the root Pulumi.yaml; its
    # StackReferences resolve against the estate's plans, as they would against deployed layers.
    direct = EstatePlanner(estate).plan_program(ROOT, stack="council-website-prod")
    from_estate = plan.stack("council-website-prod")
    assert direct.project == "council-lz"
    assert [(r.urn, r.inputs) for r in direct.resources] == [(r.urn, r.inputs) for r in from_estate.resources]


def test_root_program_reports_an_unknown_stack_cleanly() -> None:
    from lz.plan.runner import ProgramError

    with pytest.raises(ProgramError, match="no stack named 'nothing-here' in this estate"):
        plan_directory(ROOT, stack="nothing-here")


def test_an_outside_program_can_reference_an_estate_stack(estate, tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "net = pulumi.StackReference('organization/council-lz/platform-aws-network')\n"
        "pulumi.export('pool', net.require_output('network').apply(lambda n: n['ipam_pool_cidr']))\n"
    )
    planner = EstatePlanner(estate)
    result = planner.plan_program(tmp_path, stack="dev")
    assert result.outputs == {"pool": "10.64.0.0/12"}
    assert planner.order == ["platform-aws-organisation", "platform-aws-network", f"{tmp_path}:dev"]


def test_a_reference_to_an_unknown_stack_is_an_input_error(estate, tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("import pulumi\npulumi.StackReference('acme/x/elsewhere').get_output('a')\n")
    with pytest.raises(InputError, match="references stack 'elsewhere', which is not part of this estate"):
        EstatePlanner(estate).plan_program(tmp_path, stack="dev")


def test_external_outputs_feed_references(estate, tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        "import pulumi\npulumi.export('v', pulumi.StackReference('acme/x/elsewhere').get_output('vpc'))\n"
    )
    result = EstatePlanner(estate).plan_program(tmp_path, stack="dev", external_outputs={"elsewhere": {"vpc": "v-1"}})
    assert result.outputs == {"v": "v-1"}


def test_estate_plan_is_byte_identical_across_runs(estate, plan) -> None:
    assert plan_json(plan_estate(estate)) == plan_json(plan)
    assert json.loads(plan_json(plan))["stacks"][0]["name"] == "platform-aws-organisation"
