"""Cloud regions the toolkit knows, the UK ones it allows, and their short codes for names.

UK data residency is the default: AWS has one UK region (London, eu-west-2); Azure has two
(UK South, UK West). A council that wants a non-UK disaster-recovery region must say so in the
platform definition; service manifests can never pick a region outside the allowed set.
Sources: AWS "Regions and Availability Zones" (docs.aws.amazon.com/global-infrastructure),
Azure "Azure geographies" (azure.microsoft.com/explore/global-infrastructure/geographies).
"""

from __future__ import annotations

from typing import Final, Literal

Cloud = Literal["aws", "azure"]
CLOUDS: Final[tuple[Cloud, ...]] = ("aws", "azure")

#: Regions service stacks may use unless the platform definition narrows them further.
UK_REGIONS: Final[dict[Cloud, tuple[str, ...]]] = {
    "aws": ("eu-west-2",),
    "azure": ("uksouth", "ukwest"),
}

#: Short codes used in physical names (`{prefix}-{env}-{region}-{abbr}-{name}`).
REGION_CODES: Final[dict[str, str]] = {
    # AWS commercial regions
    "eu-west-2": "euw2",
    "eu-west-1": "euw1",
    "eu-west-3": "euw3",
    "eu-central-1": "euc1",
    "eu-central-2": "euc2",
    "eu-north-1": "eun1",
    "eu-south-1": "eus1",
    "eu-south-2": "eus2",
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-1": "usw1",
    "us-west-2": "usw2",
    "ca-central-1": "cac1",
    "ap-south-1": "aps1",
    "ap-southeast-1": "apse1",
    "ap-southeast-2": "apse2",
    "ap-northeast-1": "apne1",
    "ap-northeast-2": "apne2",
    "sa-east-1": "sae1",
    "me-south-1": "mes1",
    "af-south-1": "afs1",
    # Azure regions
    "uksouth": "uks",
    "ukwest": "ukw",
    "northeurope": "neu",
    "westeurope": "weu",
    "francecentral": "frc",
    "germanywestcentral": "gwc",
    "swedencentral": "sdc",
    "switzerlandnorth": "szn",
    "norwayeast": "nwe",
    "eastus": "eus",
    "eastus2": "eus2",
    "westus": "wus",
    "westus2": "wus2",
    "centralus": "cus",
    "canadacentral": "cnc",
    "australiaeast": "ae",
    "southeastasia": "sea",
    "japaneast": "jpe",
}

#: Every region name the toolkit recognises per cloud (used for "did you mean" and clear messages).
KNOWN_REGIONS: Final[dict[Cloud, tuple[str, ...]]] = {
    "aws": tuple(r for r in REGION_CODES if "-" in r),
    "azure": tuple(r for r in REGION_CODES if "-" not in r),
}


def cloud_of_region(region: str) -> Cloud | None:
    """Return which cloud a region name belongs to, or None when it is not a known region."""
    for cloud, regions in KNOWN_REGIONS.items():
        if region in regions:
            return cloud
    return None


def region_code(region: str) -> str:
    """Short code of a region for physical names; unknown regions are an error, never guessed."""
    try:
        return REGION_CODES[region]
    except KeyError:
        raise ValueError(f"unknown region {region!r}") from None
