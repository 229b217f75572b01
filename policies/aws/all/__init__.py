"""Policies across AWS resource types: protection of stateful resources in production, and public
endpoints of OFFICIAL-SENSITIVE data."""
