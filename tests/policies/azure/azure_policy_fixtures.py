"""Compliant baseline inputs for the Azure policy tests, shaped as the azure-native v3 SDK sends them
(engine camelCase names; checked against `lz plan` output of a program using the SDK), and helpers
to change exactly one property of a baseline.

Each baseline passes every policy over its type; a test changes one property and asserts the
exact messages.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

SUB = "/subscriptions/00000000-0000-4000-8000-000000000000"
RG = f"{SUB}/resourceGroups/ebc-prod-uks-rg-planning-documents"
SUBNET_ID = f"{SUB}/resourceGroups/ebc-prd-uks-rg-network/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app"
WORKSPACE_ID = f"{SUB}/resourceGroups/ebc-prd-uks-rg-logs/providers/Microsoft.OperationalInsights/workspaces/law"
DES_ID = f"{SUB}/resourceGroups/ebc-prd-uks-rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des"

TAGS: dict[str, str] = {
    "service": "planning-documents",
    "cost-centre": "CC-3310",
    "owner": "planning-systems@example.gov.uk",
    "environment": "dev",
    "business-unit": "planning",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}
SENSITIVE_TAGS: dict[str, str] = {**TAGS, "data-classification": "OFFICIAL-SENSITIVE"}
PROD_TAGS: dict[str, str] = {**TAGS, "environment": "prod"}

STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"
NIC = "azure-native:network:NetworkInterface"
APP_GATEWAY = "azure-native:network:ApplicationGateway"
KEY_VAULT = "azure-native:keyvault:Vault"
SQL_SERVER = "azure-native:sql:Server"
POSTGRES = "azure-native:dbforpostgresql:Server"
DISK = "azure-native:compute:Disk"
VM = "azure-native:compute:VirtualMachine"
WEB_APP = "azure-native:web:WebApp"
AKS = "azure-native:containerservice:ManagedCluster"
ROLE_DEFINITION = "azure-native:authorization:RoleDefinition"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
FD_ROUTE = "azure-native:cdn:Route"
FD_CUSTOM_DOMAIN = "azure-native:cdn:AFDCustomDomain"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"

#: What `modules.azure.storage.StorageAccount` sends, with a customer-managed key.
STORAGE_ACCOUNT_PROPS: dict[str, Any] = {
    "accessTier": "Hot",
    "accountName": "ebcproduksstplanni4a1898",
    "allowBlobPublicAccess": False,
    "allowCrossTenantReplication": False,
    "allowSharedKeyAccess": False,
    "defaultToOAuthAuthentication": True,
    "enableHttpsTrafficOnly": True,
    "encryption": {
        "keySource": "Microsoft.Keyvault",
        "keyVaultProperties": {"keyName": "planning-docs", "keyVaultUri": "https://kv-ebc-prd-uks.vault.azure.net/"},
        "requireInfrastructureEncryption": True,
        "services": {"blob": {"enabled": True, "keyType": "Account"}, "file": {"enabled": True, "keyType": "Account"}},
    },
    "kind": "StorageV2",
    "location": "uksouth",
    "minimumTlsVersion": "TLS1_2",
    "networkRuleSet": {"bypass": "AzureServices", "defaultAction": "Deny", "virtualNetworkRules": []},
    "publicNetworkAccess": "Disabled",
    "resourceGroupName": "ebc-prod-uks-rg-planning-documents",
    "sku": {"name": "Standard_ZRS"},
    "tags": SENSITIVE_TAGS,
}

BLOB_CONTAINER_PROPS: dict[str, Any] = {
    "accountName": "ebcproduksstplanni4a1898",
    "containerName": "data",
    "publicAccess": "None",
    "resourceGroupName": "ebc-prod-uks-rg-planning-documents",
}

NSG_PROPS: dict[str, Any] = {
    "location": "uksouth",
    "resourceGroupName": "rg",
    "tags": TAGS,
    "securityRules": [
        {
            "name": "allow-web",
            "access": "Allow",
            "direction": "Inbound",
            "protocol": "Tcp",
            "priority": 100,
            "sourceAddressPrefix": "Internet",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRanges": ["80", "443"],
        },
        {
            "name": "allow-ssh-from-bastion",
            "access": "Allow",
            "direction": "Inbound",
            "protocol": "Tcp",
            "priority": 110,
            "sourceAddressPrefix": "10.0.0.0/26",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "22",
        },
        {
            "name": "deny-all-inbound",
            "access": "Deny",
            "direction": "Inbound",
            "protocol": "*",
            "priority": 4000,
            "sourceAddressPrefix": "*",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "*",
        },
        {
            "name": "allow-all-outbound",
            "access": "Allow",
            "direction": "Outbound",
            "protocol": "*",
            "priority": 100,
            "sourceAddressPrefix": "*",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "*",
        },
    ],
}

#: A separate SecurityRule resource (an HTTPS rule from the internet: compliant).
SECURITY_RULE_PROPS: dict[str, Any] = {
    "access": "Allow",
    "direction": "Inbound",
    "protocol": "Tcp",
    "priority": 120,
    "sourceAddressPrefix": "Internet",
    "sourcePortRange": "*",
    "destinationAddressPrefix": "*",
    "destinationPortRange": "443",
    "networkSecurityGroupName": "nsg-web",
    "resourceGroupName": "rg",
    "securityRuleName": "allow-https",
}

NIC_PROPS: dict[str, Any] = {
    "ipConfigurations": [
        {
            "name": "ipconfig1",
            "subnet": {
                "id": SUBNET_ID,
                "privateEndpointNetworkPolicies": "Disabled",
                "privateLinkServiceNetworkPolicies": "Enabled",
            },
        }
    ],
    "location": "uksouth",
    "resourceGroupName": "rg",
    "tags": TAGS,
}

APP_GATEWAY_PROPS: dict[str, Any] = {
    "location": "uksouth",
    "resourceGroupName": "rg",
    "sslPolicy": {"policyName": "AppGwSslPolicy20220101S", "policyType": "Predefined"},
    "tags": TAGS,
}

KEY_VAULT_PROPS: dict[str, Any] = {
    "location": "uksouth",
    "properties": {
        "enablePurgeProtection": True,
        "enableRbacAuthorization": True,
        "enableSoftDelete": True,
        "enabledForDeployment": False,
        "enabledForDiskEncryption": False,
        "enabledForTemplateDeployment": False,
        "networkAcls": {"bypass": "AzureServices", "defaultAction": "Deny"},
        "publicNetworkAccess": "Disabled",
        "sku": {"family": "A", "name": "standard"},
        "softDeleteRetentionInDays": 90,
        "tenantId": "11111111-1111-4111-8111-111111111111",
    },
    "resourceGroupName": "rg",
    "tags": SENSITIVE_TAGS,
    "vaultName": "kv-ebc-prd-uks-docs",
}

SQL_SERVER_PROPS: dict[str, Any] = {
    "administrators": {
        "azureADOnlyAuthentication": True,
        "login": "sg-planning-db-admins",
        "principalType": "Group",
        "sid": "22222222-2222-4222-8222-222222222222",
    },
    "location": "uksouth",
    "minimalTlsVersion": "1.2",
    "publicNetworkAccess": "Disabled",
    "resourceGroupName": "rg",
    "serverName": "sql-ebc-prd-uks-planning",
    "tags": SENSITIVE_TAGS,
}

POSTGRES_PROPS: dict[str, Any] = {
    "authConfig": {"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled", "tenantId": ""},
    "backup": {"backupRetentionDays": 14, "geoRedundantBackup": "Enabled"},
    "highAvailability": {"mode": "ZoneRedundant", "standbyAvailabilityZone": ""},
    "location": "uksouth",
    "network": {"publicNetworkAccess": "Disabled"},
    "resourceGroupName": "rg",
    "serverName": "psql-ebc-prd-uks-repairs",
    "sku": {"name": "Standard_D2s_v3", "tier": "GeneralPurpose"},
    "tags": {**SENSITIVE_TAGS, "environment": "prod"},
}

DISK_PROPS: dict[str, Any] = {
    "creationData": {"createOption": "Empty"},
    "diskSizeGB": 64,
    "encryption": {"diskEncryptionSetId": DES_ID, "type": "EncryptionAtRestWithCustomerKey"},
    "location": "uksouth",
    "networkAccessPolicy": "DenyAll",
    "publicNetworkAccess": "Disabled",
    "resourceGroupName": "rg",
    "tags": SENSITIVE_TAGS,
}

VM_PROPS: dict[str, Any] = {
    "hardwareProfile": {"vmSize": "Standard_D4s_v5"},
    "location": "uksouth",
    "networkProfile": {"networkInterfaces": [{"id": f"{RG}/providers/Microsoft.Network/networkInterfaces/nic"}]},
    "osProfile": {
        "adminUsername": "azureuser",
        "computerName": "vm-app",
        "linuxConfiguration": {"disablePasswordAuthentication": True},
    },
    "resourceGroupName": "rg",
    "storageProfile": {
        "dataDisks": [
            {"createOption": "Empty", "diskSizeGB": 64, "lun": 0, "managedDisk": {"diskEncryptionSet": {"id": DES_ID}}}
        ],
        "osDisk": {"createOption": "FromImage", "managedDisk": {"diskEncryptionSet": {"id": DES_ID}}},
    },
    "tags": SENSITIVE_TAGS,
}

WEB_APP_PROPS: dict[str, Any] = {
    "clientAffinityEnabled": False,
    "httpsOnly": True,
    "location": "uksouth",
    "resourceGroupName": "rg",
    "siteConfig": {"ftpsState": "Disabled", "http20Enabled": True, "minTlsVersion": "1.2", "scmMinTlsVersion": "1.2"},
    "tags": TAGS,
}

AKS_PROPS: dict[str, Any] = {
    "aadProfile": {"enableAzureRBAC": True, "managed": True},
    "agentPoolProfiles": [{"count": 2, "mode": "System", "name": "system", "vmSize": "Standard_D4s_v5"}],
    "apiServerAccessProfile": {"enablePrivateCluster": True},
    "disableLocalAccounts": True,
    "dnsPrefix": "aks",
    "enableRBAC": True,
    "location": "uksouth",
    "networkProfile": {"networkPlugin": "azure", "networkPolicy": "azure"},
    "resourceGroupName": "rg",
    "tags": TAGS,
}

ROLE_DEFINITION_PROPS: dict[str, Any] = {
    "assignableScopes": [SUB],
    "permissions": [{"actions": ["Microsoft.Storage/storageAccounts/read"], "notActions": []}],
    "roleName": "Planning storage reader",
    "scope": SUB,
}

#: Contributor on a resource group.
ROLE_ASSIGNMENT_PROPS: dict[str, Any] = {
    "principalId": "33333333-3333-4333-8333-333333333333",
    "principalType": "Group",
    "roleDefinitionId": f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c",
    "scope": RG,
}

DIAGNOSTIC_SETTING_PROPS: dict[str, Any] = {
    "logs": [{"categoryGroup": "allLogs", "enabled": True}],
    "name": "lz-diagnostics",
    "resourceUri": f"{RG}/providers/Microsoft.KeyVault/vaults/kv-ebc-prd-uks-docs",
    "workspaceId": WORKSPACE_ID,
}

FD_ROUTE_PROPS: dict[str, Any] = {
    "endpointName": "fde-council-website",
    "forwardingProtocol": "HttpsOnly",
    "httpsRedirect": "Enabled",
    "linkToDefaultDomain": "Disabled",
    "originGroup": {"id": f"{RG}/providers/Microsoft.Cdn/profiles/fd/originGroups/web"},
    "profileName": "fd",
    "resourceGroupName": "rg",
    "supportedProtocols": ["Http", "Https"],
}

FD_CUSTOM_DOMAIN_PROPS: dict[str, Any] = {
    "hostName": "www.example.gov.uk",
    "profileName": "fd",
    "resourceGroupName": "rg",
    "tlsSettings": {"certificateType": "ManagedCertificate", "minimumTlsVersion": "TLS12"},
}


def _steps(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".")]


def changed(base: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `base` with the dotted `path` set to `value` (list indexes as numbers)."""
    result = copy.deepcopy(dict(base))
    *parents, last = _steps(path)
    node: Any = result
    for step in parents:
        if isinstance(step, str) and step not in node:
            node[step] = {}
        node = node[step]
    node[last] = value
    return result


def without(base: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A deep copy of `base` without the property at the dotted `path`."""
    result = copy.deepcopy(dict(base))
    *parents, last = _steps(path)
    node: Any = result
    for step in parents:
        node = node[step]
    del node[last]
    return result
