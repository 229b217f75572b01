"""The council's platform definition (`platform/aws.yaml`): typed, strict, validated like manifests.

The platform team owns this file. It holds what every layer and every service stack needs to
agree on: the council's short prefix for names, who owns and pays for the platform, the allowed
regions and the network address plan.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lz.manifest.model import COST_CENTRE_PATTERN, DNS_SAFE_PATTERN, EMAIL_PATTERN
from lz.regions import UK_REGIONS

PLATFORM_FILE = Path("platform") / "aws.yaml"
SCHEMA_COMMENT = "# yaml-language-server: $schema=../schemas/platform-aws.schema.json"

# The same patterns as manifests: the owner's mailbox and slugs become tag values.
_SLUG = DNS_SAFE_PATTERN
_EMAIL = EMAIL_PATTERN


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Council(_Strict):
    name: str = Field(min_length=3, max_length=100, description="Required. The council's full name.")
    prefix: str = Field(
        pattern=r"^[a-z][a-z0-9]{1,5}$",
        description="Required. 2–6 lowercase letters/digits starting every physical name, e.g. `ebc`.",
    )


class PlatformOwner(_Strict):
    team: str = Field(pattern=_SLUG, description="Required. The platform team's slug.")
    email: str = Field(pattern=_EMAIL, description="Required. The platform team's shared mailbox.")


class Regions(_Strict):
    home: str = Field(default="eu-west-2", description="Optional. Where the platform's own resources live.")
    allowed: list[str] = Field(
        default_factory=lambda: list(UK_REGIONS["aws"]),
        min_length=1,
        description="Optional. Regions service stacks may use; UK only unless the council decides otherwise.",
    )

    @model_validator(mode="after")
    def _home_allowed(self) -> Regions:
        if self.home not in self.allowed:
            raise ValueError(f"home region {self.home!r} must be one of the allowed regions {self.allowed}")
        return self


# Spoke subnets take quarter slots of the VPC (modules/aws/cidr.py), so /26 is the smallest spoke.
NetmaskLength = Annotated[int, Field(ge=16, le=26)]


class SpokeNetmasks(_Strict):
    small: NetmaskLength = Field(default=24, description="Optional. Prefix length of a small spoke (/24).")
    medium: NetmaskLength = Field(default=23, description="Optional. Prefix length of a medium spoke (/23).")
    large: NetmaskLength = Field(default=22, description="Optional. Prefix length of a large spoke (/22).")


EndpointName = Literal["ssm", "ssmmessages", "ec2messages", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms"]


def _production_endpoints() -> list[EndpointName]:
    return ["ssm", "ssmmessages", "ec2messages", "logs", "secretsmanager", "kms"]


class InterfaceEndpoints(_Strict):
    production: list[EndpointName] = Field(
        default_factory=_production_endpoints,
        description="Optional. Interface endpoints in production spokes (each costs about $7.30/month per AZ).",
    )
    non_production: list[EndpointName] = Field(
        default_factory=list,
        description="Optional. Interface endpoints in other spokes; the S3 gateway endpoint is always there.",
    )


class Network(_Strict):
    ipam_pool_cidr: str = Field(
        default="10.64.0.0/12",
        description="Optional. The organisation's address space for spokes, managed by AWS IPAM.",
    )
    availability_zones: int = Field(default=3, ge=2, le=3, description="Optional. AZs per spoke (2 or 3).")
    spoke_netmask: SpokeNetmasks = Field(default_factory=SpokeNetmasks, description="Optional. Spoke sizes.")
    interface_endpoints: InterfaceEndpoints = Field(
        default_factory=InterfaceEndpoints, description="Optional. VPC interface endpoints per tier."
    )

    @field_validator("ipam_pool_cidr")
    @classmethod
    def _private_cidr(cls, value: str) -> str:
        try:
            net = ipaddress.ip_network(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a CIDR block: {exc}") from None
        if not net.is_private:
            raise ValueError(f"{value} is not a private (RFC 1918) range")
        return str(net)


class PlatformDefinition(_Strict):
    """The AWS platform definition: names, owners, regions and the network address plan."""

    version: Literal[1] = Field(description="Required. Format version of this file; only 1 exists.")
    council: Council = Field(description="Required. Who the platform belongs to.")
    owner: PlatformOwner = Field(description="Required. The platform team.")
    cost_centre: str = Field(
        pattern=COST_CENTRE_PATTERN, max_length=32,
        description="Required. Cost centre that pays for shared platform resources.",
    )
    business_unit: str = Field(pattern=_SLUG, description="Required. Business unit of the platform team.")
    regions: Regions = Field(default_factory=Regions, description="Optional. Region policy.")
    network: Network = Field(default_factory=Network, description="Optional. Address plan and spokes.")

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: Regions) -> Regions:
        outside = [r for r in value.allowed if r not in UK_REGIONS["aws"] and not r.startswith("eu-")]
        if outside:
            raise ValueError(f"regions outside the UK/EU are not allowed for council data: {outside}")
        return value
