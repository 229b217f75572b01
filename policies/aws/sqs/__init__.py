"""SQS policies: queues encrypted at rest."""
