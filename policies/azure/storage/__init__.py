"""Policies for `azure-native:storage` resources (storage accounts and blob containers)."""
