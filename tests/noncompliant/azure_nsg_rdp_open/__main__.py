"""Non-compliant: a network security group that allows RDP (3389) in from the Internet."""

import pulumi_azure_native as azure

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

group = azure.resources.ResourceGroup("rg", location="uksouth", tags=TAGS)
azure.network.NetworkSecurityGroup(
    "servers",
    resource_group_name=group.name,
    location="uksouth",
    security_rules=[azure.network.SecurityRuleArgs(
        name="rdp-from-internet",
        priority=100,
        direction=azure.network.SecurityRuleDirection.INBOUND,
        access=azure.network.SecurityRuleAccess.ALLOW,
        protocol=azure.network.SecurityRuleProtocol.TCP,
        source_address_prefix="Internet",
        source_port_range="*",
        destination_address_prefix="*",
        destination_port_range="3389",
    )],
    tags=TAGS,
)
