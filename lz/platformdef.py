"""The council's platform definition (`platform/aws.yaml`): typed, strict, validated like manifests.

The platform team owns this file. It holds what every layer and every service stack needs to
agree on: the council's short prefix for names, who owns and pays for the platform, the allowed
regions, the organisation (OUs, accounts, guardrails), logging and security tooling, identity,
the network address plan and hub, and cost controls. Each platform layer reads its own section;
the layer order and contracts are in `lz/stacks/contracts.py`.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lz.manifest.model import COST_CENTRE_PATTERN, DNS_SAFE_PATTERN, EMAIL_PATTERN, PolicyException
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


# -- organisation and guardrails -------------------------------------------------------------------

#: OUs every council platform has (the Control Tower / LZA recommended structure).
REQUIRED_OUS: tuple[str, ...] = (
    "Security", "Infrastructure", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Sandbox", "Suspended",
)

#: Names of the service control policies `modules/aws/scp.py` builds (each a pure function).
ScpName = Literal[
    "deny-outside-allowed-regions",
    "deny-leave-organisation",
    "protect-security-services",
    "deny-root-user",
    "deny-iam-users",
    "require-imdsv2",
    "deny-s3-public-access-changes",
    "deny-all",
]

#: AWS allows five SCPs per target, one of them the managed FullAWSAccess (Organizations quotas).
MAX_CUSTOM_SCPS_PER_TARGET = 4

AccountPurpose = Literal["log_archive", "audit", "network", "shared_services", "workloads", "sandbox"]
CORE_PURPOSES: tuple[AccountPurpose, ...] = ("log_archive", "audit", "network", "shared_services")

_OU_PATH = r"^[A-Z][A-Za-z0-9]*(/[A-Z][A-Za-z0-9]*)*$"


class Account(_Strict):
    name: str = Field(min_length=1, max_length=50, description="Required. The account's display name.")
    email: str = Field(
        pattern=_EMAIL, description="Required. Unique root mailbox of the account (a shared, monitored mailbox)."
    )
    ou: str = Field(pattern=_OU_PATH, description="Required. Path of the OU it belongs to, e.g. `Workloads/Prod`.")
    purpose: AccountPurpose = Field(description="Required. What the account is for; each core purpose exactly once.")


def _default_scp_attachments() -> dict[str, list[ScpName]]:
    return {
        "Root": ["deny-leave-organisation", "protect-security-services", "deny-root-user",
                 "deny-outside-allowed-regions"],
        "Infrastructure": ["deny-iam-users", "require-imdsv2", "deny-s3-public-access-changes"],
        "Workloads": ["deny-iam-users", "require-imdsv2", "deny-s3-public-access-changes"],
        "Sandbox": ["deny-iam-users", "require-imdsv2", "deny-s3-public-access-changes"],
        "Suspended": ["deny-all"],
    }


class BackupPolicy(_Strict):
    ou: str = Field(default="Workloads/Prod", pattern=_OU_PATH,
                    description="Optional. OU whose accounts get the organisation backup policy.")
    schedule: str = Field(default="cron(0 2 ? * * *)",
                          description="Optional. When the daily backup runs (AWS Backup cron, UTC).")
    retention_days: int = Field(default=35, ge=7, le=3650, description="Optional. Days each backup is kept.")
    selection_tag: str = Field(default="backup", pattern=r"^[a-z][a-z0-9-]{0,62}$",
                               description="Optional. Resources whose tag of this key is `daily` are backed up.")


class Organisation(_Strict):
    access_role_name: str = Field(
        default="OrganizationAccountAccessRole", pattern=r"^[\w+=,.@-]{1,64}$",
        description="Optional. Role Organizations creates in each new account; layers assume it to deploy there.",
    )
    organizational_units: list[str] = Field(
        default_factory=lambda: list(REQUIRED_OUS), min_length=1,
        description="Optional. OU paths, parents before children; must include the required OUs.",
    )
    accounts: dict[str, Account] = Field(
        min_length=1,
        description="Required. Accounts keyed by a stable slug; one per core purpose, plus workload accounts.",
    )
    workload_accounts: dict[Literal["production", "non_production"], str] = Field(
        description="Required. Which account (slug) hosts production and non-production service environments.",
    )
    scp_attachments: dict[str, list[ScpName]] = Field(
        default_factory=_default_scp_attachments,
        description="Optional. Service control policies attached per target: `Root` or an OU path.",
    )
    break_glass_role_name: str = Field(
        default="lz-break-glass", pattern=r"^[\w+=,.@-]{1,64}$",
        description="Optional. The emergency role; the security-services SCP exempts it.",
    )
    backup: BackupPolicy = Field(default_factory=BackupPolicy, description="Optional. Organisation backup policy.")

    @field_validator("accounts")
    @classmethod
    def _slugs(cls, value: dict[str, Account]) -> dict[str, Account]:
        bad = [k for k in value if not re.fullmatch(_SLUG, k)]
        if bad:
            raise ValueError(f"account keys must be DNS-safe slugs: {bad}")
        emails = [a.email.lower() for a in value.values()]
        dupes = sorted({e for e in emails if emails.count(e) > 1})
        if dupes:
            raise ValueError(f"each account needs its own root email; shared: {dupes}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Organisation:
        problems: list[str] = []
        ous = self.organizational_units
        missing = [ou for ou in REQUIRED_OUS if ou not in ous]
        if missing:
            problems.append(f"organizational_units must include {missing}")
        for i, ou in enumerate(ous):
            if not re.fullmatch(_OU_PATH, ou):
                problems.append(f"OU path {ou!r} must be names like `Workloads/Prod`")
            elif "/" in ou and ou.rsplit("/", 1)[0] not in ous[:i]:
                problems.append(f"OU {ou!r} comes before its parent {ou.rsplit('/', 1)[0]!r}")
        if len(set(ous)) != len(ous):
            problems.append("organizational_units has duplicates")
        for key, account in self.accounts.items():
            if account.ou not in ous:
                problems.append(f"account {key!r} is in OU {account.ou!r}, which is not in organizational_units")
        for purpose in CORE_PURPOSES:
            holders = [k for k, a in self.accounts.items() if a.purpose == purpose]
            if len(holders) != 1:
                problems.append(f"exactly one account must have purpose {purpose!r}; found {holders or 'none'}")
        for tier, key in self.workload_accounts.items():
            if key not in self.accounts:
                problems.append(f"workload_accounts.{tier}: no account {key!r}")
            elif self.accounts[key].purpose != "workloads":
                problems.append(f"workload_accounts.{tier}: account {key!r} has purpose "
                                f"{self.accounts[key].purpose!r}, not 'workloads'")
        if set(self.workload_accounts) != {"production", "non_production"}:
            problems.append("workload_accounts needs both production and non_production")
        for target, scps in self.scp_attachments.items():
            if target != "Root" and target not in ous:
                problems.append(f"scp_attachments: {target!r} is neither Root nor an OU path")
            if len(scps) > MAX_CUSTOM_SCPS_PER_TARGET:
                problems.append(f"scp_attachments.{target}: {len(scps)} policies; AWS allows "
                                f"{MAX_CUSTOM_SCPS_PER_TARGET} besides FullAWSAccess")
            if len(set(scps)) != len(scps):
                problems.append(f"scp_attachments.{target} has duplicates")
        if self.backup.ou not in ous:
            problems.append(f"backup.ou {self.backup.ou!r} is not in organizational_units")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def account_key(self, purpose: AccountPurpose) -> str:
        """The slug of the (single) account with a core purpose."""
        return next(k for k, a in self.accounts.items() if a.purpose == purpose)

    def workload_account(self, production: bool) -> str:
        return self.workload_accounts["production" if production else "non_production"]


# -- logging and security tooling ------------------------------------------------------------------

class Logging(_Strict):
    cloudwatch_retention_days: Literal[90, 180, 365, 400, 545, 731, 1096, 1827, 2557, 3653] = Field(
        default=400, description="Optional. Default retention of CloudWatch log groups (a value CloudWatch accepts).",
    )
    archive_after_days: int = Field(default=90, ge=30, le=3650,
                                    description="Optional. Days before archived logs move to Glacier storage.")
    expire_after_days: int = Field(default=2557, ge=365, le=36500,
                                   description="Optional. Days logs are kept in the archive (default 7 years).")
    object_lock_days: int = Field(default=365, ge=1, le=36500,
                                  description="Optional. Object Lock retention of log archive objects (days).")
    object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field(
        default="GOVERNANCE", description="Optional. COMPLIANCE cannot be shortened by anyone, even root.",
    )

    @model_validator(mode="after")
    def _order(self) -> Logging:
        if self.expire_after_days <= self.archive_after_days:
            raise ValueError("expire_after_days must be later than archive_after_days")
        if self.object_lock_days > self.expire_after_days:
            raise ValueError("object_lock_days cannot exceed expire_after_days (locked objects cannot expire)")
        return self


SecurityHubStandard = Literal["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark",
                              "nist-800-53"]


def _default_standards() -> list[SecurityHubStandard]:
    return ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark"]


class Security(_Strict):
    guardduty: bool = Field(default=True, description="Optional. GuardDuty in every account, administered by audit.")
    security_hub_standards: list[SecurityHubStandard] = Field(
        default_factory=_default_standards,
        description="Optional. Security Hub standards enabled, administered from the audit account.",
    )
    findings_email: str | None = Field(default=None, pattern=_EMAIL,
                                       description="Optional. Mailbox for high-severity findings.")


# -- identity ------------------------------------------------------------------------------------

PermissionSetName = Literal["platform_admin", "developer", "read_only", "auditor", "billing_viewer"]


class Assignment(_Strict):
    group: str = Field(min_length=1, max_length=128, description="Required. Identity Center group display name.")
    permission_set: PermissionSetName = Field(description="Required. Which permission set the group gets.")
    accounts: list[str] = Field(min_length=1, description="Required. Account slugs, or `all`.")


class GitHub(_Strict):
    organisation: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$",
                              description="Required. GitHub organisation that runs the pipelines.")
    repository: str = Field(pattern=r"^[A-Za-z0-9._-]{1,100}$",
                            description="Required. Repository holding this landing zone and the manifests.")


class Identity(_Strict):
    session_duration_hours: int = Field(default=8, ge=1, le=12,
                                        description="Optional. Identity Center session length.")
    assignments: list[Assignment] = Field(default_factory=list,
                                          description="Optional. Group → permission set → accounts.")
    github: GitHub = Field(description="Required. Where CI runs; its OIDC tokens assume the plan/apply roles.")
    break_glass_principals: list[str] = Field(
        default_factory=list,
        description="Optional. ARNs allowed to assume the break-glass role (with MFA); "
        "empty: the management account's root only.",
    )


# -- networking hub --------------------------------------------------------------------------------

class ResolverRule(_Strict):
    domain: str = Field(
        pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$", description="Required. Domain forwarded, e.g. `corp.example.gov.uk`."
    )
    target_ips: list[str] = Field(min_length=1, max_length=6, description="Required. DNS servers it goes to.")

    @field_validator("target_ips")
    @classmethod
    def _ips(cls, value: list[str]) -> list[str]:
        for ip in value:
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                raise ValueError(f"{ip!r} is not an IP address") from None
        return value


class Hub(_Strict):
    egress_cidr: str = Field(default="10.63.0.0/22", description="Optional. CIDR of the central egress VPC.")
    transit_gateway_asn: int = Field(default=64512, ge=64512, le=65534, description="Optional. Private ASN of the TGW.")
    nat_gateways: Literal["one_per_az", "single"] = Field(
        default="one_per_az", description="Optional. `single` saves about $70/month per AZ at the cost of resilience.",
    )
    network_firewall: bool = Field(default=False, description="Optional. Inspect egress with AWS Network Firewall.")
    allowed_egress_domains: list[str] = Field(
        default_factory=list,
        description="Optional. With the firewall: the only domains HTTPS egress may reach (empty: allow all).",
    )

    @field_validator("egress_cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        return _private_cidr(value)


class Dns(_Strict):
    private_zone: str = Field(pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$",
                              description="Required. Private hosted zone shared by spokes, e.g. `aws.ebc.internal`.")
    resolver_rules: list[ResolverRule] = Field(default_factory=list,
                                               description="Optional. Domains forwarded to on-premises DNS.")


# -- cost controls ---------------------------------------------------------------------------------

class Cost(_Strict):
    alert_emails: list[str] = Field(min_length=1, description="Required. Who gets budget and anomaly alerts.")
    thresholds_percent: list[int] = Field(default_factory=lambda: [80, 100], min_length=1,
                                          description="Optional. Alert when actual or forecast spend crosses these.")
    usd_per_gbp: float = Field(default=1.27, gt=0, le=5,
                               description="Optional. Rate turning GBP budgets into AWS budgets (billed in USD).")
    account_budgets_usd: dict[str, float] = Field(default_factory=dict,
                                                  description="Optional. Monthly budget per account slug (USD).")
    anomaly_threshold_usd: float = Field(
        default=100, gt=0, description="Optional. Alert on anomalies above this impact (USD)."
    )

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        bad = [e for e in value if not re.fullmatch(_EMAIL, e)]
        if bad:
            raise ValueError(f"not email addresses: {bad}")
        return value

    @field_validator("thresholds_percent")
    @classmethod
    def _thresholds(cls, value: list[int]) -> list[int]:
        if any(t <= 0 or t > 1000 for t in value) or len(set(value)) != len(value):
            raise ValueError("thresholds must be distinct percentages between 1 and 1000")
        return sorted(value)

    @field_validator("account_budgets_usd")
    @classmethod
    def _budgets(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if v <= 0]
        if bad:
            raise ValueError(f"budgets must be above zero: {bad}")
        return value


def _private_cidr(value: str) -> str:
    try:
        net = ipaddress.ip_network(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a CIDR block: {exc}") from None
    if not net.is_private:
        raise ValueError(f"{value} is not a private (RFC 1918) range")
    return str(net)


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

    hub: Hub = Field(default_factory=Hub, description="Optional. Transit Gateway hub and central egress.")
    dns: Dns = Field(description="Required. Private DNS for spokes.")

    @field_validator("ipam_pool_cidr")
    @classmethod
    def _private_pool(cls, value: str) -> str:
        return _private_cidr(value)

    @model_validator(mode="after")
    def _hub_outside_pool(self) -> Network:
        if ipaddress.ip_network(self.hub.egress_cidr).overlaps(ipaddress.ip_network(self.ipam_pool_cidr)):
            raise ValueError(f"hub.egress_cidr {self.hub.egress_cidr} overlaps ipam_pool_cidr {self.ipam_pool_cidr}")
        return self



class PlatformDefinition(_Strict):
    """The AWS platform definition: organisation, guardrails, logging, identity, network and cost controls."""

    version: Literal[1] = Field(description="Required. Format version of this file; only 1 exists.")
    council: Council = Field(description="Required. Who the platform belongs to.")
    owner: PlatformOwner = Field(description="Required. The platform team.")
    cost_centre: str = Field(
        pattern=COST_CENTRE_PATTERN, max_length=32,
        description="Required. Cost centre that pays for shared platform resources.",
    )
    business_unit: str = Field(pattern=_SLUG, description="Required. Business unit of the platform team.")
    regions: Regions = Field(default_factory=Regions, description="Optional. Region policy.")
    organisation: Organisation = Field(description="Required. OUs, accounts and guardrails (layer 1).")
    logging: Logging = Field(default_factory=Logging, description="Optional. Log archive retention (layer 2).")
    security: Security = Field(default_factory=Security, description="Optional. Security tooling (layer 2).")
    identity: Identity = Field(description="Required. Human and CI identity (layer 3).")
    network: Network = Field(description="Required. Address plan, hub, DNS and spokes (layer 4).")
    cost: Cost = Field(description="Required. Budgets, alerts and cost reporting (layer 5).")
    exceptions: list[PolicyException] = Field(
        default_factory=list,
        description="Optional. The platform's exceptions register: approved, time-limited waivers of policy "
        "findings in the platform layers, shaped like a manifest's; `environments` names layer stacks "
        "(e.g. `platform-aws-cost`), empty means every layer.",
    )

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: Regions) -> Regions:
        outside = [r for r in value.allowed if r not in UK_REGIONS["aws"] and not r.startswith("eu-")]
        if outside:
            raise ValueError(f"regions outside the UK/EU are not allowed for council data: {outside}")
        return value

    @model_validator(mode="after")
    def _accounts_known(self) -> PlatformDefinition:
        known = set(self.organisation.accounts)
        problems = []
        for i, a in enumerate(self.identity.assignments):
            unknown = [k for k in a.accounts if k != "all" and k not in known]
            if unknown:
                problems.append(f"identity.assignments[{i}]: unknown accounts {unknown}")
        unknown = [k for k in self.cost.account_budgets_usd if k not in known]
        if unknown:
            problems.append(f"cost.account_budgets_usd: unknown accounts {unknown}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
