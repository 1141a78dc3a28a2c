"""Reading and checking form definitions, with a precise report for the form designer.

`check_definition` never raises for a bad definition: it returns every problem
it finds, each with the file, the JSON pointer and a sentence a designer
understands. `load_form` is the strict entry point for the running portal.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from . import destatis
from .conditions import Call, Condition, ConditionError, Literal, Name, parse
from .errors import DefinitionError, Problem
from .fields import FIELD_TYPES, with_registered_types
from .i18n import is_language_map
from .messages import N_, N_plural, Phrase
from .model import Form, compile_form
from .patterns import PatternError, compile_pattern

#: Media types that can carry scripts or programs run when the file is opened: never accepted.
ACTIVE_MEDIA_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/xsl", "application/xslt+xml", "application/javascript", "text/javascript",
    "application/ecmascript", "text/ecmascript", "application/x-javascript",
    "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec",
    "application/vnd.microsoft.portable-executable", "application/x-executable",
    "application/x-sh", "application/x-shellscript", "text/x-shellscript", "application/x-bat",
    "application/x-httpd-php", "application/x-php", "text/x-php", "application/java-archive",
    "application/x-java-archive", "application/hta", "application/x-shockwave-flash",
    "application/vnd.ms-word.document.macroenabled.12",
    "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.ms-powerpoint.presentation.macroenabled.12",
})

#: Field types whose answer is a number a calculation can use.
NUMERIC_TYPES = frozenset({"number", "decimal", "money", "computed"})


def _show_literal(value: Any) -> str:
    return {None: "null", True: "true", False: "false"}.get(value, repr(value)) if not \
        isinstance(value, str) else f"'{value}'"


#: The JSON Schemas ship inside the package (package data), installed or not. Found beside the
#: engine, which loads without the rest of the portal package (and without Flask).
SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "schemas"


@lru_cache(maxsize=4)
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))
    if name == "form.schema.json":  # and the field types that describe their own keys
        schema = with_registered_types(schema)
    return Draft202012Validator(schema)


def pointer(path: Iterator[Any] | list[Any]) -> str:
    """RFC 6901 JSON pointer from a list of keys and indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def near_miss(word: Any, candidates: Iterator[Any] | list[Any]) -> str | None:
    """The candidate `word` was most likely meant to be ("radoi" -> "radio"), if any is close."""
    if not isinstance(word, str):
        return None
    names = [c for c in candidates if isinstance(c, str)]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6) or \
        difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.6)
    return close[0] if close else None


def _property_names(schema: Any, root: Mapping[str, Any], depth: int = 0) -> set[str]:
    """The keys a (sub)schema describes, looking into $ref (within `root`), allOf, anyOf,
    oneOf, if, then and else."""
    if not isinstance(schema, Mapping) or depth > 8:
        return set()
    names = set(schema.get("properties") or {})
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        names |= _property_names(target, root, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            names |= _property_names(sub, root, depth + 1)
    for key in ("if", "then", "else"):
        names |= _property_names(schema.get(key), root, depth + 1)
    return names


def _describe(error: ValidationError, root: Mapping[str, Any]) -> str:
    """A jsonschema error rewritten as a sentence for a form designer (a Phrase, see messages)."""
    v = error.validator
    if v == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return Phrase(N_("der Schlüssel „%(key)s“ fehlt"), key=missing.group(1) if missing else "?")
    if v in ("additionalProperties", "unevaluatedProperties"):
        keys = re.findall(r"'([^']+)'", error.message)
        shown = ", ".join(repr(k) for k in keys)
        known = _property_names(error.schema, root) - set(keys)
        if len(keys) == 1 and (meant := near_miss(keys[0], sorted(known))):
            return Phrase(N_("unbekannter Schlüssel %(keys)s: Prüfen Sie die Schreibweise oder "
                             "entfernen Sie ihn; meinten Sie %(suggestion)s?"),
                          keys=shown, suggestion=repr(meant))
        return Phrase(N_("unbekannter Schlüssel %(keys)s: Prüfen Sie die Schreibweise oder "
                         "entfernen Sie ihn"), keys=shown)
    if v == "enum":
        allowed = ", ".join(map(repr, error.validator_value))
        if meant := near_miss(error.instance, list(error.validator_value)):
            return Phrase(N_("%(value)s ist hier nicht erlaubt; meinten Sie %(suggestion)s? "
                             "Möglich sind: %(allowed)s"),
                          value=repr(error.instance), suggestion=repr(meant), allowed=allowed)
        return Phrase(N_("%(value)s ist hier nicht erlaubt; möglich sind: %(allowed)s"),
                      value=repr(error.instance), allowed=allowed)
    if v == "const":
        return Phrase(N_("%(value)s ist hier nicht erlaubt; verwenden Sie %(allowed)s"),
                      value=repr(error.instance), allowed=repr(error.validator_value))
    if v == "pattern":
        what = error.schema.get("description") or error.schema.get("title")
        if what:
            return Phrase(N_("%(value)s entspricht nicht der Form: %(what)s"),
                          value=repr(error.instance), what=what)
        return Phrase(N_("%(value)s hat nicht die erwartete Form"), value=repr(error.instance))
    if v == "type":
        return Phrase(N_("muss vom Typ %(expected)s sein, nicht %(found)s"),
                      expected=str(error.validator_value), found=type(error.instance).__name__)
    if v == "minItems":
        return Phrase(N_plural("braucht mindestens %(count)s Eintrag",
                               "braucht mindestens %(count)s Einträge", "count"),
                      count=error.validator_value)
    if v == "dependentRequired":
        return error.message.replace("is a dependency of", "is needed together with")
    return error.message


def _schema_problems(document: Any, file: str, schema_name: str, base: str = "") -> list[Problem]:
    validator = _validator(schema_name)
    errors = sorted(validator.iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    problems = []
    for error in errors:
        # For if/then, jsonschema reports the failing "then"; report its inner causes only.
        leaves = [error]
        while leaves and leaves[0].context:
            leaves = sorted(leaves[0].context, key=lambda e: len(e.absolute_path), reverse=True)[:1]
        for leaf in leaves:
            problems.append(Problem(file, base + pointer(leaf.absolute_path),
                                    _describe(leaf, validator.schema)))
    return list(dict.fromkeys(problems))


def read_json(path: Path) -> tuple[Any, list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, "", Phrase(N_("die Datei gibt es nicht")))]
    except UnicodeDecodeError:
        return None, [Problem(file, "", Phrase(N_("die Datei ist kein UTF-8-Text")))]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as e:
        line, column = syntax_error_position(text, e)
        return None, [Problem(file, "", Phrase(N_("kein gültiges JSON: %(reason)s (Zeile %(line)s, "
                                                  "Spalte %(column)s)"),
                                               reason=json_reason(e.msg), line=line,
                                               column=column))]


#: What json.loads says, in words a form designer understands; anything else is passed on.
_JSON_REASONS = {
    "Expecting ',' delimiter": N_("hier fehlt ein Komma"),
    "Expecting ':' delimiter": N_("hier fehlt ein Doppelpunkt"),
    "Expecting value": N_("hier fehlt ein Wert"),
    "Expecting property name enclosed in double quotes":
        N_("hier fehlt ein Schlüssel in doppelten Anführungszeichen"),
    "Unterminated string starting at": N_("die Zeichenkette wird nicht geschlossen"),
    "Invalid control character at": N_("ein Steuerzeichen (etwa ein Zeilenumbruch) steht in "
                                        "einer Zeichenkette; schreiben Sie \\n"),
    "Extra data": N_("nach dem Ende der Definition folgt noch Text"),
    "Invalid \\escape": N_("ungültige Escape-Sequenz mit \\"),
}
#: A comma after the last entry: json.loads notices it only at the next line's bracket.
_AFTER_COMMA = frozenset({"Expecting property name enclosed in double quotes", "Expecting value"})


def json_reason(message: str) -> str:
    """json.loads' reason as a Phrase where there is one, else as it is."""
    reason = _JSON_REASONS.get(message)
    return Phrase(reason) if reason else message


def syntax_error_position(text: str, error: json.JSONDecodeError) -> tuple[int, int]:
    """Line and column (from 1) of a JSON syntax error, where a person would fix it.

    json.loads reports a missing comma at the next key, often the line below; and a
    comma too many at the closing bracket after it. Both are fixed where the previous
    value ends: that is the place reported.
    """
    offset = error.pos
    if error.msg in ("Expecting ',' delimiter", "Expecting ':' delimiter") or \
            error.msg in _AFTER_COMMA:
        before = offset
        while before > 0 and text[before - 1] in " \t\r\n":
            before -= 1
        if error.msg in _AFTER_COMMA:
            if before > 0 and text[before - 1] == "," and text[offset:offset + 1] in ("}", "]"):
                offset = before - 1  # at the comma itself: "a comma after the last entry"
        elif before < offset:
            offset = before  # just after the value that needs a comma (or colon) next
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


_CODELIST_REF = re.compile(r"codelists/([a-z0-9_-]+\.json)")


def codelist_search_path(*candidates: Path | None) -> list[Path]:
    """The folders to look for shared codelists in, in order, each once."""
    path: list[Path] = []
    for candidate in candidates:
        if candidate is not None and Path(os.path.normpath(candidate)) not in path:
            path.append(Path(os.path.normpath(candidate)))
    return path


def resolve_codelists(definition: dict[str, Any], search_path: list[Path], file: str,
                      broken: Broken | None = None) -> list[Problem]:
    """Replace every `"options": "codelists/x.json"` by the codelist's options, in place.

    `codelists/x.json` names the file x.json in the first folder of `search_path`
    that has it. Fields whose structure failed the schema (`broken`) are left alone.
    """
    broken = broken or Broken()
    problems: list[Problem] = []
    for i, j, spec in _fields(definition, broken):
        ref = spec.get("options")
        if not isinstance(ref, str) or (i, j) in broken.fields:
            continue
        here = f"/steps/{i}/fields/{j}/options"
        # The schema allows only "codelists/<name>.json"; this guards a definition
        # checked without the schema (a library caller) against "../" tricks.
        match = _CODELIST_REF.fullmatch(ref)
        if match is None:
            problems.append(Problem(file, here, Phrase(N_(
                "die Codeliste %(ref)s hat nicht die Form codelists/<name>.json"), ref=repr(ref))))
            continue
        candidates = [folder / match.group(1) for folder in search_path]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            looked = ", ".join(str(c) for c in candidates) or Phrase(
                N_("nirgends (kein Ordner für Codelisten angegeben)"))
            problems.append(Problem(file, here, Phrase(N_(
                "die Codeliste %(ref)s wurde nicht gefunden; gesucht in: %(looked)s. Nennen Sie "
                "den Ordner mit --codelists DIR"), ref=repr(ref), looked=looked)))
            continue
        codelist, read_problems = read_json(path)
        if read_problems:
            problems.append(Problem(file, here, Phrase(N_(
                "die Codeliste %(ref)s (%(path)s) kann nicht gelesen werden: %(reason)s"),
                ref=repr(ref), path=str(path), reason=read_problems[0].message)))
            continue
        codelist_problems = _schema_problems(codelist, str(path), "codelist.schema.json")
        if codelist_problems:
            problems += codelist_problems
            continue
        spec["options"] = codelist["options"]
    return problems


@dataclass
class Broken:
    """The parts of a definition whose structure failed the schema.

    The semantic checks skip them (a broken field's name still counts, so a
    condition naming it is not reported as naming an unknown field) and check
    everything else, so one run reports every problem.
    """

    keys: set[str] = field(default_factory=set)  # top-level keys, "steps" for the list itself
    steps: set[int] = field(default_factory=set)  # a step's own keys (id, title, repeat, …)
    field_lists: set[int] = field(default_factory=set)  # a step whose "fields" is not a list
    fields: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def of(cls, problems: list[Problem]) -> Broken:
        broken = cls()
        for problem in problems:
            parts = [p.replace("~1", "/").replace("~0", "~")
                     for p in problem.pointer.split("/")[1:]]
            if not parts:
                continue  # a key missing at the top: the checks below look for what they need
            if parts[0] != "steps" or len(parts) == 1:
                broken.keys.add(parts[0])
            elif not parts[1].isdigit():
                broken.keys.add("steps")
            elif len(parts) >= 4 and parts[2] == "fields" and parts[3].isdigit():
                broken.fields.add((int(parts[1]), int(parts[3])))
            elif len(parts) == 3 and parts[2] == "fields":
                broken.field_lists.add(int(parts[1]))
            else:
                broken.steps.add(int(parts[1]))
        return broken


def _steps(definition: Mapping[str, Any], broken: Broken
           ) -> Iterator[tuple[int, Mapping[str, Any]]]:
    steps = definition.get("steps")
    if "steps" in broken.keys or not isinstance(steps, list):
        return
    for i, step in enumerate(steps):
        if isinstance(step, Mapping):
            yield i, step


def _fields(definition: Mapping[str, Any], broken: Broken
            ) -> Iterator[tuple[int, int, dict[str, Any]]]:
    for i, step in _steps(definition, broken):
        fields = step.get("fields")
        if i in broken.field_lists or not isinstance(fields, list):
            continue
        for j, spec in enumerate(fields):
            if isinstance(spec, dict):
                yield i, j, spec


def _possible_answers(definition: Mapping[str, Any], broken: Broken
                      ) -> dict[str, tuple[frozenset[Any], Any]]:
    """For each field with a fixed set of answers (options, countries): that set, and the
    field. The set is what the field's answer schema lists (Field.value_schema)."""
    found: dict[str, tuple[frozenset[Any], Any]] = {}
    for i, j, spec in _fields(definition, broken):
        cls = FIELD_TYPES.get(spec.get("type"))
        if (i, j) in broken.fields or cls is None or not isinstance(spec.get("name"), str):
            continue
        try:
            built = cls(spec)
            schema = built.value_schema()
        except (KeyError, TypeError, ValueError):
            continue  # reported as the field's own problem
        listed = schema.get("enum") or (schema.get("items") or {}).get("enum")
        if listed:
            found[spec["name"]] = (frozenset(listed), built)
    return found


def _meant(built: Any, possible: frozenset[Any], value: Any) -> Any:
    """What a comparison with an impossible answer probably meant: the Destatis key of an
    ISO code (or the other way round) for a country field, else the nearest answer."""
    if built.type == "country" and isinstance(value, str):
        mapped = (destatis.KEYS if built.destatis else destatis.ISO).get(value.upper())
        return mapped if mapped in possible else None
    return near_miss(value, sorted(v for v in possible if isinstance(v, str)))


#: A comparison with an answer the question never gives: (never true?, a value meant?).
_IMPOSSIBLE = {
    (True, True): N_("„%(name)s“ hat nie die Antwort %(value)s, der Vergleich ist also nie "
                     "wahr; meinten Sie %(suggestion)s?"),
    (False, True): N_("„%(name)s“ hat nie die Antwort %(value)s, der Vergleich ist also "
                      "immer wahr; meinten Sie %(suggestion)s?"),
    (True, False): N_("„%(name)s“ hat nie die Antwort %(value)s, der Vergleich ist also nie "
                      "wahr; möglich sind: %(allowed)s"),
    (False, False): N_("„%(name)s“ hat nie die Antwort %(value)s, der Vergleich ist also "
                       "immer wahr; möglich sind: %(allowed)s"),
}


def _few(values: frozenset[Any], shown: int = 8) -> str:
    listed = sorted(values, key=str)
    text = ", ".join(_show_literal(v) for v in listed[:shown])
    return text + (", …" if len(listed) > shown else "")


def _not_a_field(name: Any, types: Mapping[Any, Any]) -> Phrase:
    if meant := near_miss(name, sorted(n for n in types if isinstance(n, str))):
        return Phrase(N_("„%(name)s“ ist kein Feld dieses Formulars; meinten Sie "
                         "„%(suggestion)s“?"), name=name, suggestion=meant)
    return Phrase(N_("„%(name)s“ ist kein Feld dieses Formulars"), name=name)


def _condition_unknown(name: str, known: set[str]) -> Phrase:
    if meant := near_miss(name, sorted(known)):
        return Phrase(N_("die Bedingung nennt „%(name)s“; das ist kein Feld dieses Formulars. "
                         "Meinten Sie „%(suggestion)s“?"), name=name, suggestion=meant)
    return Phrase(N_("die Bedingung nennt „%(name)s“; das ist kein Feld dieses Formulars"),
                  name=name)


def _larger(low: str, low_value: Any, high: str, high_value: Any) -> Phrase:
    return Phrase(N_("%(low)s (%(low_value)s) ist größer als %(high)s (%(high_value)s)"),
                  low=low, low_value=str(low_value), high=high, high_value=str(high_value))


#: Field types whose answer holds a postcode that can decide jurisdiction.
POSTCODE_TYPES = ("address", "postcode_de")


def _jurisdiction_problems(definition: Mapping[str, Any], broken: Broken,
                           repeating: Mapping[str, str], file: str) -> list[Problem]:
    """A jurisdiction by postcode names fields that exist, hold a postcode and are asked once."""
    jurisdiction = definition.get("jurisdiction")
    if "jurisdiction" in broken.keys or not isinstance(jurisdiction, dict) \
            or jurisdiction.get("by") != "postcode":
        return []
    problems = []
    if not definition.get("leika_key"):
        problems.append(Problem(file, "/jurisdiction", Phrase(N_(
            "eine Zuständigkeit nach Postleitzahl braucht den leika_key der Leistung: Die "
            "Zuständigkeitstabelle ist danach geordnet"))))
    types = {spec.get("name"): spec.get("type") for _, _, spec in _fields(definition, broken)}
    for k, name in enumerate(jurisdiction.get("fields") or []):
        where = f"/jurisdiction/fields/{k}"
        if name not in types:
            problems.append(Problem(file, where, _not_a_field(name, types)))
        elif name in repeating:
            problems.append(Problem(file, where, Phrase(N_(
                "„%(name)s“ gehört zum wiederholbaren Schritt „%(step)s“; die Zuständigkeit "
                "braucht eine Antwort, die einmal gegeben wird"), name=name, step=repeating[name])))
        elif types[name] not in POSTCODE_TYPES:
            problems.append(Problem(file, where, Phrase(N_(
                "„%(name)s“ ist ein Feld vom Typ %(type)s; nur Felder vom Typ %(types)s enthalten "
                "eine Postleitzahl"), name=name, type=types[name],
                types=Phrase(N_("%(first)s oder %(second)s"), first=POSTCODE_TYPES[0],
                             second=POSTCODE_TYPES[1]))))
    return problems


def _notification_problems(definition: Mapping[str, Any], broken: Broken,
                           file: str) -> list[Problem]:
    """`notifications` names an e-mail field asked once, and a checkbox on its page."""
    settings = definition.get("notifications")
    if not isinstance(settings, Mapping) or "notifications" in broken.keys:
        return []
    where: dict[str, tuple[int, dict[str, Any]]] = {
        spec["name"]: (i, spec) for i, _, spec in _fields(definition, broken)
        if isinstance(spec.get("name"), str)}
    steps = definition.get("steps") or []
    problems = []
    email, consent = settings.get("email_field"), settings.get("consent_field")
    found = where.get(email)
    if found is None or found[1].get("type") != "email":
        problems.append(Problem(file, "/notifications/email_field", Phrase(N_(
            "„%(name)s“ ist kein E-Mail-Feld dieses Formulars"), name=email)))
    elif isinstance(steps[found[0]], Mapping) and steps[found[0]].get("repeat"):
        problems.append(Problem(file, "/notifications/email_field", Phrase(N_(
            "„%(name)s“ steht in einem wiederholbaren Schritt; nennen Sie ein Feld, das einmal "
            "gefragt wird"), name=email)))
    if consent is not None:
        box = where.get(consent)
        if box is None or box[1].get("type") != "checkbox":
            problems.append(Problem(file, "/notifications/consent_field", Phrase(N_(
                "„%(name)s“ ist kein Ankreuzfeld (checkbox) dieses Formulars"), name=consent)))
        elif found is not None and box[0] != found[0]:
            problems.append(Problem(file, "/notifications/consent_field", Phrase(N_(
                "das Ankreuzfeld für die Einwilligung muss auf der Seite stehen, die nach der "
                "E-Mail-Adresse fragt"))))
    return problems


def semantic_problems(definition: Mapping[str, Any], file: str,
                      broken: Broken | None = None) -> list[Problem]:
    """What a schema cannot see: names, references, conditions, ranges, translations.

    Parts named in `broken` failed the schema and are not looked into; everything
    else is, so a schema violation never hides a duplicate name elsewhere.
    """
    broken = broken or Broken()
    problems: list[Problem] = []

    def add(where: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(file, where, message, severity))

    languages, default = definition.get("languages"), definition.get("default_language")
    languages_usable = (
        not {"languages", "default_language"} & broken.keys
        and isinstance(languages, list) and all(isinstance(x, str) for x in languages)
        and isinstance(default, str)
    )
    if languages_usable:
        if default not in languages:
            add("/default_language", Phrase(N_(
                "die Standardsprache %(language)s steht nicht in „languages“"),
                language=repr(default)))
        if len(set(languages)) != len(languages):
            add("/languages", Phrase(N_("eine Sprache steht zweimal in der Liste")))

    seen_steps: dict[str, str] = {}
    seen_fields: dict[str, str] = {}
    earlier: set[str] = set()  # names answerable before the current point
    repeating: dict[str, str] = {}  # field name -> its repeating step id

    def check_condition(where: str, source: str | None, known: set[str],
                        entry_names: set[str]) -> Condition | None:
        if not source:
            return None
        try:
            condition = parse(source)
        except ConditionError as e:
            add(where, Phrase(N_("die Bedingung kann nicht gelesen werden: %(reason)s"),
                              reason=e.message))
            return None
        check_calculation(where, condition)
        check_compared(where, condition)
        aggregated = condition.aggregated
        for step_name, name in sorted(aggregated):
            if (step_name in repeating_steps and name not in repeating_steps[step_name]
                    and name not in known and name not in entry_names):
                add(where, Phrase(N_(
                    "die Bedingung nennt „%(name)s“; das ist kein Feld des wiederholbaren "
                    "Schritts „%(step)s“"), name=name, step=step_name))
        for name in sorted(condition.names):
            if name in known or name in entry_names:
                continue
            if (repeating.get(name), name) in aggregated:
                continue  # an entry's field inside sum(), any() or all() of its step
            if name in repeating:
                step_name = repeating[name]
                add(where, Phrase(N_(
                    "die Bedingung nennt „%(name)s“ aus dem wiederholbaren Schritt „%(step)s“; "
                    "außerhalb dieses Schritts schreiben Sie sum(%(step)s.%(name)s), "
                    "any(%(step)s, …) oder all(%(step)s, …)"), name=name, step=step_name))
            elif name in seen_fields or name in all_names or name in repeating_steps:
                add(where, Phrase(N_(
                    "die Bedingung nennt „%(name)s“, das erst später gefragt wird; eine Bedingung "
                    "kann nur frühere Antworten verwenden"), name=name))
            else:
                add(where, _condition_unknown(name, known | entry_names))
        return condition

    def check_calculation(where: str, condition: Condition) -> None:
        """A calculation with something that is never a number gives no answer: say so."""
        for operand in condition.calculated:
            if isinstance(operand, Literal) and not isinstance(operand.value, int | Decimal):
                add(where, Phrase(N_(
                    "%(value)s ist keine Zahl, eine Rechnung damit hat also kein Ergebnis; "
                    "+ - * / round() min() max() und sum() rechnen nur mit Zahlen"),
                    value=_show_literal(operand.value)))
            elif isinstance(operand, Call) and operand.function == "today":
                add(where, Phrase(N_(
                    "today() ist ein Datum, keine Zahl, eine Rechnung damit hat also kein "
                    "Ergebnis; mit Daten wird nicht gerechnet (verwenden Sie not_before und "
                    "not_after eines Datumsfelds, etwa today-18y)")))
            elif isinstance(operand, Name):
                kind = types.get(operand.path[-1] if len(operand.path) > 1 and operand.path[0]
                                 in repeating_steps else operand.path[0])
                if kind is not None and kind not in NUMERIC_TYPES:
                    add(where, Phrase(N_(
                        "„%(name)s“ ist ein Feld vom Typ %(type)s, keine Zahl, eine Rechnung "
                        "damit hat also kein Ergebnis; mit Daten und Texten wird nicht gerechnet "
                        "(für ein Alter: not_before und not_after eines Datumsfelds)"),
                        name=".".join(operand.path), type=kind), "warning")

    types = {spec["name"]: spec.get("type") for _, _, spec in _fields(definition, broken)
             if isinstance(spec.get("name"), str)}
    answers_of = _possible_answers(definition, broken)

    def check_compared(where: str, condition: Condition) -> None:
        """A comparison with a value the answer can never have is never true (or, with != and
        not in, always): a misspelt option, or an ISO code against a field that answers
        with Destatis keys."""
        for path, op, value in condition.compared:
            name = path[-1] if len(path) == 2 and path[0] in repeating_steps else \
                path[0] if len(path) == 1 else None
            possible = answers_of.get(name)
            if possible is None or value is None or value in possible[0]:
                continue
            meant = _meant(possible[1], possible[0], value)
            add(where, Phrase(_IMPOSSIBLE[op in ("==", "in"), bool(meant)],
                              name=".".join(path), value=_show_literal(value),
                              suggestion=_show_literal(meant) if meant else "",
                              allowed=_few(possible[0])))

    def check_rules(base: str, rules: Any, known: set[str], entry_names: set[str],
                    fields: set[Any], where: str) -> None:
        for k, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, Mapping):
                continue
            check_condition(f"{base}/rules/{k}/condition", rule.get("condition"), known,
                            entry_names)
            for m, name in enumerate(rule.get("fields") or []):
                if name not in fields:
                    add(f"{base}/rules/{k}/fields/{m}", Phrase(
                        N_("die Regel nennt „%(name)s“; das ist kein Feld dieses Schritts")
                        if where == "step" else
                        N_("die Regel nennt „%(name)s“; das ist kein Feld dieses Formulars"),
                        name=name))

    all_names = {spec["name"] for _, _, spec in _fields(definition, broken)
                 if isinstance(spec.get("name"), str)}
    fields_of: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for i, j, spec in _fields(definition, broken):
        fields_of.setdefault(i, []).append((j, spec))
    repeating_steps: dict[str, set[str]] = {}  # every repeating step's id -> its field names
    for i, step in _steps(definition, broken):
        if step.get("repeat") and isinstance(step.get("id"), str):
            repeating_steps[step["id"]] = {spec["name"] for _, spec in fields_of.get(i, [])
                                           if isinstance(spec.get("name"), str)}

    for i, step in _steps(definition, broken):
        sp = f"/steps/{i}"
        step_ok = i not in broken.steps
        step_id = step.get("id")
        if isinstance(step_id, str):
            if step_id in seen_steps:
                add(sp + "/id", Phrase(N_("die Schritt-ID „%(id)s“ ist schon bei %(where)s "
                                          "vergeben"), id=step_id, where=seen_steps[step_id]))
            seen_steps.setdefault(step_id, sp + "/id")
            if step_id in all_names:
                add(sp + "/id", Phrase(N_("die Schritt-ID „%(id)s“ ist auch ein Feldname; "
                                          "verwenden Sie verschiedene Namen"), id=step_id))
        repeat = step.get("repeat")
        if step_ok:
            check_condition(sp + "/visible_if", step.get("visible_if"), earlier, set())
            if repeat and repeat.get("min", 0) > repeat["max"]:
                add(sp + "/repeat", _larger("min", repeat["min"], "max", repeat["max"]))
        entry_names: set[str] = set()
        uploads_here: set[str] = set()  # file fields of this page
        for j, spec in fields_of.get(i, []):
            fp = f"{sp}/fields/{j}"
            field_ok = (i, j) not in broken.fields
            name = spec.get("name")
            if field_ok:
                check_condition(f"{fp}/required_if", spec.get("required_if"), earlier,
                                entry_names)
                if spec.get("type") == "computed":
                    check_condition(f"{fp}/value", spec.get("value"), earlier, entry_names)
                shown_if = check_condition(f"{fp}/visible_if", spec.get("visible_if"), earlier,
                                           entry_names)
                for upload in sorted(shown_if.names & uploads_here if shown_if else ()):
                    add(fp + "/visible_if", Phrase(N_(
                        "das Feld „%(name)s“ hängt vom Hochladen „%(upload)s“ auf derselben Seite "
                        "ab, das eine Seite nicht auswerten kann: Die Frage wird dort immer "
                        "gezeigt und ihre Antwort verworfen, wenn sie nicht zutrifft; fragen Sie "
                        "sie in einem späteren Schritt, damit sie nur erscheint, wenn sie "
                        "zutrifft"), name=str(name or j), upload=upload), "warning")
            if isinstance(name, str) and spec.get("type") == "file":
                uploads_here.add(name)
            if isinstance(name, str):
                if name in seen_fields:
                    add(fp + "/name", Phrase(N_("der Feldname „%(name)s“ ist schon bei %(where)s "
                                                "vergeben"), name=name, where=seen_fields[name]))
                seen_fields.setdefault(name, fp + "/name")
                if repeat:
                    entry_names.add(name)
                else:
                    earlier.add(name)
            if field_ok:
                problems.extend(_field_problems(spec, fp, file))
        if step_ok:
            own = {spec.get("name") for _, spec in fields_of.get(i, [])}
            check_rules(sp, step.get("rules"), earlier, entry_names, own, "step")
        if repeat and isinstance(step_id, str):
            repeating.update({n: step_id for n in entry_names})
            # Its entries are one answer for later conditions: count(zeugen), sum(…), any(…).
            earlier.add(step_id)

    if "rules" not in broken.keys:
        check_rules("", definition.get("rules"), earlier, set(), all_names, "form")

    if "fees" not in broken.keys and isinstance(definition.get("fees"), list):
        codes: dict[str, int] = {}
        for k, fee in enumerate(definition["fees"]):
            if not isinstance(fee, Mapping):
                continue
            code = fee.get("code")
            if isinstance(code, str):
                if code in codes:
                    add(f"/fees/{k}/code", f'the fee code "{code}" is already used by fee '
                        f"{codes[code]}")
                codes.setdefault(code, k)
            # A fee is decided when the answers are complete: any answer asked once may count.
            check_condition(f"/fees/{k}/condition", fee.get("condition"), earlier, set())

    problems += _jurisdiction_problems(definition, broken, repeating, file)

    problems += _notification_problems(definition, broken, file)
    if languages_usable:
        problems += [
            Problem(file, where, Phrase(N_("der Text hat keine Fassung in %(language)s, der "
                                           "Standardsprache des Formulars"),
                                        language=repr(default)))
            for where in _missing_texts(definition, default)
        ]
        for language in languages:
            if language != default:
                problems += [
                    Problem(file, where, Phrase(N_("Übersetzung fehlt für %(language)s"),
                                                language=repr(language)), "warning")
                    for where in _missing_texts(definition, language)
                ]
    return problems


#: A label that says "optional" itself (the platform says it for every optional question).
OPTIONAL_MARK = re.compile(
    r"\((freiwillig|optional|falls vorhanden|if any|необов.язково|isteğe bağlı|varsa|اختياري)\)"
    r"\s*$",
    re.IGNORECASE)


def _field_problems(spec: Mapping[str, Any], fp: str, file: str) -> list[Problem]:
    problems = []
    kind = spec.get("type")
    if isinstance(kind, str) and kind in FIELD_TYPES:
        problems += [Problem(file, fp + where, reason)
                     for where, reason in FIELD_TYPES[kind].definition_problems(spec)]
    if spec.get("type") == "computed":
        problems += [Problem(file, f"{fp}/{key}", Phrase(N_(
            "ein berechneter Wert ergibt sich aus den Antworten und wird nie gefragt: Entfernen "
            "Sie „%(key)s“"), key=key))
                     for key in ("required", "required_if") if key in spec]
    if "pattern" in spec:
        try:
            re.compile(spec["pattern"])  # the data schema publishes it to other engines too
            compile_pattern(spec["pattern"])  # what matches citizens' answers
        except re.error as e:
            problems.append(Problem(file, fp + "/pattern", Phrase(N_(
                "das Muster ist kein gültiger regulärer Ausdruck: %(reason)s"), reason=str(e))))
        except PatternError as e:
            problems.append(Problem(file, fp + "/pattern", e.args[0]))
    for k, media_type in enumerate(spec.get("accept") or []):
        if media_type in ACTIVE_MEDIA_TYPES:
            problems.append(Problem(file, f"{fp}/accept/{k}", Phrase(N_(
                "%(type)s ist ein aktives Format: Eine Datei dieses Typs kann Skripte oder "
                "Programme enthalten, die beim Öffnen in der Sachbearbeitung laufen; sie kann "
                "daher nicht angenommen werden. Verlangen Sie stattdessen PDF oder Bilder"),
                type=repr(media_type))))
    bounds = (("min", "max"), ("min_length", "max_length"), ("min_selected", "max_selected"))
    for low, high in bounds:
        if low in spec and high in spec and spec[low] > spec[high]:
            problems.append(Problem(file, f"{fp}/{low}", _larger(low, spec[low], high, spec[high])))
    if spec.get("not_in_future") and spec.get("not_in_past"):
        problems.append(Problem(file, fp + "/not_in_past", Phrase(N_(
            "ein Datum kann nicht zugleich weder in der Zukunft noch in der Vergangenheit "
            "liegen"))))
    before, after = spec.get("not_before"), spec.get("not_after")
    if before and after and before[0].isdigit() and after[0].isdigit() and before > after:
        problems.append(Problem(file, fp + "/not_before", Phrase(N_(
            "not_before (%(before)s) liegt nach not_after (%(after)s)"), before=before,
            after=after)))
    label = spec.get("label")
    if isinstance(label, Mapping) and any(
            isinstance(text, str) and OPTIONAL_MARK.search(text) for text in label.values()):
        problems.append(Problem(
            file, fp + "/label", Phrase(N_(
                "die Beschriftung kennzeichnet die Frage selbst als freiwillig; lassen Sie das "
                "weg: Die Plattform schreibt „(optional)“ in der Sprache der Bürgerin oder des "
                "Bürgers zu jeder Frage, die keine Pflicht ist")),
            severity="warning"))
    options = spec.get("options")
    if isinstance(options, list):
        if not options:
            problems.append(Problem(file, fp + "/options", Phrase(N_(
                "die Liste der Auswahlmöglichkeiten ist leer"))))
        values: dict[str, int] = {}
        for k, option in enumerate(options):
            value = option["value"]
            if value in values:
                problems.append(Problem(file, f"{fp}/options/{k}/value", Phrase(N_(
                    "der Wert „%(value)s“ hat schon Auswahlmöglichkeit %(other)s"),
                    value=value, other=values[value])))
            values.setdefault(value, k)
    return problems


def language_maps(node: Any, path: str = "") -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every language map in a definition, with its JSON pointer."""
    if is_language_map(node):
        yield path, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from language_maps(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from language_maps(value, f"{path}/{index}")


def _missing_texts(definition: Mapping[str, Any], language: str) -> list[str]:
    return [where for where, texts in language_maps(definition) if not texts.get(language)]


def missing_translations(definition: Mapping[str, Any]) -> dict[str, list[str]]:
    """For each language the form offers, the pointers of texts not translated into it."""
    return {lang: _missing_texts(definition, lang) for lang in definition["languages"]}


def check_definition(
    source: Path | Mapping[str, Any], forms_dir: Path | None = None, file: str | None = None,
    *, codelists: list[Path] | None = None,
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check a definition file or object; returns (resolved definition or None, problems).

    Every problem is reported in one run: the semantic checks look at every part
    whose structure passed the schema, and a codelist that cannot be found does not
    stop them. A `codelists/x.json` reference is looked up in each of the
    `codelists` folders, then in `codelists/` beside the definition file, then in
    `codelists/` of `forms_dir`.

    The resolved definition has its codelists inline: it is what gets published,
    hashed and compiled, so a later change to a codelist never alters a version.
    """
    beside = None
    if isinstance(source, Path):
        file = file or str(source)
        beside = source.parent / "codelists"
        document, problems = read_json(source)
        if problems:
            return None, problems
    else:
        document = copy.deepcopy(dict(source))
        file = file or "<definition>"
        if forms_dir is None:
            forms_dir = Path(__file__).resolve().parents[2] / "forms"
    if not isinstance(document, dict):
        return None, [Problem(file, "", Phrase(N_("eine Formulardefinition ist ein JSON-Objekt "
                                                  "{ … }")))]
    search_path = codelist_search_path(*(codelists or []), beside,
                                       forms_dir / "codelists" if forms_dir else None)
    problems = _schema_problems(document, file, "form.schema.json")
    broken = Broken.of(problems)
    problems += resolve_codelists(document, search_path, file, broken)
    problems += semantic_problems(document, file, broken)
    if any(p.is_error for p in problems):
        return None, problems
    return document, problems


def load_form(source: Path | Mapping[str, Any], forms_dir: Path | None = None) -> Form:
    """The compiled form; raises DefinitionError listing every error."""
    document, problems = check_definition(source, forms_dir)
    if document is None:
        raise DefinitionError(problems)
    return compile_form(document)
