"""The estate: every stack of the one root Pulumi project, platform layers first, then services.

A stack's name says what it is: `platform-<cloud>-<layer>` for a platform layer, and
`<service>-<environment>` for a service environment described by `stacks/<service>.yaml`.
`platform/__main__.py` hands the current stack to `run_current_stack`, so `pulumi up -s <stack>`
from the repository root deploys any of them; `lz plan` runs the very same functions offline.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from lz.manifest import ServiceManifest, discover_manifests, validate_paths
from lz.platformdef import PLATFORM_FILE, PlatformDefinition
from lz.problems import InputError, Problem

PROJECT = "council-lz"
StackKindName = Literal["platform", "service"]


@dataclass(frozen=True)
class Layer:
    name: str
    cloud: str
    summary: str
    #: `module:function` of the program; the function takes the platform definition and the manifests.
    program: str
    exports: str
    reads: tuple[str, ...] = ()


#: The platform layers in deployment order (the README's layer table is tested against this).
LAYERS: tuple[Layer, ...] = (
    Layer(
        name="platform-aws-organisation",
        cloud="aws",
        summary="AWS Organizations: OUs, core and workload accounts, service control policies per OU, "
        "the tag policy and the prod backup policy.",
        program="lz.stacks.aws_organisation:run_organisation",
        exports="`organisation` (`id`, `root_id`, `ou_ids`, `account_ids`, `access_role_name`)",
    ),
    Layer(
        name="platform-aws-logging",
        cloud="aws",
        summary="Log archive (KMS, object lock, TLS-only, lifecycle, access logging), organisation CloudTrail, "
        "AWS Config recorders and aggregator, GuardDuty and Security Hub with the audit account as "
        "delegated administrator, access-log buckets and one data key per service environment.",
        program="lz.stacks.aws_logging:run_logging",
        exports="`log_destinations`, `kms_keys` (`logs`, `services.<service>-<env>`), `security`",
        reads=("platform-aws-organisation",),
    ),
    Layer(
        name="platform-aws-identity",
        cloud="aws",
        summary="IAM Identity Center permission sets and group assignments, GitHub Actions OIDC, per-service "
        "plan and apply roles inside a permissions boundary, the break-glass role.",
        program="lz.stacks.aws_identity:run_identity",
        exports="`identity` (`permission_set_arns`, `service_roles`, `break_glass_role_arns`, ...)",
        reads=("platform-aws-organisation",),
    ),
    Layer(
        name="platform-aws-network",
        cloud="aws",
        summary="IPAM, Transit Gateway hub shared through RAM, central egress VPC with NAT (and optional "
        "Network Firewall), Route 53 private zone and resolver rules, one spoke VPC per service "
        "environment that needs a network.",
        program="lz.stacks.aws_network:run_network",
        exports="`network` (`ipam_pool_id`, `transit_gateway_id`, `private_zone_id`, `spokes.<service>-<env>`)",
        # The log archive's ARN is fixed by its deterministic name (aws_common.flow_logs_destination_arn).
        reads=("platform-aws-organisation",),
    ),
    Layer(
        name="platform-aws-cost",
        cloud="aws",
        summary="Cost-allocation tag activation, budgets per cost centre and per account with SNS alerts, "
        "Cost Anomaly Detection, the CUR 2.0 data export auditors' reports read.",
        program="lz.stacks.aws_cost:run_cost",
        exports="`cost` (`alerts_topic_arn`, `budgets`, `anomaly_monitor_arn`, `data_export_arn`)",
        reads=("platform-aws-organisation", "platform-aws-logging"),
    ),
)


@dataclass(frozen=True)
class StackSpec:
    """One deployable stack: what it is, where it comes from and the program that builds it."""

    name: str
    kind: StackKindName
    cloud: str
    source: str
    program: Callable[[], None] = field(repr=False, compare=False)
    config: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Stacks whose outputs this one reads (planned first); the planner also discovers others.
    depends_on: tuple[str, ...] = ()
    #: The module holding the program (its SDK names can be imported early: lz/plan/warm.py).
    module: str = ""


@dataclass
class Estate:
    root: Path
    platform: PlatformDefinition
    manifests: dict[Path, ServiceManifest]

    def specs(self) -> list[StackSpec]:
        out = [self._layer_spec(layer) for layer in LAYERS]
        for path, manifest in sorted(self.manifests.items(), key=lambda kv: kv[1].service):
            for env_name in sorted(manifest.environments, key=_env_order):
                out.append(self._service_spec(path, manifest, env_name))
        return out

    def names(self) -> list[str]:
        return [s.name for s in self.specs()]

    def spec(self, name: str) -> StackSpec:
        for spec in self.specs():
            if spec.name == name:
                return spec
        close = difflib.get_close_matches(name, self.names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"no stack named {name!r} in this estate{hint}; stacks: {', '.join(self.names())}")

    def service_specs(self, manifest_path: Path) -> list[StackSpec]:
        manifest = self.manifests[manifest_path]
        return [s for s in self.specs() if s.kind == "service" and s.metadata["service"] == manifest.service]

    def focused_on(self, manifest_path: Path) -> Estate:
        """The same estate with one manifest only: for a fast verdict on one service's request."""
        return Estate(root=self.root, platform=self.platform,
                      manifests={manifest_path: self.manifests[manifest_path]})

    def _layer_spec(self, layer: Layer) -> StackSpec:
        manifests = list(self.manifests.values())
        platform = self.platform

        def program() -> None:
            import importlib

            module, _, function = layer.program.partition(":")
            getattr(importlib.import_module(module), function)(platform, manifests)

        return StackSpec(
            name=layer.name,
            kind="platform",
            cloud=layer.cloud,
            source=str(PLATFORM_FILE),
            program=program,
            config={"aws:region": self.platform.regions.home},
            depends_on=layer.reads,
            module=layer.program.partition(":")[0],
            metadata={
                "layer": layer.name,
                "summary": layer.summary,
                "region": self.platform.regions.home,
                # The platform's exceptions register; its `environments` name layer stacks.
                "environment": layer.name,
                "exceptions": [
                    {**e.model_dump(mode="json"), "index": i} for i, e in enumerate(self.platform.exceptions)
                ],
            },
        )

    def _service_spec(self, path: Path, manifest: ServiceManifest, env_name: str) -> StackSpec:
        from lz.stacks.service import platform_layers_read, run_service, stack_name

        env = manifest.environments[env_name]

        def program() -> None:
            run_service(manifest, env_name, self.platform)

        config = {"aws:region": env.region} if manifest.cloud == "aws" else {"azure-native:location": env.region}
        try:
            source = str(path.relative_to(self.root))
        except ValueError:
            source = str(path)
        return StackSpec(
            name=stack_name(manifest.service, env_name),
            kind="service",
            cloud=manifest.cloud,
            source=source,
            program=program,
            config=config,
            depends_on=platform_layers_read(manifest),
            module="lz.stacks.service",
            metadata={
                "service": manifest.service,
                "environment": env_name,
                "region": env.region,
                "cloud": manifest.cloud,
                "monthly_budget_gbp": env.monthly_budget_gbp,
                "data_classification": manifest.data_classification,
                "owner": manifest.owner.email,
                "cost_centre": manifest.cost_centre,
                "criticality": manifest.criticality,
                # The exceptions register: waivers the policy gate applies and reports separately.
                "exceptions": [
                    {**e.model_dump(mode="json"), "index": i} for i, e in enumerate(manifest.exceptions)
                ],
            },
        )


def _env_order(name: str) -> tuple[int, str]:
    order = {"dev": 0, "test": 1, "staging": 2, "preprod": 3, "prod": 4, "production": 4, "live": 4}
    return (order.get(name, 3), name)


def load_platform(root: Path) -> PlatformDefinition:
    from lz.manifest.loader import load_model

    return load_model(
        root / PLATFORM_FILE,
        PlatformDefinition,
        what="platform definition",
        fields="version, council, owner, ...",
        reference="docs/platform-engineers.md",
    )


def load_estate(root: Path, *, today: date | None = None, manifest_paths: list[Path] | None = None) -> Estate:
    """The platform definition and every manifest under `stacks/`, all validated; all problems at once."""
    problems: list[Problem] = []
    platform: PlatformDefinition | None = None
    try:
        platform = load_platform(root)
    except InputError as exc:
        problems.extend(exc.problems)
    paths = manifest_paths if manifest_paths is not None else discover_manifests(root / "stacks")
    manifests, manifest_problems = validate_paths(paths, today=today)
    problems.extend(manifest_problems)
    if problems or platform is None:
        raise InputError(problems)
    by_path = {p: m for p, m in zip(paths, manifests, strict=True)}
    return Estate(root=root, platform=platform, manifests=by_path)


def stack_config_text(spec: StackSpec) -> str:
    """The `stacks/Pulumi.<stack>.yaml` file for a stack: its provider region, nothing secret.

    The programs take everything else from the platform definition and the manifests; the region is
    here too so that a default provider (e.g. one a third-party component creates) lands in the UK.
    """
    lines = [
        f"# Stack {spec.name}: {spec.kind} stack built from {spec.source}.",
        "# Created by `lz stacks --write-config`; `pulumi config set` may add to it (e.g. encryptionsalt).",
        "config:",
        *(f"  {key}: {value}" for key, value in sorted(spec.config.items())),
    ]
    return "\n".join(lines) + "\n"


def run_current_stack(root: Path) -> None:
    """Entry point of the root Pulumi program: build whichever stack `pulumi up -s` selected."""
    import pulumi

    estate = load_estate(root)
    estate.spec(pulumi.get_stack()).program()
