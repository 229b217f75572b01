"""azure-web-webapp-https-only: `httpsOnly` must be true."""

from __future__ import annotations

from azure_policy_fixtures import STORAGE_ACCOUNT, WEB_APP, WEB_APP_PROPS, changed, without
from policy_harness import violations

from policies.azure.web.webapp_https_only import METADATA, POLICY

MESSAGE = "Web app serves plain HTTP: set httpsOnly to true"


def test_metadata() -> None:
    assert METADATA.name == "azure-web-webapp-https-only"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, WEB_APP, WEB_APP_PROPS) == []


def test_http_allowed_fails() -> None:
    assert violations(POLICY, WEB_APP, changed(WEB_APP_PROPS, "httpsOnly", False)) == [MESSAGE]


def test_unset_fails() -> None:
    assert violations(POLICY, WEB_APP, without(WEB_APP_PROPS, "httpsOnly")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []
