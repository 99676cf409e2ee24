"""How the simulated bank decides a payment, and how long it takes."""

from __future__ import annotations

import random
from dataclasses import dataclass

_system_random = random.SystemRandom()

# SQS caps DelaySeconds at 15 minutes.
MAX_QUEUE_DELAY_SECONDS = 900


@dataclass(frozen=True)
class PaymentFailure:
    """Why the bank refused a payment, as stored on it (`error_code`, `error_description`)."""

    code: str
    description: str


PAYMENT_FAILED = PaymentFailure("PAYMENT_FAILED", "Payment processing failed")


@dataclass(frozen=True)
class BankOutcome:
    """The bank's answer: success when there is no failure."""

    failure: PaymentFailure | None = None

    @property
    def succeeded(self) -> bool:
        return self.failure is None


APPROVED = BankOutcome()
DECLINED = BankOutcome(PAYMENT_FAILED)


@dataclass(frozen=True)
class ProcessingRules:
    test_mode: bool
    test_delay_ms: int
    test_payment_success: bool
    delay_min_ms: int
    delay_max_ms: int
    upi_success_rate: float
    card_success_rate: float

    def payment_delay_ms(self, rng: random.Random = _system_random) -> int:
        if self.test_mode:
            return max(0, self.test_delay_ms)
        low, high = sorted((self.delay_min_ms, self.delay_max_ms))
        return rng.randint(max(0, low), max(0, high))

    def refund_delay_ms(self, rng: random.Random = _system_random) -> int:
        if self.test_mode:
            return max(0, self.test_delay_ms)
        return rng.randint(3000, 5000)

    def payment_outcome(self, method: str, rng: random.Random = _system_random) -> BankOutcome:
        if self.test_mode:
            return APPROVED if self.test_payment_success else DECLINED
        rate = self.upi_success_rate if method == "upi" else self.card_success_rate
        return APPROVED if rng.random() < rate else DECLINED


def split_delay(delay_ms: int) -> tuple[int, float]:
    """Whole seconds for SQS `DelaySeconds`, and the sub-second remainder the worker waits out itself."""
    delay_ms = max(0, delay_ms)
    seconds = min(delay_ms // 1000, MAX_QUEUE_DELAY_SECONDS)
    remainder = (delay_ms - seconds * 1000) / 1000.0
    return seconds, remainder
