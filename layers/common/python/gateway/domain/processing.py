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
PAYMENT_DECLINED = PaymentFailure("PAYMENT_DECLINED", "Payment declined by the bank")
CARD_DECLINED = PaymentFailure("CARD_DECLINED", "Card declined by the issuer")
INSUFFICIENT_FUNDS = PaymentFailure("INSUFFICIENT_FUNDS", "Insufficient funds")


@dataclass(frozen=True)
class BankOutcome:
    """The bank's answer: success when there is no failure."""

    failure: PaymentFailure | None = None

    @property
    def succeeded(self) -> bool:
        return self.failure is None


APPROVED = BankOutcome()
DECLINED = BankOutcome(PAYMENT_FAILED)

# In test mode these inputs decide the outcome, whatever TEST_PAYMENT_SUCCESS says (docs/behaviour.md, "Test
# mode"). A payment keeps only the outcome's name (`test_outcome`), decided at creation, so the worker never
# sees a card number.
TEST_OUTCOMES = {
    "success": APPROVED,
    "bank_declined": BankOutcome(PAYMENT_DECLINED),
    "card_declined": BankOutcome(CARD_DECLINED),
    "insufficient_funds": BankOutcome(INSUFFICIENT_FUNDS),
}
TEST_VPAS = {"success@upi": "success", "failure@upi": "bank_declined"}
TEST_CARDS = {"4000000000000002": "card_declined", "4000000000009995": "insufficient_funds"}


REFUND_DELAY_MIN_MS, REFUND_DELAY_MAX_MS = 3000, 5000


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

    @property
    def longest_delay_ms(self) -> int:
        """The most a payment or refund job may be delayed on purpose: past it (and a grace), it is late."""
        if self.test_mode:
            return max(0, self.test_delay_ms)
        return max(0, self.delay_min_ms, self.delay_max_ms, REFUND_DELAY_MAX_MS)

    def refund_delay_ms(self, rng: random.Random = _system_random) -> int:
        if self.test_mode:
            return max(0, self.test_delay_ms)
        return rng.randint(REFUND_DELAY_MIN_MS, REFUND_DELAY_MAX_MS)

    def payment_outcome(
        self, method: str, test_outcome: str | None = None, rng: random.Random = _system_random
    ) -> BankOutcome:
        if self.test_mode and test_outcome in TEST_OUTCOMES:
            return TEST_OUTCOMES[test_outcome]
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
