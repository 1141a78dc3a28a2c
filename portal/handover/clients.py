"""Destinations and their API clients: configuring them, issuing and checking bearer tokens.

A token is `aw_<prefix>_<secret>`: 256 random bits, shown once. Only its
SHA-256 is stored; a plain hash is enough because the token is random, not a
password a person chose. The prefix names the token in lists and logs.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import select

from ..extensions import db
from .encryption import check_public_jwk
from .lifecycle import now
from .models import ApiClient, Destination
from .signing import secret_key

TOKEN_PREFIX = "aw_"  # noqa: S105 - a marker for secret scanners, not a secret
#: Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class NotFound(LookupError):
    """No destination or client by that name or prefix."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_push_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the push URL must be an http or https URL with a host")
    if parts.username or parts.password:
        raise ValueError("the push URL must not hold credentials; the signature authenticates")
    return url


def is_plain_http(url: str) -> bool:
    """Plain http to anything but this machine: personal data would cross the network readable."""
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1")


def destination_named(name: str) -> Destination:
    found = db.session.execute(select(Destination).filter_by(name=name)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no destination {name!r}")
    return found


def missing_destinations(names: Iterable[str]) -> list[str]:
    """The names among `names` that no configured destination has, sorted."""
    wanted = set(names)
    known = set(db.session.execute(
        select(Destination.name).where(Destination.name.in_(wanted))).scalars())
    return sorted(wanted - known)


def check_mail_from(sender: str) -> str:
    """A sender address as an e-mail's From: `Name <local@domain>` or `local@domain`."""
    name, address = parseaddr(sender)
    if "@" not in address or any(c in sender for c in "\r\n") or len(sender) > 254:
        raise ValueError(f"{sender!r} is not an e-mail sender ('Name <address@domain>')")
    return sender


def configure_destination(name: str, *, create: bool, label: str | None = None,
                          push_url: str | None = None, signing_secret: str | None = None,
                          public_jwk: dict | None = None,
                          mail_from: str | None = None) -> Destination:
    """Create a destination (create=True) or change the given settings of an existing one.

    An empty push URL switches push off. Raises ValueError on a bad setting.
    """
    if create:
        if db.session.execute(select(Destination.id).filter_by(name=name)).first():
            raise ValueError(f"destination {name!r} exists already")
        from ..authorities import owner_of_destination  # authorities import this module

        destination = Destination(name=name, label=label or name,
                                  authority_id=owner_of_destination(name))
        db.session.add(destination)
    else:
        destination = destination_named(name)
        if label is not None:
            destination.label = label
    if push_url is not None:
        destination.push_url = check_push_url(push_url) if push_url else None
    if signing_secret is not None:
        secret_key(signing_secret)
        destination.signing_secret = signing_secret
    if public_jwk is not None:
        destination.public_jwk = check_public_jwk(public_jwk)
    if mail_from is not None:
        destination.mail_from = check_mail_from(mail_from) if mail_from else None
    if destination.push_url and not destination.signing_secret:
        raise ValueError("a push URL needs a signing secret (--secret or --generate-secret)")
    db.session.commit()
    return destination


def _issue(destination: Destination, name: str,
           rotated_from: ApiClient | None = None) -> tuple[ApiClient, str]:
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    client = ApiClient(destination=destination, name=name, prefix=prefix,
                       token_hash=hash_token(token),
                       rotated_from_id=rotated_from.id if rotated_from else None)
    db.session.add(client)
    return client, token


def create_client(destination_name: str, name: str) -> tuple[ApiClient, str]:
    """A new client of the destination and its token (the only time the token exists in clear)."""
    client, token = _issue(destination_named(destination_name), name)
    db.session.commit()
    return client, token


def client_with_prefix(prefix: str) -> ApiClient:
    prefix = prefix.removeprefix(TOKEN_PREFIX).split("_")[0]
    found = db.session.execute(select(ApiClient).filter_by(prefix=prefix)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no API client with prefix {prefix!r}")
    return found


def revoke_client(prefix: str) -> ApiClient:
    client = client_with_prefix(prefix)
    moment = now()
    if client.revoked_at is None or _aware(client.revoked_at) > moment:
        client.revoked_at = moment
    db.session.commit()
    return client


def rotate_client(prefix: str, grace: timedelta) -> tuple[ApiClient, str]:
    """A new token for the same client; the old one keeps working for `grace`, then stops."""
    old = client_with_prefix(prefix)
    moment = now()
    if old.revoked_at is not None and _aware(old.revoked_at) <= moment:
        raise ValueError("this token is revoked; create a new client instead")
    old.revoked_at = moment + grace
    client, token = _issue(old.destination, old.name, rotated_from=old)
    db.session.commit()
    return client, token


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_active(client: ApiClient, moment: datetime | None = None) -> bool:
    return client.revoked_at is None or _aware(client.revoked_at) > (moment or now())


def authenticate(token: str) -> ApiClient | None:
    """The active client this token belongs to, or None. Never logs or stores the token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = db.session.execute(
        select(ApiClient).filter_by(token_hash=hash_token(token))
    ).scalar_one_or_none()
    moment = now()
    if client is None or not is_active(client, moment):
        return None
    if client.last_used_at is None or moment - _aware(client.last_used_at) > LAST_USED_RESOLUTION:
        client.last_used_at = moment
        db.session.commit()
    return client


def clients_of(destination_name: str | None = None) -> list[ApiClient]:
    query = select(ApiClient).order_by(ApiClient.created_at, ApiClient.id)
    if destination_name:
        query = query.join(Destination).where(Destination.name == destination_name)
    return list(db.session.execute(query).scalars())
