"""Authorities and the jurisdiction table: who is responsible for an application, and where.

An authority's id is the short name designer accounts and published versions
already carry (`StaffUser.authority`, `FormVersion.authority`). Texts are
language maps; a legal text whose value is an https link is shown as a link.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class Authority(db.Model):
    __tablename__ = "authority"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    #: Language map: the authority's name ("Polizeipräsidium Rostock").
    name: Mapped[dict] = mapped_column(JSON)
    #: {"street", "postcode", "city"}: the postal address the receipt prints.
    address: Mapped[dict] = mapped_column(JSON, default=dict)
    #: {"phone", "email", "web", "hours": language map}.
    contacts: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Amtlicher Gemeindeschlüssel (8 digits) and Regionalschlüssel (12) of the area served.
    ags: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    ars: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    #: {"imprint" | "privacy" | "accessibility" | "contact": language map of a link or a text}.
    legal: Mapped[dict] = mapped_column(JSON, default=dict)
    logo: Mapped[str | None] = mapped_column(String(500), nullable=True)
    #: The destination that receives the authority's applications unless a jurisdiction row
    #: names another.
    destination: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: Per service (LeiKa key): texts that replace or add to a shared form's for this authority,
    #: {"99125001000000": {"privacy_notice": {language map}, "notice": {language map}}}.
    services: Mapped[dict] = mapped_column(JSON, default=dict)
    #: How the authority takes fees: {"provider": "govuk" | "redirect" | "test", "options": {…}}
    #: (non-secret options only; secrets come from the environment, docs/payments.md).
    payment: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: What an administrator of the authority changed in the designer ({"contacts": {…},
    #: "legal": {…}}): laid over the file's values, never touched by `authorities load`.
    edited: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The shipped forms (form ids) this authority maintains for everyone (Einer für Alle): only
    #: its publishers publish new versions of them; other authorities override their own texts.
    owns: Mapped[list | None] = mapped_column(JSON, nullable=True, default=list)
    #: Four eyes: "shipped" (a version of a shipped, shared form must be published by someone
    #: other than its authors), "all" (every form of the authority) or "off".
    four_eyes: Mapped[str] = mapped_column(String(8), default="shipped",
                                           server_default="shipped")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Jurisdiction(db.Model):
    """One row of the jurisdiction table: for a service (LeiKa key), a postcode or
    municipality (AGS) belongs to an authority."""

    __tablename__ = "jurisdiction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leika_key: Mapped[str] = mapped_column(String(14), index=True)
    postcode: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    ags: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    #: The municipality's name, shown when a postcode spans several.
    municipality: Mapped[str] = mapped_column(String(200), default="")
    authority_id: Mapped[str] = mapped_column(ForeignKey("authority.id"), index=True)
    #: Another destination of the authority for this service; None: the authority's own.
    destination: Mapped[str | None] = mapped_column(String(200), nullable=True)
