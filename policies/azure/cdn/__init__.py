"""Policies for Azure Front Door Standard/Premium (`azure-native:cdn:Route`, `AFDCustomDomain`)."""
