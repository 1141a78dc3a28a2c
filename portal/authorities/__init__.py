"""Authorities as records: loading them from files, the jurisdiction table, lookups.

`authorities/*.json` (one authority per file, see docs/authorities.md) are
loaded by `amtsweg authorities load` and by `make run`; a jurisdiction table
(CSV) by `amtsweg jurisdictions import`. Routing a citizen's application is in
`portal.authorities.routing`; this module only reads and writes the records.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select

from ..engine.i18n import resolve
from ..extensions import db, unit_of_work
from ..handover.models import Destination
from ..models import FormVersion, utcnow
from .models import Authority, Jurisdiction

AUTHORITY_ID = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
AGS = re.compile(r"^[0-9]{8}$")
ARS = re.compile(r"^[0-9]{12}$")
POSTCODE = re.compile(r"^[0-9]{5}$")
LEIKA = re.compile(r"^[0-9]{14}$")
LEGAL_KEYS = ("imprint", "privacy", "accessibility", "contact")
#: A logo: a file in authorities/logos/, served at /authorities/<id>/logo (the pages' Content
#: Security Policy allows images from this site only).
LOGO = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*\.(svg|png)$")
#: What an authority may say for one service instead of (privacy_notice) or besides (notice: a
#: word on its way of working; emergency: what to do in an emergency, shown first) the shared
#: form. A service's `contacts` (phone, email, web, hours) replace the authority's for it.
SERVICE_TEXTS = ("privacy_notice", "notice", "emergency")
CONTACT_KEYS = ("phone", "email", "web")
#: A service's own fee amounts in euro cents by fee code (docs/payments.md); 0 drops an item.
SERVICE_FEES = "fees"
#: Payment providers an authority's file may name (portal.payments.providers.FACTORIES).
PAYMENT_KEYS = ("provider", "options")
#: The columns of a jurisdiction table; `postcode` or `ags` (or both) must be given.
CSV_COLUMNS = ("leika_key", "postcode", "ags", "municipality", "authority", "destination")


class AuthorityError(ValueError):
    """An authority file or a jurisdiction table that cannot be loaded; says where and why."""


# -- authorities ------------------------------------------------------------------------------


def _language_map(value: Any, where: str, required: bool = False) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not (isinstance(value, dict) and value and "de" in value
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())):
        raise AuthorityError(f"{where}: a language map with at least a German text "
                             '({"de": "…", "en": "…"})')
    return dict(value)


def parse_authority(document: Any, where: str) -> dict[str, Any]:
    """The columns of an authority from its file; AuthorityError names what is wrong."""
    if not isinstance(document, dict):
        raise AuthorityError(f"{where}: an authority file is a JSON object")
    known = {"$comment", "id", "name", "address", "contacts", "ags", "ars", "legal", "logo",
             "destination", "services", "owns", "payment"}
    if unknown := sorted(set(document) - known):
        raise AuthorityError(f"{where}: unknown key(s) {', '.join(unknown)}")
    authority_id = document.get("id")
    if not (isinstance(authority_id, str) and AUTHORITY_ID.match(authority_id)):
        raise AuthorityError(f"{where} /id: lower-case letters, digits and -, 2 to 63 characters")
    address = document.get("address") or {}
    if not (isinstance(address, dict) and all(isinstance(address.get(k), str) and address[k]
                                              for k in ("street", "postcode", "city"))):
        raise AuthorityError(f"{where} /address: street, postcode and city are needed")
    for key, pattern in (("ags", AGS), ("ars", ARS)):
        if document.get(key) is not None and not (isinstance(document[key], str)
                                                  and pattern.match(document[key])):
            raise AuthorityError(f"{where} /{key}: {8 if key == 'ags' else 12} digits")
    contacts = document.get("contacts") or {}
    if not isinstance(contacts, dict):
        raise AuthorityError(f"{where} /contacts: an object (phone, email, web, hours)")
    if "hours" in contacts:
        _language_map(contacts["hours"], f"{where} /contacts/hours")
    legal = document.get("legal") or {}
    if not isinstance(legal, dict) or set(legal) - set(LEGAL_KEYS):
        raise AuthorityError(f"{where} /legal: only {', '.join(LEGAL_KEYS)}")
    for key, value in legal.items():
        _language_map(value, f"{where} /legal/{key}")
    services = document.get("services") or {}
    if not isinstance(services, dict):
        raise AuthorityError(f"{where} /services: an object keyed by LeiKa key")
    for leika_key, texts in services.items():
        if not LEIKA.match(leika_key) or not isinstance(texts, dict) \
                or set(texts) - {*SERVICE_TEXTS, "contacts", SERVICE_FEES}:
            raise AuthorityError(f"{where} /services/{leika_key}: a 14-digit LeiKa key with "
                                 f"only {', '.join(SERVICE_TEXTS)}, contacts, {SERVICE_FEES}")
        for key, value in texts.items():
            if key == SERVICE_FEES:
                _fee_amounts(value, f"{where} /services/{leika_key}/fees")
            elif key != "contacts":
                _language_map(value, f"{where} /services/{leika_key}/{key}")
            elif not isinstance(value, dict) or set(value) - {*CONTACT_KEYS, "hours"}:
                raise AuthorityError(f"{where} /services/{leika_key}/contacts: an object "
                                     "(phone, email, web, hours)")
    owns = document.get("owns") or []
    if not (isinstance(owns, list) and all(isinstance(f, str) and AUTHORITY_ID.match(f)
                                           for f in owns)):
        raise AuthorityError(f"{where} /owns: a list of form ids (\"onlinewache\")")
    logo = document.get("logo")
    if logo is not None and not (isinstance(logo, str) and LOGO.match(logo)):
        raise AuthorityError(f"{where} /logo: the name of a file in authorities/logos/ "
                             "(.svg or .png)")
    payment = _payment(document.get("payment"), f"{where} /payment")
    return {
        "id": authority_id,
        "name": _language_map(document.get("name"), f"{where} /name", required=True),
        "address": dict(address),
        "contacts": dict(contacts),
        "ags": document.get("ags"),
        "ars": document.get("ars"),
        "legal": dict(legal),
        "logo": document.get("logo"),
        "destination": document.get("destination"),
        "services": dict(services),
        "owns": sorted(set(owns)),
        "payment": payment,
    }


FEE_CODE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _fee_amounts(value: Any, where: str) -> None:
    if not (isinstance(value, dict) and all(
            isinstance(code, str) and FEE_CODE.match(code) and isinstance(amount, int)
            and not isinstance(amount, bool) and 0 <= amount <= 100_000_000
            for code, amount in value.items())):
        raise AuthorityError(f'{where}: fee codes with amounts in euro cents ({{"code": 12000}} '
                             "is 120,00 euros; 0 drops the item)")


def _payment(value: Any, where: str) -> dict[str, Any] | None:
    """An authority's payment provider: its name and non-secret options. Secrets never stand
    in the file; they come from the environment (docs/payments.md)."""
    if value is None:
        return None
    if not (isinstance(value, dict) and isinstance(value.get("provider"), str)
            and not set(value) - set(PAYMENT_KEYS)
            and isinstance(value.get("options", {}), dict)):
        raise AuthorityError(f'{where}: {{"provider": "govuk" | "redirect" | "test", '
                             '"options": {…}}')
    secretish = [key for key in value.get("options", {})
                 if re.search(r"secret|key|token|password", key, re.IGNORECASE)]
    if secretish:
        raise AuthorityError(f"{where}/options: {', '.join(secretish)} looks like a secret; "
                             "secrets come from the environment (AMTSWEG_PAYMENT_<AUTHORITY>_"
                             "<NAME>), never from a file")
    return {"provider": value["provider"], "options": dict(value.get("options") or {})}


def load_authorities(folder: Path, create_destinations: bool = False
                     ) -> list[tuple[Authority, str]]:
    """Create or update every authority in `folder`/*.json, in one unit of work.

    Returns (authority, "created" | "updated" | "unchanged"). The destination an
    authority names belongs to it (a destination configured later, too:
    handover.clients.configure_destination); with `create_destinations` one not
    configured yet is created, pull only.
    """
    parsed, paths = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise AuthorityError(f"{path}: cannot be read as JSON ({error})") from None
        parsed.append(parse_authority(document, str(path)))
        paths.append(str(path))
    results = []
    with unit_of_work() as session:
        _check_owners(parsed, paths)
        for columns in parsed:
            row = session.get(Authority, columns["id"])
            if row is None:
                row, state = Authority(**columns, edited={}), "created"
                session.add(row)
            elif any(getattr(row, k) != v for k, v in columns.items()):
                for key, value in columns.items():
                    setattr(row, key, value)
                row.updated_at, state = utcnow(), "updated"
            else:
                state = "unchanged"
            if columns["destination"]:
                _attach_destination(columns["destination"], columns["id"], create_destinations)
            results.append((row, state))
    forget_cached()
    return results


def _check_owners(parsed: list[dict[str, Any]], paths: list[str]) -> None:
    """A shipped form has at most one owner, among the files and the records not reloaded."""
    loading = {columns["id"] for columns in parsed}
    owners: dict[str, str] = {}
    others = [(row.id, row.owns or [], "the database") for row in
              db.session.execute(select(Authority)).scalars() if row.id not in loading]
    files = [(c["id"], c["owns"], path) for c, path in zip(parsed, paths, strict=True)]
    for authority_id, owns, where in others + files:  # a conflict names the file
        for form_id in owns:
            if form_id in owners:
                first, second = sorted((owners[form_id], authority_id))
                raise AuthorityError(f"{where} /owns: form {form_id!r} is owned by both "
                                     f"{first!r} and {second!r}: a shipped form has one owner")
            owners[form_id] = authority_id


def owner_of_shipped(form_id: str) -> str | None:
    """The authority that maintains a shipped form (its file's `owns`), or None."""
    for authority_id, owns in db.session.execute(
            select(Authority.id, Authority.owns).order_by(Authority.id)):
        if form_id in (owns or ()):
            return authority_id
    return None


def _attach_destination(name: str, authority_id: str, create: bool) -> None:
    destination = db.session.execute(
        select(Destination).filter_by(name=name)).scalar_one_or_none()
    if destination is None:
        if create:
            db.session.add(Destination(name=name, label=name, authority_id=authority_id))
            db.session.flush()
    elif destination.authority_id != authority_id:
        if destination.authority_id is not None:
            raise AuthorityError(f"destination {name!r} belongs to authority "
                                 f"{destination.authority_id!r}, not {authority_id!r}")
        destination.authority_id = authority_id


def owner_of_destination(name: str) -> str | None:
    """The authority whose file names this destination, if any."""
    return db.session.execute(select(Authority.id).where(Authority.destination == name)
                              .order_by(Authority.id).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class AuthorityRecord:
    """An authority as the pages show it: read once, kept per process for CACHE_SECONDS.

    Every wizard page shows the responsible authority and links the legal pages of it
    (or of the operator); reading the table on each would double what a step costs
    the database. A change loaded by `amtsweg authorities load` shows after at most
    CACHE_SECONDS in other processes (at once in the process that loaded it).
    """

    id: str
    name: dict = field(hash=False)
    address: dict = field(hash=False)
    contacts: dict = field(hash=False)
    ags: str | None
    ars: str | None
    legal: dict = field(hash=False)
    logo: str | None
    destination: str | None
    services: dict = field(hash=False, default_factory=dict)
    #: {"provider": name, "options": {…}} or None (docs/payments.md).
    payment: dict | None = field(hash=False, default=None)

    @classmethod
    def of(cls, row: Authority) -> AuthorityRecord:
        """The authority with what its administrator changed in the designer laid over it."""
        edited = row.edited or {}
        contacts = {**(row.contacts or {}), **(edited.get("contacts") or {})}
        legal = {**(row.legal or {}), **(edited.get("legal") or {})}
        return cls(row.id, dict(row.name or {}), dict(row.address or {}),
                   {k: v for k, v in contacts.items() if v}, row.ags, row.ars,
                   {k: v for k, v in legal.items() if v}, row.logo, row.destination,
                   service_overrides(row), dict(row.payment) if row.payment else None)

    def fee_overrides(self, leika_key: str | None) -> dict[str, int]:
        """The authority's own amounts for a service's fee items, by fee code."""
        return dict((self.services.get(leika_key) or {}).get(SERVICE_FEES) or {}) \
            if leika_key else {}

    def service_text(self, leika_key: str | None, key: str) -> dict | None:
        """The authority's own text for one service (privacy_notice, notice, emergency)."""
        return (self.services.get(leika_key) or {}).get(key) if leika_key else None

    def for_service(self, leika_key: str | None) -> AuthorityRecord:
        """The authority as one service shows it: the service's own contacts over its own."""
        own = (self.services.get(leika_key) or {}).get("contacts") if leika_key else None
        if not own:
            return self
        contacts = {k: v for k, v in {**self.contacts, **own}.items() if v}
        return dataclasses.replace(self, contacts=contacts)


def service_overrides(row: Authority) -> dict[str, dict[str, Any]]:
    """Per service, the file's overrides with the administrator's (designer) laid over them
    key by key; an emptied text or contact removes the file's."""
    merged: dict[str, dict[str, Any]] = {}
    edited = (row.edited or {}).get("services") or {}
    for leika_key in {*(row.services or {}), *edited}:
        texts = {**((row.services or {}).get(leika_key) or {}),
                 **(edited.get(leika_key) or {})}
        if isinstance(texts.get("contacts"), dict):
            texts["contacts"] = {k: v for k, v in texts["contacts"].items() if v}
        merged[leika_key] = {k: v for k, v in texts.items() if v}
    return merged


CACHE_SECONDS = 60.0
_cache: dict[tuple[str, str], tuple[float, Any]] = {}


def _cached(kind: str, key: str, load: Callable[[], Any]) -> Any:
    moment = time.monotonic()
    hit = _cache.get((kind, key))
    if hit is not None and moment - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()
    if len(_cache) > 1024:
        _cache.clear()
    _cache[(kind, key)] = (moment, value)
    return value


def forget_cached() -> None:
    _cache.clear()


def authority_record(authority_id: str | None) -> AuthorityRecord | None:
    """The authority (kept per process, see AuthorityRecord), or None."""
    if not authority_id:
        return None

    def load() -> AuthorityRecord | None:
        row = authority_named(authority_id)
        return AuthorityRecord.of(row) if row is not None else None

    return _cached("authority", authority_id, load)


def destination_owner(name: str) -> str | None:
    """The authority a configured destination belongs to (kept per process)."""
    return _cached("destination", name, lambda: db.session.execute(
        select(Destination.authority_id).where(Destination.name == name)).scalar_one_or_none())


def all_authorities() -> list[Authority]:
    return list(db.session.execute(select(Authority).order_by(Authority.id)).scalars())


def authority_named(authority_id: str | None) -> Authority | None:
    return db.session.get(Authority, authority_id) if authority_id else None


def name_of(authority: Authority, language: str) -> str:
    return resolve(authority.name, language, "de")


def postal_address(authority: Authority, language: str) -> list[str]:
    """The lines of the authority's postal address."""
    address = authority.address or {}
    return [name_of(authority, language), address.get("street", ""),
            f"{address.get('postcode', '')} {address.get('city', '')}".strip()]


def legal_text(authority: Authority, key: str, language: str) -> str | None:
    return resolve((authority.legal or {}).get(key), language, "de") or None


def is_link(text: str | None) -> bool:
    return bool(text) and text.startswith(("https://", "http://"))


def snapshot(authority: Authority, destination: str) -> dict[str, Any]:
    """What a submission keeps of its authority (and what the envelope hands over)."""
    return {
        "id": authority.id,
        "name": name_of(authority, "de"),
        "ags": authority.ags,
        "ars": authority.ars,
        "destination": destination,
        "address": dict(authority.address or {}),
        "contacts": {k: v for k, v in (authority.contacts or {}).items() if k != "hours"},
    }


def destination_for(authority: Authority, row: Jurisdiction | None = None) -> str | None:
    return (row.destination if row is not None and row.destination else None) \
        or authority.destination


# -- the jurisdiction table -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    rows: int
    services: list[str]


def import_jurisdictions(path: Path) -> ImportResult:
    """Replace the table's rows of every service (LeiKa key) the CSV file names.

    The first line names the columns (CSV_COLUMNS; `destination` may be left out).
    Every row is checked before anything is written; AuthorityError says which line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise AuthorityError(f"{path}: {error.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    missing = {"leika_key", "authority"} - set(reader.fieldnames or ())
    if missing or not ({"postcode", "ags"} & set(reader.fieldnames or ())):
        raise AuthorityError(f"{path}: the first line must name the columns "
                             f"{', '.join(CSV_COLUMNS)} (postcode or ags at least)")
    known = {a for a in db.session.execute(select(Authority.id)).scalars()}
    rows: list[Jurisdiction] = []
    for line, record in enumerate(reader, start=2):
        values = {k: (record.get(k) or "").strip() for k in CSV_COLUMNS}
        where = f"{path}:{line}"
        if not LEIKA.match(values["leika_key"]):
            raise AuthorityError(f"{where}: leika_key must be 14 digits")
        if not values["postcode"] and not values["ags"]:
            raise AuthorityError(f"{where}: a postcode or an AGS is needed")
        if values["postcode"] and not POSTCODE.match(values["postcode"]):
            raise AuthorityError(f"{where}: postcode must be 5 digits")
        if values["ags"] and not AGS.match(values["ags"]):
            raise AuthorityError(f"{where}: ags must be 8 digits")
        if values["authority"] not in known:
            raise AuthorityError(f"{where}: no authority {values['authority']!r} "
                                 "(load it first: amtsweg authorities load)")
        rows.append(Jurisdiction(
            leika_key=values["leika_key"], postcode=values["postcode"] or None,
            ags=values["ags"] or None, municipality=values["municipality"],
            authority_id=values["authority"], destination=values["destination"] or None))
    services = sorted({row.leika_key for row in rows})
    with unit_of_work() as session:
        session.execute(delete(Jurisdiction).where(Jurisdiction.leika_key.in_(services)))
        session.add_all(rows)
    return ImportResult(len(rows), services)


def rows_for(leika_key: str, *, postcode: str | None = None, ags: str | None = None,
             ars: str | None = None, everywhere: bool = False) -> list[Jurisdiction]:
    """The table's rows of a service for a postcode, an AGS or an ARS (its first 5 and last 3
    digits of 12 make the AGS), all that are given; every row of it with `everywhere`."""
    query = select(Jurisdiction).where(Jurisdiction.leika_key == leika_key)
    if ars:
        ars_ags = ars[:5] + ars[9:]
        if ags and ags != ars_ags:
            return []
        ags = ars_ags
    if postcode:
        query = query.where(Jurisdiction.postcode == postcode)
    if ags:
        query = query.where(Jurisdiction.ags == ags)
    if not (postcode or ags or everywhere):
        return []
    return list(db.session.execute(query.order_by(Jurisdiction.municipality,
                                                  Jurisdiction.id)).scalars())


def search_areas(text: str, limit: int = 50) -> list[tuple[str | None, str | None, str]]:
    """Areas (postcode, AGS, municipality) whose name or postcode starts with `text`."""
    text = text.strip()
    if not text:
        return []
    pattern = text.replace("\\", "").replace("%", "").replace("_", "") + "%"
    query = (select(Jurisdiction.postcode, Jurisdiction.ags, Jurisdiction.municipality)
             .where(or_(Jurisdiction.postcode.like(pattern),
                        Jurisdiction.municipality.ilike(pattern)))
             .distinct().order_by(Jurisdiction.municipality, Jurisdiction.postcode).limit(limit))
    return [tuple(row) for row in db.session.execute(query)]


def authorities_of(rows: Iterable[Jurisdiction]) -> dict[str, Authority]:
    ids = {row.authority_id for row in rows}
    if not ids:
        return {}
    found = db.session.execute(select(Authority).where(Authority.id.in_(ids))).scalars()
    return {a.id: a for a in found}


def services_offered(row: Authority) -> dict[str, str]:
    """The services (LeiKa key -> the shipped form's German title) an authority offers: those
    its jurisdiction rows, its file's overrides or a shipped form's fixed or chosen
    authority name; for the overrides its administrator edits in the designer."""
    keys = set(db.session.execute(select(Jurisdiction.leika_key).where(
        Jurisdiction.authority_id == row.id).distinct()).scalars())
    keys |= set(row.services or {}) | set((row.edited or {}).get("services") or {})
    titles: dict[str, str] = {}
    shipped = db.session.execute(select(FormVersion.definition).where(
        FormVersion.authority.is_(None), FormVersion.status == "published")).scalars()
    for definition in shipped:
        leika_key = definition.get("leika_key")
        if not isinstance(leika_key, str):
            continue
        titles.setdefault(leika_key, resolve(definition.get("title"), "de", "de"))
        jurisdiction = definition.get("jurisdiction") or {}
        if row.id == jurisdiction.get("authority") or row.id in (
                jurisdiction.get("authorities") or ()):
            keys.add(leika_key)
    return {key: titles.get(key, key) for key in sorted(keys)}
