"""Bearer tokens: random, shown once, stored only as an HMAC-SHA256 under the server's pepper.

With a pepper, a stolen database alone does not let anyone test guesses offline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "padan_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), token.encode(), hashlib.sha256).hexdigest()


def token_matches(token: str, stored_hash: str, pepper: str) -> bool:
    return hmac.compare_digest(hash_token(token, pepper), stored_hash)
