"""Fully answered submissions of the shipped forms, without a browser or a database.

Used by the receipt tests and by bench/receipt.py: every question that can
apply is answered (choices are picked so that as many conditional questions as
possible appear), every file field gets files, free text can be made long.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portal.engine import Field, Form, Step, load_form, submission_data, validate_step
from tests.walk import SAMPLES, form_data

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
SUBMITTED_AT = datetime(2026, 3, 27, 13, 5, 42, tzinfo=UTC)

#: Free text in the citizen's language, so that a receipt in Arabic or Ukrainian shows it.
FREE_TEXT = {
    "de": "Mein Fahrrad wurde vor dem Bahnhof gestohlen, obwohl es abgeschlossen war.",
    "en": "My bicycle was stolen outside the station although it was locked.",
    "uk": "Мій велосипед викрали біля вокзалу, хоча він був замкнений.",
    "tr": "Bisikletim kilitli olmasına rağmen istasyonun önünden çalındı.",
    "ar": "سُرقت دراجتي أمام محطة القطار رغم أنها كانت مقفلة بقفل.",
}
#: A short answer for free-text fields without a pattern.
SHORT_TEXT = {"de": "Beispieltext", "en": "Sample text", "uk": "Приклад тексту",
              "tr": "Örnek metin", "ar": "نص تجريبي"}
LONG_TEXT = (
    "Das Vorhaben umfasst den Neubau eines zweigeschossigen Einfamilienhauses mit ausgebautem "
    "Dachgeschoss, einer Doppelgarage und einem Carport. Die Gründung erfolgt auf einer "
    "Stahlbetonbodenplatte; die Außenwände werden in Mauerwerk mit Wärmedämmverbundsystem "
    "ausgeführt. Das Dach ist ein Satteldach mit 38 Grad Neigung und Photovoltaikanlage. "
)


@dataclass(frozen=True)
class SampleFile:
    """Stands in for portal.models.Attachment."""

    id: str
    display_name: str
    media_type: str
    size: int
    sha256: str
    field_name: str


@dataclass
class SampleSubmission:
    """Stands in for portal.models.Submission."""

    reference: str
    language: str
    data: dict[str, Any]
    destination: str
    submitted_at: datetime = SUBMITTED_AT


def shipped_form(form_id: str) -> Form:
    return load_form(FORMS_DIR / f"{form_id}.json", FORMS_DIR)


def _raw(f: Field, language: str, long: bool) -> Any:
    """What a browser would post for `f`, nested the way the engine's fields clean it."""
    if f.type == "textarea":
        return LONG_TEXT * 6 if long else FREE_TEXT[language]
    if f.type == "text" and f.pattern is None and f.name not in SAMPLES:
        return SHORT_TEXT[language]
    data = form_data(f)
    if f.name in data:
        return data[f.name]
    nested: dict[str, Any] = {}
    for key, value in data.items():
        *path, last = key[len(f.name) + 1:].split("-")
        target = nested
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    return nested


def _answer_step(step: Step, context: dict[str, Any], language: str, long: bool,
                 files: list[SampleFile]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for f in step.questions:
        if f.type == "file":
            names = [f"{f.name}-{i}.pdf" for i in (1, 2)][: f.max_files]
            ids = []
            for name in names:
                content = name.encode() * 100
                sample = SampleFile(f"file-{len(files)}", name, "application/pdf", len(content),
                                    hashlib.sha256(content).hexdigest(), f.name)
                files.append(sample)
                ids.append(sample.id)
            raw[f.name] = ids
            continue
        raw[f.name] = _raw(f, language, long)
    raw.update(_best_choices(step, raw, context))
    # The sample inputs are written the German way (1.234,50); free text stays in `language`.
    result = validate_step(step, raw, context, "de")
    assert result.ok, [(e.name, e.message("de")) for e in result.errors]
    return result.values


def _best_choices(step: Step, raw: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """For each single choice, the option that lets the most questions of the step apply."""
    chosen = dict(raw)
    for f in step.questions:
        if f.type not in ("radio", "select"):
            continue
        best, best_count = chosen.get(f.name), -1
        for option in f.options:
            trial = {**context, **chosen, f.name: option.value}
            count = sum(1 for q in step.questions if q.is_visible(trial))
            if count > best_count:
                best, best_count = option.value, count
        chosen[f.name] = best
    return chosen


def fully_answered(form: Form, language: str = "de", long: bool = False,
                   reference: str = "OW-7K3M-9QXF") -> tuple[SampleSubmission, list[SampleFile]]:
    """A submission of `form` with every applicable question answered, and its files."""
    answers: dict[str, Any] = {}
    files: list[SampleFile] = []
    for step in form.steps:
        if not step.is_visible(answers):
            continue
        if step.repeat is None:
            answers.update(_answer_step(step, dict(answers), language, long, files))
        else:
            count = min(max(step.repeat.min, 2), step.repeat.max)
            answers[step.id] = [_answer_step(step, dict(answers), language, long, files)
                                for _ in range(count)]
    data = submission_data(form, answers)
    used = _file_ids(data)
    return (SampleSubmission(reference, language, data, form.destination),
            [f for f in files if f.id in used])


def _file_ids(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set().union(*(_file_ids(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        found = {v for v in data if isinstance(v, str) and v.startswith("file-")}
        nested = [_file_ids(v) for v in data if not isinstance(v, str)]
        return found.union(*nested)
    return set()
