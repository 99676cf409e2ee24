"""How many logins are tolerated per window before a pause: per account from one source address, per
address, and per account from everywhere.

Attempts are counted before the password is checked (a refused attempt never reaches the hash) and a
successful login gives its count back, so the limits are limits on failures. The per-account limit counts
per source address, so nobody can lock a merchant out from elsewhere; the account-wide ceiling stops a
guesser spread over many addresses, and sits far above what one address may try (its own limit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
# Higher: several people behind one office NAT may mistype their passwords.
MAX_FAILURES_PER_ADDRESS = 20
# Five addresses at their own limit reach it; one attacker alone (capped at 20 by the address limit)
# cannot, so the owner still logs in from elsewhere while one address is throttled.
MAX_FAILURES_PER_ACCOUNT_EVERYWHERE = 100


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


def _email_digest(email: str) -> str:
    # Hashed so the counters table holds no e-mail addresses.
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def login_limits(email: str, source_ip: str) -> dict[str, int]:
    """Each counter an attempt adds to, with its limit."""
    account = "account:" + _email_digest(email)
    return {
        f"{account}|address:{source_ip}": MAX_FAILURES_PER_ACCOUNT,
        "address:" + source_ip: MAX_FAILURES_PER_ADDRESS,
        account: MAX_FAILURES_PER_ACCOUNT_EVERYWHERE,
    }
