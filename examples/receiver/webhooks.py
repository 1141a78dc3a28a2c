"""Checking a Standard Webhooks signature, as any receiver must before trusting a push.

Deliberately independent of the portal's code: this is the other side of the
wire, written from the specification (webhook-id, webhook-timestamp,
webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

TOLERANCE_SECONDS = 300


class Unsigned(Exception):
    """Not signed with our secret, or too old to trust (a replay)."""


def verify(secret: str, headers: Mapping[str, str], body: bytes) -> str:
    """Return the webhook-id if the signature holds; raise Unsigned otherwise."""
    if not secret.startswith("whsec_"):
        raise ValueError("the signing secret starts with whsec_")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    webhook_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    if not webhook_id or not timestamp.isdigit():
        raise Unsigned("webhook-id and webhook-timestamp are required")
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        raise Unsigned("timestamp outside the tolerance")
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    offered = headers.get("webhook-signature", "").split()
    if not any(hmac.compare_digest(expected, s) for s in offered):
        raise Unsigned("no matching signature")
    return webhook_id
