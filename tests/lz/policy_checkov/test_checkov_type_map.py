# ruff: noqa: E501  (the fixture imitates generated SDK source, whose signature lines are long)
"""scripts/gen_checkov_map.py and the map it writes: derivation rules, and no drift from the SDK."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from lz.policy.checkov_export import snake, type_map

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = REPO_ROOT / "scripts" / "gen_checkov_map.py"
DATA = REPO_ROOT / "lz" / "data" / "checkov_type_map.json"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_checkov_map", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_committed_map_matches_installed_pulumi_aws() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr + result.stdout


def test_data_file_header_records_provider_version() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    version = importlib.metadata.version("pulumi-aws")
    assert data["_provider"] == {"package": "pulumi-aws", "version": version}
    assert "scripts/gen_checkov_map.py" in data["_generated"] and version in data["_generated"]
    assert data["_counts"]["resources"] == len(data["resources"])
    assert sum(data["_counts"]["via"].values()) == len(data["resources"])
    assert all(token.startswith("aws:") and entry["tf"].startswith("aws_")
               for token, entry in data["resources"].items())
    assert type_map()["resources"] == data["resources"]


def test_every_nested_type_reference_resolves() -> None:
    data = type_map()

    def refs(props: dict[str, dict[str, object]]) -> set[str]:
        return {str(spec["type"]) for spec in props.values() if "type" in spec}

    used = set().union(*(refs(e.get("props", {})) for e in data["resources"].values()))
    used |= set().union(*(refs(p) for p in data["types"].values()))
    assert used == set(data["types"])


@pytest.mark.parametrize(
    ("camel", "expected"),
    [("cidrBlocks", "cidr_blocks"), ("ipv6CidrBlocks", "ipv6_cidr_blocks"), ("vpcId", "vpc_id"),
     ("tags", "tags"), ("s3BucketName", "s3_bucket_name"), ("enableHttp2", "enable_http2")],
)
def test_snake_rule(camel: str, expected: str) -> None:
    assert snake(camel) == expected


@pytest.mark.parametrize(
    ("token", "module", "vocabulary", "expected"),
    [
        # The bridge's default: module prefix + snake_case name.
        ("aws:kms/key:Key", "kms", {}, ("aws_kms_key", "rule")),
        ("aws:kms/key:Key", "kms", {"aws_kms_key": 3}, ("aws_kms_key", "sdk-docs")),
        # Modules spelt differently in Terraform.
        ("aws:cfg/deliveryChannel:DeliveryChannel", "cfg", {}, ("aws_config_delivery_channel", "rule")),
        ("aws:lambda/function:Function", "lambda_", {}, ("aws_lambda_function", "rule")),
        ("aws:apigateway/stage:Stage", "apigateway", {}, ("aws_api_gateway_stage", "rule")),
        ("aws:ec2transitgateway/transitGateway:TransitGateway", "ec2transitgateway", {},
         ("aws_ec2_transit_gateway", "exception")),
        ("aws:ec2transitgateway/routeTable:RouteTable", "ec2transitgateway", {},
         ("aws_ec2_transit_gateway_route_table", "rule")),
        # EC2's legacy resources carry no prefix; the text can confirm an `aws_ec2_` one.
        ("aws:ec2/natGateway:NatGateway", "ec2", {}, ("aws_nat_gateway", "rule")),
        ("aws:ec2/networkInsightsPath:NetworkInsightsPath", "ec2", {"aws_ec2_network_insights_path": 1},
         ("aws_ec2_network_insights_path", "sdk-docs")),
        # A fused service prefix is taken only when the text shows it.
        ("aws:s3/vectorsIndex:VectorsIndex", "s3", {"aws_s3vectors_index": 1}, ("aws_s3vectors_index", "sdk-docs")),
        ("aws:s3/vectorsIndex:VectorsIndex", "s3", {}, ("aws_s3_vectors_index", "rule")),
        # Renames no rule recovers.
        ("aws:rds/instance:Instance", "rds", {"aws_instance": 99}, ("aws_db_instance", "exception")),
        ("aws:lb/loadBalancer:LoadBalancer", "lb", {}, ("aws_lb", "exception")),
    ],
)
def test_tf_type(gen: ModuleType, token: str, module: str, vocabulary: dict[str, int],
                 expected: tuple[str, str]) -> None:
    assert gen.tf_type(token, module, Counter(vocabulary)) == expected


def test_a_fused_prefix_confirmed_once_holds_for_the_module(gen: ModuleType) -> None:
    assert gen.tf_type("aws:s3/vectorsIndex:VectorsIndex", "s3", Counter(), {("s3", "vectors")}) == (
        "aws_s3vectors_index", "sdk-docs")


@pytest.mark.parametrize(
    ("parent", "nested", "param", "expected"),
    [
        ("Instance", "InstanceEbsBlockDevice", "ebs_block_devices", "ebs_block_device"),
        ("Instance", "InstanceRootBlockDevice", "root_block_device", "root_block_device"),
        ("Bucket", "BucketCorsRule", "cors_rules", "cors_rule"),
        ("Thing", "ThingPolicy", "policies", "policy"),
        ("Thing", "ThingAddress", "addresses", "address"),
        ("Thing", "OtherName", "widgets", "widgets"),  # no evidence: the parameter name stands
        ("Thing", "ThingGadget", "widgets", "widgets"),
    ],
)
def test_block_names_come_from_the_nested_class(gen: ModuleType, parent: str, nested: str, param: str,
                                                 expected: str) -> None:
    assert gen.Builder._block_name(parent, nested, param) == expected


WIDGET = '''\
import pulumi

@pulumi.input_type
class WidgetArgs:
    def __init__(__self__, *,
                 max_size: pulumi.Input[_builtins.int],
                 ingress_rules: pulumi.Input[Optional[Sequence[pulumi.Input['WidgetIngressRuleArgs']]]] = None):
        pass

@pulumi.input_type
class _WidgetState:
    def __init__(__self__, *,
                 max_size: pulumi.Input[Optional[_builtins.int]] = None):
        pass

    @_builtins.property
    @pulumi.getter(name="maxSize")
    def max_size(self) -> pulumi.Input[Optional[_builtins.int]]:
        return pulumi.get(self, "max_size")

    @_builtins.property
    @pulumi.getter(name="ingressRules")
    def ingress_rules(self):
        return pulumi.get(self, "ingress_rules")

    @_builtins.property
    @pulumi.getter(name="accessPolicy")
    @_utilities.deprecated("""use something else""")
    def access_policy(self):
        return pulumi.get(self, "access_policy")

    @_builtins.property
    @pulumi.getter(name="logSettings")
    def log_settings(self):
        return pulumi.get(self, "log_settings")

    @_builtins.property
    @pulumi.getter
    def tags(self):
        return pulumi.get(self, "tags")


@pulumi.type_token("aws:gizmo/widget:Widget")
class Widget(pulumi.CustomResource):
    """
    Manages a widget. Converted example: `sg = example_aws_gizmo_widget["id"]`.
    """
    def _internal_init(__self__,
                 resource_name: str,
                 opts: Optional[pulumi.ResourceOptions] = None,
                 access_policy: pulumi.Input[Optional[Union[_builtins.str, 'PolicyDocumentArgs']]] = None,
                 ingress_rules: pulumi.Input[Optional[Sequence[pulumi.Input[Union['WidgetIngressRuleArgs', 'WidgetIngressRuleArgsDict']]]]] = None,
                 log_settings: pulumi.Input[Optional[Union['WidgetLogSettingsArgs', 'WidgetLogSettingsArgsDict']]] = None,
                 max_size: pulumi.Input[Optional[_builtins.int]] = None,
                 tags: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]] = None,
                 __props__=None):
        __props__.__dict__["tags_all"] = None


@pulumi.input_type
class _OldWidgetState:
    pass


@pulumi.type_token("aws:gizmo/oldWidget:OldWidget")
class OldWidget(pulumi.CustomResource):
    def _internal_init(__self__,
                 resource_name: str,
                 __props__=None):
        pulumi.log.warn("""OldWidget is deprecated: gizmo.OldWidget has been deprecated in favor of gizmo.Widget""")
'''

INPUTS = '''\
import pulumi

@pulumi.input_type
class WidgetIngressRuleArgs:
    def __init__(__self__, *,
                 from_port: pulumi.Input[_builtins.int],
                 cidr_blocks: pulumi.Input[Optional[Sequence[pulumi.Input[_builtins.str]]]] = None):
        pass

    @_builtins.property
    @pulumi.getter(name="fromPort")
    def from_port(self):
        return pulumi.get(self, "from_port")

    @_builtins.property
    @pulumi.getter(name="cidrBlocks")
    def cidr_blocks(self):
        return pulumi.get(self, "cidr_blocks")


@pulumi.input_type
class WidgetLogSettingsArgs:
    def __init__(__self__, *,
                 destinations: pulumi.Input[Optional[Sequence[pulumi.Input['WidgetLogSettingsDestinationArgs']]]] = None):
        pass

    @_builtins.property
    @pulumi.getter
    def destinations(self):
        return pulumi.get(self, "destinations")


@pulumi.input_type
class WidgetLogSettingsDestinationArgs:
    def __init__(__self__, *,
                 arn: pulumi.Input[_builtins.str]):
        pass

    @_builtins.property
    @pulumi.getter
    def arn(self):
        return pulumi.get(self, "arn")


@pulumi.input_type
class PolicyDocumentArgs:
    def __init__(__self__, *,
                 version: pulumi.Input[_builtins.str]):
        pass
'''


def test_generate_from_a_small_sdk_tree(gen: ModuleType, tmp_path: Path) -> None:
    module = tmp_path / "gizmo"
    module.mkdir()
    (module / "widget.py").write_text(textwrap.dedent(WIDGET), encoding="utf-8")
    (module / "_inputs.py").write_text(INPUTS, encoding="utf-8")
    document = gen.generate(tmp_path, "9.9.9", minimum=1)
    assert document["_provider"] == {"package": "pulumi-aws", "version": "9.9.9"}
    assert document["resources"] == {
        "aws:gizmo/oldWidget:OldWidget": {"tf": "aws_gizmo_widget", "via": "alias of aws:gizmo/widget:Widget"},
        "aws:gizmo/widget:Widget": {
            "tf": "aws_gizmo_widget",
            "via": "sdk-docs",  # the converted example names the Terraform type
            "tags_all": True,
            "props": {
                "accessPolicy": {"json": True},
                "ingressRules": {"block": "list", "tf": "ingress_rule"},
                "logSettings": {"block": "one", "type": "gizmo/WidgetLogSettings"},
            },
        },
    }
    assert document["types"] == {
        "gizmo/WidgetLogSettings": {"destinations": {"block": "list", "tf": "destination"}},
    }
    assert json.loads(gen.render(document)) == document


def test_scanner_refuses_an_sdk_it_does_not_understand(gen: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(gen.CodegenChanged):
        gen.generate(tmp_path, "1.0.0")
