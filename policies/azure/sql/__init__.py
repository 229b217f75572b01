"""Policies for `azure-native:sql:Server` (Azure SQL logical servers)."""
