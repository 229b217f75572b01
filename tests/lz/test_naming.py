"""Deterministic physical names: examples per kind, shortening, bad inputs, and properties."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lz.naming import (
    DIGEST_LENGTH,
    NAME_RULES,
    InvalidName,
    NameRule,
    check_name,
    name_rule,
    physical_name,
)
from lz.regions import KNOWN_REGIONS
from lz.tags import is_taggable

ALL_RULES: list[NameRule] = [rule for rules in NAME_RULES.values() for rule in rules.values()]


def aws(kind: str, name: str, **kw: str) -> str:
    return physical_name("aws", kind, prefix=kw.get("prefix", "bcc"), env=kw.get("env", "prod"),
                         region=kw.get("region", "eu-west-2"), name=name)


def azure(kind: str, name: str, **kw: str) -> str:
    return physical_name("azure", kind, prefix=kw.get("prefix", "bcc"), env=kw.get("env", "prod"),
                         region=kw.get("region", "uksouth"), name=name)


def digest(full: str) -> str:
    return hashlib.sha256(full.encode()).hexdigest()[:DIGEST_LENGTH]


# --- examples ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("s3_bucket", "housing-repairs-files", "bcc-prod-euw2-s3-housing-repairs-files"),
        ("rds_instance", "repairs", "bcc-prod-euw2-rds-repairs"),
        ("rds_cluster", "repairs", "bcc-prod-euw2-rdsc-repairs"),
        ("kms_alias", "repairs", "alias/bcc-prod-euw2-kms-repairs"),
        ("iam_role", "repairs-api", "bcc-prod-euw2-iam-repairs-api"),
        ("security_group", "web", "bcc-prod-euw2-sg-web"),
        ("vpc", "core", "bcc-prod-euw2-vpc-core"),
        ("subnet", "private-a", "bcc-prod-euw2-sub-private-a"),
        ("log_group", "repairs", "bcc-prod-euw2-lg-repairs"),
        ("secret", "db-credentials", "bcc-prod-euw2-sm-db-credentials"),
        ("cloudfront_distribution", "site", "bcc-prod-euw2-cf-site"),
        ("sns_topic", "alerts", "bcc-prod-euw2-sns-alerts"),
        ("sqs_queue", "jobs", "bcc-prod-euw2-sqs-jobs"),
        ("lambda_function", "resize", "bcc-prod-euw2-lambda-resize"),
        ("ecr_repository", "api", "bcc-prod-euw2-ecr-api"),
        ("transit_gateway", "hub", "bcc-prod-euw2-tgw-hub"),
        ("load_balancer", "web", "bcc-prod-euw2-lb-web"),
        ("target_group", "web", "bcc-prod-euw2-tg-web"),
        ("dynamodb_table", "sessions", "bcc-prod-euw2-ddb-sessions"),
        ("cloudtrail_trail", "org", "bcc-prod-euw2-ct-org"),
    ],
)
def test_aws_names(kind: str, name: str, expected: str) -> None:
    assert aws(kind, name) == expected


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("resource_group", "housing-repairs", "bcc-prod-uks-rg-housing-repairs"),
        ("storage_account", "repairs", "bccproduksstrepairs"),  # no hyphens allowed
        ("key_vault", "repairs", "bcc-prod-uks-kv-repairs"),
        ("virtual_network", "hub", "bcc-prod-uks-vnet-hub"),
        ("subnet", "app", "bcc-prod-uks-snet-app"),
        ("network_security_group", "app", "bcc-prod-uks-nsg-app"),
        ("log_analytics_workspace", "platform", "bcc-prod-uks-log-platform"),
        ("postgresql_flexible_server", "repairs", "bcc-prod-uks-psql-repairs"),
        ("sql_server", "finance", "bcc-prod-uks-sql-finance"),
        ("sql_database", "ledger", "bcc-prod-uks-sqldb-ledger"),
        ("cosmos_account", "events", "bcc-prod-uks-cosmos-events"),
        ("web_app", "portal", "bcc-prod-uks-app-portal"),
        ("app_service_plan", "portal", "bcc-prod-uks-asp-portal"),
        ("function_app", "jobs", "bcc-prod-uks-func-jobs"),
        ("public_ip", "agw", "bcc-prod-uks-pip-agw"),
        ("front_door_profile", "web", "bcc-prod-uks-afd-web"),
        ("cdn_profile", "web", "bcc-prod-uks-cdnp-web"),
        ("container_registry", "apps", "bccprodukscrapps"),  # no hyphens allowed
        ("service_bus_namespace", "events", "bcc-prod-uks-sbns-events"),
    ],
)
def test_azure_names(kind: str, name: str, expected: str) -> None:
    assert azure(kind, name) == expected


def test_region_code_follows_the_region() -> None:
    assert azure("resource_group", "dr", region="ukwest") == "bcc-prod-ukw-rg-dr"


# --- shortening --------------------------------------------------------------------------------


def test_long_names_are_truncated_with_a_digest_of_the_full_name() -> None:
    name = "housing-repairs-and-maintenance-contractor-documents-archive"
    full = f"bcc-prod-euw2-s3-{name}"
    assert len(full) > 63
    result = aws("s3_bucket", name)
    assert len(result) == 63
    assert result.endswith("-" + digest(full))
    assert result.startswith("bcc-prod-euw2-s3-housing-repairs")
    assert result == aws("s3_bucket", name)  # deterministic


def test_hyphenless_kinds_are_truncated_without_separator() -> None:
    result = azure("storage_account", "housing-repairs-files")
    assert result == "bccprodukssthousin" + digest("bcc-prod-uks-st-housing-repairs-files")
    assert len(result) == 24


def test_truncation_never_leaves_a_double_hyphen() -> None:
    # The 24-character key vault cut (17 characters + '-' + digest) falls right after "a-".
    result = azure("key_vault", "a-bcdefghij", env="dev")
    assert result == "bcc-dev-uks-kv-a-" + digest("bcc-dev-uks-kv-a-bcdefghij")
    assert "--" not in result and len(result) == 23
    assert check_name(name_rule("azure", "key_vault"), result) == []


def test_kms_alias_budget_excludes_its_fixed_prefix() -> None:
    result = aws("kms_alias", "k" * 300)
    assert result.startswith("alias/bcc-prod-euw2-kms-")
    assert len(result) == 256


def test_distinct_long_names_with_a_shared_start_differ() -> None:
    a = aws("load_balancer", "housing-repairs-frontend")
    b = aws("load_balancer", "housing-repairs-backend")
    assert a != b and len(a) <= 32 and len(b) <= 32


# --- inputs that can never be valid ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "name is empty"),
        ({"name": "Housing_Repairs"}, "name 'Housing_Repairs' is invalid"),
        ({"name": "-repairs"}, "name '-repairs' is invalid"),
        ({"name": "a--b"}, "name 'a--b' is invalid"),
        ({"prefix": "BCC"}, "prefix 'BCC' is invalid"),
        ({"prefix": "b-c"}, "prefix 'b-c' is invalid"),
        ({"prefix": "1bc"}, "prefix '1bc' is invalid"),
        ({"prefix": "b"}, "prefix 'b' is invalid"),
        ({"prefix": "toolongpfx"}, "prefix 'toolongpfx' is invalid"),
        ({"env": "Prod"}, "env 'Prod' is invalid"),
        ({"env": "production-1"}, "env 'production-1' is invalid"),
        ({"region": "uksouth"}, "unknown aws region 'uksouth'"),
        ({"region": "mars-north-1"}, "unknown aws region 'mars-north-1'"),
    ],
)
def test_invalid_inputs(kwargs: dict[str, str], message: str) -> None:
    args = {"prefix": "bcc", "env": "prod", "region": "eu-west-2", "name": "repairs", **kwargs}
    with pytest.raises(InvalidName, match=re.escape(message)):
        physical_name("aws", "s3_bucket", **args)


def test_unknown_kind_suggests_the_closest() -> None:
    expected = "unknown aws resource kind 's3_buckt'; did you mean 's3_bucket'?"
    with pytest.raises(InvalidName, match=re.escape(expected)):
        aws("s3_buckt", "x")
    with pytest.raises(InvalidName, match="unknown azure resource kind 'storage'"):
        azure("storage", "x")


def test_unknown_cloud() -> None:
    with pytest.raises(InvalidName, match="unknown cloud 'gcp'; expected one of: aws, azure"):
        physical_name("gcp", "bucket", prefix="bcc", env="prod", region="europe-west2", name="x")


def test_invalid_name_is_a_value_error() -> None:
    assert issubclass(InvalidName, ValueError)


@pytest.mark.parametrize(
    ("cloud", "kind", "prefix", "name", "reason"),
    [
        ("aws", "security_group", "sg", "web", "must not start with 'sg-'"),
        ("aws", "s3_bucket", "sthree", "files", "must not start with 'sthree-'"),
        ("aws", "s3_bucket", "bcc", "files-s3alias", "must not end with '-s3alias'"),
        ("aws", "load_balancer", "internal", "web", "must not start with 'internal-'"),
        ("azure", "service_bus_namespace", "bcc", "events-sb", "must not end with '-sb'"),
    ],
)
def test_reserved_prefixes_and_suffixes(cloud: str, kind: str, prefix: str, name: str, reason: str) -> None:
    region = "eu-west-2" if cloud == "aws" else "uksouth"
    with pytest.raises(InvalidName, match=re.escape(reason)):
        physical_name(cloud, kind, prefix=prefix, env="prod", region=region, name=name)


# --- the rules table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cloud", "kind", "name", "problems"),
    [
        ("azure", "storage_account", "bcc-prod", ["has characters or a shape Storage account names do not "
                                                   "allow (lowercase letters and digits only)",
                                                   "must not contain hyphens"]),
        ("azure", "storage_account", "ab", ["is 2 characters long; Storage account names are 3-24"]),
        ("azure", "storage_account", "BCCPROD", ["has characters or a shape Storage account names do not "
                                                  "allow (lowercase letters and digits only)",
                                                  "must be lowercase"]),
        ("azure", "key_vault", "1kv", ["has characters or a shape Key vault names do not allow (letters, "
                                       "digits and hyphens; start with a letter; end with a letter or digit; "
                                       "no '--')"]),
        ("azure", "key_vault", "kv--a", ["must not contain '--'"]),
        ("aws", "rds_instance", "db-", ["must not end with '-'"]),
        ("aws", "s3_bucket", "xn--bucket", ["must not start with 'xn--'"]),
        ("aws", "s3_bucket", "my.bucket", ["has characters or a shape S3 bucket names do not allow "
                                           "(lowercase letters, digits and hyphens; start and end with a "
                                           "letter or digit (dots are legal but break virtual-host TLS, "
                                           "so the toolkit never uses them))"]),
        ("aws", "kms_alias", "alias/aws/s3", ["must not start with 'alias/aws/'"]),
        ("aws", "kms_alias", "key", ["is 3 characters long; KMS key alias names are 7-256",
                                     "must start with 'alias/'"]),
        ("aws", "iam_role", "r" * 65, ["is 65 characters long; IAM role names are 1-64"]),
        ("aws", "cloudtrail_trail", "org-.trail", ["has characters or a shape CloudTrail trail names do not "
                                                   "allow (letters, digits, '.', '_' and '-'; start and end "
                                                   "with a letter or digit; no adjacent . _ -)"]),
    ],
)
def test_check_name(cloud: str, kind: str, name: str, problems: list[str]) -> None:
    assert check_name(name_rule(cloud, kind), name) == problems


def test_rules_are_consistent() -> None:
    for cloud, rules in NAME_RULES.items():
        abbreviations = [rule.abbr for rule in rules.values()]
        assert len(abbreviations) == len(set(abbreviations)), cloud
        for kind, rule in rules.items():
            assert rule.kind == kind and rule.cloud == cloud
            assert 1 <= rule.min_len <= rule.max_len
            assert re.fullmatch(r"[a-z][a-z0-9]*", rule.abbr)
            re.compile(rule.pattern)


def test_rule_type_tokens_are_real() -> None:
    # Every rule names a real SDK type: taggable ones are in the generated list, the rest are the few
    # resources that take no tags.
    untaggable = {"aws:kms/alias:Alias", "azure-native:network:Subnet"}
    for rule in ALL_RULES:
        prefix = "aws:" if rule.cloud == "aws" else "azure-native:"
        assert rule.type_token.startswith(prefix), rule.kind
        assert is_taggable(rule.type_token) or rule.type_token in untaggable, rule.type_token


def test_required_azure_caf_abbreviations() -> None:
    abbrs = {rule.kind: rule.abbr for rule in NAME_RULES["azure"].values()}
    for kind, abbr in {
        "resource_group": "rg", "storage_account": "st", "key_vault": "kv", "virtual_network": "vnet",
        "subnet": "snet", "network_security_group": "nsg", "log_analytics_workspace": "log",
        "postgresql_flexible_server": "psql", "sql_server": "sql", "sql_database": "sqldb",
        "cosmos_account": "cosmos", "web_app": "app", "app_service_plan": "asp", "function_app": "func",
        "public_ip": "pip", "front_door_profile": "afd", "cdn_profile": "cdnp",
    }.items():
        assert abbrs[kind] == abbr


# --- properties --------------------------------------------------------------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _slugs(*, segment: tuple[int, int], count: tuple[int, int]) -> st.SearchStrategy[str]:
    """Lowercase slugs: `count` segments of `segment` characters joined by single hyphens."""
    part = st.text(alphabet=_ALNUM, min_size=segment[0], max_size=segment[1])
    return st.lists(part, min_size=count[0], max_size=count[1]).map("-".join)


_slug = _slugs(segment=(1, 12), count=(1, 9))
_long_slug = _slugs(segment=(20, 40), count=(7, 9))
_prefix = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    st.text(alphabet=_ALNUM, min_size=1, max_size=7),
)
_env = _slugs(segment=(1, 4), count=(1, 2))


def _region(rule: NameRule) -> st.SearchStrategy[str]:
    return st.sampled_from(KNOWN_REGIONS[rule.cloud])


@given(data=st.data(), rule=st.sampled_from(ALL_RULES))
def test_every_name_satisfies_its_rule(data: st.DataObject, rule: NameRule) -> None:
    prefix, env, name = data.draw(_prefix), data.draw(_env), data.draw(_slug)
    region = data.draw(_region(rule))
    try:
        result = physical_name(rule.cloud, rule.kind, prefix=prefix, env=env, region=region, name=name)
    except InvalidName as error:
        # The only valid inputs that fail are those that hit a reserved prefix or suffix.
        assert "must not start with" in str(error) or "must not end with" in str(error)
        return
    assert check_name(rule, result) == []
    assert rule.min_len <= len(result) <= rule.max_len
    assert result == result.lower()
    assert result.startswith(rule.fixed_prefix + prefix)
    if not rule.hyphens:
        assert "-" not in result
    assert result == physical_name(rule.cloud, rule.kind, prefix=prefix, env=env, region=region, name=name)


@given(data=st.data(), rule=st.sampled_from(ALL_RULES))
def test_distinct_long_names_give_distinct_results(data: st.DataObject, rule: NameRule) -> None:
    a, b = data.draw(_long_slug), data.draw(_long_slug)
    region = KNOWN_REGIONS[rule.cloud][0]
    if a == b:
        return
    name_a = physical_name(rule.cloud, rule.kind, prefix="bcc", env="prod", region=region, name=a)
    name_b = physical_name(rule.cloud, rule.kind, prefix="bcc", env="prod", region=region, name=b)
    assert name_a != name_b
