"""azure-web-webapp-ftp-disabled: `siteConfig.ftpsState` Disabled or FtpsOnly."""

from __future__ import annotations

from azure_policy_fixtures import STORAGE_ACCOUNT, WEB_APP, WEB_APP_PROPS, changed, without
from policy_harness import violations

from policies.azure.web.webapp_ftp_disabled import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-web-webapp-ftp-disabled"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, WEB_APP, WEB_APP_PROPS) == []


def test_ftps_only_passes() -> None:
    assert violations(POLICY, WEB_APP, changed(WEB_APP_PROPS, "siteConfig.ftpsState", "FtpsOnly")) == []


def test_plain_ftp_fails() -> None:
    assert violations(POLICY, WEB_APP, changed(WEB_APP_PROPS, "siteConfig.ftpsState", "AllAllowed")) == [
        "Web app accepts plain FTP (siteConfig.ftpsState AllAllowed): set it to Disabled (or FtpsOnly)"
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, WEB_APP, without(WEB_APP_PROPS, "siteConfig.ftpsState")) == [
        "Web app accepts plain FTP (siteConfig.ftpsState not set): set it to Disabled (or FtpsOnly)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []
