"""Platform layer `platform-aws-network`: address plan, transit hub, central egress, private DNS and spokes.

Where things are deployed:

- management account (the credentials the layer runs with): the IPAM delegated administrator
  registration, nothing else;
- network account (purpose `network`): IPAM and its spoke pool (shared with the organisation through
  RAM), the transit gateway (`TransitHub`, shared through RAM), the egress VPC (`EgressVpc`: NAT,
  optional Network Firewall), the private hosted zone and resolver rules (`PrivateDns`, rules shared
  through RAM), and the acceptance, association and propagation of every spoke attachment;
- workload accounts (production / non-production): one `SpokeVpc` per service environment that
  needs a network, attached to the transit gateway, with the zone and the rules associated.

Reads (StackReference): `organisation` from `platform-aws-organisation` (account ids, organisation
ARN, access role). The log archive, where every VPC's flow logs and the Network Firewall's logs go,
is named deterministically, so its ARN comes from `aws_common.flow_logs_destination_arn` rather than
from the logging layer's plan (a test checks they agree); the logging layer deploys first.

Exports one broad map, `network` (`lz.stacks.contracts.NetworkExport`): `ipam_pool_id`,
`ipam_pool_cidr`, `transit_gateway_id`, `egress_vpc_id`, `private_zone_id`, `resolver_rule_ids`
(domain -> rule id) and `spokes` (`"<service>-<env>"` -> `vpc_id`, `cidr_block`,
`private_subnet_ids`, `route_table_id`, `availability_zones`). Service stacks read their spoke from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from lz.manifest import ServiceManifest
from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.aws_common import (
    PLATFORM_ENVIRONMENT,
    account_provider,
    flow_logs_destination_arn,
    log_archive_bucket_name,
    platform_tags,
)
from lz.stacks.contracts import ORGANISATION_LAYER, reference
from lz.stacks.service import mandatory_tags, needs_network, spoke_key
from lz.tags import merge_tags, register_tag_transform

#: Key prefix of Network Firewall logs in the log archive bucket.
FIREWALL_LOG_PREFIX = "network-firewall"


def run_network(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> None:
    import pulumi_aws as aws

    from modules.aws.egress_vpc import EgressVpc, EgressVpcArgs
    from modules.aws.private_dns import PrivateDns, PrivateDnsArgs, SpokeDns
    from modules.aws.spoke_vpc import SpokeVpc, SpokeVpcArgs
    from modules.aws.transit_hub import TransitHub, TransitHubArgs

    home = platform.regions.home
    prefix = platform.council.prefix
    net = platform.network
    tags = platform_tags(platform)
    register_tag_transform(tags)

    organisation = reference(ORGANISATION_LAYER).require_output("organisation")
    organisation_arn = organisation.apply(lambda o: str(o["arn"]))
    # Fixed by the log archive bucket's deterministic name: this layer need not wait for the logging
    # layer's plan (the logging layer still deploys first; its bucket policy admits these writes).
    flow_logs_arn = flow_logs_destination_arn(platform)
    network_key = platform.organisation.account_key("network")

    def name(kind: str, what: str, env: str = PLATFORM_ENVIRONMENT, region: str = home) -> str:
        return physical_name("aws", kind, prefix=prefix, env=env, region=region, name=what)

    # The layer runs with management-account credentials (as the organisation layer does); only the
    # delegation is made there, everything else in the network account.
    # Only ever the management account: credentials for any other account stop the provider.
    management = aws.Provider(
        "management",
        region=home,
        allowed_account_ids=[organisation.apply(lambda o: str(o["management_account_id"]))],
    )
    network = account_provider("network", organisation=organisation, account=network_key, region=home)
    in_network = pulumi.ResourceOptions(provider=network)
    keep = pulumi.ResourceOptions(provider=network, protect=True, retain_on_delete=True)

    delegation = aws.ec2.VpcIpamOrganizationAdminAccount(
        "ipam-delegated-admin",
        delegated_admin_account_id=organisation.apply(lambda o: str(o["account_ids"][network_key])),
        opts=pulumi.ResourceOptions(provider=management, protect=True),
    )
    ipam = aws.ec2.VpcIpam(
        "ipam",
        description=f"{platform.council.name} address management",
        operating_regions=[aws.ec2.VpcIpamOperatingRegionArgs(region_name=r) for r in platform.regions.allowed],
        tags=tags,
        opts=pulumi.ResourceOptions.merge(keep, pulumi.ResourceOptions(depends_on=[delegation])),
    )
    netmasks = net.spoke_netmask.model_dump().values()
    pool = aws.ec2.VpcIpamPool(
        "ipam-pool-spokes",
        address_family="ipv4",
        ipam_scope_id=ipam.private_default_scope_id,
        locale=home,
        description="Spoke VPCs of service environments",
        allocation_min_netmask_length=min(netmasks),
        allocation_max_netmask_length=max(netmasks),
        tags=tags,
        opts=keep,
    )
    pool_cidr = aws.ec2.VpcIpamPoolCidr(
        "ipam-pool-spokes-cidr", ipam_pool_id=pool.id, cidr=net.ipam_pool_cidr, opts=keep
    )
    # Workload accounts allocate their spokes' ranges from the pool: share it with the organisation.
    pool_share = aws.ram.ResourceShare(
        "ipam-pool-share",
        name=name("vpc", "ipam-pool-spokes"),
        allow_external_principals=False,
        tags=tags,
        opts=in_network,
    )
    aws.ram.ResourceAssociation(
        "ipam-pool-share-pool", resource_arn=pool.arn, resource_share_arn=pool_share.arn, opts=in_network
    )
    pool_principal = aws.ram.PrincipalAssociation(
        "ipam-pool-share-organisation", principal=organisation_arn, resource_share_arn=pool_share.arn,
        opts=in_network,
    )

    hub = TransitHub(
        "hub",
        TransitHubArgs(
            name_tag=name("transit_gateway", "hub"),
            tags=tags,
            amazon_side_asn=net.hub.transit_gateway_asn,
            organisation_arn=organisation_arn,
            spoke_cidrs=[net.ipam_pool_cidr],
            lock=True,
        ),
        opts=in_network,
    )

    # Plain (blocking) invokes: the components validate their zones before creating anything.
    def zones_of(provider: aws.Provider) -> list[str]:
        found = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(provider=provider))
        return list(found.names)[: net.availability_zones]

    resolver_targets = sorted({f"{ip}/32" for rule in net.dns.resolver_rules for ip in rule.target_ips})
    egress = EgressVpc(
        "egress",
        EgressVpcArgs(
            name_tag=name("vpc", "egress"),
            tags=tags,
            cidr_block=net.hub.egress_cidr,
            availability_zones=zones_of(network),
            transit_gateway_id=hub.transit_gateway_id,
            spoke_cidrs=[net.ipam_pool_cidr],
            on_premises_cidrs=resolver_targets,
            flow_log_destination_arn=flow_logs_arn,
            nat_gateways=net.hub.nat_gateways,
            network_firewall=net.hub.network_firewall,
            allowed_egress_domains=list(net.hub.allowed_egress_domains),
            firewall_log_bucket=(
                log_archive_bucket_name(platform) if net.hub.network_firewall else None
            ),
            firewall_log_prefix=FIREWALL_LOG_PREFIX,
            lock=True,
        ),
        opts=in_network,
    )
    hub.connect_egress(egress.transit_gateway_attachment_id)

    workload_providers: dict[str, aws.Provider] = {}

    def workload(production: bool) -> aws.Provider:
        slug = platform.organisation.workload_account(production)
        if slug not in workload_providers:
            workload_providers[slug] = account_provider(
                f"workload-{slug}", organisation=organisation, account=slug, region=home
            )
        return workload_providers[slug]

    spokes: dict[str, Any] = {}
    spoke_dns: dict[str, SpokeDns] = {}
    for manifest in sorted(manifests, key=lambda m: m.service):
        if not needs_network(manifest):
            continue
        for env_name, env in sorted(manifest.environments.items()):
            production = manifest.is_production(env_name)
            key = spoke_key(manifest.service, env_name)
            provider = workload(production)
            endpoints = net.interface_endpoints.production if production else net.interface_endpoints.non_production
            spoke = SpokeVpc(
                f"spoke-{key}",
                SpokeVpcArgs(
                    name_tag=name("vpc", manifest.service, env=env_name, region=env.region),
                    # A spoke is the service's cost, not the platform's.
                    tags=merge_tags(mandatory_tags(manifest, env_name)),
                    ipam_pool_id=pool.id,
                    netmask_length=getattr(net.spoke_netmask, env.network_size),
                    availability_zones=zones_of(provider),
                    flow_log_destination_arn=flow_logs_arn,
                    flow_log_destination_type="s3",
                    flow_log_parquet=True,
                    interface_endpoints=list(endpoints),
                    transit_gateway_id=hub.transit_gateway_id,
                    # The hub accepts the attachment first (auto-accept is off); the route follows below.
                    transit_gateway_default_route=False,
                    lock=production,
                ),
                opts=pulumi.ResourceOptions(
                    provider=provider, depends_on=[pool_cidr, pool_principal, hub.share_principal]
                ),
            )
            assert spoke.transit_gateway_attachment_id is not None  # transit_gateway_id is set
            accepter = hub.connect_spoke(key, spoke.transit_gateway_attachment_id)
            assert accepter is not None  # spokes are in workload accounts: always accepted
            aws.ec2.Route(
                f"spoke-{key}-default-route",
                route_table_id=spoke.route_table_id,
                destination_cidr_block="0.0.0.0/0",
                transit_gateway_id=hub.transit_gateway_id,
                opts=pulumi.ResourceOptions(parent=spoke, provider=provider, depends_on=[accepter]),
            )
            spoke_dns[key] = SpokeDns(vpc_id=spoke.vpc_id, provider=provider)
            spokes[key] = {
                "vpc_id": spoke.vpc_id,
                "cidr_block": spoke.cidr_block,
                "private_subnet_ids": spoke.private_subnet_ids,
                "route_table_id": spoke.route_table_id,
                "availability_zones": spoke.availability_zones,
            }

    dns = PrivateDns(
        "dns",
        PrivateDnsArgs(
            name_tag=f"{prefix}-{PLATFORM_ENVIRONMENT}-dns",
            tags=tags,
            zone_name=net.dns.private_zone,
            vpc_id=egress.vpc_id,
            endpoint_subnet_ids=list(egress.private_subnet_ids_by_zone.values()) if net.dns.resolver_rules else [],
            resolver_rules={rule.domain: list(rule.target_ips) for rule in net.dns.resolver_rules},
            organisation_arn=organisation_arn,
            spokes=spoke_dns,
            lock=True,
        ),
        opts=in_network,
    )

    pulumi.export(
        "network",
        {
            "ipam_pool_id": pool.id,
            "ipam_pool_cidr": net.ipam_pool_cidr,
            "transit_gateway_id": hub.transit_gateway_id,
            "egress_vpc_id": egress.vpc_id,
            "private_zone_id": dns.zone_id,
            "resolver_rule_ids": dns.resolver_rule_ids,
            "spokes": spokes,
        },
    )
