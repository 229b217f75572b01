"""Secrets Manager policies: customer-managed keys for OFFICIAL-SENSITIVE secrets."""
