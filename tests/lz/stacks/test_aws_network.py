"""lz/stacks/aws_network.py: the network layer planned with fake organisation and logging outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan.model import PlannedResource, StackPlan
from lz.plan.render import plan_json
from lz.stacks.aws_common import flow_logs_destination_arn
from lz.stacks.aws_network import run_network
from lz.stacks.contracts import NetworkExport
from tests.lz.stacks.layer_helpers import (
    example_platform,
    fake_organisation,
    plan_example_layer,
)

STACK = "platform-aws-network"
SPOKES = ("housing-repairs-dev", "housing-repairs-prod")


def plan() -> StackPlan:
    return plan_example_layer(run_network, STACK)


@pytest.fixture(scope="module")
def network() -> StackPlan:
    return plan()


def account_of(slug: str) -> str:
    return str(fake_organisation(example_platform())["account_ids"][slug])


def role_of(slug: str) -> str:
    return f"arn:aws:iam::{account_of(slug)}:role/OrganizationAccountAccessRole"


def provider_config(inputs: dict[str, Any]) -> dict[str, Any]:
    """Provider inputs with the JSON-encoded (object and list) values decoded, as the provider reads them."""
    return {k: json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for k, v in inputs.items()}


def provider_inputs(stack: StackPlan, resource: PlannedResource) -> dict[str, Any]:
    """Inputs of the provider a resource is deployed with (explicit or inherited from its component)."""
    assert resource.provider, f"{resource.name} has no explicit provider"
    urn = resource.provider.rsplit("::", 1)[0]
    return provider_config(stack.by_urn()[urn].inputs)


def assumed_role(stack: StackPlan, resource: PlannedResource) -> str | None:
    roles = provider_inputs(stack, resource).get("assumeRoles")
    return roles[0]["roleArn"] if roles else None


# -- accounts ---------------------------------------------------------------------------------------


def test_providers_assume_the_access_role_in_the_right_accounts(network: StackPlan) -> None:
    providers = {r.name: provider_config(r.inputs) for r in network.find("pulumi:providers:aws")}
    assert sorted(providers) == ["management", "network", "workload-workloads-nonprod", "workload-workloads-prod"]
    assert "assumeRoles" not in providers["management"]
    for name, slug in (("network", "network"), ("workload-workloads-prod", "workloads-prod"),
                       ("workload-workloads-nonprod", "workloads-nonprod")):
        assert providers[name]["assumeRoles"][0]["roleArn"] == role_of(slug)
        assert providers[name]["assumeRoles"][0]["sessionName"] == "lz-platform"
        assert providers[name]["allowedAccountIds"] == [account_of(slug)]
        assert providers[name]["region"] == "eu-west-2"


def test_ipam_delegation_in_management_and_ipam_in_network(network: StackPlan) -> None:
    delegation = network.one("aws:ec2/vpcIpamOrganizationAdminAccount:VpcIpamOrganizationAdminAccount")
    assert delegation.inputs["delegatedAdminAccountId"] == account_of("network")
    assert assumed_role(network, delegation) is None
    ipam = network.one("aws:ec2/vpcIpam:VpcIpam")
    assert delegation.urn in ipam.dependencies
    for kind in ("aws:ec2/vpcIpam:VpcIpam", "aws:ec2/vpcIpamPool:VpcIpamPool",
                 "aws:ec2/vpcIpamPoolCidr:VpcIpamPoolCidr"):
        resource = network.one(kind)
        assert assumed_role(network, resource) == role_of("network"), kind
        assert resource.options["protect"] is True, kind
    assert network.one("aws:ec2/vpcIpamPoolCidr:VpcIpamPoolCidr").inputs["cidr"] == "10.64.0.0/12"


def test_ipam_pool_is_shared_with_the_organisation(network: StackPlan) -> None:
    pool = network.one("aws:ec2/vpcIpamPool:VpcIpamPool")
    share = network.one("aws:ram/resourceShare:ResourceShare", "ipam-pool-share")
    assert share.inputs["allowExternalPrincipals"] is False
    assert network.one("aws:ram/resourceAssociation:ResourceAssociation", "ipam-pool-share-pool").inputs[
        "resourceArn"] == pool.outputs["arn"]
    principal = network.one("aws:ram/principalAssociation:PrincipalAssociation", "ipam-pool-share-organisation")
    assert principal.inputs["principal"] == fake_organisation(example_platform())["arn"]


def test_hub_components_are_in_the_network_account(network: StackPlan) -> None:
    for token in ("lz:aws:TransitHub", "lz:aws:EgressVpc", "lz:aws:PrivateDns"):
        component = network.one(token)
        children = [r for r in network.resources if r.parent == component.urn and r.custom]
        assert children, token
        for child in children:
            if child.type in ("aws:route53/zoneAssociation:ZoneAssociation",
                              "aws:route53/resolverRuleAssociation:ResolverRuleAssociation"):
                continue  # made from the spoke's account (checked below)
            assert assumed_role(network, child) == role_of("network"), child.name


def test_spokes_are_in_their_workload_accounts(network: StackPlan) -> None:
    for key, slug in (("housing-repairs-prod", "workloads-prod"), ("housing-repairs-dev", "workloads-nonprod")):
        vpc = network.one("aws:ec2/vpc:Vpc", f"spoke-{key}-vpc")
        assert assumed_role(network, vpc) == role_of(slug)
        route = network.one("aws:ec2/route:Route", f"spoke-{key}-default-route")
        assert assumed_role(network, route) == role_of(slug)
        assoc = network.one("aws:route53/zoneAssociation:ZoneAssociation", f"dns-{key}-zone-association")
        assert assumed_role(network, assoc) == role_of(slug)
        rule_assoc = network.one("aws:route53/resolverRuleAssociation:ResolverRuleAssociation",
                                 f"dns-{key}-rule-corp-example-gov-uk")
        assert assumed_role(network, rule_assoc) == role_of(slug)
        assert rule_assoc.inputs["vpcId"] == vpc.id
        auth = network.one("aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization",
                           f"dns-{key}-zone-authorisation")
        assert assumed_role(network, auth) == role_of("network")
        assert auth.inputs["vpcId"] == vpc.id


# -- spokes -------------------------------------------------------------------------------------------


def test_spoke_flow_logs_go_to_the_log_archive(network: StackPlan) -> None:
    expected = "arn:aws:s3:::ebc-shared-euw2-s3-log-archive/vpc-flow-logs"
    assert flow_logs_destination_arn(example_platform()) == expected
    flows = network.find("aws:ec2/flowLog:FlowLog")
    assert len(flows) == 3  # two spokes and the egress VPC
    for flow in flows:
        assert flow.inputs["logDestination"] == expected, flow.name
        assert flow.inputs["logDestinationType"] == "s3", flow.name
        assert flow.inputs["destinationOptions"]["fileFormat"] == "parquet", flow.name
        assert "iamRoleArn" not in flow.inputs
    assert network.find("aws:cloudwatch/logGroup:LogGroup") == []
    assert network.find("aws:iam/role:Role") == []


def test_the_network_layer_reads_only_the_organisation(network: StackPlan) -> None:
    # The log archive's ARN is fixed by its name, so the layer does not wait for the logging plan.
    refs = sorted(r.name for r in network.find("pulumi:pulumi:StackReference"))
    assert refs == ["organization/council-lz/platform-aws-organisation"]


def test_spokes_attach_to_the_transit_gateway_and_are_accepted_by_the_hub(network: StackPlan) -> None:
    tgw = network.one("aws:ec2transitgateway/transitGateway:TransitGateway")
    spokes_rt = network.one("aws:ec2transitgateway/routeTable:RouteTable", "hub-rt-spokes").id
    egress_rt = network.one("aws:ec2transitgateway/routeTable:RouteTable", "hub-rt-egress").id
    for key in SPOKES:
        attachment = network.one("aws:ec2transitgateway/vpcAttachment:VpcAttachment", f"spoke-{key}-tgw-attachment")
        assert attachment.inputs["transitGatewayId"] == tgw.id
        accepter = network.one("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter",
                               f"hub-spoke-{key}-accepter")
        assert accepter.inputs["transitGatewayAttachmentId"] == attachment.id
        assoc = network.one("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
                            f"hub-spoke-{key}-association")
        assert (assoc.inputs["transitGatewayAttachmentId"], assoc.inputs["transitGatewayRouteTableId"]) == (
            attachment.id, spokes_rt)
        prop = network.one("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
                           f"hub-spoke-{key}-propagation")
        assert (prop.inputs["transitGatewayAttachmentId"], prop.inputs["transitGatewayRouteTableId"]) == (
            attachment.id, egress_rt)
        route = network.one("aws:ec2/route:Route", f"spoke-{key}-default-route")
        assert route.inputs == {
            "routeTableId": network.one("aws:ec2/routeTable:RouteTable", f"spoke-{key}-rt").id,
            "destinationCidrBlock": "0.0.0.0/0",
            "transitGatewayId": tgw.id,
        }
        assert accepter.urn in route.dependencies
        # Spokes wait for the pool and the gateway to be shared with their account.
        vpc = network.one("aws:ec2/vpc:Vpc", f"spoke-{key}-vpc")
        component = network.one("lz:aws:SpokeVpc", f"spoke-{key}")
        assert vpc.parent == component.urn
        assert network.one("aws:ec2/vpcIpamPool:VpcIpamPool").id == vpc.inputs["ipv4IpamPoolId"]


def test_no_spoke_to_spoke_routes(network: StackPlan) -> None:
    routes = {r.name: r.inputs for r in network.find("aws:ec2transitgateway/route:Route")}
    egress_attachment = network.one("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "egress-tgw-attachment")
    assert routes == {
        "hub-default-route": {
            "transitGatewayRouteTableId": network.one("aws:ec2transitgateway/routeTable:RouteTable",
                                                      "hub-rt-spokes").id,
            "destinationCidrBlock": "0.0.0.0/0",
            "transitGatewayAttachmentId": egress_attachment.id,
        },
        "hub-blackhole-10-64-0-0-12": {
            "transitGatewayRouteTableId": network.one("aws:ec2transitgateway/routeTable:RouteTable",
                                                      "hub-rt-spokes").id,
            "destinationCidrBlock": "10.64.0.0/12",
            "blackhole": True,
        },
    }


def test_spoke_tags_are_the_service_s_and_hub_tags_the_platform_s(network: StackPlan) -> None:
    vpc = network.one("aws:ec2/vpc:Vpc", "spoke-housing-repairs-prod-vpc")
    assert vpc.inputs["tags"]["service"] == "housing-repairs"
    assert vpc.inputs["tags"]["cost-centre"] == "CC-1042"
    egress = network.one("aws:ec2/vpc:Vpc", "egress-vpc")
    assert egress.inputs["tags"]["service"] == "platform"
    assert egress.inputs["tags"]["cost-centre"] == "CC-0100"
    assert egress.inputs["tags"]["Name"] == "ebc-shared-euw2-vpc-egress"
    tgw = network.one("aws:ec2transitgateway/transitGateway:TransitGateway")
    assert tgw.inputs["tags"]["Name"] == "ebc-shared-euw2-tgw-hub"
    assert tgw.inputs["amazonSideAsn"] == 64512


def test_egress_follows_the_platform_definition(network: StackPlan) -> None:
    assert network.one("aws:ec2/vpc:Vpc", "egress-vpc").inputs["cidrBlock"] == "10.63.0.0/22"
    assert len(network.find("aws:ec2/natGateway:NatGateway")) == 3  # one_per_az, three zones
    assert network.find("aws:networkfirewall/firewall:Firewall") == []  # network_firewall: false
    # The resolver's targets are reached through the gateway from the private tier.
    route = network.one("aws:ec2/route:Route", "egress-private-to-10-1-0-10-32")
    assert route.inputs["transitGatewayId"] == network.one("aws:ec2transitgateway/transitGateway:TransitGateway").id


def test_private_dns_follows_the_platform_definition(network: StackPlan) -> None:
    zone = network.one("aws:route53/zone:Zone")
    assert zone.inputs["name"] == "aws.ebc.internal"
    assert zone.inputs["vpcs"] == [{"vpcId": network.one("aws:ec2/vpc:Vpc", "egress-vpc").id}]
    rule = network.one("aws:route53/resolverRule:ResolverRule")
    assert rule.inputs["domainName"] == "corp.example.gov.uk"
    assert [t["ip"] for t in rule.inputs["targetIps"]] == ["10.1.0.10", "10.1.0.11"]
    endpoint = network.one("aws:route53/resolverEndpoint:ResolverEndpoint")
    private = [network.one("aws:ec2/subnet:Subnet", f"egress-private-eu-west-2{z}").id for z in "abc"]
    assert endpoint.inputs["ipAddresses"] == [{"subnetId": s} for s in private]


def test_stateful_hub_resources_are_protected(network: StackPlan) -> None:
    for token, name in (
        ("aws:ec2transitgateway/transitGateway:TransitGateway", None),
        ("aws:ec2/vpcIpam:VpcIpam", None),
        ("aws:ec2/vpcIpamPool:VpcIpamPool", None),
        ("aws:ec2/vpc:Vpc", "egress-vpc"),
        ("aws:route53/zone:Zone", None),
        ("aws:ec2/vpc:Vpc", "spoke-housing-repairs-prod-vpc"),
    ):
        assert network.one(token, name).options["protect"] is True, (token, name)
    assert not network.one("aws:ec2/vpc:Vpc", "spoke-housing-repairs-dev-vpc").options["protect"]


# -- export ---------------------------------------------------------------------------------------------


def test_export_matches_the_contract(network: StackPlan) -> None:
    exported = network.outputs["network"]
    assert set(exported) == set(NetworkExport.__annotations__)
    assert exported["ipam_pool_id"] == network.one("aws:ec2/vpcIpamPool:VpcIpamPool").id
    assert exported["ipam_pool_cidr"] == "10.64.0.0/12"
    assert exported["transit_gateway_id"] == network.one("aws:ec2transitgateway/transitGateway:TransitGateway").id
    assert exported["egress_vpc_id"] == network.one("aws:ec2/vpc:Vpc", "egress-vpc").id
    assert exported["private_zone_id"] == network.one("aws:route53/zone:Zone").id
    assert exported["resolver_rule_ids"] == {
        "corp.example.gov.uk": network.one("aws:route53/resolverRule:ResolverRule").id
    }
    assert sorted(exported["spokes"]) == list(SPOKES)
    for key in SPOKES:
        spoke = exported["spokes"][key]
        vpc = network.one("aws:ec2/vpc:Vpc", f"spoke-{key}-vpc")
        assert spoke == {
            "vpc_id": vpc.id,
            "cidr_block": vpc.outputs["cidrBlock"],
            "private_subnet_ids": [network.one("aws:ec2/subnet:Subnet", f"spoke-{key}-subnet-eu-west-2{z}").id
                                   for z in "abc"],
            "route_table_id": network.one("aws:ec2/routeTable:RouteTable", f"spoke-{key}-rt").id,
            "availability_zones": ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
        }


def test_plan_is_deterministic(network: StackPlan) -> None:
    again = plan()
    assert plan_json_of(again) == plan_json_of(network)


def plan_json_of(stack: StackPlan) -> str:
    from lz.plan.model import EstatePlan

    return json.dumps(json.loads(plan_json(EstatePlan([stack]))), sort_keys=True)
