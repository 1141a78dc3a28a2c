"""The structured editor: a draft's steps and questions, one task per page, without JSON.

Every change is worked on the parsed draft (portal.designer.outline_edit), written
back as the draft's text and checked exactly as a save from the JSON view
(`check_draft`). A question or step page is not saved while it has an error; the
page comes back with everything as typed and the message next to the setting.
A change to the outline (move, copy, remove) that would add an error is not
saved either; the outline shows why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from . import bp, workspace
from . import outline_edit as edit
from .checking import Checked, Finding
from .editing import draft_or_404, forms_dir
from .models import FormDraft
from .publication import check_draft


class Loaded:
    """A draft and its parsed document; the check (a tenth of a second or more for a long
    form) is run when something needs it, not for every page that only shows settings."""

    def __init__(self, draft: FormDraft, document: dict[str, Any]) -> None:
        self.draft = draft
        self.document = document
        language = document.get("default_language")
        self.language = language if isinstance(language, str) else "de"

    @cached_property
    def checked(self) -> Checked:
        return check_draft(self.draft.text, g.staff, forms_dir())


def _load(draft_id: int) -> Loaded | Any:
    """The draft and its document; a draft that is not JSON goes to the JSON view."""
    draft = draft_or_404(draft_id)
    try:
        document = json.loads(draft.text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        flash(_("Der Entwurf ist kein gültiges JSON. Korrigieren Sie ihn zuerst in der "
                "JSON-Ansicht."), "warning")
        return redirect(url_for("designer.edit", draft_id=draft.id), code=303)
    return Loaded(draft, document)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _revision() -> int:
    try:
        return int(request.form.get("revision", ""))
    except ValueError:
        return -1


def _page_revision(loaded: Loaded) -> int:
    """The revision a page saves against: the one it was first opened with, kept when it
    comes back with an error, so that a save in between is noticed."""
    return _revision() if request.form.get("revision") else loaded.draft.revision


def _numeric_names(document: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(f["name"] for s in edit.steps_of(document) for f in edit.fields_of(s)
                     if isinstance(f.get("name"), str) and f.get("type") in edit.NUMERIC_TYPES)


@dataclass
class Outcome:
    """A changed document checked; `blocking` are the errors that keep it from being saved."""

    checked: Checked
    blocking: list[Finding] = field(default_factory=list)
    at: dict[str, str] = field(default_factory=dict)  # setting key -> message

    @property
    def ok(self) -> bool:
        return not self.blocking


def _check(before: Checked, document: dict[str, Any], pointer: str | None,
           keys: frozenset[str] | None = None) -> Outcome:
    """The new document's errors that keep it from being saved: any error at `pointer` (the
    edited step or field; for the form's own page, "" with its `keys`), and elsewhere an
    error that was not there before the change."""
    checked = check_draft(edit.dump(document), g.staff, forms_dir())
    old = {f.message for f in before.errors}
    outcome = Outcome(checked)
    for finding in checked.errors:
        where = finding.pointer or ""
        if keys is not None:
            inside = where.count("/") >= 1 and where.split("/")[1] in keys
        else:
            inside = pointer is not None and _under(where, pointer)
        if inside and pointer is not None:
            key = where[len(pointer):].strip("/").split("/")[0] or "_"
            outcome.at.setdefault(key, finding.message)
            outcome.blocking.append(finding)
        elif finding.message not in old:
            outcome.blocking.append(finding)
    if not outcome.blocking and len(checked.errors) > len(before.errors):
        outcome.blocking = checked.errors
    return outcome


def _save(loaded: Loaded, document: dict[str, Any]) -> bool:
    """Store the document as the draft's text; False when someone else saved in between."""
    try:
        workspace.save(loaded.draft, edit.dump(document), _revision(), g.staff)
    except workspace.Conflict:
        flash(_("Jemand anderes hat diesen Entwurf inzwischen gespeichert. Ihre Änderung ist "
                "nicht gespeichert. Sehen Sie sich den aktuellen Stand an und ändern Sie ihn "
                "noch einmal."), "warning")
        return False
    return True


def _to_outline(loaded: Loaded, anchor: str = "") -> Any:
    return redirect(url_for("designer.builder", draft_id=loaded.draft.id) + anchor, code=303)


# -- the outline ----------------------------------------------------------------------------


@bp.get("/drafts/<int:draft_id>/builder")
def builder(draft_id: int) -> Any:
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    return _render_outline(loaded)


def _render_outline(loaded: Loaded, refused: list[Finding] | None = None,
                    status: int = 200) -> tuple[str, int]:
    by_pointer: dict[str, list[str]] = {}
    for finding in loaded.checked.errors:
        pointer = finding.pointer or ""
        parts = pointer.split("/")
        key = "/".join(parts[:5]) if pointer.startswith("/steps/") else ""
        by_pointer.setdefault(key, []).append(finding.message)
    return render_template(
        "designer/builder/outline.html", draft=loaded.draft, document=loaded.document,
        steps=loaded.document["steps"], language=loaded.language,
        errors_at=by_pointer, error_count=len(loaded.checked.errors), refused=refused or [],
        type_label=edit.type_label, text_of=_text_of,
    ), status


def _text_of(node: Any, language: str) -> str:
    if isinstance(node, Mapping):
        value = node.get(language) or next((v for v in node.values() if isinstance(v, str)), "")
        return value if isinstance(value, str) else ""
    return ""


def _outline_change(draft_id: int, change: Any, done: str) -> Any:
    """Apply a change of the outline, save it unless it adds an error, back to the outline."""
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    try:
        document, anchor = change(loaded.document)
    except (edit.OutlineError, ValueError):
        flash(_("Das geht hier nicht: Der Entwurf hat sich inzwischen geändert, oder ein "
                "Schritt muss mindestens eine Frage und das Formular mindestens einen Schritt "
                "behalten."), "warning")
        return _to_outline(loaded)
    outcome = _check(loaded.checked, document, None)
    if not outcome.ok:
        return _render_outline(loaded, refused=outcome.blocking, status=422)
    if _save(loaded, document):
        flash(done, "success")
    return _to_outline(loaded, anchor)


@bp.post("/drafts/<int:draft_id>/builder")
def builder_action(draft_id: int) -> Any:
    """The outline's buttons: `op` is "up:S", "down:S", "copy:S" for a step, or with ":F"
    for its field F."""
    verb, _sep, place = request.form.get("op", "").partition(":")
    try:
        numbers = [int(n) for n in place.split(":")]
    except ValueError:
        abort(400)
    if verb not in ("up", "down", "copy") or len(numbers) not in (1, 2):
        abort(400)
    s = numbers[0]
    delta = -1 if verb == "up" else 1
    if len(numbers) == 1:
        if verb == "copy":
            return _outline_change(draft_id, lambda d: (edit.copy_step(d, s), f"#step-{s + 1}"),
                                   _("Der Schritt ist kopiert. Die Kopie steht direkt darunter."))
        return _outline_change(
            draft_id, lambda d: (edit.move_step(d, s, delta), f"#step-{s + delta}"),
            _("Der Schritt ist verschoben."))
    f = numbers[1]
    if verb == "copy":
        return _outline_change(
            draft_id, lambda d: (edit.copy_field(d, s, f), f"#field-{s}-{f + 1}"),
            _("Die Frage ist kopiert. Die Kopie steht direkt darunter."))

    def change(document: dict[str, Any]) -> tuple[dict[str, Any], str]:
        moved, (ns, nf) = edit.move_field(document, s, f, delta)
        return moved, f"#field-{ns}-{nf}"
    return _outline_change(draft_id, change, _("Die Frage ist verschoben."))


@bp.route("/drafts/<int:draft_id>/builder/steps/<int:s>/remove", methods=["GET", "POST"])
@bp.route("/drafts/<int:draft_id>/builder/steps/<int:s>/questions/<int:f>/remove",
          methods=["GET", "POST"])
def builder_remove(draft_id: int, s: int, f: int | None = None) -> Any:
    if request.method == "POST":
        if f is None:
            return _outline_change(draft_id, lambda d: (edit.remove_step(d, s), ""),
                                   _("Der Schritt ist entfernt."))
        return _outline_change(draft_id, lambda d: (edit.remove_field(d, s, f), f"#step-{s}"),
                               _("Die Frage ist entfernt."))
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    try:
        item = edit.step_at(loaded.document, s) if f is None else \
            edit.field_at(loaded.document, s, f)
    except edit.OutlineError:
        abort(404)
    what = _text_of(item.get("title") if f is None else (item.get("label") or item.get("text")),
                    loaded.language) or str(item.get("id") or item.get("name") or "")
    return render_template("designer/builder/remove.html", draft=loaded.draft, s=s, f=f,
                           what=what, count=len(edit.fields_of(item)) if f is None else 0)


# -- a question -----------------------------------------------------------------------------


def _question_page(loaded: Loaded, s: int, f: int | None, kind: str, values: Mapping[str, str],
                   errors: Mapping[str, str], status: int = 200,
                   new_step: Mapping[str, str] | None = None, others: list[str] = ()) -> Any:
    settings = edit.settings_for(kind)
    position = len(edit.fields_of(edit.step_at(loaded.document, s))) \
        if f is None and new_step is None else (0 if new_step is not None else f)
    earlier = edit.earlier_questions(loaded.document, s if new_step is None else
                                     len(edit.steps_of(loaded.document)), position or 0,
                                     loaded.language)
    return render_template(
        "designer/builder/question.html", draft=loaded.draft, s=s, f=f, kind=kind,
        kind_label=edit.type_label(kind), settings=settings, values=values, errors=errors,
        others=others, earlier=earlier, comparisons=edit.COMPARISONS,
        enum_labels=edit.ENUM_LABELS, codelists=_codelists(), language=loaded.language,
        new_step=new_step, revision=_page_revision(loaded),
        spec=None if f is None else edit.field_at(loaded.document, s, f),
    ), status


def _codelists() -> list[str]:
    folder = forms_dir() / "codelists"
    return sorted(f"codelists/{p.name}" for p in folder.glob("*.json")) if folder.is_dir() else []


def _messages(errors: list[edit.SettingError]) -> dict[str, str]:
    return {e.key: _(e.message, **e.params) for e in errors}


def _check_question(loaded: Loaded, spec: dict[str, Any], document: dict[str, Any],
                    pointer: str, setting_errors: list[edit.SettingError]) -> \
        tuple[dict[str, str], list[str]]:
    """Messages per setting and the others (elsewhere in the form) that keep it from saving."""
    errors = _messages(setting_errors)
    if errors:
        return errors, []
    outcome = _check(loaded.checked, document, pointer)
    for key, message in outcome.at.items():
        errors.setdefault(key, message)
    others = [_placed(f) for f in outcome.blocking if not _under(f.pointer, pointer)]
    return errors, list(dict.fromkeys(others))


def _placed(finding: Any) -> str:
    """A problem elsewhere in the form, with the place it is at (the edit caused it there)."""
    return f"{finding.place}: {finding.message}" if finding.place else finding.message


def _under(where: str | None, pointer: str) -> bool:
    where = where or ""
    return where == pointer or where.startswith(pointer + "/")


def _new_spec(kind: str, document: Mapping[str, Any], values: MultiDict) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": kind}
    if edit.is_question(kind) and not values.get("s-name", "").strip():
        label = values.get("s-label", "")
        spec["name"] = edit.unique(edit.slug(label) or "frage", edit.field_names(document))
    return spec


@bp.route("/drafts/<int:draft_id>/builder/steps/<int:s>/questions/<int:f>",
          methods=["GET", "POST"])
def builder_question(draft_id: int, s: int, f: int) -> Any:
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    try:
        spec = edit.field_at(loaded.document, s, f)
    except edit.OutlineError:
        abort(404)
    kind = str(spec.get("type"))
    settings = edit.settings_for(kind)
    if request.method == "GET":
        return _question_page(loaded, s, f, kind, edit.form_values(spec, settings,
                                                                    loaded.language), {})
    values = request.form
    if values.get("action") == "more":
        return _question_page(loaded, s, f, kind, _more_rows(values), {})
    changed, problems = edit.apply_values(spec, settings, values, loaded.language,
                                          _numeric_names(loaded.document))
    document = edit.replace_field(loaded.document, s, f, changed)
    pointer = f"/steps/{s}/fields/{f}"
    errors, others = _check_question(loaded, changed, document, pointer, problems)
    if errors or others:
        return _question_page(loaded, s, f, kind, values, errors, 422, others=others)
    if changed != spec and _save(loaded, document):
        flash(_("Die Frage ist gespeichert."), "success")
    return _to_outline(loaded, f"#field-{s}-{f}")


def _more_rows(values: Mapping[str, str]) -> dict[str, str]:
    result = dict(values.items()) if not isinstance(values, MultiDict) else values.to_dict()
    try:
        count = int(result.get("options-count", "0"))
    except ValueError:
        count = 0
    result["options-count"] = str(min(count + 3, 500))
    return result


@bp.route("/drafts/<int:draft_id>/builder/steps/<int:s>/questions/new", methods=["GET", "POST"])
def builder_new_question(draft_id: int, s: int) -> Any:
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    steps = edit.steps_of(loaded.document)
    new_step = _new_step_values(request.form if request.method == "POST" else request.args) \
        if s == len(steps) else None
    if new_step is None and not 0 <= s < len(steps):
        abort(404)
    kind = request.values.get("type", "")
    if request.method == "GET" or request.form.get("stage") == "choose":
        if kind not in edit.field_types():
            error = {"type": _("Wählen Sie aus, welche Art von Frage Sie hinzufügen möchten.")} \
                if request.method == "POST" else {}
            return render_template("designer/builder/choose_type.html", draft=loaded.draft, s=s,
                                   types=[(t, edit.type_label(t)) for t in edit.field_types()],
                                   errors=error, new_step=new_step, chosen=kind), \
                422 if error else 200
        return _question_page(loaded, s, None, kind, {"options-count": "5"}, {},
                              new_step=new_step)
    if kind not in edit.field_types():
        abort(400)
    values = request.form
    if values.get("action") == "more":
        return _question_page(loaded, s, None, kind, _more_rows(values), {}, new_step=new_step)
    spec = _new_spec(kind, loaded.document, values)
    changed, problems = edit.apply_values(spec, edit.settings_for(kind), values, loaded.language,
                                          _numeric_names(loaded.document))
    if new_step is not None:
        step = {"id": new_step["step_id"], "title": {loaded.language: new_step["step_title"]},
                "fields": [changed]}
        document = edit.insert_step(loaded.document, step)
        position = 0
    else:
        document = edit.insert_field(loaded.document, s, changed)
        position = len(edit.fields_of(edit.step_at(loaded.document, s)))
    pointer = f"/steps/{s}/fields/{position}"
    errors, others = _check_question(loaded, changed, document, pointer, problems)
    if errors or others:
        return _question_page(loaded, s, None, kind, values, errors, 422, new_step=new_step,
                              others=others)
    if _save(loaded, document):
        flash(_("Die Frage ist hinzugefügt."), "success")
    return _to_outline(loaded, f"#field-{s}-{position}")


def _new_step_values(values: Mapping[str, str]) -> dict[str, str] | None:
    title, step_id = values.get("step_title", "").strip(), values.get("step_id", "").strip()
    return {"step_title": title, "step_id": step_id} if title and step_id else None


# -- a step ---------------------------------------------------------------------------------


@bp.route("/drafts/<int:draft_id>/builder/steps/new", methods=["GET", "POST"])
def builder_new_step(draft_id: int) -> Any:
    """A new step: its heading and technical name, then its first question (a step always has
    one); it is stored with that question."""
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    title = request.form.get("step_title", "").strip()
    step_id = request.form.get("step_id", "").strip()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not title:
            errors["step_title"] = _("Geben Sie die Überschrift der Seite ein.")
        step_id = step_id or edit.unique(edit.slug(title) or "schritt",
                                         edit.step_ids(loaded.document))
        if not edit.NAME.match(step_id):
            errors["step_id"] = _("Der technische Name besteht aus Kleinbuchstaben, Ziffern und "
                                  "Unterstrichen und beginnt mit einem Buchstaben.")
        elif step_id in edit.step_ids(loaded.document):
            errors["step_id"] = _("Diesen technischen Namen hat schon ein anderer Schritt.")
        if not errors:
            return redirect(url_for("designer.builder_new_question", draft_id=loaded.draft.id,
                                    s=len(edit.steps_of(loaded.document)), step_title=title,
                                    step_id=step_id), code=303)
    return render_template("designer/builder/new_step.html", draft=loaded.draft, title=title,
                           step_id=step_id if errors.get("step_id") else
                           request.form.get("step_id", ""), errors=errors), \
        422 if errors else 200


@bp.route("/drafts/<int:draft_id>/builder/steps/<int:s>", methods=["GET", "POST"])
def builder_step(draft_id: int, s: int) -> Any:
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    try:
        step = edit.step_at(loaded.document, s)
    except edit.OutlineError:
        abort(404)
    settings = edit.step_settings()
    if request.method == "GET":
        values: Mapping[str, str] = edit.form_values(step, settings, loaded.language)
        return _step_page(loaded, s, values, {})
    values = request.form
    changed, problems = edit.apply_values(step, settings, values, loaded.language,
                                          _numeric_names(loaded.document))
    document = edit.replace_step(loaded.document, s, changed)
    pointer = f"/steps/{s}"
    errors = _messages(problems)
    others: list[str] = []
    if not errors:
        outcome = _check(loaded.checked, document, pointer)
        errors = {k: v for k, v in outcome.at.items() if k in {x.key for x in settings}}
        others = [_placed(f) for f in outcome.blocking if not _under(f.pointer, pointer)]
        others += [v for k, v in outcome.at.items() if k not in errors]
        others = list(dict.fromkeys(others))
    if errors or others:
        return _step_page(loaded, s, values, errors, others, 422)
    if changed != step and _save(loaded, document):
        flash(_("Der Schritt ist gespeichert."), "success")
    return _to_outline(loaded, f"#step-{s}")


def _step_page(loaded: Loaded, s: int, values: Mapping[str, str], errors: Mapping[str, str],
               others: list[str] = (), status: int = 200) -> Any:
    return render_template(
        "designer/builder/step.html", draft=loaded.draft, s=s, settings=edit.step_settings(),
        values=values, errors=errors, others=others, comparisons=edit.COMPARISONS,
        earlier=edit.earlier_questions(loaded.document, s, 0, loaded.language),
        enum_labels=edit.ENUM_LABELS, codelists=[], language=loaded.language,
        revision=_page_revision(loaded),
        step=edit.step_at(loaded.document, s), kind_label="", new_step=None,
        json_of=lambda v: json.dumps(v, ensure_ascii=False),
    ), status


# -- the form's own settings ----------------------------------------------------------------


@bp.route("/drafts/<int:draft_id>/builder/form", methods=["GET", "POST"])
def builder_form(draft_id: int) -> Any:
    loaded = _load(draft_id)
    if not isinstance(loaded, Loaded):
        return loaded
    settings = edit.form_settings()
    if request.method == "GET":
        return _form_page(loaded, edit.form_values(loaded.document, settings, loaded.language),
                          {})
    values = request.form
    changed, problems = edit.apply_values(loaded.document, settings, values, loaded.language)
    errors = _messages(problems)
    others: list[str] = []
    if not errors:
        outcome = _check(loaded.checked, changed, "", frozenset(s.key for s in settings))
        errors = dict(outcome.at)
        others = list(dict.fromkeys(_placed(f) for f in outcome.blocking
                                    if f.message not in errors.values()))
    if errors or others:
        return _form_page(loaded, values, errors, others, 422)
    if changed != loaded.document and _save(loaded, changed):
        flash(_("Die Einstellungen des Formulars sind gespeichert."), "success")
    return _to_outline(loaded)


def _form_page(loaded: Loaded, values: Mapping[str, str], errors: Mapping[str, str],
               others: list[str] = (), status: int = 200) -> Any:
    return render_template(
        "designer/builder/form.html", draft=loaded.draft, settings=edit.form_settings(),
        values=values, errors=errors, others=others, comparisons=edit.COMPARISONS, earlier=[],
        enum_labels=edit.ENUM_LABELS, codelists=[], language=loaded.language,
        revision=_page_revision(loaded), new_step=None,
    ), status
