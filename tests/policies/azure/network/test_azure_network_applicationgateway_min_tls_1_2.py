"""azure-network-applicationgateway-min-tls-1-2: modern predefined or TLS 1.2+ custom SSL policies only."""

from __future__ import annotations

from typing import Any

import pytest
from azure_policy_fixtures import APP_GATEWAY, APP_GATEWAY_PROPS, NSG, changed, without
from policy_harness import violations

from policies.azure.network.applicationgateway_min_tls_1_2 import METADATA, POLICY


def _message(problem: str) -> str:
    return (
        f"Application gateway SSL policy allows TLS older than 1.2 ({problem}): use the predefined policy "
        "AppGwSslPolicy20220101 (or AppGwSslPolicy20220101S), or a custom policy with minProtocolVersion TLSv1_2"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-network-applicationgateway-min-tls-1-2"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, APP_GATEWAY, APP_GATEWAY_PROPS) == []


@pytest.mark.parametrize(
    "policy",
    [
        {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101"},
        {"policyType": "Predefined", "policyName": "AppGwSslPolicy20170401S"},
        {"policyName": "AppGwSslPolicy20220101"},
        {
            "policyType": "Custom",
            "minProtocolVersion": "TLSv1_2",
            "cipherSuites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
        },
        {"policyType": "CustomV2", "minProtocolVersion": "TLSv1_3"},
    ],
)
def test_modern_policies_pass(policy: dict[str, Any]) -> None:
    assert violations(POLICY, APP_GATEWAY, changed(APP_GATEWAY_PROPS, "sslPolicy", policy)) == []


def test_old_predefined_policy_fails() -> None:
    props = changed(APP_GATEWAY_PROPS, "sslPolicy.policyName", "AppGwSslPolicy20150501")
    assert violations(POLICY, APP_GATEWAY, props) == [_message("policyName AppGwSslPolicy20150501")]


def test_predefined_without_name_fails() -> None:
    props = without(APP_GATEWAY_PROPS, "sslPolicy.policyName")
    assert violations(POLICY, APP_GATEWAY, props) == [_message("policyName not set")]


def test_custom_policy_with_tls_1_0_fails() -> None:
    props = changed(APP_GATEWAY_PROPS, "sslPolicy", {"policyType": "Custom", "minProtocolVersion": "TLSv1_0"})
    assert violations(POLICY, APP_GATEWAY, props) == [_message("minProtocolVersion TLSv1_0")]


def test_custom_policy_without_minimum_fails() -> None:
    props = changed(APP_GATEWAY_PROPS, "sslPolicy", {"policyType": "CustomV2"})
    assert violations(POLICY, APP_GATEWAY, props) == [_message("minProtocolVersion not set")]


def test_no_ssl_policy_fails() -> None:
    assert violations(POLICY, APP_GATEWAY, without(APP_GATEWAY_PROPS, "sslPolicy")) == [_message("sslPolicy not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, NSG, {}) == []
