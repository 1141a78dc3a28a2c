"""The journey controller: step pages, the entries of repeating steps and the summary.

The same code serves the citizen's wizard and the designer's preview. What
differs is given to it: the answer store (store.py), and an Adapter with the
templates, the links and what "save and continue later" does. A request that
writes opens one unit of work (portal.extensions.unit_of_work): the files of a
step and its answers commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any, Protocol

from flask import g, redirect, render_template, request
from flask_babel import ngettext
from werkzeug.wrappers import Response

from ..authorities import routing
from ..engine import FieldError, Form, Invalid, Step, check_answers, validate_step
from ..engine.messages import N_, N_plural, translate
from ..extensions import unit_of_work
from ..languages import current_language
from . import pages
from .forms import prefill, step_input
from .progress import Journey
from .store import (
    AnswersChanged,
    AnswerStore,
    FileChanges,
    differences,
    digest,
    own_answers,
)

#: What a page for a new entry has seen: nothing yet.
_NOTHING = digest({})


class Detour(Exception):
    """The walker cannot be where they asked to be; `response` shows the way forward."""

    def __init__(self, response: Any) -> None:
        self.response = response

    @staticmethod
    def answer(error: Detour) -> Any:
        """The error handler a blueprint registers: bp.register_error_handler(Detour, …)."""
        return error.response


class Adapter(Protocol):
    """What differs between the ways through a form."""

    #: The templates for "step", "entries" and "summary".
    templates: Mapping[str, str]
    #: Whether steps open only in order and the summary only once all are done (the
    #: citizen); the designer's preview opens any step.
    guarded: bool

    def url_for(self, endpoint: str, **values: Any) -> str:
        """The address of a wizard endpoint ("wizard.step", …) on this way through."""

    def skeleton_key(self, page: str, step: Step, entry_number: int | None = None) -> tuple | None:
        """The key to keep the skeleton of a step's page ("step": a step or an entry of a
        repeating step, "entries": the list of entries) under, or None to keep none."""

    def save_for_later(self) -> Any:
        """The answer to "save and continue later"."""

    def context(self) -> dict[str, Any]:
        """More for every template (the same for every request with the same skeleton key)."""


class JourneyController:
    def __init__(self, form: Form, store: AnswerStore, adapter: Adapter) -> None:
        self.form, self.store, self.adapter = form, store, adapter
        self.journey = Journey(form, store)
        # The responsible authority, once known: every page shows it, the footer links its
        # imprint, privacy notice and accessibility statement (portal.authorities.views).
        g.responsible = routing.responsible(form, store.answers)

    # -- links and rendering -------------------------------------------------------------

    def url(self, endpoint: str, **values: Any) -> str:
        return self.adapter.url_for(endpoint, form_id=self.form.id, **values)

    def step_url(self, step: Step | None) -> str:
        """A step's page; None is the summary."""
        if step is None:
            return self.url("wizard.summary")
        return self.url("wizard.step", step_id=step.id)

    def render(self, template: str, status: int = 200, **context: Any) -> tuple[str, int]:
        return render_template(template, url_for=self.adapter.url_for, form=self.form,
                               **self.adapter.context(), **context), status

    def _back_url(self, step: Step) -> str:
        before = self.journey.before(step)
        return self.step_url(before) if before else self.url("wizard.start_page")

    def _render_step(self, step: Step, data: Mapping[str, Any], errors: list, status: int = 200,
                     entry_number: int | None = None, seen: str | None = None,
                     conflict: AnswersChanged | None = None) -> tuple[str, int]:
        """A step, or an entry of a repeating step, in two stages (portal.journey.pages)."""
        journey = self.journey
        files = [f for f in step.questions if f.uploads]
        attachments: dict[str, list] = {}
        if files and entry_number is None:
            kept = self.store.attachments()
            attachments = {f.name: [kept[i] for i in journey.answers.get(f.name) or [] if i in kept]
                           for f in files}
        conflicts = conflict.differences if conflict is not None else []
        state = pages.step_state(
            journey, step, data, errors, current_language(), back_url=self._back_url(step),
            return_to=request.values.get("return_to") == "summary", attachments=attachments,
            conflicts=conflicts)
        state.seen_digest = seen if seen is not None else digest(own_answers(step, journey.answers))
        state.conflict = bool(conflict)
        key = self.adapter.skeleton_key("step", step, entry_number)
        html = pages.render_page(
            self.adapter.templates["step"], state, key,
            url_for=self.adapter.url_for, form=self.form, step=step, entry_number=entry_number,
            action_url=request.path if entry_number else None, applies=journey.applies(step),
            **self.adapter.context())
        return html, status

    # -- opening a step ------------------------------------------------------------------

    def open(self, step_id: str) -> Step:
        """The step asked for, or a Detour to where the walker can be."""
        journey, step = self.journey, self.form.step(step_id)
        if step is None:
            raise Detour(self.render("wizard/not_here.html", 404, reason="unknown",
                                     next_url=self.step_url(journey.first_open())))
        if self.adapter.guarded:
            if not journey.applies(step):
                raise Detour(self.render("wizard/not_here.html", 409, reason="skipped",
                                         next_url=self.step_url(journey.first_open())))
            if not journey.can_open(step):
                raise Detour(redirect(self.step_url(journey.first_open()), code=303))
            if self.form.jurisdiction.get("by") == "choice" and g.responsible is None:
                # The citizen chooses the authority before anything else.
                raise Detour(redirect(self.url("wizard.authority"), code=303))
        return step

    # -- a step --------------------------------------------------------------------------

    def step(self, step_id: str) -> Any:
        step = self.open(step_id)
        if step.repeat is not None:
            return self._entry_list(step)
        if request.method == "GET":
            return self._render_step(step, prefill(step, self.journey.answers,
                                                   current_language()), [])
        return self._post_step(step)

    def _post_step(self, step: Step) -> Any:
        journey, action = self.journey, request.form.get("action")
        raw = step_input(step, request.form)
        shown = dict(raw)
        staying = action == "upload" or bool(request.form.get("remove"))
        conflict = None
        # New or removed files commit with the answers; without file fields the answers'
        # write is the whole unit of work (portal.drafts.write).
        with unit_of_work() if any(f.uploads for f in step.questions) else nullcontext():
            files, upload_errors = self._receive_files(step)
            raw.update(files.apply(step, journey.answers))
            result = validate_step(step, raw, journey.earlier_answers(step), current_language())
            complete = result.ok and not upload_errors and not staying
            # An incomplete step keeps what was valid, so a closed tab loses as little as possible.
            own = result.values if complete else {**own_answers(step, journey.answers),
                                                  **result.values}
            # The authority is decided inside the write, from the answers it writes over: a
            # window that changed a deciding answer meanwhile is taken into account.
            decided: list[routing.Decision | None] = [None]
            try:
                self._write_step(step, own, files, complete,
                                 request.form.get("answers_seen") or None,
                                 decided if complete else None)
            except AnswersChanged as changed:
                conflict = changed
                self._write_step(step, None, files, False, None)  # the files are kept all the same
            routed = decided[0]
        if conflict is not None:
            return self._render_step(step, shown, [], 409, seen=digest(conflict.stored),
                                     conflict=conflict)
        if upload_errors or staying:
            # An upload or removal: the page again with the file list, nothing else flagged.
            return self._render_step(step, shown, upload_errors, 422 if upload_errors else 200)
        if action == "save":
            return self.adapter.save_for_later()
        if not result.ok:
            return self._render_step(step, shown, result.errors, 422)
        if routed is not None and routed.kind in ("several", "none"):
            return redirect(self.url("wizard.authority", **self._return_to()), code=303)
        return redirect(self._next_url(step), code=303)

    def _return_to(self) -> dict[str, str]:
        return {"return_to": "summary"} if request.values.get("return_to") == "summary" else {}

    def _route(self, step: Step, answers: dict[str, Any]) -> routing.Decision | None:
        """Jurisdiction by postcode, when this step holds a field that decides it, from
        `answers` (the draft's answers with the step's written over them).

        A choice the citizen made among several municipalities of the same postcode stays
        as long as the postcode does.
        """
        if not routing.decides(self.form, {f.name for f in step.questions}):
            return None
        decision = routing.decide(self.form, answers)
        chosen = answers.get(routing.KEY)
        if decision.kind == "several" and isinstance(chosen, dict) \
                and chosen.get("postcode") == decision.postcode:
            wanted = (chosen.get("ags"), chosen.get("municipality"))
            kept = [row for row in decision.rows if (row.ags, row.municipality) == wanted]
            if kept:
                return routing.Decision("one", decision.postcode, decision.source, kept)
        return decision

    def _write_step(self, step: Step, own: dict[str, Any] | None, files: FileChanges,
                    complete: bool, seen: str | None,
                    decided: list[routing.Decision | None] | None = None) -> None:
        """Write the step's answers (`own`; None: only its files) over what is stored now.

        The step's answers replace the stored ones only while those are what the page
        showed (`seen`); otherwise AnswersChanged. Other steps' answers are never touched.
        With `decided` (a complete step), the routing decision is made from the answers
        written, each time the change runs (again, on newer answers, after a race), kept
        under routing.KEY and handed back in `decided[0]`; a step whose postcode leaves the
        authority open ("several", "none") is not complete yet.
        """
        def change(stored: Any) -> tuple[dict[str, Any], list[str]]:
            progress = Journey(self.form, stored)
            now_stored = own_answers(step, stored.answers)
            if own is None:
                values = now_stored
            elif seen is not None and digest(now_stored) != seen:
                raise AnswersChanged(differences(step, now_stored, own), now_stored)
            else:
                values = {name: value for name, value in own.items()
                          if name not in files.added}
            answers = progress.with_step_answers(step, {**values,
                                                        **files.apply(step, stored.answers)})
            if own is None:
                return answers, list(stored.completed_steps or [])
            finished = complete
            if decided is not None:
                decided[0] = routed = self._route(step, answers)
                if routed is not None:
                    if routed.record is None:
                        answers.pop(routing.KEY, None)
                    else:
                        answers[routing.KEY] = routed.record
                    # the step is done once the authority is known
                    finished = complete and routed.kind not in ("several", "none")
            done = progress.completed_with(step) if finished else progress.completed_without(step)
            return answers, done

        self.store.write(change, step.id)

    def _receive_files(self, step: Step) -> tuple[FileChanges, list[FieldError]]:
        """Apply a removal and take new uploads for the step's file fields.

        The ids of files come from the stored answers, never from the browser; the
        browser only sends new files and which one to remove.
        """
        fields = [f for f in step.questions if f.uploads]
        stored = {f.name: list(self.journey.answers.get(f.name) or []) for f in fields}
        changes = FileChanges(added={f.name: [] for f in fields})
        errors: list[FieldError] = []
        removed = request.form.get("remove")
        if removed and any(removed in ids for ids in stored.values()):
            self.store.discard_file(removed)
            changes.removed = removed
        for f in fields:
            count = len([i for i in stored[f.name] if i != changes.removed])
            for upload in request.files.getlist(f"{f.name}-upload"):
                if not upload or not upload.filename:
                    continue
                if count >= f.max_files:
                    errors.append(FieldError(f, Invalid(
                        N_plural("Sie können hier höchstens %(max)s Datei hochladen.",
                                 "Sie können hier höchstens %(max)s Dateien hochladen.", "max"),
                        max=f.max_files)))
                    break
                try:
                    changes.added[f.name].append(self.store.accept_file(f, upload))
                    count += 1
                except Invalid as error:
                    errors.append(FieldError(f, error))
        return changes, errors

    def _next_url(self, step: Step) -> str:
        """After a step: back to the summary when changing an answer from there, else onwards."""
        if request.form.get("return_to") == "summary" and self.journey.first_open() is None:
            return self.step_url(None)
        following = self.journey.after(step)
        return self.step_url(following if following is not None else self.journey.first_open())

    # -- repeating steps -----------------------------------------------------------------

    def _entry_list(self, step: Step) -> Any:
        entries = self.journey.entries(step)
        error = None
        if request.method == "POST":
            if len(entries) < step.repeat.min:
                error = ngettext("Bitte fügen Sie mindestens %(min)s Eintrag hinzu.",
                                 "Bitte fügen Sie mindestens %(min)s Einträge hinzu.",
                                 step.repeat.min, min=step.repeat.min)
            else:
                self.store.write(lambda stored: (
                    stored.answers, Journey(self.form, stored).completed_with(step)), step.id)
                if request.form.get("action") == "save":
                    return self.adapter.save_for_later()
                return redirect(self._next_url(step), code=303)
        elif not entries and step.repeat.min > 0:
            return redirect(self.url("wizard.entry", step_id=step.id, entry="new"))
        # The list is the page's only part that differs between citizens: it is rendered
        # anew (macros.html: entry_list), the rest is the kept skeleton.
        state = pages.step_state(self.journey, step, {}, [], current_language(),
                                 self._back_url(step), entries=entries, answers_digest=digest,
                                 url_for=self.adapter.url_for)
        state.errors = [error] if error else []  # the list's own message (macros.html)
        html = pages.render_page(
            self.adapter.templates["entries"], state, self.adapter.skeleton_key("entries", step),
            url_for=self.adapter.url_for, form=self.form, step=step,
            applies=self.journey.applies(step), **self.adapter.context())
        return html, (422 if error else 200)

    def entry(self, step_id: str, entry: str) -> Any:
        step = self.open(step_id)
        journey, language = self.journey, current_language()
        entries = journey.entries(step)
        index = _entry_index(entry, entries) if step.repeat else None
        if index is None:
            return self.render("wizard/not_here.html", 404, reason="unknown",
                               next_url=self.step_url(step))
        if entry == "new" and len(entries) >= step.repeat.max:
            return redirect(self.step_url(step), code=303)
        current = entries[index] if index < len(entries) else {}
        if request.method == "GET":
            return self._render_step(step, prefill(step, current, language), [],
                                     entry_number=index + 1, seen=digest(current))
        seen = request.form.get("answers_seen") or None
        raw = step_input(step, request.form)
        result = validate_step(step, dict(raw), journey.earlier_answers(step), language)
        if not result.ok:
            return self._render_step(step, raw, result.errors, 422, entry_number=index + 1,
                                     seen=seen)

        def change(stored: Any) -> tuple[dict[str, Any], list[str]]:
            progress = Journey(self.form, stored)
            now = progress.entries(step)
            there = now[index] if index < len(now) else {}
            if entry == "new" or (index >= len(now) and seen == _NOTHING):
                if len(now) >= step.repeat.max:
                    raise AnswersChanged([], there)
                now.append(result.values)
            elif index < len(now) and seen in (None, digest(there)):
                now[index] = result.values
            else:
                raise AnswersChanged(differences(step, there, result.values), there)
            return progress.with_entries(step, now), _entries_done(progress, step, now)

        try:
            self.store.write(change, step.id)
        except AnswersChanged as changed:
            return self._render_step(step, raw, [], 409, entry_number=index + 1,
                                     seen=digest(changed.stored), conflict=changed)
        if request.form.get("return_to") == "summary" and journey.first_open() is None:
            return redirect(self.step_url(None), code=303)
        return redirect(self.step_url(step), code=303)

    def remove_entry(self, step_id: str, number: int) -> Response:
        """Remove an entry, if it is still the one the page showed."""
        step = self.open(step_id)
        seen = request.form.get("answers_seen") or None

        def change(stored: Any) -> tuple[dict[str, Any], list[str]]:
            progress = Journey(self.form, stored)
            now = progress.entries(step)
            if 1 <= number <= len(now) and seen in (None, digest(now[number - 1])):
                del now[number - 1]
            return progress.with_entries(step, now), _entries_done(progress, step, now)

        if step.repeat is not None:
            self.store.write(change, step.id)
        return redirect(self.step_url(step), code=303)

    # -- the responsible authority -------------------------------------------------------

    def authority(self) -> Any:
        """Which authority: a choice among the municipalities of a postcode (or, for a form
        by choice, among its authorities), or where to turn when none here is responsible."""
        by, answers = self.form.jurisdiction.get("by"), self.journey.answers
        if by == "choice":
            options = {a.id: (a, {"id": a.id}) for a in routing.choices(self.form)}
            decision, step = None, None
        elif by == "postcode":
            decision = routing.decide(self.form, answers)
            step = self._step_of(decision.source)
            if decision.kind == "open" or step is None:
                return redirect(self.step_url(self.journey.first_open()), code=303)
            if decision.kind == "none":
                return self.render("wizard/authority.html", decision=decision, options={},
                                   step_url=self.step_url(step), elsewhere=self.form.text(
                                       self.form.jurisdiction.get("elsewhere"),
                                       self.form.language_for(current_language())))
            authorities = routing.authorities_of(decision.rows)
            options = {str(n): (authorities.get(row.authority_id), routing.record_of(
                row, decision.postcode)) for n, row in enumerate(decision.rows)}
            options = {k: v for k, v in options.items() if v[0] is not None}
        else:
            return redirect(self.step_url(self.journey.first_open()), code=303)
        error = None
        if request.method == "POST":
            chosen = options.get(request.form.get("choice", ""))
            if chosen is not None:
                self._choose(chosen[1], step)
                if request.form.get("return_to") == "summary" and self.journey.first_open() is None:
                    return redirect(self.step_url(None), code=303)
                following = self.journey.after(step) if step is not None else None
                return redirect(self.step_url(following or self.journey.first_open()), code=303)
            error = translate(N_("Bitte wählen Sie aus, welche Stelle zuständig ist."),
                              current_language())
        return self.render("wizard/authority.html", 422 if error else 200, decision=decision,
                           options=options, error=error, return_to=bool(self._return_to()),
                           step_url=self.step_url(step) if step is not None else None)

    def _step_of(self, field_name: str | None) -> Step | None:
        return next((s for s in self.form.steps if any(f.name == field_name
                                                       for f in s.questions)), None)

    def _choose(self, record: dict[str, Any], step: Step | None) -> None:
        def change(stored: Any) -> tuple[dict[str, Any], list[str]]:
            progress = Journey(self.form, stored)
            done = progress.completed_with(step) if step is not None \
                else list(stored.completed_steps or [])
            return {**stored.answers, routing.KEY: record}, done

        with unit_of_work():
            self.store.write(change, step.id if step is not None else None)
        g.responsible = routing.responsible(self.form, self.journey.answers)

    # -- the summary ---------------------------------------------------------------------

    def summary(self, problems: dict | None = None, status: int = 200, **extra: Any) -> Any:
        """Check your answers; `problems` (per step id) when sending found some."""
        if problems is None:
            problems = check_answers(self.form, self.journey.answers)
        g.attachment_names = {key: a.display_name for key, a in self.store.attachments().items()}
        return self.render(self.adapter.templates["summary"], status, journey=self.journey,
                           problems=problems, language=current_language(),
                           authority_change_url=self._authority_change_url(), **extra)

    def _authority_change_url(self) -> str | None:
        """Where the summary lets the citizen change the authority: the choice, or the step
        whose postcode decided it."""
        by = self.form.jurisdiction.get("by")
        if by == "choice":
            return self.url("wizard.authority", return_to="summary")
        if by == "postcode":
            decision = routing.decide(self.form, self.journey.answers)
            if (step := self._step_of(decision.source)) is not None:
                return self.url("wizard.step", step_id=step.id, return_to="summary")
        return None


def _entry_index(entry: str, entries: list) -> int | None:
    """`new`, or 1 … number of entries; anything else is no entry."""
    if entry == "new":
        return len(entries)
    if entry.isdigit() and 1 <= int(entry) <= len(entries):
        return int(entry) - 1
    return None


def _entries_done(journey: Journey, step: Step, entries: list) -> list[str]:
    """Changing an entry keeps a finished list finished, as long as it has enough entries."""
    if journey.is_done(step) and len(entries) >= step.repeat.min:
        return journey.completed_with(step)
    return journey.completed_without(step)
