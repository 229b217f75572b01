"""ECR policies: image scanning and immutable tags."""
