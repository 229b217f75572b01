"""azure-dbforpostgresql-server-high-availability-prod: production PostgreSQL flexible servers run
with a standby.

Why: without high availability, a host or zone failure takes a production council service offline
until Azure rebuilds the server. Zone-redundant HA keeps a synchronous standby in another
availability zone (UK South has zones; UK West does not, so `SameZone` is accepted there)
(NCSC principle 2.6).

Checks `azure-native:dbforpostgresql:Server` resources whose `environment` tag is a production
environment: `highAvailability.mode` must be `ZoneRedundant` or `SameZone`. It is advisory, because
HA doubles the compute cost and Burstable servers cannot have it.

Message: `Production PostgreSQL flexible server has no high availability (highAvailability.mode Disabled): set it to
ZoneRedundant (or SameZone in UK West)`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, is_production, resource_policy

HA_MODES: Final = ("ZoneRedundant", "SameZone")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_production(props):
        return
    mode = get(props, "highAvailability.mode")
    if mode not in HA_MODES:
        shown = mode if mode is not None else "not set"
        report(
            f"Production PostgreSQL flexible server has no high availability (highAvailability.mode {shown}): "
            "set it to ZoneRedundant (or SameZone in UK West)",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-dbforpostgresql-server-high-availability-prod",
    description="Production PostgreSQL flexible servers have zone-redundant (or same-zone) high availability.",
    severity="medium",
    frameworks=Frameworks(
        ncsc="2.6",
        cyber_essentials="Secure configuration",
    ),
    remediation="Set `high_availability=dbforpostgresql.HighAvailabilityArgs(mode='ZoneRedundant')` on a "
    "General Purpose or Memory Optimised server.",
    resource_types=("azure-native:dbforpostgresql:Server",),
    validate=_validate,
    topics=("database", "resilience"),
)
