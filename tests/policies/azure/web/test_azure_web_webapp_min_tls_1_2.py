"""azure-web-webapp-min-tls-1-2: the app and, when set, its SCM site require TLS 1.2+."""

from __future__ import annotations

from azure_policy_fixtures import STORAGE_ACCOUNT, WEB_APP, WEB_APP_PROPS, changed, without
from policy_harness import violations

from policies.azure.web.webapp_min_tls_1_2 import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-web-webapp-min-tls-1-2"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, WEB_APP, WEB_APP_PROPS) == []


def test_unset_scm_minimum_passes() -> None:
    assert violations(POLICY, WEB_APP, without(WEB_APP_PROPS, "siteConfig.scmMinTlsVersion")) == []


def test_old_tls_fails() -> None:
    assert violations(POLICY, WEB_APP, changed(WEB_APP_PROPS, "siteConfig.minTlsVersion", "1.0")) == [
        "Web app accepts TLS older than 1.2 (siteConfig.minTlsVersion 1.0): set it to 1.2"
    ]


def test_unset_minimum_fails() -> None:
    assert violations(POLICY, WEB_APP, without(WEB_APP_PROPS, "siteConfig")) == [
        "Web app accepts TLS older than 1.2 (siteConfig.minTlsVersion not set): set it to 1.2"
    ]


def test_old_scm_tls_fails() -> None:
    assert violations(POLICY, WEB_APP, changed(WEB_APP_PROPS, "siteConfig.scmMinTlsVersion", "1.1")) == [
        "Web app deployment (SCM) site accepts TLS older than 1.2 (siteConfig.scmMinTlsVersion 1.1): set it to 1.2"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []
