"""RDS policies: DB instances (`aws.rds.Instance`), Aurora / Multi-AZ DB clusters (`aws.rds.Cluster`,
`aws.rds.ClusterInstance`) and their parameter groups.

Read replicas (`replicateSourceDb` set) inherit storage encryption and backups from their source, so
the checks of those settings skip them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from policies.lib import get

INSTANCE: Final = "aws:rds/instance:Instance"
CLUSTER: Final = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE: Final = "aws:rds/clusterInstance:ClusterInstance"


def is_replica(props: Mapping[str, Any]) -> bool:
    return bool(get(props, "replicateSourceDb"))
