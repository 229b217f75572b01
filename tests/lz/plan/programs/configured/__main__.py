import pulumi
import pulumi_aws as aws

cfg = pulumi.Config()
settings = cfg.require_object("settings")
for i in range(cfg.require_int("size")):
    aws.s3.Bucket(f"{cfg.require('prefix')}-{settings['tier']}-{i}")
pulumi.export("region", pulumi.Config("aws").require("region"))
pulumi.export("token_is_secret", cfg.require_secret("token").apply(lambda _: True))
