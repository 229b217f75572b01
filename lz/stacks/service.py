"""The service stack program: one manifest environment becomes one stack, built from modules.

This is the program `pulumi up -s <service>-<env>` runs (through `platform/__main__.py`) and the
one `lz plan` runs offline. On AWS it reads the platform's exported contract through
StackReferences, never from constants: the workload account from the organisation layer (the
provider refuses any other account), the environment's KMS data key and the access-log bucket
from the logging layer, and the spoke network from the network layer (see lz/stacks/contracts.py).
"""

from __future__ import annotations

from typing import Any

import pulumi

from lz.manifest import ServiceManifest
from lz.manifest.model import BucketComponent, DatabaseComponent, StaticSiteComponent
from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.contracts import (
    LOGGING_LAYER,
    NETWORK_LAYER,
    ORGANISATION_LAYER,
    reference,
    service_boundary_arn,
)
from lz.tags import TagContext, merge_tags, register_tag_transform


def stack_name(service: str, environment: str) -> str:
    return f"{service}-{environment}"


def mandatory_tags(manifest: ServiceManifest, environment: str, component: str | None = None) -> dict[str, str]:
    """The tag contract for a stack, or for one component (whose data classification may be its own)."""
    return TagContext(
        service=manifest.service,
        cost_centre=manifest.cost_centre,
        owner=manifest.owner.email,
        environment=environment,
        business_unit=manifest.business_unit,
        data_classification=(
            manifest.classification_of(component) if component else manifest.data_classification
        ),
    ).as_tags()


def component_tags(manifest: ServiceManifest, environment: str, component: str) -> dict[str, str]:
    return merge_tags(mandatory_tags(manifest, environment, component), manifest.tags)


def spoke_key(service: str, environment: str) -> str:
    """Key of a service environment's spoke in the network layer's `network.spokes` export."""
    return stack_name(service, environment)


def needs_network(manifest: ServiceManifest) -> bool:
    return manifest.cloud == "aws" and any(isinstance(c, DatabaseComponent) for c in manifest.components.values())


def platform_layers_read(manifest: ServiceManifest) -> tuple[str, ...]:
    """The platform layers a service's stacks reference (planned first)."""
    if manifest.cloud != "aws":
        return ()
    return (ORGANISATION_LAYER, LOGGING_LAYER, *((NETWORK_LAYER,) if needs_network(manifest) else ()))


def run_service(manifest: ServiceManifest, environment: str, platform: PlatformDefinition) -> None:
    """Register every resource of one service environment. Call inside a Pulumi program."""
    env = manifest.environments[environment]
    mandatory = mandatory_tags(manifest, environment)
    # Level 2 of the tag contract: anything a module forgets still gets the mandatory tags.
    register_tag_transform(mandatory)
    tags = merge_tags(mandatory, manifest.tags)
    if manifest.cloud == "aws":
        outputs = _aws(manifest, environment, env.region, platform, tags)
    else:
        outputs = _azure(manifest, environment, env.region, platform, tags)
    pulumi.export("service", manifest.service)
    pulumi.export("environment", environment)
    pulumi.export("region", env.region)
    pulumi.export("components", outputs)


def _aws(
    manifest: ServiceManifest, environment: str, region: str, platform: PlatformDefinition, tags: dict[str, str]
) -> dict[str, Any]:
    import pulumi_aws as aws

    from modules.aws import (
        Bucket,
        BucketArgs,
        Database,
        DatabaseArgs,
        StaticSite,
        StaticSiteArgs,
    )
    from modules.aws.identity_docs import service_role_path

    production = manifest.is_production(environment)
    prefix = platform.council.prefix

    def name(kind: str, component: str) -> str:
        return physical_name("aws", kind, prefix=prefix, env=environment, region=region,
                             name=f"{manifest.service}-{component}")

    key_name = spoke_key(manifest.service, environment)
    account = platform.organisation.workload_account(production)
    organisation = reference(ORGANISATION_LAYER).require_output("organisation")
    account_id = organisation.apply(lambda o: _contract_value(o, ("account_ids", account), ORGANISATION_LAYER))
    logging = reference(LOGGING_LAYER)
    key_arn = logging.require_output("kms_keys").apply(
        lambda k: _contract_value(k, ("services", key_name), LOGGING_LAYER)
    )
    access_logs = logging.require_output("log_destinations").apply(
        lambda d: _contract_value(d, ("access_logs", account, "name"), LOGGING_LAYER)
    )

    provider = aws.Provider(
        f"aws-{region}",
        region=region,
        # The environment's workload account, from the organisation layer: credentials for any other
        # account (a mistaken profile, a wrong role) make the provider stop before changing anything.
        allowed_account_ids=[account_id],
        # Level 1 backstop inside AWS itself: the provider adds these to every taggable resource.
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )
    opts = pulumi.ResourceOptions(provider=provider)

    spoke: pulumi.Output[Any] | None = None
    if needs_network(manifest):
        network = reference(NETWORK_LAYER)
        spoke = network.require_output("network").apply(lambda n: _spoke_of(n, key_name))

    outputs: dict[str, Any] = {}
    for cname, comp in sorted(manifest.components.items()):
        ctags = component_tags(manifest, environment, cname)
        if isinstance(comp, BucketComponent):
            bucket = Bucket(
                cname,
                BucketArgs(
                    bucket_name=name("s3_bucket", cname),
                    tags=ctags,
                    kms_key_arn=key_arn,
                    versioning=comp.versioning or comp.holds_records,
                    access_log_bucket=access_logs,
                    lock=production,
                    archive_after_days=comp.archive_after_days,
                    expire_after_days=comp.expire_after_days,
                ),
                opts=opts,
            )
            outputs[cname] = {"type": "bucket", "bucket_name": bucket.bucket_name, "arn": bucket.arn}
        elif isinstance(comp, StaticSiteComponent):
            site = StaticSite(
                cname,
                StaticSiteArgs(
                    bucket_name=name("s3_bucket", cname),
                    tags=ctags,
                    lock=production,
                    domain=comp.domain,
                    certificate_arn=comp.certificate_arn,
                    spa=comp.spa,
                    waf_acl_arn=comp.waf_acl_arn,
                    access_log_bucket=access_logs,
                ),
                opts=opts,
            )
            outputs[cname] = {"type": "static_site", "url": site.url, "distribution_id": site.distribution_id,
                              "bucket_name": site.bucket_name}
        elif isinstance(comp, DatabaseComponent):
            assert spoke is not None  # needs_network() is true whenever there is a database
            db = Database(
                cname,
                DatabaseArgs(
                    identifier=name("rds_instance", cname),
                    engine=comp.engine,
                    engine_version=comp.engine_version,
                    size=comp.size,
                    storage_gb=comp.storage_gb,
                    multi_az=production if comp.multi_az is None else comp.multi_az,
                    backup_retention_days=comp.backup_retention_days,
                    vpc_id=spoke.apply(lambda s: s["vpc_id"]),
                    subnet_ids=spoke.apply(lambda s: s["private_subnet_ids"]),
                    allowed_cidr_blocks=spoke.apply(lambda s: [s["cidr_block"]]),
                    kms_key_arn=key_arn,
                    tags=ctags,
                    lock=production,
                    role_path=service_role_path(manifest.service),
                    # The identity layer's boundary in this account: the only kind of role the service's
                    # apply role may create (its ARN is fixed by account, path and name).
                    permissions_boundary_arn=account_id.apply(service_boundary_arn),
                ),
                opts=opts,
            )
            outputs[cname] = {"type": "database", "address": db.address, "port": db.port,
                              "secret_arn": db.secret_arn}
    pulumi.export("kms_key_arn", key_arn)
    pulumi.export("account_id", account_id)
    return outputs


def _contract_value(export: Any, path: tuple[str, ...], layer: str) -> Any:
    """One value of a platform layer's export, or a message saying which layer to deploy."""
    value = export
    for i, key in enumerate(path):
        if not isinstance(value, dict) or key not in value:
            where = ".".join(path[: i + 1])
            raise pulumi.RunError(
                f"the {layer} layer exports no {where!r}; run `pulumi up -s {layer}` after adding the manifest"
            )
        value = value[key]
    return value


def _spoke_of(network: Any, key: str) -> Any:
    spokes = (network or {}).get("spokes", {})
    if key not in spokes:
        raise pulumi.RunError(
            f"the network layer has no spoke for {key!r}; run `pulumi up -s {NETWORK_LAYER}` after adding "
            f"the manifest (known spokes: {', '.join(sorted(spokes)) or 'none'})"
        )
    return spokes[key]


def _azure(
    manifest: ServiceManifest, environment: str, region: str, platform: PlatformDefinition, tags: dict[str, str]
) -> dict[str, Any]:
    from pulumi_azure_native import provider as azure_provider

    from modules.azure.resource_group import ResourceGroup, ResourceGroupArgs
    from modules.azure.storage import ContainerSpec, StorageAccount, StorageAccountArgs

    production = manifest.is_production(environment)
    prefix = platform.council.prefix
    provider = azure_provider.Provider(f"azure-{region}", location=region)
    opts = pulumi.ResourceOptions(provider=provider)
    rg = ResourceGroup(
        "rg",
        ResourceGroupArgs(
            resource_group_name=physical_name("azure", "resource_group", prefix=prefix, env=environment, region=region,
                                              name=manifest.service),
            location=region,
            tags=tags,
            lock=production,
        ),
        opts=opts,
    )
    pulumi.export("resource_group", rg.name)
    outputs: dict[str, Any] = {}
    for cname, comp in sorted(manifest.components.items()):
        if isinstance(comp, BucketComponent):
            account = StorageAccount(
                cname,
                StorageAccountArgs(
                    account_name=physical_name(
                        "azure", "storage_account", prefix=prefix, env=environment, region=region,
                        name=f"{manifest.service}-{cname}",
                    ),
                    resource_group_name=rg.name,
                    location=region,
                    tags=component_tags(manifest, environment, cname),
                    lock=production,
                    containers={"data": ContainerSpec()},
                    versioning=comp.versioning or comp.holds_records,
                    # UK West has no availability zones, so zone redundancy is only possible in UK South.
                    replication="ZRS" if region == "uksouth" else "GRS",
                ),
                opts=opts,
            )
            outputs[cname] = {"type": "bucket", "account_name": account.name, "id": account.id}
    return outputs
