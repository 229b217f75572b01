"""lz-all-instance-sku-allowlist: virtual machine sizes come from the environment's allowlist.

Why: compute is most of a council's cloud bill, and one oversized (or GPU) VM left running costs
more than a small service's annual budget. Non-production environments get burstable and small
general-purpose sizes; production may go up to 16 vCPUs, general-purpose or memory-optimised.
Anything bigger is a conscious, reviewed exception in the manifest (NCSC principle 4, governance).
AWS instance types are checked by the AWS pack; this policy covers the Azure compute types.

Checks the VM size of:
* `azure-native:compute:VirtualMachine` (`hardwareProfile.vmSize`),
* `azure-native:compute:VirtualMachineScaleSet` (`sku.name`),
* `azure-native:containerservice:ManagedCluster` (`agentPoolProfiles[].vmSize`, one message per pool),
* `azure-native:containerservice:AgentPool` (`vmSize`).
The environment comes from the mandatory `environment` tag: `prod`/`production`/`live` use the
production list, anything else (including a missing tag) the non-production list. Sizes are matched
case-insensitively against glob patterns (`Standard_D4s_v*` matches `Standard_D4s_v5`).

Config: `nonprod_allowed_sizes` (default: B-series, D2s/D4s and their AMD `as` variants),
`prod_allowed_sizes` (default: those plus D8s/D16s and E2s-E16s, with `as` variants).

Message: `VM size Standard_D32s_v5 is not allowed in non-production (environment 'dev'); allowed: Standard_B[0-9]*, ...`
(`agent pool 'system' VM size ...` for AKS pools; `environment not set` when the tag is missing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, is_production, plain, resource_policy, tag

VIRTUAL_MACHINE: Final = "azure-native:compute:VirtualMachine"
SCALE_SET: Final = "azure-native:compute:VirtualMachineScaleSet"
MANAGED_CLUSTER: Final = "azure-native:containerservice:ManagedCluster"
AGENT_POOL: Final = "azure-native:containerservice:AgentPool"

DEFAULT_NONPROD: Final = [
    "Standard_B[0-9]*",
    "Standard_D2s_v*",
    "Standard_D4s_v*",
    "Standard_D2as_v*",
    "Standard_D4as_v*",
]
DEFAULT_PROD: Final = [
    *DEFAULT_NONPROD,
    "Standard_D8s_v*",
    "Standard_D16s_v*",
    "Standard_D8as_v*",
    "Standard_D16as_v*",
    "Standard_E2s_v*",
    "Standard_E4s_v*",
    "Standard_E8s_v*",
    "Standard_E16s_v*",
    "Standard_E2as_v*",
    "Standard_E4as_v*",
    "Standard_E8as_v*",
    "Standard_E16as_v*",
]


def _patterns(config: Mapping[str, Any], key: str, default: Sequence[str]) -> list[str]:
    value = config.get(key)
    return [str(v) for v in as_list(value)] if value is not None else list(default)


def _sizes(resource_type: str, props: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(what, size) pairs: `what` prefixes the message ("VM size" or "agent pool 'x' VM size")."""
    if resource_type == VIRTUAL_MACHINE:
        return [("VM size", get(props, "hardwareProfile.vmSize"))]
    if resource_type == SCALE_SET:
        return [("VM size", get(props, "sku.name"))]
    if resource_type == AGENT_POOL:
        return [("VM size", get(props, "vmSize"))]
    pools = []
    for index, pool in enumerate(as_list(get(props, "agentPoolProfiles"))):
        pool = plain(pool)
        if isinstance(pool, Mapping):
            name = get(pool, "name") or f"agentPoolProfiles[{index}]"
            pools.append((f"agent pool '{name}' VM size", get(pool, "vmSize")))
    return pools


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    config = args.get_config()
    production = is_production(props)
    if production:
        allowed = _patterns(config, "prod_allowed_sizes", DEFAULT_PROD)
    else:
        allowed = _patterns(config, "nonprod_allowed_sizes", DEFAULT_NONPROD)
    environment = tag(props, "environment")
    where = (
        f"{'production' if production else 'non-production'} "
        f"({f'environment {environment!r}' if environment else 'environment not set'})"
    )
    for what, size in _sizes(args.resource_type, props):
        if not isinstance(size, str) or not size:
            continue
        if any(fnmatchcase(size.lower(), pattern.lower()) for pattern in allowed):
            continue
        report(f"{what} {size} is not allowed in {where}; allowed: {', '.join(allowed)}", None)


POLICY, METADATA = resource_policy(
    name="lz-all-instance-sku-allowlist",
    description="Azure VM, scale set and AKS node sizes come from the environment's allowlist.",
    severity="high",
    frameworks=Frameworks(
        ncsc="4",
    ),
    remediation="Choose a size from the allowlist (B-series or D2s/D4s outside production; up to D16s/E16s in "
    "production), or record an approved exception in the manifest for a larger size.",
    resource_types=(VIRTUAL_MACHINE, SCALE_SET, MANAGED_CLUSTER, AGENT_POOL),
    validate=_validate,
    topics=("cost", "compute"),
    config_schema=PolicyConfigSchema(
        properties={
            "nonprod_allowed_sizes": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": DEFAULT_NONPROD,
                "description": "Glob patterns of VM sizes allowed outside production.",
            },
            "prod_allowed_sizes": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": DEFAULT_PROD,
                "description": "Glob patterns of VM sizes allowed in production.",
            },
        },
    ),
    config_defaults={"nonprod_allowed_sizes": DEFAULT_NONPROD, "prod_allowed_sizes": DEFAULT_PROD},
)
