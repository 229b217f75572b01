"""VPC-service policies: the standalone security group rule resources of `aws.vpc`.

The rule reading is shared with the EC2 security group policies (`policies.aws.ec2`).
"""
