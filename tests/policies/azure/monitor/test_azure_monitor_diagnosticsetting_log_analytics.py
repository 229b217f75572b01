"""azure-monitor-diagnosticsetting-log-analytics: a diagnostic setting must send to a workspace."""

from __future__ import annotations

from azure_policy_fixtures import (
    DIAGNOSTIC_SETTING,
    DIAGNOSTIC_SETTING_PROPS,
    STORAGE_ACCOUNT,
    SUB,
    changed,
    without,
)
from policy_harness import violations

from policies.azure.monitor.diagnosticsetting_log_analytics import METADATA, POLICY

MESSAGE = "Diagnostic setting does not send to a Log Analytics workspace: set workspaceId to the council's workspace"
ARCHIVE = f"{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlogarchive"


def test_metadata() -> None:
    assert METADATA.name == "azure-monitor-diagnosticsetting-log-analytics"
    assert METADATA.severity == "medium"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, DIAGNOSTIC_SETTING, DIAGNOSTIC_SETTING_PROPS) == []


def test_workspace_plus_archive_passes() -> None:
    assert violations(POLICY, DIAGNOSTIC_SETTING, changed(DIAGNOSTIC_SETTING_PROPS, "storageAccountId", ARCHIVE)) == []


def test_archive_only_fails() -> None:
    props = changed(without(DIAGNOSTIC_SETTING_PROPS, "workspaceId"), "storageAccountId", ARCHIVE)
    assert violations(POLICY, DIAGNOSTIC_SETTING, props) == [MESSAGE]


def test_empty_workspace_fails() -> None:
    assert violations(POLICY, DIAGNOSTIC_SETTING, changed(DIAGNOSTIC_SETTING_PROPS, "workspaceId", "")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []
