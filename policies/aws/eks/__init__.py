"""EKS policies: private cluster API endpoints."""
