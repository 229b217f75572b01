"""Policies for `azure-native:containerservice:ManagedCluster` (AKS)."""
