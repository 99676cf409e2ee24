"""Data access at the edge: DynamoDB through pynamodb, SQS and Step Functions through boto3."""
