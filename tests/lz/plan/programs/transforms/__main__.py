"""A program exercising transforms at every level, options, references and outputs."""

import json

import pulumi
import pulumi_aws as aws
from helpers import stamp  # a local module next to the program, as real projects have


def mark(label):
    def transform(args):
        if args.type_ != "aws:s3/bucket:Bucket":
            return None
        props = dict(args.props)
        tags = dict(props.get("tags") or {})
        tags["order"] = (tags.get("order", "") + ">" + label).lstrip(">")
        props["tags"] = tags
        opts = args.opts
        if label == "stack":
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(retain_on_delete=True))
        return pulumi.ResourceTransformResult(props, opts)

    return transform


pulumi.runtime.register_resource_transform(mark("stack"))


class Store(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("test:index:Store", name, None, opts)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=stamp(name),
            tags={"team": "t"},
            opts=pulumi.ResourceOptions(parent=self, transforms=[mark("own")], protect=True,
                                        ignore_changes=["tags.colour"]),
        )
        self.register_outputs({"bucket": self.bucket.bucket})


store = Store("docs", opts=pulumi.ResourceOptions(transforms=[mark("parent")]))
key = aws.kms.Key("key", description="k", opts=pulumi.ResourceOptions(depends_on=[store]))
policy = aws.s3.BucketPolicy("policy", bucket=store.bucket.id, policy=key.arn.apply(lambda a: json.dumps({"k": a})))
secret = aws.secretsmanager.SecretVersion(
    "secret", secret_id="s", secret_string=pulumi.Output.secret("hunter2")
)
net = pulumi.StackReference("acme/network/prod")
pulumi.export("bucket", store.bucket.bucket)
pulumi.export("vpc", net.get_output("vpc_id"))
pulumi.export("password", pulumi.Output.secret("hunter2"))
