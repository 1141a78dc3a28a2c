"""Step pages in two stages: a skeleton rendered once, filled in on every request.

Most of a step page is the same for everyone who opens that step in that
language: labels, hints, options, translated texts and the markup of every
input. Jinja renders that once per form version, step, language and page
address (the skeleton); what differs between requests is left as numbered
slots, which `Skeleton.fill` replaces from a `PageState`:

- `slot("value", name, part...)`: what an input shows; `checked`, `selected`,
  `ticked`: the state of a choice;
- `slot("when", test, ...)` … `slot("end")`: markup kept only when the test
  holds (an error on a field, a question that applies, a step that is done);
  `unless` is its opposite;
- `slot("live", macro, ...)`: a part rendered anew each time (the error
  summary, a file field with its uploads).

The templates call `slot` wherever a request decides something, and nowhere
else, so the markup lives in the templates only. The designer's preview and
the list of entries go through the same two stages without keeping the
skeleton.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, render_template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..authorities.views import footer_authority
from ..engine import Field, Step
from ..kept import Kept
from ..languages import current_language
from ..security import csrf_token
from .forms import error_messages
from .progress import Journey

#: Parts rendered anew on each request whose markup depends only on the form, the language
#: and the authority the footer names (portal.authorities.views.footer_authority): the
#: responsible authority and the footer's legal links. Their skeletons are kept.
SHARED = frozenset({"legal_links.html:links", "legal_links.html:responsible"})
#: Skeletons kept per process (the shipped forms in all their languages need 83, 2 MB).
CACHE_SIZE = 1024

_END = object()


@dataclass
class PageState:
    """What one request decides about a page; every slot is answered from here."""

    data: Mapping[str, Any] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    parts: Mapping[str, str | None] = field(default_factory=dict)
    errors: list = field(default_factory=list)
    shown: set[int] = field(default_factory=set)
    #: Per section id: "current", "done" or "todo" (a section no applicable step is in: none).
    section_states: Mapping[str, str] = field(default_factory=dict)
    back_url: str = ""
    return_to: bool = False
    #: What the page showed of the stored answers (portal.journey.store.digest): a write
    #: carries it back, so that another window's newer answers are never silently reverted.
    seen_digest: str = ""
    #: Another window changed this step's answers: the page shows both values.
    conflict: bool = False
    #: Template context for the parts rendered anew (`live`): form, step, attachments…
    context: dict[str, Any] = field(default_factory=dict)

    # -- the values of slots -------------------------------------------------------

    def answer(self, name: str, *path: str) -> Any:
        value = self.data.get(name)
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        return value

    def value(self, name: str, *path: str) -> str:
        value = self.answer(name, *path)
        return escape(value) if value else ""

    def checked(self, name: str, option: str) -> str:
        """A radio button or one of several checkboxes."""
        value = self.data.get(name)
        hit = option in value if isinstance(value, list | tuple | set) else value == option
        return " checked" if hit else ""

    def ticked(self, name: str) -> str:
        """A single checkbox."""
        return " checked" if self.data.get(name) else ""

    def selected(self, name: str, option: str, *path_and_default: str) -> str:
        """An option of a select; a composite's select names its part, then its default."""
        if path_and_default:
            part, default = path_and_default
            value = self.answer(name, part) or default
        else:
            value = self.data.get(name)
        return " selected" if value == option else ""

    def message(self, name: str) -> str:
        return escape(self.messages.get(name, ""))

    def csrf(self) -> str:
        return csrf_token()

    def reveal_answers(self) -> str:
        """The earlier answers this page's conditions read, as JSON for amtsweg.js (the
        template global `reveal_answers`, written as the `tojson` filter writes it)."""
        answers = current_app.jinja_env.globals["reveal_answers"](self.context["step"],
                                                                 self.context["journey"])
        return htmlsafe_json_dumps(answers, dumps=current_app.json.dumps)

    def back(self) -> str:
        return escape(self.back_url)

    def seen(self) -> str:
        return escape(self.seen_digest)

    # -- the tests of `when` and `unless` ------------------------------------------------

    def test_errors(self) -> bool:
        return bool(self.errors)

    def test_answered(self, name: str) -> bool:
        return bool(self.data.get(name))

    def test_error(self, name: str) -> bool:
        return bool(self.messages.get(name))

    def test_part_error(self, name: str, *which: str | None) -> bool:
        """A part of a composite: flagged unless the error names another part."""
        return bool(self.messages.get(name)) and self.parts.get(name) in (None, *which)

    def test_shown(self, index: int) -> bool:
        return index in self.shown

    def test_return_to(self) -> bool:
        return self.return_to

    def test_conflict(self) -> bool:
        return self.conflict

    def test_section(self, section_id: str, which: str) -> bool:
        """"current", "done" or "todo"; a section none of whose steps applies is none of them."""
        return self.section_states.get(section_id) == which


class _Recorder:
    """The `slot` of a skeleton rendering: remembers each call, leaves a marker."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(4)
        self.calls: list[tuple[str, tuple]] = []

    def __call__(self, kind: str, *args: Any) -> Markup:
        self.calls.append((kind, args))
        # Only hex digits and a number: nothing of a citizen's or a designer's text.
        return Markup(f"\x00{self.nonce}:{len(self.calls) - 1}\x00")  # noqa: S704


_MARKER = re.compile("\x00([0-9a-f]{8}):(\\d+)\x00")


class Skeleton:
    """A rendered page with its slots: text, slots and the tests that keep or skip a block."""

    def __init__(self, text: str, recorder: _Recorder) -> None:
        # One flat list: text, slots (name, args) and tests (name, args, wanted, end), where
        # `end` is the index after the block a test keeps or skips.
        ops: list = []
        opened: list[int] = []
        # One pattern for every nonce (compiled once): a marker of another recording (a
        # part rendered inside this one) stays text.
        pieces = _MARKER.split(text)
        for index in range(0, len(pieces), 3):
            if pieces[index]:
                ops.append(pieces[index])
            if index + 1 == len(pieces):
                break
            nonce, number = pieces[index + 1], pieces[index + 2]
            if nonce != recorder.nonce:
                ops.append(f"\x00{nonce}:{number}\x00")
                continue
            kind, args = recorder.calls[int(number)]
            if kind in ("when", "unless"):
                test = f"test_{args[0]}"
                if not hasattr(PageState, test):
                    raise ValueError(f"unknown test {args[0]!r}")
                opened.append(len(ops))
                ops.append([test, args[1:], kind == "when", None])
            elif kind == "end":
                if not opened:
                    raise ValueError("slot('end') without a 'when' or 'unless'")
                ops[opened.pop()][3] = len(ops)
            elif kind == "live" or hasattr(PageState, kind):
                ops.append((kind, args))
            else:
                raise ValueError(f"unknown slot {kind!r}")
        if opened:
            raise ValueError("a slot('when') is never ended")
        self.ops = [tuple(op) if op.__class__ is list else op for op in ops]

    def fill(self, state: PageState, render_live: Callable[[str, tuple, PageState], str]) -> str:
        ops, out = self.ops, []
        append, index, count = out.append, 0, len(ops)
        while index < count:
            op = ops[index]
            index += 1
            if op.__class__ is str:
                append(op)
            elif len(op) == 4:  # a test: keep its block, or jump past it
                name, args, wanted, end = op
                if getattr(state, name)(*args) != wanted:
                    index = end
            elif op[0] == "live":
                append(render_live(op[1][0], op[1][1:], state))
            else:
                append(getattr(state, op[0])(*op[1]))
        return "".join(out)


_skeletons: Kept[Skeleton] = Kept(CACHE_SIZE)


def skeleton(render: Callable[[_Recorder], str], key: tuple | None = None) -> Skeleton:
    """The skeleton `render(slot)` makes; kept under `key` (unless None) for later requests."""
    if key is not None:
        found = _skeletons.get(key)
        if found is not None:
            return found
    recorder = _Recorder()
    made = Skeleton(render(recorder), recorder)
    if key is not None:
        _skeletons.put(key, made)
    return made


# -- rendering with Flask's templates --------------------------------------------------


def render_page(template: str, state: PageState, key: tuple | None = None, **context: Any) -> str:
    """Render `template` in two stages; with a `key` the skeleton is kept for later requests.

    Everything in `context` must be the same for every request with the same key.
    """
    page = skeleton(lambda slot: render_template(template, slot=slot, **context), key)
    return page.fill(state, _render_live)


def _render_live(macro: str, args: tuple, state: PageState) -> str:
    """A part of the page made anew on each request: a macro of macros.html, or of the
    template a name like "fields/file.html:uploads" gives (a field type's own)."""
    template, _, name = macro.rpartition(":")
    key = None
    if macro in SHARED:
        # The same for everyone on this form in this language with this authority: kept.
        form = state.context.get("form")
        key = ("live", macro, args, current_language(),
               getattr(form, "content_hash", None), footer_authority())

    def render(slot: _Recorder) -> str:
        context = {**state.context, "slot": slot, "messages": state.messages, "parts": state.parts,
                   "errors": state.errors}
        current_app.update_template_context(context)
        module = current_app.jinja_env.get_template(template or "macros.html").make_module(context)
        return str(getattr(module, name)(*args))

    return skeleton(render, key).fill(state, _render_live)


def shown_fields(step: Step, context: Mapping[str, Any]) -> list[Field]:
    """Fields to render: those whose condition holds, and those that depend on this very page.

    Without JavaScript a page cannot react to its own answers, so a question that
    depends on another question of the same step is shown; the engine discards
    its answer if it does not apply.
    """
    own = {f.name for f in step.questions}
    return [f for f in step.fields
            if f.visible_if is None or f.visible_if.names & own or f.is_visible(context)]


def section_states(journey: Journey, step: Step) -> dict[str, str]:
    """Progress by section, which stays true when an answer opens or closes a step.

    A step count ("Schritt 4 von 7") changes under the citizen's feet when a branch
    opens; the sections of a form are fixed by its definition. A section is current
    when it holds this step, done when every applicable step in it is, and left out
    while none of its steps applies.
    """
    applicable = {s.id for s in journey.steps}
    states = {}
    for section in journey.form.sections:
        steps = [s for s in section.steps if s.id in applicable]
        if any(s.id == step.id for s in section.steps):
            states[section.id] = "current"
        elif steps:
            states[section.id] = "done" if all(journey.is_done(s) for s in steps) else "todo"
    return states


def step_state(journey: Journey, step: Step, data: Mapping[str, Any], errors: list, language: str,
               back_url: str, return_to: bool = False, **context: Any) -> PageState:
    """The state of a step page for this request: answers shown, errors, progress.

    `journey` is the citizen's (or the preview's) Journey; `context` goes to the
    parts rendered anew (the attachments of file fields).
    """
    messages, parts = error_messages(errors, language)
    states = section_states(journey, step)
    visible = {id(f) for f in shown_fields(step, journey.earlier_answers(step))}
    return PageState(
        data=data, messages=messages, parts=parts, errors=errors,
        shown={index for index, f in enumerate(step.fields) if id(f) in visible},
        section_states=states, back_url=back_url, return_to=return_to,
        context={"form": journey.form, "step": step, "journey": journey, **context},
    )
