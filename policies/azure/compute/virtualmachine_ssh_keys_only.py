"""azure-compute-virtualmachine-ssh-keys-only: Linux virtual machines allow SSH key sign-in only.

Why: password sign-in invites brute force and password reuse; SSH keys (or Entra ID sign-in) are
the council's standard for server administration (NCSC principle 10, Cyber Essentials "Secure
configuration": change default and weak authentication).

Checks `azure-native:compute:VirtualMachine` resources that are provisioned as Linux (an
`osProfile` with `linuxConfiguration`, or `storageProfile.osDisk.osType: Linux`):
`osProfile.linuxConfiguration.disablePasswordAuthentication` must be `true`. Windows VMs and VMs
without an `osProfile` (created from a specialised disk) are not judged.

Message: `Linux VM allows password authentication: set osProfile.linuxConfiguration.disablePasswordAuthentication to
true and use SSH keys` (on one line)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

MESSAGE: Final = (
    "Linux VM allows password authentication: "
    "set osProfile.linuxConfiguration.disablePasswordAuthentication to true and use SSH keys"
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "osProfile") is None:
        return
    linux = (
        get(props, "osProfile.linuxConfiguration") is not None or get(props, "storageProfile.osDisk.osType") == "Linux"
    )
    if linux and get(props, "osProfile.linuxConfiguration.disablePasswordAuthentication") is not True:
        report(MESSAGE, None)


POLICY, METADATA = resource_policy(
    name="azure-compute-virtualmachine-ssh-keys-only",
    description="Linux virtual machines disable password authentication.",
    severity="high",
    frameworks=Frameworks(
        ncsc="10",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_1", "CKV_AZURE_149", "CKV_AZURE_178"),
    ),
    remediation="Set `os_profile=compute.OSProfileArgs(linux_configuration=compute.LinuxConfigurationArgs("
    "disable_password_authentication=True, ssh=...), ...)` and leave out `admin_password`.",
    resource_types=("azure-native:compute:VirtualMachine",),
    validate=_validate,
    topics=("compute", "identity"),
)
