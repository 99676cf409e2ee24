"""Use cases: each public function is one thing a merchant, shopper or worker does."""
