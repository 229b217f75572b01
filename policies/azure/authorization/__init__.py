"""Policies for `azure-native:authorization` resources (role definitions and role assignments)."""
