"""DynamoDB policies: customer-managed keys for OFFICIAL-SENSITIVE tables, point-in-time recovery."""
