"""Lambda event sources: turning SQS and DynamoDB Streams batches into calls, and failures into retries."""
