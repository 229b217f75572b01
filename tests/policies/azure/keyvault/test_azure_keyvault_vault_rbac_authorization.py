"""azure-keyvault-vault-rbac-authorization: `properties.enableRbacAuthorization` must be true."""

from __future__ import annotations

from azure_policy_fixtures import KEY_VAULT, KEY_VAULT_PROPS, STORAGE_ACCOUNT, changed, without
from policy_harness import violations

from policies.azure.keyvault.vault_rbac_authorization import METADATA, POLICY

MESSAGE = (
    "Key Vault uses access policies: set properties.enableRbacAuthorization to true and grant Key Vault data roles"
)


def test_metadata() -> None:
    assert METADATA.name == "azure-keyvault-vault-rbac-authorization"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, KEY_VAULT, KEY_VAULT_PROPS) == []


def test_access_policies_fail() -> None:
    props = changed(KEY_VAULT_PROPS, "properties.enableRbacAuthorization", False)
    assert violations(POLICY, KEY_VAULT, props) == [MESSAGE]


def test_unset_fails() -> None:
    assert violations(POLICY, KEY_VAULT, without(KEY_VAULT_PROPS, "properties.enableRbacAuthorization")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []
