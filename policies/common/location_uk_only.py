"""lz-all-location-uk-only: everything is deployed in the UK.

Why: council data stays in the UK (UK GDPR transfers, the council's data-residency commitments
and most public-sector contracts), and the landing zone's support, costs and DR plans assume the
UK regions. A resource or provider pointed elsewhere is a data-residency breach waiting to happen
(NCSC principle 2.1: physical location and legal jurisdiction).

Checks every resource (no type filter):
* AWS: the provider's `region` (`pulumi:providers:aws`), a resource's own `region` (pulumi-aws v7
  lets resources override the provider's region), and availability-zone names in
  `availabilityZone`/`availabilityZones` (`eu-west-2a` is in `eu-west-2`; zone IDs such as
  `euw2-az1` are not names and are not judged);
* Azure: `location` of `pulumi:providers:azure-native` and of every `azure-native:` resource,
  compared without case or spaces (`UK South` = `uksouth`). `global` (Front Door, DNS, Traffic
  Manager) is not a location and passes.
Values unknown during preview are left to the SDK (the policy runs again at update time).

Config: `allowed_regions` (AWS, default `["eu-west-2"]`), `allowed_locations` (Azure, default
`["uksouth", "ukwest"]`). A resource that must live elsewhere (e.g. a CloudFront certificate in
us-east-1) needs a waiver in the manifest, so the exception is visible and time-limited.

Messages:
* `AWS region us-east-1 is outside the allowed regions (eu-west-2): council data must stay in the UK`;
* `AWS availability zone eu-west-1a is outside the allowed regions (eu-west-2): council data must stay in the UK`;
* `Azure location westeurope is outside the allowed locations (uksouth, ukwest): council data must stay in the UK`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from lz.regions import UK_REGIONS
from policies.lib import Frameworks, as_list, get, plain, resource_policy

AWS_PROVIDER: Final = "pulumi:providers:aws"
AZURE_PROVIDER: Final = "pulumi:providers:azure-native"
DEFAULT_REGIONS: Final = list(UK_REGIONS["aws"])
DEFAULT_LOCATIONS: Final = list(UK_REGIONS["azure"])
#: An availability-zone *name* starts with its region: `eu-west-2a`, `us-gov-west-1b`, and Local/Wavelength
#: Zones such as `us-west-2-lax-1a`. Zone IDs (`euw2-az1`) do not match.
_ZONE_NAME: Final = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z0-9-]*$")
_SUFFIX: Final = ": council data must stay in the UK"


def _strings(config: Mapping[str, Any], key: str, default: Sequence[str]) -> list[str]:
    value = config.get(key)
    return [str(v) for v in as_list(value)] if value is not None else list(default)


def _check_aws(props: Mapping[str, Any], allowed: list[str], report: ReportViolation) -> None:
    shown = ", ".join(allowed)
    region = get(props, "region")
    if isinstance(region, str) and region and region not in allowed:
        report(f"AWS region {region} is outside the allowed regions ({shown}){_SUFFIX}", None)
    zones = [get(props, "availabilityZone"), *as_list(get(props, "availabilityZones"))]
    for zone in zones:
        zone = plain(zone)
        if not isinstance(zone, str):
            continue
        match = _ZONE_NAME.match(zone)
        if match and match.group(1) not in allowed:
            report(f"AWS availability zone {zone} is outside the allowed regions ({shown}){_SUFFIX}", None)


def _check_azure(props: Mapping[str, Any], allowed: list[str], report: ReportViolation) -> None:
    location = get(props, "location")
    if not isinstance(location, str) or not location:
        return
    normalised = location.replace(" ", "").lower()
    if normalised == "global" or normalised in {a.replace(" ", "").lower() for a in allowed}:
        return
    report(f"Azure location {location} is outside the allowed locations ({', '.join(allowed)}){_SUFFIX}", None)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    config = args.get_config()
    resource_type = args.resource_type
    if resource_type == AWS_PROVIDER or resource_type.startswith("aws:"):
        _check_aws(props, _strings(config, "allowed_regions", DEFAULT_REGIONS), report)
    elif resource_type == AZURE_PROVIDER or resource_type.startswith("azure-native:"):
        _check_azure(props, _strings(config, "allowed_locations", DEFAULT_LOCATIONS), report)


POLICY, METADATA = resource_policy(
    name="lz-all-location-uk-only",
    description="AWS regions and Azure locations of every provider and resource are in the allowed UK set.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="2.1",
        cyber_essentials="Secure configuration",
    ),
    remediation="Deploy to eu-west-2 (AWS) or uksouth/ukwest (Azure): set the provider's region/location and "
    "remove per-resource overrides. For an unavoidable global dependency, add a time-limited waiver to the manifest.",
    resource_types=(),
    clouds=("aws", "azure"),
    validate=_validate,
    topics=("data-residency",),
    config_schema=PolicyConfigSchema(
        properties={
            "allowed_regions": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": DEFAULT_REGIONS,
                "description": "AWS regions resources may be deployed to.",
            },
            "allowed_locations": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": DEFAULT_LOCATIONS,
                "description": "Azure locations resources may be deployed to ('global' always passes).",
            },
        },
    ),
    config_defaults={"allowed_regions": DEFAULT_REGIONS, "allowed_locations": DEFAULT_LOCATIONS},
)
