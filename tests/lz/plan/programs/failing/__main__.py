import pulumi_aws as aws


def build():
    raise ValueError("bucket name missing in config")


aws.s3.Bucket("ok")
build()
