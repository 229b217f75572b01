"""Entry point of the council-lz policy pack: `pulumi preview --policy-pack policies`.

The Pulumi CLI starts the pack through `pulumi-analyzer-policy-python`, which runs
`python -m pulumi.policy <engine> policies/`; that calls `runpy.run_path("policies/",
run_name="__main__")`, so this file runs with `__name__ == "__main__"` and `main()` starts the
analyzer. `PolicyPack(...)` starts a gRPC server and never returns, so nothing else may call it:
importing this file (tests do, with another run name) builds nothing and starts nothing.

The policies come from `policies.pack` (every policy file, selected by metadata), with levels by
severity and the council's overrides from `$LZ_POLICY_CONFIG` (see policies/pack.py). The CLI's own
`--policy-pack-config` is applied on top, as for any pack.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

PACK_DIR = Path(__file__).resolve().parent
ROOT = PACK_DIR.parent

DESCRIPTION = (
    "Council landing zone guardrails for AWS and Azure, mapped to the NCSC cloud security principles, "
    "CIS benchmarks and Cyber Essentials"
)


def _use_repository_root() -> None:
    """Make `policies.*` and `lz.*` importable, and stop the pack directory shadowing packages.

    runpy puts the pack directory itself first on sys.path; its sub-folders (`aws/`, `azure/`,
    `common/`) would then shadow installed top-level packages of the same name, such as the Azure
    SDK's `azure` namespace. The repository root replaces it.
    """
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != PACK_DIR]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def pack_arguments() -> dict[str, Any]:
    """The keyword arguments of the pack's `PolicyPack(...)` call."""
    from pulumi_policy import EnforcementLevel

    from policies import pack

    selected = pack.select()
    return {
        "name": pack.PACK_NAME,
        "policies": [policy for policy, _ in selected],
        # Every policy carries its own level; this only applies to one that does not.
        "enforcement_level": EnforcementLevel.ADVISORY,
        "initial_config": pack.initial_config(selected, pack.load_overrides()),
        "description": DESCRIPTION,
        "display_name": "Council landing zone guardrails",
        "tags": ["aws", "azure", "ncsc", "cis", "cyber-essentials", "uk-public-sector"],
    }


def main() -> None:
    _use_repository_root()
    from pulumi_policy import PolicyPack

    PolicyPack(**pack_arguments())


if __name__ == "__main__":
    main()
