"""Changing a definition document step by step: the work behind the structured editor.

Pure Python, no Flask. Every function takes the parsed definition (a dict) and
returns a changed deep copy; the caller writes it back as the draft's text and
checks it exactly as a save from the JSON view is checked.

Which settings a question page offers is read from the definition schema
(schemas/form.schema.json with the registered field types added): each key a
type allows becomes one setting, its kind decided by the key's schema (a
language map, a condition, a number, a choice, ...). A key the editor cannot
show (such as `error_messages`) stays as it is and is reachable in the JSON view.
A page changes only the keys it shows and, in language maps, only the language
being edited: everything else in the document is kept as it was.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..engine import FIELD_TYPES
from ..engine.definition import SCHEMAS_DIR
from ..engine.fields import with_registered_types
from ..engine.messages import N_

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

#: Texts shown in a box of several lines rather than a one-line input.
LONG_TEXTS = frozenset({"hint", "text", "description", "privacy_notice"})
#: The order of the common settings on a question page; the type's own come after `required`.
_FIRST = ("label", "text", "hint", "name", "required")
_LAST = ("short_label", "visible_if", "required_if")

#: What each key is called on a question or step page, in plain German (the designer's
#: catalogue translates them). A key of a new type without an entry shows its own name.
SETTING_LABELS: dict[str, str] = {
    "label": N_("Text der Frage"),
    "text": N_("Text"),
    "hint": N_("Hinweistext unter der Frage"),
    "name": N_("Technischer Name"),
    "required": N_("Eine Antwort ist Pflicht"),
    "short_label": N_("Kurzname der Frage in Fehlermeldungen"),
    "visible_if": N_("Nur anzeigen, wenn"),
    "required_if": N_("Pflicht, wenn"),
    "autocomplete": N_("Automatisches Ausfüllen durch den Browser (autocomplete)"),
    "min_length": N_("Mindestens so viele Zeichen"),
    "max_length": N_("Höchstens so viele Zeichen"),
    "pattern": N_("Muster (regulärer Ausdruck), dem die Antwort entsprechen muss"),
    "pattern_message": N_("Fehlermeldung, wenn die Antwort nicht dem Muster entspricht"),
    "rows": N_("Höhe des Eingabefelds in Zeilen"),
    "min": N_("Kleinster erlaubter Wert"),
    "max": N_("Größter erlaubter Wert"),
    "unit": N_("Einheit"),
    "decimals": N_("Nachkommastellen"),
    "currency": N_("Währung (ISO-Code, zum Beispiel EUR)"),
    "not_in_future": N_("Kein Datum in der Zukunft"),
    "not_in_past": N_("Kein Datum in der Vergangenheit"),
    "not_before": N_("Frühestes Datum"),
    "not_after": N_("Spätestes Datum"),
    "options": N_("Antwortmöglichkeiten"),
    "min_selected": N_("Mindestens so viele Antworten ankreuzen"),
    "max_selected": N_("Höchstens so viele Antworten ankreuzen"),
    "accept": N_("Erlaubte Dateiformate (Medientypen, einer je Zeile)"),
    "max_size_mb": N_("Größte Datei in MB"),
    "max_files": N_("Höchstens so viele Dateien"),
    "pdf_active_content": N_("PDF mit aktiven Inhalten"),
    "with_title": N_("Auch nach einem akademischen Titel fragen"),
    "countries": N_("Anschriften aus"),
    "usage": N_("Wofür das Land gefragt wird"),
    "first": N_("Länder oben in der Liste (Ländercodes, einer je Zeile)"),
    "only": N_("Nur diese Länder anbieten (Ländercodes, einer je Zeile)"),
    "codes": N_("Die Antwort ist"),
    "value": N_("Berechnung"),
    "format": N_("Format des Ergebnisses"),
    "error_messages": N_("Eigene Fehlermeldungen"),
    # steps
    "id": N_("Technischer Name des Schritts"),
    "title": N_("Überschrift der Seite"),
    "section": N_("Abschnitt"),
    "repeat": N_("Mehrere Einträge"),
}

#: The form's own settings on its page, in this order, with what they are called there. The
#: id, the languages, where applications go by jurisdiction, notifications, repeating texts
#: (you_will_need) and rules stay in the JSON view.
FORM_LABELS: dict[str, str] = {
    "title": N_("Name der Leistung"),
    "description": N_("Beschreibung auf der Startseite"),
    "privacy_notice": N_("Datenschutzhinweis auf der Startseite"),
    "topic": N_("Thema im Katalog"),
    "submission_noun": N_("Was Bürgerinnen und Bürger senden"),
    "estimated_minutes": N_("Ungefähre Dauer in Minuten"),
    "version": N_("Version (zum Beispiel 1.1.0)"),
    "reference_prefix": N_("Kürzel der Vorgangsnummer (2 bis 4 Großbuchstaben)"),
    "retention_days": N_("Aufbewahrung in Tagen nach der Eingangsbestätigung"),
    "idle_minutes": N_("Auf gemeinsam genutzten Computern schließen nach so vielen Minuten "
                       "ohne Eingabe"),
    "destination": N_("Empfänger der Anträge"),
    "leika_key": N_("LeiKa-Schlüssel (14 Ziffern)"),
}

#: Field types as a designer knows them; a registered type without an entry shows its id.
TYPE_LABELS: dict[str, str] = {
    "text": N_("Text, eine Zeile"),
    "textarea": N_("Text, mehrere Zeilen"),
    "email": N_("E-Mail-Adresse"),
    "tel": N_("Telefonnummer"),
    "number": N_("Ganze Zahl"),
    "decimal": N_("Dezimalzahl"),
    "money": N_("Geldbetrag"),
    "date": N_("Datum"),
    "time": N_("Uhrzeit"),
    "date_range": N_("Zeitraum (von – bis)"),
    "radio": N_("Eine Antwort aus einer Liste (Optionsfelder)"),
    "select": N_("Eine Antwort aus einer Auswahlliste"),
    "checkboxes": N_("Mehrere Antworten aus einer Liste (Kontrollkästchen)"),
    "checkbox": N_("Ein Häkchen (Zustimmung oder Erklärung)"),
    "file": N_("Datei hochladen"),
    "person_name": N_("Name einer Person"),
    "address": N_("Anschrift"),
    "postcode_de": N_("Postleitzahl"),
    "iban": N_("IBAN (Bankverbindung)"),
    "country": N_("Land"),
    "computed": N_("Berechneter Wert"),
    "info": N_("Informationstext (keine Frage)"),
    "warning": N_("Warnhinweis (keine Frage)"),
}

#: Values of a choice setting, in plain German.
ENUM_LABELS: dict[str, str] = {
    "refuse": N_("ablehnen"),
    "remove": N_("aktive Inhalte entfernen und die bereinigte Datei behalten"),
    "DE": N_("nur Deutschland"),
    "any": N_("allen Ländern"),
    "address": N_("eine Anschrift"),
    "nationality": N_("eine Staatsangehörigkeit"),
    "other": N_("etwas anderes"),
    "iso": N_("der ISO-Ländercode (zum Beispiel DE)"),
    "destatis": N_("der Schlüssel des Statistischen Bundesamts (zum Beispiel 000, für "
                   "XÖV-Empfänger)"),
    "money": N_("Geldbetrag"),
    "decimal": N_("Dezimalzahl"),
    "number": N_("ganze Zahl"),
    "antrag": N_("einen Antrag"),
    "anzeige": N_("eine Anzeige"),
    "meldung": N_("eine Meldung"),
    "hinweis": N_("einen Hinweis"),
}

#: The comparisons of the condition builder, as (operator, German wording).
COMPARISONS: tuple[tuple[str, str], ...] = (
    ("==", N_("ist gleich")),
    ("!=", N_("ist nicht gleich")),
    (">", N_("ist größer als")),
    (">=", N_("ist mindestens")),
    ("<", N_("ist kleiner als")),
    ("<=", N_("ist höchstens")),
    ("contains", N_("enthält (bei mehreren Antworten)")),
    ("answered", N_("ist beantwortet")),
    ("unanswered", N_("ist nicht beantwortet")),
)
NO_VALUE = frozenset({"answered", "unanswered"})


@dataclass(frozen=True)
class Setting:
    """One key of a field or step as a page offers it."""

    key: str
    #: text, longtext (language maps), name, condition, expression, bool, int, number, enum,
    #: string, strings (a list of strings), options, advanced (JSON view only)
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    caption: str = ""  # where a key means something else on this page (a form's "title")

    @property
    def label(self) -> str:
        return self.caption or SETTING_LABELS.get(self.key, self.key)


class SettingError(ValueError):
    """A value typed into a setting that cannot be written into the definition as it is."""

    def __init__(self, key: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.key = key
        self.message = message
        self.params = params


# -- what the schema says -------------------------------------------------------------------


@cache
def _schema() -> dict[str, Any]:
    schema = json.loads((SCHEMAS_DIR / "form.schema.json").read_text(encoding="utf-8"))
    return with_registered_types(schema)


def _kind(key: str, prop: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    ref = str(prop.get("$ref", "")).rsplit("/", 1)[-1]
    if ref == "langMap":
        return ("longtext" if key in LONG_TEXTS else "text"), ()
    if ref == "condition":
        return ("expression" if key == "value" else "condition"), ()
    if ref == "fieldName":
        return "name", ()
    if ref == "options":
        return "options", ()
    if ref == "repeat":
        return "repeat", ()
    if ref in ("dateRule",):
        return "string", ()
    if "enum" in prop:
        return "enum", tuple(str(v) for v in prop["enum"])
    kind = prop.get("type")
    if kind == "boolean":
        return "bool", ()
    if kind == "integer":
        return "int", ()
    if kind == "number":
        return "number", ()
    if kind == "string":
        return "string", ()
    if kind == "array" and isinstance(prop.get("items"), Mapping) and (
            prop["items"].get("type") == "string" or "enum" in prop["items"]):
        return "strings", ()
    return "advanced", ()


def _ordered(keys: list[str]) -> list[str]:
    first = [k for k in _FIRST if k in keys]
    last = [k for k in _LAST if k in keys]
    middle = [k for k in keys if k not in first and k not in last]
    advanced = [k for k in middle if k == "error_messages"]
    middle = [k for k in middle if k != "error_messages"]
    return first + middle + last + advanced


def field_types() -> list[str]:
    """Every field type the engine knows, in the schema's order, then the registered ones."""
    enum = list(_schema()["$defs"]["field"]["properties"]["type"]["enum"])
    return enum + [name for name in FIELD_TYPES if name not in enum]


def type_label(kind: str) -> str:
    return TYPE_LABELS.get(kind, kind)


@cache
def settings_for(kind: str) -> tuple[Setting, ...]:
    """The settings of a field type, read from its part of the definition schema."""
    defs = _schema()["$defs"]
    own = defs.get(kind)
    if own is None:
        return ()
    base = defs.get(str(own.get("$ref", "")).rsplit("/", 1)[-1], {})
    properties = {**base.get("properties", {}), **own.get("properties", {})}
    required = set(base.get("required", [])) | set(own.get("required", []))
    properties.pop("type", None)
    cls = FIELD_TYPES.get(kind)
    if cls is not None and cls.derived:  # a worked-out value is never asked, so never required
        properties.pop("required", None)
        properties.pop("required_if", None)
    result = []
    for key in _ordered(list(properties)):
        kind_of, choices = _kind(key, properties[key])
        result.append(Setting(key, kind_of, key in required, choices))
    return tuple(result)


@cache
def step_settings() -> tuple[Setting, ...]:
    """The settings of a step page: its texts, its id, its condition, whether it repeats;
    its rules stay in the JSON view."""
    step = _schema()["$defs"]["step"]
    result = []
    for key in ("title", "description", "section", "id", "visible_if", "repeat"):
        kind_of, choices = _kind(key, step["properties"][key])
        result.append(Setting(key, kind_of, key in step.get("required", []), choices))
    return tuple(result)


@cache
def form_settings() -> tuple[Setting, ...]:
    """The settings of the form's own page, read from the top of the definition schema."""
    schema = _schema()
    result = []
    for key, caption in FORM_LABELS.items():
        kind_of, choices = _kind(key, schema["properties"][key])
        result.append(Setting(key, kind_of, key in schema.get("required", []), choices, caption))
    return tuple(result)


def is_question(kind: str) -> bool:
    cls = FIELD_TYPES.get(kind)
    return cls is None or cls.is_question


# -- reading and writing a setting ----------------------------------------------------------


def _condition_values(prefix: str, text: str) -> dict[str, str]:
    values = {f"{prefix}-text": text, f"{prefix}-mode": "text" if text else "none",
              f"{prefix}-question": "", f"{prefix}-op": "==", f"{prefix}-value": ""}
    simple = parse_simple(text) if text else None
    if simple is not None:
        values.update({f"{prefix}-mode": "choice", f"{prefix}-question": simple[0],
                       f"{prefix}-op": simple[1], f"{prefix}-value": simple[2]})
    return values


def form_values(spec: Mapping[str, Any], settings: tuple[Setting, ...], language: str,
                codelists: bool = True) -> dict[str, str]:
    """What the inputs of a page show for a field or step of the definition."""
    values: dict[str, str] = {}
    for s in settings:
        name, current = f"s-{s.key}", spec.get(s.key)
        if s.kind in ("text", "longtext"):
            values[name] = current.get(language, "") if isinstance(current, Mapping) else ""
        elif s.kind == "bool":
            values[name] = "1" if current is True else ""
        elif s.kind == "condition":
            values.update(_condition_values(name, current if isinstance(current, str) else ""))
        elif s.kind == "strings":
            values[name] = "\n".join(str(v) for v in current) if isinstance(current, list) else ""
        elif s.kind == "options":
            values.update(_option_values(current, language))
        elif s.kind == "repeat":
            values.update(_repeat_values(current, language))
        elif s.kind == "advanced":
            continue
        else:
            values[name] = "" if current is None or isinstance(current, Mapping | list) \
                else _plain(current)
    return values


def _repeat_values(repeat: Any, language: str) -> dict[str, str]:
    repeat = repeat if isinstance(repeat, Mapping) else None
    label = repeat.get("item_label") if repeat else None
    return {"repeat-on": "1" if repeat else "",
            "repeat-min": _plain(repeat.get("min", "")) if repeat else "",
            "repeat-max": _plain(repeat.get("max", "")) if repeat else "",
            "repeat-item_label": label.get(language, "") if isinstance(label, Mapping) else ""}


def _repeat_from(values: Mapping[str, str], current: Any, language: str) -> Any:
    if not values.get("repeat-on"):
        return None
    result = dict(current) if isinstance(current, Mapping) else {}
    for key in ("min", "max"):
        number = _int("repeat", values.get(f"repeat-{key}", ""))
        if number is None:
            raise SettingError("repeat", N_("Geben Sie an, wie viele Einträge mindestens und "
                                            "höchstens möglich sind."))
        result[key] = number
    label = set_text(result.get("item_label"), language, values.get("repeat-item_label", ""))
    if label is None:
        result.pop("item_label", None)
    else:
        result["item_label"] = label
    return result


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _option_values(options: Any, language: str) -> dict[str, str]:
    values = {"options-source": "codelist" if isinstance(options, str) else "list",
              "options-codelist": options if isinstance(options, str) else ""}
    rows = options if isinstance(options, list) else []
    for i, option in enumerate(rows):
        option = option if isinstance(option, Mapping) else {}
        label = option.get("label")
        values[f"options-{i}-label"] = label.get(language, "") if isinstance(label, Mapping) else ""
        values[f"options-{i}-value"] = str(option.get("value", ""))
    values["options-count"] = str(len(rows) + 2)  # two empty rows to add to
    return values


def set_text(current: Any, language: str, typed: str) -> Any:
    """A language map with `language` set to `typed` (or removed when it is empty);
    None when no language is left."""
    result = dict(current) if isinstance(current, Mapping) else {}
    typed = typed.strip()
    if typed:
        result[language] = typed
    else:
        result.pop(language, None)
    return result or None


def _int(key: str, typed: str) -> int | None:
    typed = typed.strip()
    if not typed:
        return None
    if not re.fullmatch(r"-?[0-9]{1,15}", typed):
        raise SettingError(key, N_("Geben Sie eine ganze Zahl ein, zum Beispiel 10."))
    return int(typed)


def _number(key: str, typed: str) -> int | float | None:
    typed = typed.strip().replace(",", ".")
    if not typed:
        return None
    if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,10})?", typed):
        raise SettingError(key, N_("Geben Sie eine Zahl ein, zum Beispiel 10 oder 2,5."))
    number = float(typed)
    return int(number) if number.is_integer() and "." not in typed else number


def apply_values(spec: Mapping[str, Any], settings: tuple[Setting, ...], values: Mapping[str, str],
                 language: str, numeric_names: frozenset[str] = frozenset(),
                 ) -> tuple[dict[str, Any], list[SettingError]]:
    """The field or step with what was typed into its page; and what could not be written.

    A key whose input is left empty is removed; a key the page does not show is kept.
    """
    result = dict(spec)
    errors: list[SettingError] = []
    for s in settings:
        name = f"s-{s.key}"
        try:
            if s.kind == "advanced":
                continue
            if s.kind == "options":
                new = _options_from(values, spec.get("options"), language)
            elif s.kind == "repeat":
                new = _repeat_from(values, spec.get(s.key), language)
            elif s.kind in ("text", "longtext"):
                if s.key in spec and not isinstance(spec[s.key], Mapping) \
                        and not values.get(name, "").strip():
                    continue  # not a language map (the JSON view shows why): left as it is
                new = set_text(spec.get(s.key), language, values.get(name, ""))
            elif s.kind == "bool":
                # An unticked box leaves the key out unless the definition said false itself.
                new = True if values.get(name) else (False if spec.get(s.key) is False else None)
            elif s.kind == "condition":
                new = condition_from(name, values, spec.get(s.key), numeric_names) or None
            elif s.kind == "int":
                new = _int(s.key, values.get(name, ""))
            elif s.kind == "number":
                new = _number(s.key, values.get(name, ""))
            elif s.kind == "strings":
                lines = [v.strip() for v in values.get(name, "").replace(",", "\n").split("\n")]
                new = [v for v in lines if v] or None
            elif s.kind == "name":  # left empty: the name it has (the caller made one up)
                new = values.get(name, "").strip() or spec.get(s.key)
            else:  # string, enum, expression
                new = values.get(name, "").strip() or None
                if s.kind == "enum" and new is not None and new not in s.choices:
                    raise SettingError(s.key, N_("Wählen Sie einen der angebotenen Werte aus."))
        except SettingError as error:
            errors.append(error)
            continue
        if new is None:
            result.pop(s.key, None)
        elif s.key in result and result[s.key] == new:
            continue  # unchanged, and in its place
        else:
            result[s.key] = new
    return result, errors


def _options_from(values: Mapping[str, str], current: Any, language: str) -> Any:
    if values.get("options-source") == "codelist":
        path = values.get("options-codelist", "").strip()
        if not path:
            raise SettingError("options", N_("Wählen Sie eine gemeinsame Liste aus."))
        return path
    before = {str(o.get("value")): o for o in current if isinstance(o, Mapping)} \
        if isinstance(current, list) else {}
    rows = []
    count = _int("options", values.get("options-count", "0")) or 0
    for i in range(min(count, 500)):
        label = values.get(f"options-{i}-label", "").strip()
        value = values.get(f"options-{i}-value", "").strip()
        if not label and not value:
            continue
        if not value:
            value = slug(label).replace("_", "-") or "x"
        old = before.get(value, {})
        text = set_text(old.get("label"), language, label)
        option = {**old, "value": value}
        if text is not None:
            option["label"] = text
        else:
            option.pop("label", None)
        # "value" first, as written everywhere in the shipped forms
        rows.append({"value": value, **{k: v for k, v in option.items() if k != "value"}})
    if not rows:
        raise SettingError("options", N_("Geben Sie mindestens eine Antwortmöglichkeit ein."))
    return rows


# -- conditions from choices ----------------------------------------------------------------

_NAME = r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?"
_STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_LITERAL = rf"{_STRING}|-?[0-9]+(?:\.[0-9]+)?|true|false"
_COMPARE = re.compile(rf"^\s*({_NAME})\s*(==|!=|>=|<=|>|<)\s*({_LITERAL})\s*$")
_EMPTY = re.compile(rf"^\s*(not\s+)?empty\(\s*({_NAME})\s*\)\s*$")
_CONTAINS = re.compile(rf"^\s*({_STRING})\s+in\s+({_NAME})\s*$")


def _unquote(literal: str) -> str:
    if literal[:1] in "'\"":
        return re.sub(r"\\(.)", r"\1", literal[1:-1])
    return literal


def parse_simple(text: str) -> tuple[str, str, str] | None:
    """(question, comparison, value) of a condition the builder can show, else None."""
    if m := _COMPARE.match(text):
        return m.group(1), m.group(2), _unquote(m.group(3))
    if m := _EMPTY.match(text):
        return m.group(2), "answered" if m.group(1) else "unanswered", ""
    if m := _CONTAINS.match(text):
        return m.group(2), "contains", _unquote(m.group(1))
    return None


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def build_condition(question: str, comparison: str, value: str, numeric: bool = False) -> str:
    """The condition text for a choice of question, comparison and value."""
    if comparison == "answered":
        return f"not empty({question})"
    if comparison == "unanswered":
        return f"empty({question})"
    if comparison == "contains":
        return f"{quote(value)} in {question}"
    number = re.fullmatch(r"-?[0-9]+(?:[.,][0-9]+)?", value.strip())
    literal = value.strip().replace(",", ".") if numeric and number else (
        value.strip() if value.strip() in ("true", "false") and numeric else quote(value))
    return f"{question} {comparison} {literal}"


#: Question types whose answers compare as numbers (or true/false) in a condition.
NUMERIC_TYPES = frozenset({"number", "decimal", "money", "computed", "checkbox"})


def condition_from(name: str, values: Mapping[str, str], current: Any,
                   numeric_names: frozenset[str] = frozenset()) -> str:
    """The condition a page's condition inputs say; '' for none."""
    mode = values.get(f"{name}-mode", "none")
    if mode == "text":
        return values.get(f"{name}-text", "").strip()
    if mode != "choice":
        return ""
    question = values.get(f"{name}-question", "").strip()
    comparison = values.get(f"{name}-op", "==")
    value = values.get(f"{name}-value", "")
    key = name.removeprefix("s-")
    if not question:
        raise SettingError(key, N_("Wählen Sie die Frage aus, von deren Antwort es abhängt."))
    if comparison not in dict(COMPARISONS):
        raise SettingError(key, N_("Wählen Sie einen der angebotenen Vergleiche aus."))
    if comparison not in NO_VALUE and not value.strip():
        raise SettingError(key, N_("Geben Sie den Wert ein, mit dem die Antwort verglichen "
                                   "wird."))
    # Unchanged choices keep the condition exactly as it was written.
    if isinstance(current, str) and parse_simple(current) == (
            question, comparison, value if comparison not in NO_VALUE else ""):
        return current
    numeric = values.get(f"{name}-numeric") == "1" or question in numeric_names
    return build_condition(question, comparison, value, numeric)


# -- names ----------------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                          "Ü": "ue"})


def slug(text: str) -> str:
    """A technical name made from a German text: "Wann war es?" -> "wann_war_es"."""
    text = text.translate(_UMLAUTS).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    text = re.sub(r"^[0-9_]+", "", text)
    return text[:40].rstrip("_")


def unique(base: str, taken: set[str]) -> str:
    base = (base or "frage")[:58]
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


def field_names(document: Mapping[str, Any]) -> set[str]:
    return {f.get("name") for s in steps_of(document) for f in fields_of(s)
            if isinstance(f.get("name"), str)}


def step_ids(document: Mapping[str, Any]) -> set[str]:
    return {s.get("id") for s in steps_of(document) if isinstance(s.get("id"), str)}


def steps_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    steps = document.get("steps")
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def fields_of(step: Mapping[str, Any]) -> list[dict[str, Any]]:
    fields = step.get("fields")
    return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []


@dataclass(frozen=True)
class Earlier:
    """A question a condition at some place may name."""

    name: str
    label: str
    type: str
    options: tuple[str, ...] = field(default=())


def earlier_questions(document: Mapping[str, Any], step: int, position: int,
                      language: str) -> list[Earlier]:
    """The questions asked before field `position` of step `step` (for a step's own
    condition, position 0): earlier steps' (unless they repeat) and the step's own earlier."""
    result = []
    for i, s in enumerate(steps_of(document)[: step + 1]):
        fields = fields_of(s)
        if i < step:
            if s.get("repeat"):
                continue
        else:
            fields = fields[:position]
        for f in fields:
            if not isinstance(f.get("name"), str) or not is_question(str(f.get("type"))):
                continue
            label = f.get("label") if isinstance(f.get("label"), Mapping) else {}
            text = label.get(language) or next(iter(label.values()), "") if label else ""
            options = tuple(str(o.get("value")) for o in f.get("options", [])
                            if isinstance(o, Mapping)) if isinstance(f.get("options"), list) else ()
            result.append(Earlier(f["name"], str(text), str(f.get("type")), options))
    return result


# -- changing the outline -------------------------------------------------------------------


class OutlineError(LookupError):
    """A step or field that is not there (the draft changed in the meantime)."""


def _steps(document: dict[str, Any]) -> list[Any]:
    steps = document.get("steps")
    if not isinstance(steps, list):
        raise OutlineError("steps")
    return steps


def _step(document: dict[str, Any], s: int) -> dict[str, Any]:
    steps = _steps(document)
    if not 0 <= s < len(steps) or not isinstance(steps[s], dict):
        raise OutlineError(f"/steps/{s}")
    return steps[s]


def _fields(document: dict[str, Any], s: int) -> list[Any]:
    fields = _step(document, s).get("fields")
    if not isinstance(fields, list):
        raise OutlineError(f"/steps/{s}/fields")
    return fields


def field_at(document: Mapping[str, Any], s: int, f: int) -> dict[str, Any]:
    fields = _fields(dict(document), s)
    if not 0 <= f < len(fields) or not isinstance(fields[f], dict):
        raise OutlineError(f"/steps/{s}/fields/{f}")
    return fields[f]


def step_at(document: Mapping[str, Any], s: int) -> dict[str, Any]:
    return _step(dict(document), s)


def replace_field(document: Mapping[str, Any], s: int, f: int,
                  spec: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    field_at(result, s, f)
    _fields(result, s)[f] = dict(spec)
    return result


def insert_field(document: Mapping[str, Any], s: int, spec: Mapping[str, Any],
                 at: int | None = None) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    fields = _fields(result, s)
    fields.insert(len(fields) if at is None else at, dict(spec))
    return result


def replace_step(document: Mapping[str, Any], s: int, step: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    _step(result, s)
    _steps(result)[s] = dict(step)
    return result


def insert_step(document: Mapping[str, Any], step: Mapping[str, Any],
                at: int | None = None) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    steps = _steps(result)
    steps.insert(len(steps) if at is None else at, dict(step))
    return result


def move_step(document: Mapping[str, Any], s: int, delta: int) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    steps = _steps(result)
    _step(result, s)
    target = s + delta
    if not 0 <= target < len(steps):
        raise OutlineError(f"/steps/{target}")
    steps[s], steps[target] = steps[target], steps[s]
    return result


def move_field(document: Mapping[str, Any], s: int, f: int,
               delta: int) -> tuple[dict[str, Any], tuple[int, int]]:
    """Up (-1) or down (+1) one place; past the first or last place of its step, into the end
    of the step before or the start of the step after. Returns the document and the new place."""
    result = copy.deepcopy(dict(document))
    field_at(result, s, f)
    fields = _fields(result, s)
    target = f + delta
    if 0 <= target < len(fields):
        fields[f], fields[target] = fields[target], fields[f]
        return result, (s, target)
    if len(fields) == 1:
        raise OutlineError(f"/steps/{s}/fields")  # a step keeps at least one field
    other = s + delta
    moved = fields.pop(f)
    others = _fields(result, other) if 0 <= other < len(_steps(result)) else None
    if others is None:
        raise OutlineError(f"/steps/{other}")
    if delta < 0:
        others.append(moved)
        return result, (other, len(others) - 1)
    others.insert(0, moved)
    return result, (other, 0)


def remove_field(document: Mapping[str, Any], s: int, f: int) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    field_at(result, s, f)
    fields = _fields(result, s)
    if len(fields) == 1:
        raise OutlineError(f"/steps/{s}/fields")
    del fields[f]
    return result


def remove_step(document: Mapping[str, Any], s: int) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    _step(result, s)
    steps = _steps(result)
    if len(steps) == 1:
        raise OutlineError("/steps")
    del steps[s]
    return result


def copy_field(document: Mapping[str, Any], s: int, f: int) -> dict[str, Any]:
    """A copy right after the field, under a name of its own."""
    original = field_at(document, s, f)
    duplicate = copy.deepcopy(original)
    if isinstance(duplicate.get("name"), str):
        duplicate["name"] = unique(duplicate["name"] + "_kopie", field_names(document))
    return insert_field(document, s, duplicate, f + 1)


def copy_step(document: Mapping[str, Any], s: int) -> dict[str, Any]:
    """A copy right after the step; its id and its fields' names get a suffix of their own.
    Conditions in the copy still name the original questions (which are asked before it)."""
    duplicate = copy.deepcopy(step_at(document, s))
    taken = field_names(document)
    duplicate["id"] = unique(str(duplicate.get("id", "schritt")) + "_kopie", step_ids(document))
    for f in fields_of(duplicate):
        if isinstance(f.get("name"), str):
            f["name"] = unique(f["name"] + "_kopie", taken)
            taken.add(f["name"])
    return insert_step(document, duplicate, s + 1)


def dump(document: Mapping[str, Any]) -> str:
    """The definition as the structured editor writes it into the draft."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
