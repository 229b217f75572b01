"""Policies on the tag contract (lz/tags.py), applying to every taggable resource on both clouds."""
