"""CloudWatch Logs policies: log group retention and encryption."""
