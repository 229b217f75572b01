"""lz-all-location-uk-only: AWS regions/zones and Azure locations of providers and resources stay in the UK."""

from __future__ import annotations

from typing import Any

import pytest
from policy_harness import violations

from policies.common.location_uk_only import METADATA, POLICY

AWS_REGION_MSG = "AWS region {} is outside the allowed regions (eu-west-2): council data must stay in the UK"
AWS_ZONE_MSG = "AWS availability zone {} is outside the allowed regions (eu-west-2): council data must stay in the UK"
AZURE_MSG = "Azure location {} is outside the allowed locations (uksouth, ukwest): council data must stay in the UK"

#: Provider inputs as the engine sends them (strings, JSON-encoded objects).
AWS_PROVIDER = {"region": "eu-west-2", "skipCredentialsValidation": "false", "skipRegionValidation": "true"}
AZURE_PROVIDER = {"environment": "public", "location": "uksouth"}
SUBNET = {"availabilityZone": "eu-west-2a", "cidrBlock": "10.64.0.0/26", "vpcId": "vpc-1"}
RESOURCE_GROUP = {"location": "uksouth", "resourceGroupName": "ebc-prod-uks-rg-planning-documents"}


def test_metadata() -> None:
    assert METADATA.name == "lz-all-location-uk-only"
    assert METADATA.severity == "critical"
    assert METADATA.resource_types == ()
    assert METADATA.clouds == ("aws", "azure")
    assert METADATA.config_defaults == {"allowed_regions": ["eu-west-2"], "allowed_locations": ["uksouth", "ukwest"]}


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        ("pulumi:providers:aws", AWS_PROVIDER),
        ("aws:ec2/subnet:Subnet", SUBNET),
        ("aws:s3/bucket:Bucket", {"bucket": "docs"}),
        ("aws:rds/cluster:Cluster", {"availabilityZones": ["eu-west-2a", "eu-west-2b"]}),
        ("aws:ec2/subnet:Subnet", {"availabilityZoneId": "euw2-az1"}),
        ("pulumi:providers:azure-native", AZURE_PROVIDER),
        ("azure-native:resources:ResourceGroup", RESOURCE_GROUP),
        ("azure-native:storage:StorageAccount", {"location": "ukwest"}),
        ("azure-native:storage:StorageAccount", {"location": "UK South"}),
        ("azure-native:cdn:Profile", {"location": "Global"}),
        ("azure-native:authorization:RoleAssignment", {"scope": "/subscriptions/x"}),
    ],
)
def test_uk_resources_pass(resource_type: str, props: dict[str, Any]) -> None:
    assert violations(POLICY, resource_type, props) == []


def test_aws_provider_outside_the_uk_fails() -> None:
    assert violations(POLICY, "pulumi:providers:aws", {**AWS_PROVIDER, "region": "us-east-1"}) == [
        AWS_REGION_MSG.format("us-east-1")
    ]


def test_aws_resource_region_override_fails() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", {"bucket": "docs", "region": "eu-west-1"}) == [
        AWS_REGION_MSG.format("eu-west-1")
    ]


def test_aws_availability_zone_outside_the_uk_fails() -> None:
    assert violations(POLICY, "aws:ec2/subnet:Subnet", {**SUBNET, "availabilityZone": "eu-west-1a"}) == [
        AWS_ZONE_MSG.format("eu-west-1a")
    ]


def test_aws_local_zone_of_another_region_fails() -> None:
    assert violations(POLICY, "aws:ec2/subnet:Subnet", {**SUBNET, "availabilityZone": "us-west-2-lax-1a"}) == [
        AWS_ZONE_MSG.format("us-west-2-lax-1a")
    ]


def test_aws_availability_zone_list_outside_the_uk_fails() -> None:
    props = {"availabilityZones": ["eu-west-2a", "us-east-1b"]}
    assert violations(POLICY, "aws:rds/cluster:Cluster", props) == [AWS_ZONE_MSG.format("us-east-1b")]


def test_azure_provider_outside_the_uk_fails() -> None:
    assert violations(POLICY, "pulumi:providers:azure-native", {**AZURE_PROVIDER, "location": "westeurope"}) == [
        AZURE_MSG.format("westeurope")
    ]


def test_azure_resource_outside_the_uk_fails() -> None:
    assert violations(
        POLICY, "azure-native:resources:ResourceGroup", {**RESOURCE_GROUP, "location": "North Europe"}
    ) == [AZURE_MSG.format("North Europe")]


def test_allowed_regions_are_configurable() -> None:
    config = {"allowed_regions": ["eu-west-2", "eu-west-1"]}
    assert violations(POLICY, "aws:s3/bucket:Bucket", {"region": "eu-west-1"}, config=config) == []
    assert violations(POLICY, "aws:s3/bucket:Bucket", {"region": "us-east-1"}, config=config) == [
        "AWS region us-east-1 is outside the allowed regions (eu-west-2, eu-west-1): council data must stay in the UK"
    ]


def test_allowed_locations_are_configurable() -> None:
    config = {"allowed_locations": ["uksouth"]}
    assert violations(POLICY, "azure-native:storage:StorageAccount", {"location": "ukwest"}, config=config) == [
        "Azure location ukwest is outside the allowed locations (uksouth): council data must stay in the UK"
    ]


def test_other_providers_are_ignored() -> None:
    assert violations(POLICY, "random:index/randomPassword:RandomPassword", {"region": "us-east-1"}) == []
