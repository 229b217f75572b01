"""Deterministic physical names: `{prefix}-{env}-{region_code}-{abbr}-{name}`.

One function, `physical_name`, names every platform and service resource on both clouds, e.g.
`bcc-prod-euw2-s3-housing-repairs-files`. The same inputs always give the same name: no random
suffixes, so a name is known before deployment, can be referenced across stacks, and a re-run never
replaces a resource because its name changed.

Each resource kind has a rule (`NAME_RULES`) taken from the clouds' own naming limits: AWS service
quotas and API references, and Azure's "Naming rules and restrictions for Azure resources", with the
Cloud Adoption Framework (CAF) abbreviations for Azure. When the composed name is longer than the
kind allows it is shortened deterministically: truncated, then suffixed with the first 6 hex
characters of the SHA-256 of the full (hyphenated, untruncated) name, so two long names that share a
prefix still differ. Kinds that allow no hyphens (storage accounts, container registries) have them
removed; note that this can make two inputs that differ only in hyphen placement collide.

No Pulumi imports: this module is pure and cheap to import anywhere (CLI, planner, tests).
See docs/adr/0003-naming.md.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from lz.regions import CLOUDS, KNOWN_REGIONS, REGION_CODES, Cloud

#: Council short code, e.g. `bcc`: starts with a letter, lowercase letters and digits, 2-8 characters.
PREFIX_RE: Final = re.compile(r"[a-z][a-z0-9]{1,7}")
#: Environment in names: a lowercase slug of at most 10 characters, e.g. `prod`, `dev`, `pre-prod`.
ENV_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ENV_MAX_LENGTH: Final = 10
#: The caller's part of the name: a lowercase slug (letters, digits, single hyphens).
NAME_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DIGEST_LENGTH: Final = 6


class InvalidName(ValueError):
    """Inputs from which no valid name for the kind can ever be made."""


@dataclass(frozen=True, kw_only=True)
class NameRule:
    """What one kind of resource accepts as a name, and the abbreviation it gets in ours."""

    cloud: Cloud
    """Required. `aws` or `azure`."""
    kind: str
    """Required. The key callers pass to `physical_name`, e.g. `storage_account`."""
    abbr: str
    """Required. Abbreviation in the name (Azure: CAF's; AWS: the toolkit's own)."""
    resource: str
    """Required. Human name of the resource, for messages and docs."""
    type_token: str
    """Required. Pulumi type token of the resource the name is for."""
    min_len: int
    """Required. Minimum length of the whole name (including `fixed_prefix`)."""
    max_len: int
    """Required. Maximum length of the whole name (including `fixed_prefix`)."""
    pattern: str
    """Required. Regex the name (after `fixed_prefix`) must match in full: the cloud's rule."""
    chars: str
    """Required. The cloud's character rule in words, for docs and messages."""
    lowercase: bool
    """Required. True when the cloud only accepts lowercase (the toolkit always generates lowercase)."""
    hyphens: bool
    """Required. False when hyphens are not allowed: they are removed from generated names."""
    scope: str
    """Required. Where the name must be unique, e.g. `global`, `account+region`, `resource group`."""
    no_double_hyphen: bool = False
    """Optional. True when `--` is not allowed."""
    fixed_prefix: str = ""
    """Optional. Literal the name must start with (`alias/` for KMS aliases)."""
    forbidden_prefixes: tuple[str, ...] = ()
    """Optional. Prefixes the cloud reserves."""
    forbidden_suffixes: tuple[str, ...] = ()
    """Optional. Suffixes the cloud reserves."""
    note: str = ""
    """Optional. Anything else worth knowing about the name."""


# Character classes used by several rules.
_ALNUM_HYPHEN_EDGES = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"  # alnum and hyphens, alnum at both ends
_LOWER_HYPHEN_EDGES = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_ALNUM_HYPHEN_EDGES_CHARS = "letters, digits and hyphens; start and end with a letter or digit"
_AZURE_NETWORK = r"[a-zA-Z0-9](?:[\w.-]*\w)?"
_AZURE_NETWORK_CHARS = (
    "letters, digits, '_', '.', '-'; start with a letter or digit; end with a letter, digit or '_'"
)
_AWS_TAG_VALUE = r"[\w .:/=+\-@]+"  # resources whose "name" is their Name tag


# The table reads best one rule per block, so the formatter is kept off it.
# fmt: off
_AWS_RULES: Final[tuple[NameRule, ...]] = (
    NameRule(
        cloud="aws", kind="s3_bucket", abbr="s3", resource="S3 bucket", type_token="aws:s3/bucket:Bucket",
        min_len=3, max_len=63, pattern=r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?",
        chars="lowercase letters, digits and hyphens; start and end with a letter or digit "
        "(dots are legal but break virtual-host TLS, so the toolkit never uses them)",
        lowercase=True, hyphens=True, scope="global",
        forbidden_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
        forbidden_suffixes=("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"),
    ),
    NameRule(
        cloud="aws", kind="rds_instance", abbr="rds", resource="RDS DB instance identifier",
        type_token="aws:rds/instance:Instance", min_len=1, max_len=63, pattern=r"[a-zA-Z][a-zA-Z0-9-]*",
        chars="letters, digits and hyphens; start with a letter; no '--'; must not end with a hyphen",
        lowercase=True, hyphens=True, scope="account+region", no_double_hyphen=True,
        forbidden_suffixes=("-",), note="stored lowercase by RDS",
    ),
    NameRule(
        cloud="aws", kind="rds_cluster", abbr="rdsc", resource="RDS/Aurora DB cluster identifier",
        type_token="aws:rds/cluster:Cluster", min_len=1, max_len=63, pattern=r"[a-zA-Z][a-zA-Z0-9-]*",
        chars="letters, digits and hyphens; start with a letter; no '--'; must not end with a hyphen",
        lowercase=True, hyphens=True, scope="account+region", no_double_hyphen=True,
        forbidden_suffixes=("-",), note="stored lowercase by RDS",
    ),
    NameRule(
        cloud="aws", kind="kms_alias", abbr="kms", resource="KMS key alias", type_token="aws:kms/alias:Alias",
        min_len=7, max_len=256, pattern=r"[a-zA-Z0-9/_-]+", fixed_prefix="alias/",
        chars="'alias/' then up to 250 letters, digits, '/', '_' and '-'",
        lowercase=False, hyphens=True, scope="account+region", forbidden_prefixes=("alias/aws/",),
    ),
    NameRule(
        cloud="aws", kind="iam_role", abbr="iam", resource="IAM role", type_token="aws:iam/role:Role",
        min_len=1, max_len=64, pattern=r"[\w+=,.@-]+",
        chars="letters, digits and + = , . @ _ -", lowercase=False, hyphens=True, scope="account",
        note="unique case-insensitively within the account",
    ),
    NameRule(
        cloud="aws", kind="security_group", abbr="sg", resource="VPC security group",
        type_token="aws:ec2/securityGroup:SecurityGroup", min_len=1, max_len=255,
        pattern=r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+",
        chars="letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *",
        lowercase=False, hyphens=True, scope="vpc", forbidden_prefixes=("sg-",),
    ),
    NameRule(
        cloud="aws", kind="vpc", abbr="vpc", resource="VPC (Name tag)", type_token="aws:ec2/vpc:Vpc",
        min_len=1, max_len=256, pattern=_AWS_TAG_VALUE, chars="tag value characters",
        lowercase=False, hyphens=True, scope="none (a tag)",
    ),
    NameRule(
        cloud="aws", kind="subnet", abbr="sub", resource="VPC subnet (Name tag)",
        type_token="aws:ec2/subnet:Subnet", min_len=1, max_len=256, pattern=_AWS_TAG_VALUE,
        chars="tag value characters", lowercase=False, hyphens=True, scope="none (a tag)",
    ),
    NameRule(
        cloud="aws", kind="transit_gateway", abbr="tgw", resource="Transit gateway (Name tag)",
        type_token="aws:ec2transitgateway/transitGateway:TransitGateway", min_len=1, max_len=256,
        pattern=_AWS_TAG_VALUE, chars="tag value characters", lowercase=False, hyphens=True,
        scope="none (a tag)",
    ),
    NameRule(
        cloud="aws", kind="log_group", abbr="lg", resource="CloudWatch log group",
        type_token="aws:cloudwatch/logGroup:LogGroup", min_len=1, max_len=512, pattern=r"[\w\-/.#]+",
        chars="letters, digits and _ - / . #", lowercase=False, hyphens=True, scope="account+region",
    ),
    NameRule(
        cloud="aws", kind="secret", abbr="sm", resource="Secrets Manager secret",
        type_token="aws:secretsmanager/secret:Secret", min_len=1, max_len=512, pattern=r"[\w/+=.@-]+",
        chars="letters, digits and / _ + = . @ -", lowercase=False, hyphens=True, scope="account+region",
        note="AWS advises against ending a secret name with '-' and six characters (confuses partial ARNs); "
        "pick a last name segment that is not six characters long",
    ),
    NameRule(
        cloud="aws", kind="cloudfront_distribution", abbr="cf", resource="CloudFront distribution (comment)",
        type_token="aws:cloudfront/distribution:Distribution", min_len=1, max_len=128,
        pattern=_AWS_TAG_VALUE, chars="free text; the toolkit uses it as the distribution comment",
        lowercase=False, hyphens=True, scope="none (a comment)",
    ),
    NameRule(
        cloud="aws", kind="sns_topic", abbr="sns", resource="SNS topic", type_token="aws:sns/topic:Topic",
        min_len=1, max_len=256, pattern=r"[a-zA-Z0-9_-]+", chars="letters, digits, '_' and '-'",
        lowercase=False, hyphens=True, scope="account+region", note="FIFO topics add '.fifo' (not generated)",
    ),
    NameRule(
        cloud="aws", kind="sqs_queue", abbr="sqs", resource="SQS queue", type_token="aws:sqs/queue:Queue",
        min_len=1, max_len=80, pattern=r"[a-zA-Z0-9_-]+", chars="letters, digits, '_' and '-'",
        lowercase=False, hyphens=True, scope="account+region", note="FIFO queues add '.fifo' (not generated)",
    ),
    NameRule(
        cloud="aws", kind="lambda_function", abbr="lambda", resource="Lambda function",
        type_token="aws:lambda/function:Function", min_len=1, max_len=64, pattern=r"[a-zA-Z0-9_-]+",
        chars="letters, digits, '_' and '-'", lowercase=False, hyphens=True, scope="account+region",
    ),
    NameRule(
        cloud="aws", kind="ecr_repository", abbr="ecr", resource="ECR repository",
        type_token="aws:ecr/repository:Repository", min_len=2, max_len=256,
        pattern=r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*",
        chars="lowercase letters and digits separated by single . _ - or /",
        lowercase=True, hyphens=True, scope="account+region",
    ),
    NameRule(
        cloud="aws", kind="load_balancer", abbr="lb", resource="Elastic load balancer (ALB/NLB)",
        type_token="aws:lb/loadBalancer:LoadBalancer", min_len=1, max_len=32, pattern=_ALNUM_HYPHEN_EDGES,
        chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="account+region", forbidden_prefixes=("internal-",),
    ),
    NameRule(
        cloud="aws", kind="target_group", abbr="tg", resource="ELB target group",
        type_token="aws:lb/targetGroup:TargetGroup", min_len=1, max_len=32, pattern=_ALNUM_HYPHEN_EDGES,
        chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="account+region",
    ),
    NameRule(
        cloud="aws", kind="dynamodb_table", abbr="ddb", resource="DynamoDB table",
        type_token="aws:dynamodb/table:Table", min_len=3, max_len=255, pattern=r"[a-zA-Z0-9_.-]+",
        chars="letters, digits, '_', '.' and '-'", lowercase=False, hyphens=True, scope="account+region",
    ),
    NameRule(
        cloud="aws", kind="cloudtrail_trail", abbr="ct", resource="CloudTrail trail",
        type_token="aws:cloudtrail/trail:Trail", min_len=3, max_len=128,
        pattern=r"[a-zA-Z0-9]+(?:[._-][a-zA-Z0-9]+)*",
        chars="letters, digits, '.', '_' and '-'; start and end with a letter or digit; no adjacent . _ -",
        lowercase=False, hyphens=True, scope="account+region", no_double_hyphen=True,
    ),
)

_AZURE_RULES: Final[tuple[NameRule, ...]] = (
    NameRule(
        cloud="azure", kind="resource_group", abbr="rg", resource="Resource group",
        type_token="azure-native:resources:ResourceGroup", min_len=1, max_len=90,
        pattern=r"[\w.()-]*[\w()-]", chars="letters, digits, '_', '-', '.', '(' and ')'; not ending in '.'",
        lowercase=False, hyphens=True, scope="subscription",
    ),
    NameRule(
        cloud="azure", kind="storage_account", abbr="st", resource="Storage account",
        type_token="azure-native:storage:StorageAccount", min_len=3, max_len=24, pattern=r"[a-z0-9]+",
        chars="lowercase letters and digits only", lowercase=True, hyphens=False, scope="global",
    ),
    NameRule(
        cloud="azure", kind="key_vault", abbr="kv", resource="Key vault",
        type_token="azure-native:keyvault:Vault", min_len=3, max_len=24,
        pattern=r"[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?",
        chars="letters, digits and hyphens; start with a letter; end with a letter or digit; no '--'",
        lowercase=False, hyphens=True, scope="global", no_double_hyphen=True,
    ),
    NameRule(
        cloud="azure", kind="virtual_network", abbr="vnet", resource="Virtual network",
        type_token="azure-native:network:VirtualNetwork", min_len=2, max_len=64, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="subnet", abbr="snet", resource="Subnet",
        type_token="azure-native:network:Subnet", min_len=1, max_len=80, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="virtual network",
    ),
    NameRule(
        cloud="azure", kind="network_security_group", abbr="nsg", resource="Network security group",
        type_token="azure-native:network:NetworkSecurityGroup", min_len=1, max_len=80, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="route_table", abbr="rt", resource="Route table",
        type_token="azure-native:network:RouteTable", min_len=1, max_len=80, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="public_ip", abbr="pip", resource="Public IP address",
        type_token="azure-native:network:PublicIPAddress", min_len=1, max_len=80, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="private_endpoint", abbr="pep", resource="Private endpoint",
        type_token="azure-native:network:PrivateEndpoint", min_len=2, max_len=64, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="application_gateway", abbr="agw", resource="Application gateway",
        type_token="azure-native:network:ApplicationGateway", min_len=1, max_len=80, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="firewall", abbr="afw", resource="Azure Firewall",
        type_token="azure-native:network:AzureFirewall", min_len=1, max_len=80, pattern=_AZURE_NETWORK,
        chars=_AZURE_NETWORK_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="log_analytics_workspace", abbr="log", resource="Log Analytics workspace",
        type_token="azure-native:operationalinsights:Workspace", min_len=4, max_len=63,
        pattern=_ALNUM_HYPHEN_EDGES, chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="application_insights", abbr="appi", resource="Application Insights component",
        type_token="azure-native:applicationinsights:Component", min_len=1, max_len=255,
        pattern=r"[^%&\\?/]*[^%&\\?/. ]", chars="anything but % & \\ ? /; not ending in '.' or space",
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="postgresql_flexible_server", abbr="psql",
        resource="Azure Database for PostgreSQL flexible server",
        type_token="azure-native:dbforpostgresql:Server", min_len=3, max_len=63, pattern=_LOWER_HYPHEN_EDGES,
        chars="lowercase letters, digits and hyphens; not starting or ending with a hyphen",
        lowercase=True, hyphens=True, scope="global",
    ),
    NameRule(
        cloud="azure", kind="sql_server", abbr="sql", resource="Azure SQL logical server",
        type_token="azure-native:sql:Server", min_len=1, max_len=63, pattern=_LOWER_HYPHEN_EDGES,
        chars="lowercase letters, digits and hyphens; not starting or ending with a hyphen",
        lowercase=True, hyphens=True, scope="global",
    ),
    NameRule(
        cloud="azure", kind="sql_database", abbr="sqldb", resource="Azure SQL database",
        type_token="azure-native:sql:Database", min_len=1, max_len=128,
        pattern=r"[^<>*%&:\\/?]*[^<>*%&:\\/?. ]",
        chars="anything but < > * % & : \\ / ?; not ending in '.' or space",
        lowercase=False, hyphens=True, scope="server",
    ),
    NameRule(
        cloud="azure", kind="cosmos_account", abbr="cosmos", resource="Azure Cosmos DB account",
        type_token="azure-native:cosmosdb:DatabaseAccount", min_len=3, max_len=44,
        pattern=_LOWER_HYPHEN_EDGES,
        chars="lowercase letters, digits and hyphens; start and end with a letter or digit",
        lowercase=True, hyphens=True, scope="global",
    ),
    NameRule(
        cloud="azure", kind="app_service_plan", abbr="asp", resource="App Service plan",
        type_token="azure-native:web:AppServicePlan", min_len=1, max_len=60, pattern=r"[a-zA-Z0-9-]+",
        chars="letters, digits and hyphens", lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="web_app", abbr="app", resource="App Service web app",
        type_token="azure-native:web:WebApp", min_len=2, max_len=60, pattern=_ALNUM_HYPHEN_EDGES,
        chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="global",
    ),
    NameRule(
        cloud="azure", kind="function_app", abbr="func", resource="Function app",
        type_token="azure-native:web:WebApp", min_len=2, max_len=60, pattern=_ALNUM_HYPHEN_EDGES,
        chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="global", note="a web app with kind 'functionapp'",
    ),
    NameRule(
        cloud="azure", kind="front_door_profile", abbr="afd", resource="Front Door Standard/Premium profile",
        type_token="azure-native:cdn:Profile", min_len=1, max_len=260, pattern=_ALNUM_HYPHEN_EDGES,
        chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="cdn_profile", abbr="cdnp", resource="CDN profile",
        type_token="azure-native:cdn:Profile", min_len=1, max_len=260, pattern=_ALNUM_HYPHEN_EDGES,
        chars=_ALNUM_HYPHEN_EDGES_CHARS,
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="container_registry", abbr="cr", resource="Container registry",
        type_token="azure-native:containerregistry:Registry", min_len=5, max_len=50, pattern=r"[a-zA-Z0-9]+",
        chars="letters and digits only", lowercase=False, hyphens=False, scope="global",
    ),
    NameRule(
        cloud="azure", kind="user_assigned_identity", abbr="id", resource="User-assigned managed identity",
        type_token="azure-native:managedidentity:UserAssignedIdentity", min_len=3, max_len=128,
        pattern=r"[a-zA-Z0-9][a-zA-Z0-9_-]*",
        chars="letters, digits, '_' and '-'; start with a letter or digit",
        lowercase=False, hyphens=True, scope="resource group",
    ),
    NameRule(
        cloud="azure", kind="service_bus_namespace", abbr="sbns", resource="Service Bus namespace",
        type_token="azure-native:servicebus:Namespace", min_len=6, max_len=50,
        pattern=r"[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]",
        chars="letters, digits and hyphens; start with a letter; end with a letter or digit",
        lowercase=False, hyphens=True, scope="global", forbidden_suffixes=("-sb", "-mgmt"),
    ),
    NameRule(
        cloud="azure", kind="event_hubs_namespace", abbr="evhns", resource="Event Hubs namespace",
        type_token="azure-native:eventhub:Namespace", min_len=6, max_len=50,
        pattern=r"[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]",
        chars="letters, digits and hyphens; start with a letter; end with a letter or digit",
        lowercase=False, hyphens=True, scope="global",
    ),
    NameRule(
        cloud="azure", kind="redis_cache", abbr="redis", resource="Azure Cache for Redis",
        type_token="azure-native:redis:Redis", min_len=1, max_len=63, pattern=_ALNUM_HYPHEN_EDGES,
        chars="letters, digits and hyphens; start and end with a letter or digit; no '--'",
        lowercase=False, hyphens=True, scope="global", no_double_hyphen=True,
    ),
    NameRule(
        cloud="azure", kind="recovery_services_vault", abbr="rsv", resource="Recovery Services vault",
        type_token="azure-native:recoveryservices:Vault", min_len=2, max_len=50,
        pattern=r"[a-zA-Z][a-zA-Z0-9-]*",
        chars="letters, digits and hyphens; start with a letter", lowercase=False, hyphens=True,
        scope="resource group",
    ),
)

# fmt: on

#: Every naming rule, per cloud then kind. Exported for generated docs.
NAME_RULES: Final[Mapping[Cloud, Mapping[str, NameRule]]] = MappingProxyType({
    "aws": MappingProxyType({rule.kind: rule for rule in _AWS_RULES}),
    "azure": MappingProxyType({rule.kind: rule for rule in _AZURE_RULES}),
})


def check_name(rule: NameRule, name: str) -> list[str]:
    """Every way `name` breaks `rule` (empty when the cloud would accept it)."""
    problems: list[str] = []
    if not (rule.min_len <= len(name) <= rule.max_len):
        problems.append(
            f"is {len(name)} characters long; {rule.resource} names are {rule.min_len}-{rule.max_len}"
        )
    if not name.startswith(rule.fixed_prefix):
        problems.append(f"must start with '{rule.fixed_prefix}'")
    body = name[len(rule.fixed_prefix) :] if name.startswith(rule.fixed_prefix) else name
    # ASCII only: the clouds' "alphanumeric" means a-z, A-Z, 0-9, not any Unicode letter.
    if re.fullmatch(rule.pattern, body, flags=re.ASCII) is None:
        problems.append(f"has characters or a shape {rule.resource} names do not allow ({rule.chars})")
    if rule.lowercase and name != name.lower():
        problems.append("must be lowercase")
    if not rule.hyphens and "-" in body:
        problems.append("must not contain hyphens")
    if rule.no_double_hyphen and "--" in body:
        problems.append("must not contain '--'")
    problems += [f"must not start with '{p}'" for p in rule.forbidden_prefixes if name.startswith(p)]
    problems += [f"must not end with '{s}'" for s in rule.forbidden_suffixes if name.endswith(s)]
    return problems


def name_rule(cloud: str, kind: str) -> NameRule:
    """The rule for a kind; unknown clouds and kinds are an `InvalidName` with a suggestion."""
    rules = next((r for c, r in NAME_RULES.items() if c == cloud), None)
    if rules is None:
        raise InvalidName(f"unknown cloud {cloud!r}; expected one of: {', '.join(CLOUDS)}")
    rule: NameRule | None = rules.get(kind)
    if rule is None:
        close = difflib.get_close_matches(kind, list(rules), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InvalidName(
            f"unknown {cloud} resource kind {kind!r}; {hint}known kinds: {', '.join(sorted(rules))}"
        )
    return rule


def _check_inputs(cloud: Cloud, *, prefix: str, env: str, region: str, name: str) -> str:
    """Validate the caller's parts and return the region code."""
    if PREFIX_RE.fullmatch(prefix) is None:
        raise InvalidName(
            f"prefix {prefix!r} is invalid: use 2-8 lowercase letters and digits, starting with a letter"
        )
    if ENV_RE.fullmatch(env) is None or len(env) > ENV_MAX_LENGTH:
        raise InvalidName(
            f"env {env!r} is invalid: use a lowercase slug of at most {ENV_MAX_LENGTH} characters, "
            "e.g. 'prod'"
        )
    if region not in KNOWN_REGIONS[cloud]:
        raise InvalidName(f"unknown {cloud} region {region!r}; known: {', '.join(KNOWN_REGIONS[cloud])}")
    if not name:
        raise InvalidName("name is empty")
    if NAME_RE.fullmatch(name) is None:
        raise InvalidName(
            f"name {name!r} is invalid: use lowercase letters, digits and single hyphens "
            "(no leading or trailing hyphen)"
        )
    return REGION_CODES[region]


def physical_name(cloud: str, kind: str, *, prefix: str, env: str, region: str, name: str) -> str:
    """The deterministic physical name of a resource, e.g.

    >>> physical_name("aws", "s3_bucket", prefix="bcc", env="prod", region="eu-west-2",
    ...               name="housing-repairs-files")
    'bcc-prod-euw2-s3-housing-repairs-files'
    >>> physical_name("azure", "storage_account", prefix="bcc", env="prod", region="uksouth", name="repairs")
    'bccproduksstrepairs'

    Too-long names are truncated and end with a 6-hex-digit SHA-256 digest of the full name.
    Raises `InvalidName` for inputs that can never give a valid name.
    """
    rule = name_rule(cloud, kind)
    code = _check_inputs(rule.cloud, prefix=prefix, env=env, region=region, name=name)
    full = "-".join((prefix, env, code, rule.abbr, name))
    body = full if rule.hyphens else full.replace("-", "")
    budget = rule.max_len - len(rule.fixed_prefix)
    if len(body) > budget:
        digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
        separator = "-" if rule.hyphens else ""
        body = body[: budget - len(separator) - DIGEST_LENGTH].rstrip("-") + separator + digest
    result = rule.fixed_prefix + body
    problems = check_name(rule, result)
    if problems:
        raise InvalidName(
            f"no valid {rule.resource} name can be made from prefix={prefix!r}, env={env!r}, "
            f"region={region!r}, name={name!r}: {result!r} " + "; ".join(problems)
        )
    return result
