"""Standard Webhooks signing: webhook-id, webhook-timestamp and a v1 HMAC-SHA256 signature.

The signed content is "{webhook-id}.{webhook-timestamp}.{body}"; the key is the
base64 part of a `whsec_` secret. A receiver recomputes the signature, compares
in constant time and refuses timestamps outside its tolerance (replays).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300


class BadSignature(Exception):
    """The message was not signed with the secret, or is too old or too new."""


def generate_secret() -> str:
    """A fresh signing secret in the Standard Webhooks format: whsec_ + base64 of 32 bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret; raises ValueError for anything else."""
    if not secret.startswith(PREFIX):
        raise ValueError("a signing secret starts with whsec_")
    try:
        key = base64.b64decode(secret[len(PREFIX):], validate=True)
    except ValueError:
        raise ValueError("a signing secret is whsec_ followed by base64") from None
    if not 24 <= len(key) <= 64:
        raise ValueError("a signing secret holds 24 to 64 random bytes")
    return key


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secret: str, webhook_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for a message sent now (or at `timestamp`)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, webhook_id, timestamp, body),
    }


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raise BadSignature unless `headers` sign `body` with `secret`, recently enough.

    The signature header may list several space-separated signatures (during a
    secret rotation); one matching v1 signature is enough.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        webhook_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        offered = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        raise BadSignature(
            "webhook-id, webhook-timestamp and webhook-signature are required") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise BadSignature("the timestamp is outside the tolerance")
    expected = signature(secret, webhook_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise BadSignature("no signature matches")
