"""What tests and the benchmark share: the live stack, the in-process pipeline pump, the merchant client,
the webhook receivers and polling with deadlines. Product code never imports it."""
