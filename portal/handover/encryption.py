"""Optional end-to-end encryption: JWE compact, RSA-OAEP-256 with A256GCM, as FIT-Connect does.

A destination that registers a public RSA key (JWK) gets its envelopes,
attachments and receipts only as JWE, so nobody between the portal's database
and the procedure (a proxy, a backup, a leaked token) can read them.
"""

from __future__ import annotations

from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

ALGORITHMS = ["RSA-OAEP-256", "A256GCM"]
JOSE_MEDIA_TYPE = "application/jose"
MIN_KEY_BITS = 2048
_PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth"}


class UnusableKey(ValueError):
    """The JWK is not a public RSA key of at least 2048 bits meant for encryption."""


def check_public_jwk(jwk: Any) -> dict:
    """The JWK, trimmed to what encryption needs; raises UnusableKey with the reason."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
        raise UnusableKey("the key must be a JWK with kty RSA")
    if _PRIVATE_MEMBERS & jwk.keys():
        raise UnusableKey("this is a private key: register only the public part")
    if jwk.get("use", "enc") != "enc":
        raise UnusableKey('the key\'s "use" must be "enc"')
    if jwk.get("alg", "RSA-OAEP-256") != "RSA-OAEP-256":
        raise UnusableKey('the key\'s "alg" must be "RSA-OAEP-256"')
    try:
        key = RSAKey.import_key(jwk)
    except (JoseError, ValueError, TypeError) as error:
        raise UnusableKey(f"the key cannot be read: {error}") from None
    if key.raw_value.key_size < MIN_KEY_BITS:
        raise UnusableKey(f"the key must have at least {MIN_KEY_BITS} bits")
    return {k: v for k, v in jwk.items() if k in {"kty", "n", "e", "kid", "use", "alg"}}


def encrypt(plaintext: bytes, jwk: dict, content_type: str) -> str:
    """A JWE compact serialization of `plaintext` that only the key's owner can open.

    `cty` tells the receiver what the plaintext is; `kid` which of its keys to use.
    """
    header = {"alg": ALGORITHMS[0], "enc": ALGORITHMS[1], "cty": content_type}
    if "kid" in jwk:
        header["kid"] = jwk["kid"]
    return jwe.encrypt_compact(header, plaintext, RSAKey.import_key(jwk), algorithms=ALGORITHMS)
