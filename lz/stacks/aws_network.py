"""Platform layer `platform-aws-network`: the address plan (IPAM) and one spoke VPC per service environment.

Exports one broad map, `network`:
`{"ipam_pool_id", "ipam_pool_cidr", "flow_log_group_arn", "spokes": {"<service>-<env>": {...}}}`; each
spoke has `vpc_id`, `cidr_block`, `private_subnet_ids`, `route_table_id`, `availability_zones`.
Service stacks read their spoke from it with a StackReference.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi

from lz.manifest import ServiceManifest
from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.aws_common import PLATFORM_ENVIRONMENT, platform_tags
from lz.stacks.service import mandatory_tags, needs_network, spoke_key
from lz.tags import merge_tags, register_tag_transform


def flow_log_role_policy(log_group_arn: str) -> str:
    """Least privilege for VPC Flow Logs delivering into one log group."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DeliverFlowLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [log_group_arn, f"{log_group_arn}:*"],
                }
            ],
        },
        indent=2,
    )


def flow_log_trust_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        indent=2,
    )


def run_network(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> None:
    import pulumi_aws as aws

    from modules.aws.spoke_vpc import SpokeVpc, SpokeVpcArgs

    home = platform.regions.home
    prefix = platform.council.prefix
    tags = platform_tags(platform)
    register_tag_transform(tags)
    provider = aws.Provider(f"aws-{home}", region=home)
    opts = pulumi.ResourceOptions(provider=provider)
    keep = pulumi.ResourceOptions(provider=provider, protect=True, retain_on_delete=True)

    ipam = aws.ec2.VpcIpam(
        "ipam",
        description=f"{platform.council.name} address management",
        operating_regions=[aws.ec2.VpcIpamOperatingRegionArgs(region_name=r) for r in platform.regions.allowed],
        tags=tags,
        opts=keep,
    )
    pool = aws.ec2.VpcIpamPool(
        "ipam-pool-spokes",
        address_family="ipv4",
        ipam_scope_id=ipam.private_default_scope_id,
        locale=home,
        description="Spoke VPCs of service environments",
        allocation_min_netmask_length=min(platform.network.spoke_netmask.model_dump().values()),
        allocation_max_netmask_length=max(platform.network.spoke_netmask.model_dump().values()),
        tags=tags,
        opts=keep,
    )
    pool_cidr = aws.ec2.VpcIpamPoolCidr(
        "ipam-pool-spokes-cidr",
        ipam_pool_id=pool.id,
        cidr=platform.network.ipam_pool_cidr,
        opts=keep,
    )

    log_group = aws.cloudwatch.LogGroup(
        "flow-logs",
        name=f"/{prefix}/network/vpc-flow-logs",
        retention_in_days=400,  # over a year: enough for an annual audit cycle
        tags=tags,
        opts=keep,
    )
    role = aws.iam.Role(
        "flow-logs-role",
        name=physical_name("aws", "iam_role", prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home,
                           name="vpc-flow-logs"),
        assume_role_policy=flow_log_trust_policy(),
        tags=tags,
        opts=opts,
    )
    aws.iam.RolePolicy(
        "flow-logs-role-policy",
        role=role.id,
        policy=log_group.arn.apply(flow_log_role_policy),
        opts=opts,
    )

    # A plain (blocking) invoke: SpokeVpc validates the number of zones before creating anything.
    zones = aws.get_availability_zones(state="available", opts=pulumi.InvokeOptions(provider=provider))
    azs = list(zones.names)[: platform.network.availability_zones]

    spokes: dict[str, Any] = {}
    for manifest in sorted(manifests, key=lambda m: m.service):
        if not needs_network(manifest):
            continue
        for env_name, env in sorted(manifest.environments.items()):
            production = manifest.is_production(env_name)
            key = spoke_key(manifest.service, env_name)
            endpoints = (
                platform.network.interface_endpoints.production
                if production
                else platform.network.interface_endpoints.non_production
            )
            spoke = SpokeVpc(
                f"spoke-{key}",
                SpokeVpcArgs(
                    name_tag=physical_name("aws", "vpc", prefix=prefix, env=env_name, region=env.region,
                                           name=manifest.service),
                    # A spoke is the service's cost, not the platform's.
                    tags=merge_tags(mandatory_tags(manifest, env_name)),
                    ipam_pool_id=pool.id,
                    netmask_length=getattr(platform.network.spoke_netmask, env.network_size),
                    availability_zones=azs,
                    flow_log_destination_arn=log_group.arn,
                    flow_log_destination_type="cloud-watch-logs",
                    flow_log_role_arn=role.arn,
                    interface_endpoints=list(endpoints),
                    lock=production,
                ),
                opts=pulumi.ResourceOptions(provider=provider, depends_on=[pool_cidr]),
            )
            spokes[key] = {
                "vpc_id": spoke.vpc_id,
                "cidr_block": spoke.cidr_block,
                "private_subnet_ids": spoke.private_subnet_ids,
                "route_table_id": spoke.route_table_id,
                "availability_zones": spoke.availability_zones,
            }

    pulumi.export(
        "network",
        {
            "ipam_pool_id": pool.id,
            "ipam_pool_cidr": platform.network.ipam_pool_cidr,
            "flow_log_group_arn": log_group.arn,
            "spokes": spokes,
        },
    )

