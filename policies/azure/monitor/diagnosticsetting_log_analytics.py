"""azure-monitor-diagnosticsetting-log-analytics: diagnostic settings send to a Log Analytics workspace.

Why: the council's security monitoring (Microsoft Sentinel, or the SOC's queries) runs over Log
Analytics; logs archived only to a storage account or streamed only to an event hub are not
searched and raise no alerts (NCSC principle 13, CIS Azure 5.4).

Checks `workspaceId` on `azure-native:monitor:DiagnosticSetting`: it must be set (other
destinations may be added alongside).

Message: `Diagnostic setting does not send to a Log Analytics workspace: set workspaceId to the council's workspace`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = (
    "Diagnostic setting does not send to a Log Analytics workspace: set workspaceId to the council's workspace"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not get(props, "workspaceId"):
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-monitor-diagnosticsetting-log-analytics",
    description="Diagnostic settings deliver logs to a Log Analytics workspace.",
    severity="medium",
    frameworks=Frameworks(
        ncsc="13",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 5.4",
        cyber_essentials="Secure configuration",
    ),
    remediation="Set `workspace_id=<Log Analytics workspace id>` on the diagnostic setting (the storage module "
    "does when given `log_analytics_workspace_id`).",
    resource_types=("azure-native:monitor:DiagnosticSetting",),
    validate=_validate,
    topics=("logging",),
)
