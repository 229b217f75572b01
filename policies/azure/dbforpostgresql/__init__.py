"""Policies for `azure-native:dbforpostgresql:Server` (PostgreSQL flexible server in azure-native v3)."""
