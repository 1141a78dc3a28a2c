"""Mail bodies that carry a secret, sealed while they wait in the queue.

A resume-link mail holds the resume code (in its link) until the worker sends it. Its
text and HTML are stored encrypted (JWE, direct AES-256-GCM) under a key derived from
the application's SECRET_KEY, so the `outgoing_mail` table alone (a database dump, a
backup, a support query) does not give anyone the code; the worker opens them when it
composes the message, and deletes the row once it is sent or given up
(`models.FORGOTTEN_ONCE_SENT`). A body that can no longer be opened (the SECRET_KEY
changed) is given up at once: the citizen still has the code on the screen.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

#: What a sealed body starts with; any other body is plain text (every other kind of mail).
PREFIX = "sealed:jwe:"
_PROTECTED = {"alg": "dir", "enc": "A256GCM"}
_ALGORITHMS = ["dir", "A256GCM"]


class Unreadable(ValueError):
    """A sealed body that this key cannot open."""


def _key() -> OctKey:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    raw = hmac.new(secret, b"amtsweg: sealed mail bodies", hashlib.sha256).digest()
    return OctKey.import_key(raw)


def seal(body: str) -> str:
    return PREFIX + jwe.encrypt_compact(_PROTECTED, body.encode(), _key(),
                                        algorithms=_ALGORITHMS)


def is_sealed(body: str) -> bool:
    return body.startswith(PREFIX)


def unseal(body: str) -> str:
    """The body as written; a body that was never sealed is returned as it is."""
    if not is_sealed(body):
        return body
    try:
        opened = jwe.decrypt_compact(body[len(PREFIX):], _key(), algorithms=_ALGORITHMS)
    except (JoseError, ValueError) as error:
        raise Unreadable(f"the sealed mail body cannot be opened: {type(error).__name__}") \
            from error
    return (opened.plaintext or b"").decode()
