"""azure-sql-server-entra-only-authentication: an Azure SQL server accepts Microsoft Entra ID sign-ins only.

Why: SQL authentication means shared passwords that live in connection strings, bypass MFA and
conditional access, and survive staff leaving. With an Entra administrator (a group) and
Entra-only authentication, every login is a named identity the council manages centrally
(NCSC principle 10, CIS Azure 4.1.4).

Checks `azure-native:sql:Server`:
* `administrators` (the Microsoft Entra administrator) must be set;
* `administrators.azureADOnlyAuthentication` must be `true`.

Messages:
* `SQL server has no Microsoft Entra administrator: set administrators (a group's login and sid) with
  azureADOnlyAuthentication true` (on one line);
* `SQL server still allows SQL authentication: set administrators.azureADOnlyAuthentication to true`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

NO_ADMIN: Final = (
    "SQL server has no Microsoft Entra administrator: set administrators (a group's login and sid) "
    "with azureADOnlyAuthentication true"
)
SQL_AUTH: Final = "SQL server still allows SQL authentication: set administrators.azureADOnlyAuthentication to true"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    admin = get(props, "administrators")
    if admin is None or not (get(admin, "login") or get(admin, "sid")):
        report(NO_ADMIN, None)
        return
    if get(admin, "azureADOnlyAuthentication") is not True:
        report(SQL_AUTH, None)


POLICY, METADATA = resource_policy(
    name="azure-sql-server-entra-only-authentication",
    description="Azure SQL servers have a Microsoft Entra administrator and allow Entra ID authentication only.",
    severity="high",
    frameworks=Frameworks(
        ncsc="10",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 4.1.4",
        cyber_essentials="User access control",
        checkov=("CKV2_AZURE_27", "CKV2_AZURE_7"),
    ),
    remediation="Set `administrators=sql.ServerExternalAdministratorArgs(login=<group name>, sid=<group object "
    "id>, principal_type='Group', azure_ad_only_authentication=True)` and leave out the SQL administrator password.",
    resource_types=("azure-native:sql:Server",),
    validate=_validate,
    topics=("database", "identity"),
)
