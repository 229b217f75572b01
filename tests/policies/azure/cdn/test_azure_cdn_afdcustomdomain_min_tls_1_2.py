"""azure-cdn-afdcustomdomain-min-tls-1-2: TLS12 or TLS13."""

from __future__ import annotations

from azure_policy_fixtures import FD_CUSTOM_DOMAIN, FD_CUSTOM_DOMAIN_PROPS, FD_ROUTE, changed, without
from policy_harness import violations

from policies.azure.cdn.afdcustomdomain_min_tls_1_2 import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-cdn-afdcustomdomain-min-tls-1-2"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, FD_CUSTOM_DOMAIN, FD_CUSTOM_DOMAIN_PROPS) == []


def test_tls_1_3_passes() -> None:
    props = changed(FD_CUSTOM_DOMAIN_PROPS, "tlsSettings.minimumTlsVersion", "TLS13")
    assert violations(POLICY, FD_CUSTOM_DOMAIN, props) == []


def test_tls_1_0_fails() -> None:
    props = changed(FD_CUSTOM_DOMAIN_PROPS, "tlsSettings.minimumTlsVersion", "TLS10")
    assert violations(POLICY, FD_CUSTOM_DOMAIN, props) == [
        "Front Door custom domain accepts TLS older than 1.2 (tlsSettings.minimumTlsVersion TLS10): set it to TLS12"
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, FD_CUSTOM_DOMAIN, without(FD_CUSTOM_DOMAIN_PROPS, "tlsSettings")) == [
        "Front Door custom domain accepts TLS older than 1.2 (tlsSettings.minimumTlsVersion not set): set it to TLS12"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, FD_ROUTE, {}) == []
