"""Policies for `azure-native:monitor:DiagnosticSetting` and diagnostic coverage of a stack."""
