"""Policies for `azure-native:compute` resources (managed disks and virtual machines)."""
