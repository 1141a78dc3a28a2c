"""Checking a draft's text: the engine's problems, each placed at a line of what was typed.

JSON syntax errors carry their own line and column; everything the engine
finds (schema, codelists, conditions, translations) comes with a JSON pointer
that `positions.locate` turns into a line. Rules of the designer itself (who
may use a form id, which version may be published) are added by the caller
with `Checked.add`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _

from ..engine import Form, Problem, check_definition, compile_form
from ..engine.definition import json_reason, syntax_error_position
from ..engine.messages import localise
from ..kept import Kept
from ..languages import current_language
from ..publishing import configured_codelists
from .places import place
from .positions import Located, escape, locate

#: What check_definition calls the draft in its problems; anything else is a codelist file.
DRAFT_LABEL = "<draft>"
#: A definition is a few hundred kilobytes at most; this bounds the work one save can cause.
MAX_TEXT_LENGTH = 2_000_000
_UNKNOWN_KEY = re.compile(r"^unknown key '([^']+)'")


@dataclass(frozen=True)
class Finding:
    """One problem as the editor shows it: where (line, column, pointer) and why."""

    message: str
    severity: str = "error"
    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    excerpt: str = ""  # the line of the text it concerns, for a reader without the editor open
    elsewhere: str | None = None  # a codelist file the problem is in, not the draft
    place: str = ""  # where in the outline: Schritt „Hergang“, Frage „Tatzeit“

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Checked:
    """The result of checking one text."""

    text: str
    parsed: Any = None  # the JSON value, when the syntax is right
    document: dict[str, Any] | None = None  # the resolved definition, when the engine accepts it
    located: Located | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.errors

    def add(self, pointer: str, message: str, severity: str = "error") -> None:
        """A finding at `pointer` of the text (or the nearest thing above it that is there)."""
        self.findings.append(_at(self.located, pointer, message, severity))


def _at(located: Located | None, pointer: str, message: str, severity: str) -> Finding:
    position = located.position(pointer) if located is not None else None
    if position is None:
        return Finding(message, severity, pointer)
    line, column = position
    return Finding(message, severity, pointer, line, column, located.line_text(line))


def _finding(located: Located, problem: Problem, document: Any, language: str) -> Finding:
    """The engine's problem in the designer's language, at its line and its place in the form."""
    message = localise(problem.message, language)
    if problem.file != DRAFT_LABEL:
        return Finding(message, problem.severity, problem.pointer,
                       elsewhere=Path(problem.file).name)
    where = problem.pointer
    if unknown := _UNKNOWN_KEY.match(problem.message):  # the English wording names the key
        # Point at the misspelt key itself rather than at the object around it.
        where = f"{where}/{escape(unknown.group(1))}"
    return replace(_at(located, where, message, problem.severity), pointer=problem.pointer,
                   place=place(document, problem.pointer, language) if has_request_context()
                   else "")


def designer_language() -> str:
    """The language the designer reads; outside a request (a test, a command) English, as
    `amtsweg forms check` says it."""
    return current_language() if has_request_context() else "en"


def normalise(text: str) -> str:
    """The text as typed; browsers send a textarea's line breaks as CR LF, which is transport."""
    return text.replace("\r\n", "\n")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def check_text(text: str, forms_dir: Path) -> Checked:
    """Check a definition as typed. Never raises for anything a person can type."""
    checked = Checked(text)
    if len(text) > MAX_TEXT_LENGTH:
        checked.findings.append(Finding(
            _("Der Text ist zu lang: höchstens %(max)s Zeichen.", max=MAX_TEXT_LENGTH)))
        return checked
    try:
        checked.parsed = json.loads(text, parse_constant=_no_constant)
        checked.located = locate(text)
    except json.JSONDecodeError as error:
        line, column = syntax_error_position(text, error)
        excerpt = text.split("\n")[line - 1]
        reason = localise(json_reason(error.msg), designer_language())
        checked.findings.append(Finding(
            _("JSON-Syntaxfehler: %(reason)s", reason=reason), "error", None,
            line, column, excerpt))
        return checked
    except (RecursionError, ValueError):
        checked.parsed = None
        checked.findings.append(Finding(
            _("Der Text ist kein gültiges JSON: Er ist zu tief verschachtelt oder enthält NaN "
              "oder Infinity."), line=1, column=1))
        return checked
    if not isinstance(checked.parsed, dict):
        checked.add("", _("Eine Formulardefinition ist ein JSON-Objekt: { … }"))
        return checked
    document, problems = check_definition(checked.parsed, forms_dir, file=DRAFT_LABEL,
                                          codelists=configured_codelists())
    language = designer_language()
    checked.findings += [_finding(checked.located, problem, checked.parsed, language)
                         for problem in problems]
    for duplicate in checked.located.duplicates:
        key = duplicate.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        checked.add(duplicate, _("Der Schlüssel „%(key)s“ kommt in diesem Objekt zweimal vor; "
                                 "es gilt der letzte.", key=key), "warning")
    checked.document = document
    return checked


#: Per draft text: (its compiled form, or None while the engine rejects it).
_compiled: Kept[tuple[Form | None]] = Kept(32)


def compiled_text(text: str, forms_dir: Path) -> Form | None:
    """The compiled form of a draft's text, or None while the engine rejects it.

    Checking a long definition takes a tenth of a second; a designer clicking
    through the preview should not wait for it on every page, so the result is
    kept per text (a saved change is a new text).
    """
    key = hashlib.sha256(f"{forms_dir}\0{text}".encode()).hexdigest()
    found = _compiled.get(key)
    if found is not None:
        return found[0]
    checked = check_text(text, forms_dir)
    form = compile_form(checked.document) if checked.document is not None else None
    _compiled.put(key, (form,))
    return form


def sort_key(finding: Finding) -> tuple[int, int, int]:
    """Errors first, then in the order of the text."""
    return (0 if finding.is_error else 1, finding.line or 0, finding.column or 0)
