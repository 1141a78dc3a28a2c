"""The texts of a draft per language, side by side: which are missing, which are outdated.

A translation is *outdated* when the text in the form's default language (the source)
has changed since the translation was written or confirmed. For each translation the
table ``text_status`` keeps the fingerprint of the source it was confirmed for (and of
the translation itself). Whoever changes the draft's text (the JSON view, the structured
editor, an import of translations), the comparison is against what was confirmed:

- no row yet: the translation is as the draft started. A draft copied from a version
  started with that version's texts, so its source and translation count as confirmed
  there; any other draft started with its own first text;
- the translation itself differs from the confirmed one: someone edited it, it is current;
- otherwise, a source that differs from the confirmed one makes it outdated.

Rows are written when the draft's text is set (an ORM event, so every writer is covered:
the changed translations are confirmed for the new source, the others keep the source
they had) and when someone confirms a translation on the texts page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session

from ..extensions import db
from .models import FormDraft, utcnow
from .textlist import Text, fingerprint, languages_of, texts_of

CURRENT, MISSING, OUTDATED = "current", "missing", "outdated"


class TextStatus(db.Model):
    """For one translation of one text of a draft: the source it was confirmed for."""

    __tablename__ = "text_status"
    __table_args__ = (UniqueConstraint("form_draft_id", "key", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_draft_id: Mapped[int] = mapped_column(
        ForeignKey("form_draft.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8))
    source_hash: Mapped[str] = mapped_column(String(16))
    text_hash: Mapped[str] = mapped_column(String(16))
    confirmed_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _parse(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except (ValueError, RecursionError):
        return None


def _rows(session: Session, draft_id: int) -> dict[tuple[str, str], TextStatus]:
    with session.no_autoflush:
        rows = session.execute(select(TextStatus).where(TextStatus.form_draft_id == draft_id))
        return {(r.key, r.language): r for r in rows.scalars()}


def _baseline(draft: FormDraft) -> dict[str, Text]:
    """The texts the draft started from: its version's, if it is a copy."""
    based_on = draft.based_on
    if based_on is None:
        return {}
    return {t.key: t for t in texts_of(based_on.definition)}


@dataclass
class TextState:
    """One text with the state of each translation."""

    text: Text
    source: str
    states: dict[str, str] = field(default_factory=dict)  # language -> CURRENT/MISSING/OUTDATED


@dataclass
class Summary:
    default: str
    languages: list[str]
    texts: list[TextState]

    def count(self, language: str, state: str) -> int:
        return sum(1 for t in self.texts if t.states.get(language) == state)

    def missing(self, language: str) -> int:
        return self.count(language, MISSING)

    def outdated(self, language: str) -> int:
        return self.count(language, OUTDATED)

    @property
    def total_outdated(self) -> int:
        return sum(self.outdated(lang) for lang in self.languages)

    def outdated_list(self) -> list[str]:
        """"key (language)" of every outdated translation, for the audit log."""
        return [f"{t.text.key} ({lang})" for t in self.texts
                for lang, state in t.states.items() if state == OUTDATED]


def _state(key: str, source: str, translation: str | None, row: TextStatus | None,
           baseline: Text | None, default: str, language: str) -> str:
    if not translation:
        return MISSING
    if row is not None:
        confirmed_source, confirmed_text = row.source_hash, row.text_hash
    elif baseline is not None and baseline.values.get(language):
        confirmed_source = fingerprint(baseline.values.get(default))
        confirmed_text = fingerprint(baseline.values[language])
    else:
        return CURRENT
    if fingerprint(translation) != confirmed_text:
        return CURRENT  # edited since: written for the source as it is now
    return CURRENT if fingerprint(source) == confirmed_source else OUTDATED


def summary(draft: FormDraft, document: Any = None) -> Summary:
    """The state of every translation of the draft (`document`: its text, parsed)."""
    document = _parse(draft.text) if document is None else document
    default, languages = languages_of(document)
    session = object_session(draft) or db.session
    rows = _rows(session, draft.id) if draft.id is not None else {}
    baseline = _baseline(draft)
    states = []
    for text in texts_of(document):
        source = text.values.get(default, "")
        state = TextState(text, source)
        for lang in languages:
            state.states[lang] = _state(text.key, source, text.values.get(lang),
                                        rows.get((text.key, lang)), baseline.get(text.key),
                                        default, lang)
        states.append(state)
    return Summary(default, languages, states)


def confirm(draft: FormDraft, entries: Iterable[tuple[str, str]], who: str,
            sources: Mapping[tuple[str, str], str] | None = None) -> None:
    """Mark translations (key, language) as right for the current source text.

    `sources` may name another source a translation was made for (a translation
    service's file made from an older text): it then stays outdated.
    """
    document = _parse(draft.text)
    default, _languages = languages_of(document)
    by_key = {t.key: t for t in texts_of(document)}
    session = object_session(draft) or db.session
    rows = _rows(session, draft.id)
    for key, lang in entries:
        text = by_key.get(key)
        if text is None or not text.values.get(lang):
            continue
        source = (sources or {}).get((key, lang), text.values.get(default, ""))
        row = rows.get((key, lang))
        if row is None:
            row = TextStatus(form_draft_id=draft.id, key=key, language=lang)
            session.add(row)
            rows[(key, lang)] = row
        row.source_hash = fingerprint(source)
        row.text_hash = fingerprint(text.values[lang])
        row.confirmed_by = who
        row.confirmed_at = utcnow()


def _remember(draft: FormDraft, new_text: str, old_text: str) -> None:
    """The draft's text changes: keep what each translation was confirmed for.

    A translation that changed is confirmed for the new source. One that did not keeps
    the source it was confirmed for; if it had no row yet, that is the old source (or,
    for a copy, its version's), written now before the old text is gone.
    """
    session = object_session(draft)
    if session is None or draft.id is None:
        return
    old, new = _parse(old_text), _parse(new_text)
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return
    default, _ = languages_of(old)
    new_default, languages = languages_of(new)
    if default != new_default:
        return  # a new source language: everything is compared afresh from here
    before = {t.key: t for t in texts_of(old)}
    baseline = _baseline(draft)
    rows = _rows(session, draft.id)
    for text in texts_of(new):
        previous = before.get(text.key)
        for lang in languages:
            translation = text.values.get(lang)
            if not translation:
                continue
            row = rows.get((text.key, lang))
            old_translation = previous.values.get(lang) if previous else None
            if translation != old_translation:
                source = text.values.get(default, "")
            elif row is not None:
                continue
            elif (base := baseline.get(text.key)) is not None and base.values.get(lang) \
                    == translation:
                source = base.values.get(default, "")
            else:
                source = previous.values.get(default, "") if previous else ""
            if row is None:
                row = TextStatus(form_draft_id=draft.id, key=text.key, language=lang)
                session.add(row)
                rows[(text.key, lang)] = row
            row.source_hash = fingerprint(source)
            row.text_hash = fingerprint(translation)
            row.confirmed_at = utcnow()


@event.listens_for(FormDraft.text, "set", active_history=True)
def _text_set(draft: FormDraft, value: str, oldvalue: Any, _initiator: Any) -> None:
    if isinstance(oldvalue, str) and isinstance(value, str) and value != oldvalue:
        _remember(draft, value, oldvalue)


@event.listens_for(FormDraft, "after_delete")
def _draft_deleted(_mapper: Any, connection: Any, draft: FormDraft) -> None:
    # SQLite enforces the foreign key's ON DELETE only with a pragma; say it explicitly.
    connection.execute(delete(TextStatus).where(TextStatus.form_draft_id == draft.id))
