"""Lambda policies (`lambda_`: `lambda` is a Python keyword, as in the pulumi_aws SDK): function URLs."""
