"""SNS policies: topics encrypted at rest."""
