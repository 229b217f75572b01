"""The service manifest, version 1: the typed model every `stacks/<service>.yaml` is validated against.

The model is the source of truth. `scripts/gen_schema.py` generates the JSON Schema editors use
(`schemas/service-manifest.schema.json`) and the reference (`docs/manifest-reference.md`) from it.

Where each check lives, so that every mistake is reported exactly once:

- Here (the schema pass): shapes, types, allowed values, lengths, name patterns and number ranges.
- In `lz.manifest.rules` (the semantic pass): checks that need other fields, the file name, today's
  date or the platform's tables; value checks on required fields whose failure would otherwise
  hide their whole mapping from the semantic pass (budgets, email addresses, policy names); and
  tag keys and values, checked by `lz.tags.check_tag_value` like every other tag set. Those still
  appear in the JSON Schema for editors, through `json_schema_extra`, so they are flagged as you type.

Models are frozen and strict (a YAML `"20"` is not the number 20, as in the JSON Schema); dates are
the one lax field so that both `2027-06-30` and `"2027-06-30"` work.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict, JsonValue
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from lz.regions import UK_REGIONS
from lz.tags import MANDATORY_TAG_KEYS, MAX_KEY_LENGTH, MAX_TAGS, MAX_VALUE_LENGTH

# Patterns are written in the common subset of Rust `regex` (pydantic), Python `re` (the rules) and
# ECMA-262 (editors reading the JSON Schema): no look-arounds, no back-references.
DNS_SAFE_PATTERN: Final = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
ENVIRONMENT_NAME_PATTERN: Final = r"^[a-z][a-z0-9]*$"
COST_CENTRE_PATTERN: Final = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"
HOSTNAME_PATTERN: Final = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
ENGINE_VERSION_PATTERN: Final = r"^[0-9]+(\.[0-9]+)*$"
# Pragmatic, not RFC 5322: what council mailboxes look like. The local part is limited to characters
# a tag value may hold, because the owner's address becomes the `owner` tag on every resource.
EMAIL_PATTERN: Final = (
    r"^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
MAX_EMAIL_LENGTH: Final = 254

#: Plain-English explanation of each pattern, for problems and for editors (`patternErrorMessage`).
PATTERN_HINTS: Final[dict[str, str]] = {
    DNS_SAFE_PATTERN: (
        "use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen"
    ),
    ENVIRONMENT_NAME_PATTERN: "use lowercase letters and digits, starting with a letter",
    COST_CENTRE_PATTERN: (
        "use capital letters and digits in groups joined by single hyphens, starting with a letter (e.g. CC-1042)"
    ),
    HOSTNAME_PATTERN: "use a lowercase DNS hostname such as repairs.example.gov.uk",
    ENGINE_VERSION_PATTERN: "use a version number such as 16 or 8.0",
    EMAIL_PATTERN: "use an email address such as team@example.gov.uk",
}

#: Environment names that mean production (stricter defaults: multi-AZ databases, deletion locks).
PRODUCTION_ENVIRONMENT_NAMES: Final = frozenset({"prod", "production", "live"})


def _hint(pattern: str) -> JsonDict:
    return {"patternErrorMessage": PATTERN_HINTS[pattern]}


ServiceName = Annotated[
    str,
    StringConstraints(pattern=DNS_SAFE_PATTERN, min_length=3, max_length=40),
    Field(json_schema_extra=_hint(DNS_SAFE_PATTERN)),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=DNS_SAFE_PATTERN, min_length=2, max_length=40),
    Field(json_schema_extra=_hint(DNS_SAFE_PATTERN)),
]
EnvironmentName = Annotated[
    str,
    StringConstraints(pattern=ENVIRONMENT_NAME_PATTERN, min_length=2, max_length=10),
    Field(json_schema_extra=_hint(ENVIRONMENT_NAME_PATTERN)),
]
ComponentName = Annotated[
    str,
    StringConstraints(pattern=DNS_SAFE_PATTERN, min_length=2, max_length=30),
    Field(json_schema_extra=_hint(DNS_SAFE_PATTERN)),
]
Hostname = Annotated[
    str,
    StringConstraints(pattern=HOSTNAME_PATTERN, max_length=253),
    Field(json_schema_extra=_hint(HOSTNAME_PATTERN)),
]
EngineVersion = Annotated[
    str,
    StringConstraints(pattern=ENGINE_VERSION_PATTERN, max_length=20),
    Field(json_schema_extra=_hint(ENGINE_VERSION_PATTERN)),
]
# Email addresses are checked by `lz.manifest.rules` (see the module docstring); editors see the pattern.
EmailAddress = Annotated[
    str,
    Field(json_schema_extra={"pattern": EMAIL_PATTERN, "maxLength": MAX_EMAIL_LENGTH, **_hint(EMAIL_PATTERN)}),
]
Size = Literal["small", "medium", "large"]
# Editors offer every UK region; the rules check the region belongs to the manifest's cloud.
_ALL_UK_REGIONS: Final[list[JsonValue]] = [*sorted({region for regions in UK_REGIONS.values() for region in regions})]


class _ManifestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Owner(_ManifestModel):
    """The team accountable for the service: it receives alerts, budget mail and policy findings."""

    team: Slug = Field(description="Required. Slug of the owning team.", examples=["housing-digital"])
    email: EmailAddress = Field(
        description="Required. The team's shared mailbox (not a person who may leave); the `owner` tag.",
        examples=["housing-digital@example.gov.uk"],
    )


class ChangeRequest(_ManifestModel):
    """Who asked for the stack and under which change record, for the audit trail."""

    requested_by: EmailAddress = Field(
        description="Required. Email address of the person who asked for this stack or change.",
        examples=["jo.bloggs@example.gov.uk"],
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Required. Why the stack is needed, in a sentence or two.",
        examples=["Replace the paper repairs form"],
    )
    change_ref: str = Field(
        min_length=1,
        max_length=64,
        description="Required. Reference of the approved change in the council's change process.",
        examples=["CHG-2041"],
    )


class Environment(_ManifestModel):
    """One deployment of the service (one Pulumi stack): `prod`, `production` and `live` are production."""

    region: str = Field(
        description=(
            "Required. Cloud region. AWS: eu-west-2 (London). Azure: uksouth or ukwest. "
            "Service stacks always stay in the UK."
        ),
        examples=["eu-west-2"],
        json_schema_extra={"enum": _ALL_UK_REGIONS},
    )
    monthly_budget_gbp: float = Field(
        allow_inf_nan=False,
        description="Required. Monthly budget in pounds, more than 0; the owner is alerted above it.",
        examples=[150],
        json_schema_extra={"exclusiveMinimum": 0},
    )
    network_size: Size = Field(
        default="small",
        description="Optional. Size of the environment's spoke VPC/VNet: small /24, medium /23, large /22.",
        examples=["small"],
    )
    budget_alert_emails: list[EmailAddress] = Field(
        default=[],
        description="Optional. Extra addresses that receive budget alerts; the owner's mailbox always does.",
        examples=[["housing-finance@example.gov.uk"]],
    )


#: Government Security Classification tiers the platform hosts (SECRET and above never go to public cloud).
Classification = Literal["OFFICIAL", "OFFICIAL-SENSITIVE"]


class BucketComponent(_ManifestModel):
    """Object storage: an S3 bucket on AWS, a storage account with a blob container on Azure."""

    type: Literal["bucket"] = Field(description="Required. The component type.", examples=["bucket"])
    data_classification: Classification | None = Field(
        default=None,
        description=(
            "Optional. Classification of the data this component holds, when it differs from the "
            "service's (e.g. a public site of an OFFICIAL-SENSITIVE service); unset means the service's."
        ),
        examples=["OFFICIAL"],
    )
    versioning: bool = Field(
        default=True, description="Optional. Keep previous versions of every object.", examples=[True]
    )
    holds_records: bool = Field(
        default=False,
        description=("Optional. The bucket holds council records under a retention schedule: they must be versioned."),
        examples=[False],
    )
    archive_after_days: int | None = Field(
        default=None,
        ge=30,
        description="Optional. Move objects to archive storage this many days after creation (at least 30).",
        examples=[90],
    )
    expire_after_days: int | None = Field(
        default=None,
        ge=1,
        description="Optional. Delete objects this many days after creation; more than archive_after_days.",
        examples=[2555],
    )


class StaticSiteComponent(_ManifestModel):
    """A static website: a private S3 bucket served through CloudFront (AWS only in this version)."""

    type: Literal["static_site"] = Field(description="Required. The component type.", examples=["static_site"])
    data_classification: Classification | None = Field(
        default=None,
        description=(
            "Optional. Classification of the data this component holds, when it differs from the "
            "service's (e.g. a public site of an OFFICIAL-SENSITIVE service); unset means the service's."
        ),
        examples=["OFFICIAL"],
    )
    domain: Hostname | None = Field(
        default=None,
        description="Optional. Custom hostname; without it the site uses its CloudFront address.",
        examples=["repairs.example.gov.uk"],
    )
    certificate_arn: str | None = Field(
        default=None,
        description="Optional. ACM certificate for domain, in us-east-1 (CloudFront); needed with domain.",
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"],
    )
    spa: bool = Field(
        default=False,
        description="Optional. Single-page app: serve index.html for unknown paths instead of a 404.",
        examples=[False],
    )
    waf_acl_arn: str | None = Field(
        default=None,
        description="Optional. WAFv2 web ACL with CloudFront scope (us-east-1) to put in front of the site.",
        examples=["arn:aws:wafv2:us-east-1:123456789012:global/webacl/council-web/0a1b2c3d-4e5f-6a7b"],
    )


class DatabaseComponent(_ManifestModel):
    """A managed relational database: Amazon RDS (AWS only in this version)."""

    type: Literal["database"] = Field(description="Required. The component type.", examples=["database"])
    data_classification: Classification | None = Field(
        default=None,
        description=(
            "Optional. Classification of the data this component holds, when it differs from the "
            "service's (e.g. a public site of an OFFICIAL-SENSITIVE service); unset means the service's."
        ),
        examples=["OFFICIAL"],
    )
    engine: Literal["postgres", "mysql", "sqlserver"] = Field(
        description="Required. Database engine.", examples=["postgres"]
    )
    engine_version: EngineVersion | None = Field(
        default=None,
        description="Optional. Major or major.minor engine version; the platform's default when unset.",
        examples=["16"],
    )
    size: Size = Field(
        default="small",
        description="Optional. Instance size class; sqlserver on AWS needs medium or large.",
        examples=["small"],
    )
    storage_gb: int = Field(
        default=20,
        ge=20,
        le=16384,
        description="Optional. Allocated storage in GB (20-16384).",
        examples=[20],
    )
    multi_az: bool | None = Field(
        default=None,
        description="Optional. Standby in a second availability zone; unset means true in production only.",
        examples=[True],
    )
    backup_retention_days: int = Field(
        default=14, ge=7, le=35, description="Optional. Days of automated backups kept (7-35).", examples=[14]
    )


Component = Annotated[
    BucketComponent | StaticSiteComponent | DatabaseComponent,
    Field(discriminator="type"),
]
COMPONENT_TYPES: Final[tuple[str, ...]] = tuple(
    get_args(member.model_fields["type"].annotation)[0] for member in get_args(get_args(Component)[0])
)


class PolicyException(_ManifestModel):
    """A time-limited, approved waiver of one policy for some environments and resources."""

    policy: str = Field(
        description="Required. Name of the waived policy, in kebab-case.",
        examples=["aws-s3-bucket-access-logging"],
        json_schema_extra={"pattern": DNS_SAFE_PATTERN, **_hint(DNS_SAFE_PATTERN)},
    )
    reason: str = Field(
        min_length=1,
        max_length=500,
        description="Required. Why the waiver is needed and what mitigates the risk.",
        examples=["Access logs are collected by the council SIEM through CloudTrail data events"],
    )
    approved_by: EmailAddress = Field(
        description="Required. Email address of the person who approved the waiver.",
        examples=["security@example.gov.uk"],
    )
    expires: date = Field(
        strict=False,
        description="Required. Date the waiver lapses (YYYY-MM-DD); must be after today.",
        examples=["2027-06-30"],
    )
    environments: list[str] = Field(
        default=[],
        description="Optional. Environments the waiver covers; empty means all of them.",
        examples=[["dev"]],
    )
    resources: list[str] = Field(
        default=[],
        description=(
            "Optional. Component names or Pulumi resource names (which contain '-') the waiver covers; "
            "empty means all of them."
        ),
        examples=[["files"]],
    )


class ServiceManifest(_ManifestModel):
    """A service team's request for a stack: one file `stacks/<service>.yaml`, reviewed like code."""

    version: Literal[1] = Field(description="Required. Manifest format version; always 1.", examples=[1])
    service: ServiceName = Field(
        description="Required. DNS-safe service name, 3-40 characters, unique, equal to the file name.",
        examples=["housing-repairs"],
    )
    description: str = Field(
        min_length=1,
        max_length=300,
        description="Required. What the service does, in a sentence.",
        examples=["Tenants report repairs online"],
    )
    owner: Owner = Field(
        description="Required. The accountable team.",
        examples=[{"team": "housing-digital", "email": "housing-digital@example.gov.uk"}],
    )
    cost_centre: str = Field(
        pattern=COST_CENTRE_PATTERN,
        max_length=32,
        description="Required. Finance cost centre the spend is charged to.",
        examples=["CC-1042"],
        json_schema_extra=_hint(COST_CENTRE_PATTERN),
    )
    business_unit: Slug = Field(description="Required. Directorate or business unit.", examples=["housing"])
    data_classification: Classification = Field(
        description="Required. Government Security Classification of the data the service holds.",
        examples=["OFFICIAL"],
    )
    criticality: Literal["low", "medium", "high"] = Field(
        description="Required. Impact on residents if the service is down.", examples=["high"]
    )
    cloud: Literal["aws", "azure"] = Field(description="Required. Where the service runs.", examples=["aws"])
    request: ChangeRequest = Field(
        description="Required. The request and change record behind this manifest.",
        examples=[
            {
                "requested_by": "jo.bloggs@example.gov.uk",
                "reason": "Replace the paper repairs form",
                "change_ref": "CHG-2041",
            }
        ],
    )
    environments: dict[EnvironmentName, Environment] = Field(
        min_length=1,
        description="Required. The environments to deploy, keyed by name (2-10 lowercase letters, digits).",
        examples=[
            {
                "dev": {"region": "eu-west-2", "monthly_budget_gbp": 150},
                "prod": {"region": "eu-west-2", "monthly_budget_gbp": 900},
            }
        ],
    )
    components: dict[ComponentName, Component] = Field(
        description="Required. The building blocks of the service, keyed by stable DNS-safe names (2-30).",
        examples=[
            {
                "site": {"type": "static_site"},
                "files": {"type": "bucket", "versioning": True},
                "db": {"type": "database", "engine": "postgres", "size": "small"},
            }
        ],
    )
    exceptions: list[PolicyException] = Field(
        default=[],
        description="Optional. Approved, time-limited policy waivers.",
        examples=[
            [
                {
                    "policy": "aws-s3-bucket-access-logging",
                    "reason": "Access logs are collected by the council SIEM through CloudTrail data events",
                    "approved_by": "security@example.gov.uk",
                    "expires": "2027-06-30",
                    "resources": ["files"],
                }
            ]
        ],
    )
    tags: dict[str, str] = Field(
        default={},
        description=(
            "Optional. Extra tags for every resource; the mandatory tags ("
            + ", ".join(MANDATORY_TAG_KEYS)
            + ") are set by the platform and cannot be overridden."
        ),
        examples=[{"project": "repairs-online"}],
        json_schema_extra={
            "propertyNames": {
                "minLength": 1,
                "maxLength": MAX_KEY_LENGTH,
                "pattern": "^[^/]*$",
                "patternErrorMessage": "tag keys may not contain '/' (Azure forbids it)",
            },
            "additionalProperties": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
            "maxProperties": MAX_TAGS - len(MANDATORY_TAG_KEYS),
        },
    )

    def classification_of(self, component: str) -> str:
        """The data classification of one component: its own, or the service's."""
        return self.components[component].data_classification or self.data_classification

    def is_production(self, env_name: str) -> bool:
        """True when `env_name` is a production environment (`prod`, `production` or `live`).

        Raises KeyError for a name that is not one of this manifest's environments, so that a
        typo in a caller never silently gets non-production defaults.
        """
        if env_name not in self.environments:
            raise KeyError(f"{self.service} has no environment {env_name!r}")
        return env_name in PRODUCTION_ENVIRONMENT_NAMES


SCHEMA_ID: Final = "urn:council-lz:schema:service-manifest:1"


class _ManifestJsonSchema(GenerateJsonSchema):
    """Pydantic's generator, with constrained map keys written as JSON Schema means them.

    Pydantic puts a key pattern in `patternProperties`, which only says how keys matching it are
    validated; keys that do not match would be let through. `propertyNames` rejects them.
    """

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        result = super().dict_schema(schema)
        patterns = result.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            result.setdefault("propertyNames", {})["pattern"] = pattern
            result["additionalProperties"] = values
        return result

    def sort(self, value: JsonSchemaValue, parent_key: str | None = None) -> JsonSchemaValue:
        # Keep examples (and everything else) in the order written: the reference shows examples as
        # YAML, where `type` comes first. The committed file is sorted when it is written out.
        return value


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a service manifest, as committed under `schemas/`."""
    schema = ServiceManifest.model_json_schema(schema_generator=_ManifestJsonSchema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Service manifest v1",
    }
