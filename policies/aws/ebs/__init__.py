"""EBS policies: volumes encrypted, with a customer-managed key for OFFICIAL-SENSITIVE data."""
