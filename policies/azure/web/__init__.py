"""Policies for `azure-native:web:WebApp` (App Service web apps)."""
