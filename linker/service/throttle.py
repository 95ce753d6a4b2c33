"""Throttling of failed authentication, with a temporary lockout (the `limits` library).

Only failures are counted: a client that keeps sending wrong tokens is answered 429 with
Retry-After once it has used up its allowance, per client address and per token prefix (so a
leaked or revoked token retried from many addresses is slowed too), and an address that keeps
failing is locked out for a while, valid token or not. Counters live in `limits` storage: memory
for one API process, Redis (`redis://…`) when several share the work.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

log = logging.getLogger("padan.throttle")

TOKEN_PREFIX_CHARS = 14  # "padan_" and 8 random characters: names a token, cannot use it


def parse_rate(value: str, setting: str) -> RateLimitItem:
    """A `limits` rate such as "10/minute" or "30 per hour"; the error names the setting."""
    try:
        return parse(value)
    except ValueError:
        raise ValueError(f"{setting} must be a rate such as '10/minute' or '30 per hour'"
                         ) from None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is refused before its token is even checked."""

    reason: str  # "throttled" or "locked_out"
    retry_after: int  # seconds


class AuthGuard:
    """Counts failed authentications and says when a client must wait."""

    def __init__(self, *, per_address: str, per_token: str, lockout_after: str,
                 lockout_seconds: int, storage_url: str, pepper: str):
        self.per_address = parse_rate(per_address, "PADAN_AUTH_THROTTLE")
        self.per_token = parse_rate(per_token, "PADAN_AUTH_THROTTLE_PER_TOKEN")
        self.lockout_after = parse_rate(lockout_after, "PADAN_AUTH_LOCKOUT_AFTER")
        self.lockout = RateLimitItemPerSecond(1, lockout_seconds)
        storage = storage_from_string(storage_url)
        self.window = MovingWindowRateLimiter(storage)
        self.fixed = FixedWindowRateLimiter(storage)
        self._pepper = pepper.encode()

    def _token_key(self, token: str) -> str:
        # The counter's key must not be (part of) a token in plain: Redis is not a secret store.
        prefix = token[:TOKEN_PREFIX_CHARS].encode()
        return hmac.new(self._pepper, prefix, hashlib.sha256).hexdigest()[:32]

    def refusal(self, address: str, token: str | None) -> Refusal | None:
        """A refusal if the address is locked out or either allowance is used up."""
        try:
            if not self.fixed.test(self.lockout, "lock", address):
                return Refusal("locked_out", self._wait(self.fixed, self.lockout, "lock", address))
            if not self.window.test(self.per_address, "addr", address):
                return Refusal("throttled",
                               self._wait(self.window, self.per_address, "addr", address))
            if token and not self.window.test(self.per_token, "tok", self._token_key(token)):
                key = self._token_key(token)
                return Refusal("throttled", self._wait(self.window, self.per_token, "tok", key))
        except Exception:  # storage away: tokens are 256-bit, so serve rather than refuse all
            log.warning("throttle storage unavailable; not throttling", exc_info=True)
        return None

    def failed(self, address: str, token: str | None) -> bool:
        """Count a failure; True if it starts a lockout of the address."""
        try:
            self.window.hit(self.per_address, "addr", address)
            if token:
                self.window.hit(self.per_token, "tok", self._token_key(token))
            if not self.window.hit(self.lockout_after, "fail", address):
                self.window.clear(self.lockout_after, "fail", address)
                return self.fixed.hit(self.lockout, "lock", address)
        except Exception:
            log.warning("throttle storage unavailable; failure not counted", exc_info=True)
        return False

    @staticmethod
    def _wait(limiter, item: RateLimitItem, *keys: str) -> int:
        reset = limiter.get_window_stats(item, *keys).reset_time
        return max(1, math.ceil(reset - time.time()))
