"""Generate lz/data/checkov_type_map.json: how each pulumi-aws resource is spelt in Terraform.

`lz plan --checkov` exports the AWS part of a planned graph as a Terraform plan JSON so that checkov
can give a second opinion (lz/policy/checkov_export.py). pulumi-aws is a bridge over the Terraform
AWS provider, so every resource *is* a Terraform resource under another name. This script recovers
the Terraform names from the installed SDK, which is read as text (importing all of pulumi_aws
takes minutes; scanning its sources takes seconds):

Resource type
    `aws:<module>/<camelName>:<Name>` is `aws_<prefix>_<snake(Name)>`, the bridge's default, where
    `<prefix>` is the module name (`MODULE_PREFIXES` lists the modules the bridge names differently,
    e.g. `cfg` is Terraform's `config`). Terraform's older resources carry no service prefix
    (`aws_security_group`, `aws_db_instance`); the bridge filed them into modules by hand. For those
    the SDK's own text is the evidence: its examples were converted from Terraform and keep the
    Terraform type names (`example_aws_security_group["id"]`, "`aws_db_instance.default`"). When the
    text names exactly one of the candidate spellings, that one is taken. `TYPE_EXCEPTIONS` holds
    the renames that neither rule nor evidence can recover; each entry says why.
Attributes
    The Python parameter names of `_internal_init` are the Terraform attribute names (the SDK's
    snake_case is generated from them), and the `@pulumi.getter(name=...)` decorators give the
    engine's camelCase name for each. Only the names that a plain camelCase -> snake_case
    conversion gets wrong are stored.
Nested blocks
    A parameter typed with a generated `...Args` class is a Terraform block. The bridge names that
    class `<Parent><TerraformBlockName>`, in the singular Terraform spelling, even where the
    Pulumi property is pluralised (`ebsBlockDevices` -> `InstanceEbsBlockDeviceArgs` ->
    `ebs_block_device`). A single object in Pulumi is a block with at most one item, which
    Terraform's plan JSON shows as a list of one. `Union[str, ...Args]` parameters (IAM policy
    documents) are JSON strings in Terraform.

It also keeps the checkov <-> policy table of docs/checkov.md in step with the pack's METADATA.

Usage:
    python scripts/gen_checkov_map.py                   # (re)write lz/data/checkov_type_map.json
    python scripts/gen_checkov_map.py --check           # exit 1 if the committed map is stale
    python scripts/gen_checkov_map.py --docs [--check]  # the same for the table in docs/checkov.md
    python scripts/gen_checkov_map.py --output PATH
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "lz" / "data" / "checkov_type_map.json"
PACKAGE, DISTRIBUTION = "pulumi_aws", "pulumi-aws"

#: Pulumi module -> Terraform name prefix, where the bridge does not use the module's own name.
#: "" means no prefix: the `ec2` module holds Terraform's legacy, unprefixed EC2 and VPC resources
#: (`aws_instance`, `aws_vpc`, `aws_security_group_rule`); its newer `aws_ec2_*` resources are
#: confirmed by the SDK's text or listed in `TYPE_EXCEPTIONS`.
MODULE_PREFIXES: dict[str, str] = {
    "amp": "prometheus",
    "apigateway": "api_gateway",
    "cfg": "config",
    "ec2": "",
    "ec2clientvpn": "ec2_client_vpn",
    "ec2transitgateway": "ec2_transit_gateway",
    "elasticbeanstalk": "elastic_beanstalk",
    "lambda_": "lambda",
    "mediastore": "media_store",
}

#: Renames made by hand in the bridge that no rule recovers. Limited to types a landing zone uses or
#: checkov checks; a type missing here keeps its derived name (see docs/checkov.md, known gaps).
TYPE_EXCEPTIONS: dict[str, str] = {
    # The load balancers' main resource is the service itself in Terraform.
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:alb/loadBalancer:LoadBalancer": "aws_alb",
    "aws:elb/loadBalancer:LoadBalancer": "aws_elb",
    "aws:elb/loadBalancerPolicy:LoadBalancerPolicy": "aws_load_balancer_policy",
    "aws:elb/loadBalancerBackendServerPolicy:LoadBalancerBackendServerPolicy":
        "aws_load_balancer_backend_server_policy",
    "aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy": "aws_lb_cookie_stickiness_policy",
    "aws:elb/listenerPolicy:ListenerPolicy": "aws_load_balancer_listener_policy",
    "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy": "aws_lb_ssl_negotiation_policy",
    "aws:elb/appCookieStickinessPolicy:AppCookieStickinessPolicy": "aws_app_cookie_stickiness_policy",
    # One-resource services named after the service.
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail",
    "aws:codepipeline/pipeline:Pipeline": "aws_codepipeline",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "aws_ec2_transit_gateway",
    # Pulumi's name differs from Terraform's spelling of the same words.
    "aws:appsync/graphQLApi:GraphQLApi": "aws_appsync_graphql_api",
    "aws:appsync/dataSource:DataSource": "aws_appsync_datasource",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "aws_iam_openid_connect_provider",
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": "aws_fsx_openzfs_file_system",
    "aws:fsx/openZfsVolume:OpenZfsVolume": "aws_fsx_openzfs_volume",
    "aws:fsx/openZfsSnapshot:OpenZfsSnapshot": "aws_fsx_openzfs_snapshot",
    "aws:cfg/rule:Rule": "aws_config_config_rule",
    "aws:cfg/recorder:Recorder": "aws_config_configuration_recorder",
    "aws:cfg/recorderStatus:RecorderStatus": "aws_config_configuration_recorder_status",
    "aws:autoscaling/tag:Tag": "aws_autoscaling_group_tag",
    "aws:apigateway/response:Response": "aws_api_gateway_gateway_response",
    "aws:appconfig/eventIntegration:EventIntegration": "aws_appintegrations_event_integration",
    "aws:ec2/dedicatedHost:DedicatedHost": "aws_ec2_host",
    "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment":
        "aws_network_interface_sg_attachment",
    "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple":
        "aws_vpc_endpoint_service_allowed_principal",
    "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions": "aws_vpc_peering_connection_options",
    # The `ec2` module's newer resources, which Terraform does prefix with `ec2_`.
    "aws:ec2/allowedImagesSettings:AllowedImagesSettings": "aws_ec2_allowed_images_settings",
    "aws:ec2/availabilityZoneGroup:AvailabilityZoneGroup": "aws_ec2_availability_zone_group",
    "aws:ec2/capacityBlockReservation:CapacityBlockReservation": "aws_ec2_capacity_block_reservation",
    "aws:ec2/capacityReservation:CapacityReservation": "aws_ec2_capacity_reservation",
    "aws:ec2/carrierGateway:CarrierGateway": "aws_ec2_carrier_gateway",
    "aws:ec2/defaultCreditSpecification:DefaultCreditSpecification": "aws_ec2_default_credit_specification",
    "aws:ec2/fleet:Fleet": "aws_ec2_fleet",
    "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess": "aws_ec2_image_block_public_access",
    "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults": "aws_ec2_instance_metadata_defaults",
    "aws:ec2/localGatewayRoute:LocalGatewayRoute": "aws_ec2_local_gateway_route",
    "aws:ec2/localGatewayRouteTableVirtualInterfaceGroupAssociation:LocalGatewayRouteTableVirtualInterfaceGroupAssociation":
        "aws_ec2_local_gateway_route_table_virtual_interface_group_association",
    "aws:ec2/localGatewayRouteTableVpcAssociation:LocalGatewayRouteTableVpcAssociation":
        "aws_ec2_local_gateway_route_table_vpc_association",
    "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry": "aws_ec2_managed_prefix_list_entry",
    "aws:ec2/serialConsoleAccess:SerialConsoleAccess": "aws_ec2_serial_console_access",
    "aws:ec2/subnetCidrReservation:SubnetCidrReservation": "aws_ec2_subnet_cidr_reservation",
    "aws:ec2/tag:Tag": "aws_ec2_tag",
    "aws:ec2/trafficMirrorFilter:TrafficMirrorFilter": "aws_ec2_traffic_mirror_filter",
    "aws:ec2/trafficMirrorFilterRule:TrafficMirrorFilterRule": "aws_ec2_traffic_mirror_filter_rule",
    "aws:ec2/trafficMirrorSession:TrafficMirrorSession": "aws_ec2_traffic_mirror_session",
    "aws:ec2/trafficMirrorTarget:TrafficMirrorTarget": "aws_ec2_traffic_mirror_target",
    # Terraform's `aws_db_*` resources, filed by the bridge under `rds`.
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/snapshot:Snapshot": "aws_db_snapshot",
    "aws:rds/snapshotCopy:SnapshotCopy": "aws_db_snapshot_copy",
    "aws:rds/clusterSnapshot:ClusterSnapshot": "aws_db_cluster_snapshot",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
        "aws_db_instance_automated_backups_replication",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/optionGroup:OptionGroup": "aws_db_option_group",
    "aws:rds/eventSubscription:EventSubscription": "aws_db_event_subscription",
    "aws:rds/proxy:Proxy": "aws_db_proxy",
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": "aws_db_proxy_default_target_group",
    "aws:rds/proxyEndpoint:ProxyEndpoint": "aws_db_proxy_endpoint",
    "aws:rds/proxyTarget:ProxyTarget": "aws_db_proxy_target",
    "aws:rds/roleAssociation:RoleAssociation": "aws_db_instance_role_association",
}

#: Property renames made by hand in the bridge (Pulumi name -> Terraform attribute).
PROPERTY_EXCEPTIONS: dict[str, dict[str, str]] = {
    # Pulumi takes the deployment package as an Archive instead of a file name.
    "aws:lambda/function:Function": {"code": "filename"},
    "aws:lambda/layerVersion:LayerVersion": {"code": "filename"},
}

_RESOURCE = re.compile(r'^@pulumi\.type_token\("(?P<token>aws:[^"]+)"\)\nclass (?P<cls>\w+)\(pulumi\.CustomResource\):',
                       re.MULTILINE)
_INPUT_TYPE = re.compile(r"^@pulumi\.input_type\nclass (?P<cls>\w+)Args:\n", re.MULTILINE)
# Every resource has a `_<Name>State` input class with a getter (and so an engine name) per property.
_STATE_TYPE = re.compile(r"^@pulumi\.input_type\nclass _(?P<cls>\w+)State:\n", re.MULTILINE)
_GETTER = re.compile(
    r'^    @pulumi\.getter(?:\(name="(?P<camel>[^"]+)"\))?\n(?:    @.*\n)*    def (?P<py>\w+)\(self\)', re.MULTILINE
)
_PARAM = re.compile(r"^\s+(?P<py>\w+): (?P<annotation>.+?)(?: = None)?(?:,|\):)$", re.MULTILINE)
_ARGS_REF = re.compile(r"'(?:_(?P<module>\w+)\.)?(?P<cls>\w+)Args'")
# A deprecated alias of another resource (`s3.BucketV2` of `s3.Bucket`) is the same Terraform resource.
_ALIAS_OF = re.compile(r'has been deprecated in favor of (?:aws\.)?(?P<module>\w+)(?:/\w+)?\.(?P<cls>\w+)"""')
_OUTPUT_TAGS_ALL = '__props__.__dict__["tags_all"] = None'
# Terraform type names as they survive in the SDK's converted examples and prose: a bare name
# (`aws_db_instance.default`) or a converted reference (`example_aws_security_group["id"]`).
_TF_NAME = re.compile(r"\b(?:[a-z0-9]+_)*?(aws_[a-z0-9_]*[a-z0-9])\b")


class CodegenChanged(Exception):
    """The SDK source no longer has the shape this scanner reads; update the scanner, never guess."""


def snake(camel: str) -> str:
    """The plain camelCase -> snake_case rule; lz/policy/checkov_export.py applies the same one."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


@dataclass
class ArgsClass:
    """One generated input class: parameter annotations and engine names, by Python name."""

    module: str
    name: str  # without the `Args` suffix
    params: dict[str, str]
    camel: dict[str, str]


@dataclass
class Resource:
    token: str
    module: str
    cls: str
    args: ArgsClass
    tags_all: bool  # the provider computes `tags_all` (tags merged with its default tags)
    alias_of: tuple[str, str] | None  # (module, class) this deprecated alias stands for


@dataclass
class Scan:
    resources: list[Resource] = field(default_factory=list)
    types: dict[tuple[str, str], ArgsClass] = field(default_factory=dict)
    vocabulary: Counter[str] = field(default_factory=Counter)


def package_dir() -> Path:
    """Locate pulumi_aws without importing it (find_spec of a top-level name runs no code)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def _class_body(source: str, start: int) -> str:
    """Text of a top-level class from `start` to the next top-level statement."""
    end = re.compile(r"^(?:class |@|def |[A-Za-z_])", re.MULTILINE).search(source, start)
    return source[start : end.start() if end else len(source)]


def _signature(body: str, opener: str, origin: str) -> dict[str, str]:
    start = body.find(opener)
    if start == -1:
        raise CodegenChanged(f"{origin}: no `{opener.strip()}` found")
    end = body.find("):\n", start)
    params = {m.group("py"): m.group("annotation") for m in _PARAM.finditer(body[start : end + 3])}
    for ignored in ("resource_name", "opts", "__props__"):
        params.pop(ignored, None)
    return params


def _getters(body: str) -> dict[str, str]:
    return {m.group("py"): m.group("camel") or m.group("py") for m in _GETTER.finditer(body)}


def _engine_names(params: Mapping[str, str], getters: Mapping[str, str], origin: str) -> dict[str, str]:
    """Engine (camelCase) name per Python parameter. Python appends `_` to names that clash with a
    keyword or another parameter (`resource_name_`); the getter keeps the plain name."""
    out: dict[str, str] = {}
    for py in params:
        camel = getters.get(py) or getters.get(py.rstrip("_"))
        if camel is None:
            if "_" in py.rstrip("_"):
                raise CodegenChanged(f"{origin}: no engine name for parameter {py}")
            camel = py.rstrip("_")
        out[py] = camel
    return out


def scan(root: Path, *, minimum: int = 500) -> Scan:
    """Every resource class, input class and Terraform-looking name under an SDK directory.

    Fewer than `minimum` resources means the code generator changed shape: fail rather than write
    a thin map."""
    out = Scan()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = path.parent.name if path.parent != root else ""
        source = path.read_text(encoding="utf-8")
        out.vocabulary.update(_TF_NAME.findall(source))
        if path.name == "_inputs.py":  # the nested (block) types of the module's resources
            for m in _INPUT_TYPE.finditer(source):
                body = _class_body(source, m.end())
                origin = f"{path}: {m.group('cls')}Args"
                params = _signature(body, "    def __init__(__self__", origin)
                names = _engine_names(params, _getters(body), origin)
                out.types[(module, m.group("cls"))] = ArgsClass(module, m.group("cls"), params, names)
            continue
        states = {m.group("cls"): _getters(_class_body(source, m.end())) for m in _STATE_TYPE.finditer(source)}
        for m in _RESOURCE.finditer(source):
            token, cls = m.group("token"), m.group("cls")
            body = _class_body(source, m.end())
            params = _signature(body, "    def _internal_init(__self__", f"{path}:{cls}")
            camel = states.get(cls, {})
            args = ArgsClass(module, cls, params, _engine_names(params, camel, f"{path}: {token}"))
            alias = _ALIAS_OF.search(body)
            alias_of = (alias.group("module"), alias.group("cls")) if alias else None
            out.resources.append(Resource(token, module, cls, args, _OUTPUT_TAGS_ALL in body, alias_of))
    if len(out.resources) < minimum or (minimum and not out.types):
        raise CodegenChanged(f"{root}: found {len(out.resources)} resources and {len(out.types)} input types")
    return out


def tf_type(
    token: str, module: str, vocabulary: Mapping[str, int], fused: Set[tuple[str, str]] = frozenset()
) -> tuple[str, str]:
    """The Terraform type of a resource token and how it was found: exception, sdk-docs or rule.

    The default spelling is `aws_<prefix>_<name>`. Two other spellings are taken only when the SDK's
    text confirms them and not the default: the module's own name as prefix, and the module fused
    with the name's first word (`aws:opensearch/serverlessAccessPolicy` is
    `aws_opensearchserverless_access_policy`). A fused prefix confirmed once in a module holds for
    the module's other resources starting with the same word (`fused`, from `fused_prefixes`).
    """
    if token in TYPE_EXCEPTIONS:
        return TYPE_EXCEPTIONS[token], "exception"
    name = snake(token.rsplit(":", 1)[1])
    own = module.rstrip("_")
    prefix = MODULE_PREFIXES.get(module, own)
    default = _spelling(prefix, name)
    if vocabulary.get(default):
        return default, "sdk-docs"
    first, _, rest = name.partition("_")
    alternatives = [_spelling(own, name)] + ([f"aws_{own}{first}_{rest}"] if rest else [])
    confirmed = sorted({a for a in alternatives if a != default and vocabulary.get(a)},
                       key=lambda a: (-vocabulary[a], a))
    if confirmed:
        return confirmed[0], "sdk-docs"
    if rest and (module, first) in fused:
        return f"aws_{own}{first}_{rest}", "sdk-docs"
    return default, "rule"


def _spelling(prefix: str, name: str) -> str:
    if not prefix:
        return f"aws_{name}"
    # `aws:ec2transitgateway/transitGateway:TransitGateway` is `aws_ec2_transit_gateway`.
    return f"aws_{prefix}" if prefix == name or prefix.endswith(f"_{name}") else f"aws_{prefix}_{name}"


def fused_prefixes(resources: Iterable[Resource], vocabulary: Mapping[str, int]) -> set[tuple[str, str]]:
    """(module, first word) pairs whose fused spelling the SDK's text confirms for some resource."""
    found: set[tuple[str, str]] = set()
    for res in resources:
        tf, via = tf_type(res.token, res.module, vocabulary)
        first = snake(res.token.rsplit(":", 1)[1]).partition("_")[0]
        if via == "sdk-docs" and tf.startswith(f"aws_{res.module.rstrip('_')}{first}_"):
            found.add((res.module, first))
    return found


class Builder:
    """Turns the scanned classes into the compact map: only what a plain rule would get wrong."""

    def __init__(self, found: Scan) -> None:
        self.found = found
        self.types: dict[str, dict[str, Any]] = {}
        self._by_name: dict[str, list[ArgsClass]] = {}
        for (_, name), cls in found.types.items():
            self._by_name.setdefault(name, []).append(cls)

    def _resolve(self, module: str, ref_module: str | None, name: str) -> ArgsClass | None:
        if ref_module is not None:
            return self.found.types.get((ref_module, name))
        same = self.found.types.get((module, name))
        if same is not None:
            return same
        others = self._by_name.get(name, [])
        return others[0] if len(others) == 1 else None

    def props(self, args: ArgsClass, renames: Mapping[str, str] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for py, annotation in sorted(args.params.items()):
            camel = args.camel.get(py, py)
            spec = self._prop(args, py, annotation)
            tf = (renames or {}).get(camel, spec.pop("tf", py.rstrip("_")))
            if tf != snake(camel):
                spec["tf"] = tf
            if spec:
                out[camel] = dict(sorted(spec.items()))
        return out

    def _prop(self, parent: ArgsClass, py: str, annotation: str) -> dict[str, Any]:
        ref = _ARGS_REF.search(annotation)
        if ref is None:
            return {}
        if "_builtins.str" in annotation.split(ref.group(0))[0] or "Union[_builtins.str" in annotation:
            return {"json": True}  # e.g. an IAM policy: a JSON string in Terraform
        nested = self._resolve(parent.module, ref.group("module"), ref.group("cls"))
        if nested is None:
            raise CodegenChanged(f"{parent.module}.{parent.name}.{py}: input class {ref.group('cls')}Args not found")
        head = annotation[: ref.start()]
        kind = "map" if "Mapping[" in head else "list" if "Sequence[" in head else "one"
        spec: dict[str, Any] = {"block": kind, "tf": self._block_name(parent.name, nested.name, py)}
        key = f"{nested.module}/{nested.name}"
        if key not in self.types:
            self.types[key] = {}  # an empty entry first: generated types may refer back to themselves
            self.types[key] = self.props(nested)
        if self.types[key]:
            spec["type"] = key
        return spec

    @staticmethod
    def _block_name(parent: str, nested: str, py: str) -> str:
        """The Terraform block name, singular as Terraform spells it, from the nested class's name."""
        if nested.startswith(parent) and len(nested) > len(parent):
            candidate = snake(nested[len(parent) :])
            if py in (candidate, f"{candidate}s", f"{candidate}es", f"{candidate[:-1]}ies"):
                return candidate
        return py

    def build(self) -> dict[str, Any]:
        resources: dict[str, Any] = {}
        by_class = {(r.module.rstrip("_"), r.cls): r for r in self.found.resources}
        fused = fused_prefixes(self.found.resources, self.found.vocabulary)
        for res in sorted(self.found.resources, key=lambda r: r.token):
            target = by_class.get(res.alias_of) if res.alias_of else None
            if target is not None and target is not res:
                tf, _ = tf_type(target.token, target.module, self.found.vocabulary, fused)
                via = f"alias of {target.token}"
            else:
                tf, via = tf_type(res.token, res.module, self.found.vocabulary, fused)
            entry: dict[str, Any] = {"tf": tf, "via": via}
            props = self.props(res.args, PROPERTY_EXCEPTIONS.get(res.token))
            if props:
                entry["props"] = props
            if res.tags_all:
                entry["tags_all"] = True
            resources[res.token] = entry
        used = self._reachable(resources)
        return {"resources": resources, "types": {k: v for k, v in sorted(self.types.items()) if k in used}}

    def _reachable(self, resources: Mapping[str, Any]) -> set[str]:
        seen: set[str] = set()

        def walk(props: Mapping[str, Any]) -> None:
            for spec in props.values():
                key = spec.get("type")
                if key and key not in seen:
                    seen.add(key)
                    walk(self.types[key])

        for entry in resources.values():
            walk(entry.get("props", {}))
        return seen


def generate(root: Path | None = None, version: str | None = None, *, minimum: int = 500) -> dict[str, Any]:
    """The whole document, from the installed pulumi-aws (or an SDK tree at `root`, for tests)."""
    version = version or importlib.metadata.version(DISTRIBUTION)
    body = Builder(scan(root or package_dir(), minimum=minimum)).build()
    via = Counter(entry["via"].split(" ")[0] for entry in body["resources"].values())
    return {
        "_generated": (
            f"by scripts/gen_checkov_map.py from {DISTRIBUTION} {version}; "
            "run `python scripts/gen_checkov_map.py` to regenerate, `--check` to detect drift"
        ),
        "_provider": {"package": DISTRIBUTION, "version": version},
        "_counts": {"resources": len(body["resources"]), "types": len(body["types"]), "via": dict(sorted(via.items()))},
        **body,
    }


def render(document: Mapping[str, Any]) -> str:
    """One resource per line: compact, and a provider upgrade shows up as a readable diff."""
    lines = ["{"]
    head = [k for k in document if k.startswith("_")]
    for key in head:
        lines.append(f"  {json.dumps(key)}: {json.dumps(document[key], sort_keys=True)},")
    for section in ("resources", "types"):
        items = list(document[section].items())
        lines.append(f"  {json.dumps(section)}: {{")
        for i, (key, value) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"    {json.dumps(key)}: {json.dumps(value, sort_keys=True, separators=(',', ':'))}{comma}")
        lines.append("  }" + ("," if section == "resources" else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def iter_summary(document: Mapping[str, Any]) -> Iterator[str]:
    counts = document["_counts"]
    yield f"{counts['resources']} resource types"
    yield ", ".join(f"{n} by {how}" for how, n in counts["via"].items())
    yield f"{counts['types']} nested block types"


DOCS = REPO_ROOT / "docs" / "checkov.md"
DOCS_BEGIN = "<!-- BEGIN generated by `python scripts/gen_checkov_map.py --docs`: do not edit by hand -->"
DOCS_END = "<!-- END generated -->"


def render_docs(current: str) -> str:
    """docs/checkov.md with its correspondence section rebuilt from the pack's METADATA."""
    if str(REPO_ROOT) not in sys.path:  # run as a script: make `lz` (and the pack beside it) importable
        sys.path.append(str(REPO_ROOT))
    from lz.policy.catalogue import pack_rules
    from lz.policy.checkov_export import render_correspondence

    begin, end = current.find(DOCS_BEGIN), current.find(DOCS_END)
    if begin == -1 or end < begin:
        raise SystemExit(f"{DOCS}: markers {DOCS_BEGIN!r} ... {DOCS_END!r} not found")
    table = render_correspondence(pack_rules())
    return current[: begin + len(DOCS_BEGIN)] + "\n\n" + table + "\n" + current[end:]


def _write_or_check(path: Path, text: str, summary: str, check: bool, how: str) -> int:
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date ({summary}); run `{how}`", file=sys.stderr)
            return 1
        print(f"{path} is up to date ({summary})")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({summary})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is out of date")
    parser.add_argument("--output", type=Path, help=f"file to write or check (default {DEFAULT_OUTPUT} or {DOCS})")
    parser.add_argument("--docs", action="store_true",
                        help="rebuild the checkov <-> policy table of docs/checkov.md from the pack instead")
    args = parser.parse_args(argv)

    if args.docs:
        path = args.output or DOCS
        text = render_docs(path.read_text(encoding="utf-8"))
        return _write_or_check(path, text, "checkov <-> policy table", args.check,
                               "python scripts/gen_checkov_map.py --docs")
    document = generate()
    return _write_or_check(args.output or DEFAULT_OUTPUT, render(document), "; ".join(iter_summary(document)),
                           args.check, "python scripts/gen_checkov_map.py")


if __name__ == "__main__":
    sys.exit(main())
