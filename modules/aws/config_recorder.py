"""`ConfigRecorder`: AWS Config recording in one account and region, delivering to the log archive.

Children (logical names `<name>-<suffix>`, parented to the component):

- `service-linked-role`: `aws.iam.ServiceLinkedRole` for `config.amazonaws.com`, when
  `create_service_linked_role`;
- `recorder`: `aws.cfg.Recorder`, all supported types (and global types where asked);
- `delivery-channel`: `aws.cfg.DeliveryChannel` to the archive bucket, SSE-KMS;
- `status`: `aws.cfg.RecorderStatus`, recording on.

The recorder uses the service-linked role `AWSServiceRoleForConfig` (AWS keeps its permissions
current) rather than a custom role. The role exists once per account, so only one recorder per
account (the home region's) should create it. Global resource types (IAM) are recorded in the
home region only: recording them in every region would bill each change once per region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.tags import check_tags
from modules.aws.access_log_bucket import account_id_problems, bucket_name_problems
from modules.aws.iam_docs import KMS_KEY_ARN_RE

TYPE_TOKEN: Final = "lz:aws:ConfigRecorder"

CONFIG_SERVICE: Final = "config.amazonaws.com"
#: Config's recorder and delivery channel are singletons per account and region; `default` is
#: the name the console uses, so a recorder made by hand is adopted rather than duplicated.
DEFAULT_NAME: Final = "default"
SNAPSHOT_FREQUENCIES: Final = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
_NAME_RE: Final = re.compile(r"[\w-]{1,256}")
_PREFIX_RE: Final = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def service_linked_role_arn(account_id: str) -> str:
    """ARN of AWS Config's service-linked role in an account."""
    return f"arn:aws:iam::{account_id}:role/aws-service-role/{CONFIG_SERVICE}/AWSServiceRoleForConfig"


@dataclass(frozen=True, kw_only=True)
class ConfigRecorderArgs:
    """Inputs of `ConfigRecorder`."""

    account_id: pulumi.Input[str]
    """Required. The account recorded (the provider's account): names the service-linked role."""
    bucket_name: pulumi.Input[str]
    """Required. NAME of the log archive bucket configuration snapshots and history go to."""
    kms_key_arn: pulumi.Input[str]
    """Required. ARN of the log archive key the delivered objects are encrypted with."""
    tags: Mapping[str, str]
    """Required. The full tag set (applied to the service-linked role; Config's recorder and
    delivery channel take no tags)."""
    include_global_resource_types: bool = False
    """Optional. Record global types (IAM users, roles, policies). True in the home region only."""
    create_service_linked_role: bool = False
    """Optional. Create `AWSServiceRoleForConfig`. Once per account: True for its home-region
    recorder, False where the role exists already (for example Control Tower made it)."""
    name: str = DEFAULT_NAME
    """Optional. Name of the recorder and delivery channel (default `default`)."""
    s3_key_prefix: str = "config"
    """Optional. Prefix in the bucket; Config appends `/AWSLogs/<account>/Config/...`."""
    snapshot_frequency: str = "TwentyFour_Hours"
    """Optional. How often a full configuration snapshot is delivered."""


def validate_config_recorder_args(args: ConfigRecorderArgs) -> list[str]:
    """Every problem with `args`; empty when a `ConfigRecorder` can be built from them."""
    problems = account_id_problems("account_id", args.account_id)
    if isinstance(args.bucket_name, str):
        problems += bucket_name_problems("bucket_name", args.bucket_name)
    if isinstance(args.kms_key_arn, str) and KMS_KEY_ARN_RE.fullmatch(args.kms_key_arn) is None:
        problems.append(
            f"kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got {args.kms_key_arn!r}"
        )
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if _NAME_RE.fullmatch(args.name) is None:
        problems.append(f"name must be 1-256 letters, digits, '_' or '-', got {args.name!r}")
    if _PREFIX_RE.fullmatch(args.s3_key_prefix) is None:
        problems.append(
            f"s3_key_prefix must be a lowercase slug without slashes (e.g. 'config'), got {args.s3_key_prefix!r}"
        )
    if args.snapshot_frequency not in SNAPSHOT_FREQUENCIES:
        problems.append(
            f"snapshot_frequency must be one of {', '.join(SNAPSHOT_FREQUENCIES)}, got {args.snapshot_frequency!r}"
        )
    return problems


class ConfigRecorder(pulumi.ComponentResource):
    """AWS Config recording every supported resource type into the log archive."""

    recorder_name: pulumi.Output[str]
    """The recorder's name."""

    def __init__(self, name: str, args: ConfigRecorderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_config_recorder_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        depends: list[pulumi.Resource] = []
        if args.create_service_linked_role:
            depends.append(
                aws.iam.ServiceLinkedRole(
                    f"{name}-service-linked-role",
                    aws_service_name=CONFIG_SERVICE,
                    tags=dict(args.tags),
                    opts=child,
                )
            )
        recorder = aws.cfg.Recorder(
            f"{name}-recorder",
            name=args.name,
            role_arn=pulumi.Output.from_input(args.account_id).apply(service_linked_role_arn),
            recording_group=aws.cfg.RecorderRecordingGroupArgs(
                all_supported=True,
                include_global_resource_types=args.include_global_resource_types,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )
        channel = aws.cfg.DeliveryChannel(
            f"{name}-delivery-channel",
            name=args.name,
            s3_bucket_name=args.bucket_name,
            s3_key_prefix=args.s3_key_prefix,
            s3_kms_key_arn=args.kms_key_arn,
            snapshot_delivery_properties=aws.cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs(
                delivery_frequency=args.snapshot_frequency
            ),
            # Config needs a recorder before it accepts a delivery channel.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[recorder]),
        )
        aws.cfg.RecorderStatus(
            f"{name}-status",
            name=recorder.name,
            is_enabled=True,
            # Recording can only start once there is somewhere to deliver to.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[channel]),
        )
        self.recorder_name = recorder.name
        self.register_outputs({"recorder_name": self.recorder_name})
