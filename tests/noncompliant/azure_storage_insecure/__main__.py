"""Non-compliant: a storage account that accepts plain HTTP and TLS 1.0 and allows public blob access."""

import pulumi_azure_native as azure

TAGS = {
    "service": "noncompliant", "cost-centre": "CC-0000", "owner": "platform@example.gov.uk", "environment": "dev",
    "business-unit": "it", "data-classification": "OFFICIAL", "managed-by": "pulumi",
}

group = azure.resources.ResourceGroup("rg", location="uksouth", tags=TAGS)
azure.storage.StorageAccount(
    "files",
    resource_group_name=group.name,
    location="uksouth",
    kind=azure.storage.Kind.STORAGE_V2,
    sku=azure.storage.SkuArgs(name=azure.storage.SkuName.STANDARD_LRS),
    enable_https_traffic_only=False,
    minimum_tls_version=azure.storage.MinimumTlsVersion.TLS1_0,
    allow_blob_public_access=True,
    tags=TAGS,
)
