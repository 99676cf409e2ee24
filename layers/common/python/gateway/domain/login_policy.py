"""How many failed logins are tolerated, per account and per source address, before a pause."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
# Higher: several people behind one office NAT may mistype their passwords.
MAX_FAILURES_PER_ADDRESS = 20


@dataclass(frozen=True)
class LoginWindow:
    index: int
    ends_at: int

    @classmethod
    def at(cls, now: float) -> LoginWindow:
        index = int(now) // WINDOW_SECONDS
        return cls(index=index, ends_at=(index + 1) * WINDOW_SECONDS)

    def retry_after(self, now: float) -> int:
        return max(1, self.ends_at - int(now))


def account_subject(email: str) -> str:
    # Hashed so the counters table holds no e-mail addresses.
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def address_subject(source_ip: str) -> str:
    return "address:" + source_ip


def is_locked(account_failures: int, address_failures: int) -> bool:
    return account_failures >= MAX_FAILURES_PER_ACCOUNT or address_failures >= MAX_FAILURES_PER_ADDRESS
