"""Operational telemetry: JSON log lines that carry the request id, and CloudWatch Embedded Metric Format."""
