"""Policies for `azure-native:keyvault:Vault`."""
