"""Reading and checking form definitions, with a precise report for the form designer.

`check_definition` never raises for a bad definition: it returns every problem
it finds, each with the file, the JSON pointer and a sentence a designer
understands. `load_form` is the strict entry point for the running portal.
"""

from __future__ import annotations

import copy
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

from .conditions import Call, Condition, ConditionError, Literal, Name, parse
from .errors import DefinitionError, Problem
from .fields import with_registered_types
from .i18n import is_language_map
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


def _describe(error: ValidationError) -> str:
    """A jsonschema error rewritten as a sentence for a form designer."""
    v = error.validator
    if v == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return f'the key "{missing.group(1) if missing else "?"}" is missing'
    if v in ("additionalProperties", "unevaluatedProperties"):
        keys = re.findall(r"'([^']+)'", error.message)
        return f"unknown key {', '.join(repr(k) for k in keys)}: check the spelling or remove it"
    if v == "enum":
        return f"{error.instance!r} is not allowed here; use one of: " + ", ".join(
            map(repr, error.validator_value)
        )
    if v == "const":
        return f"{error.instance!r} is not allowed here; use {error.validator_value!r}"
    if v == "pattern":
        what = error.schema.get("description") or error.schema.get("title") or "the expected form"
        return f"{error.instance!r} does not match {what}"
    if v == "type":
        return f"must be of type {error.validator_value}, not {type(error.instance).__name__}"
    if v == "minItems":
        count = error.validator_value
        return f"needs at least {count} entr{'y' if count == 1 else 'ies'}"
    if v == "dependentRequired":
        return error.message.replace("is a dependency of", "is needed together with")
    return error.message


def _schema_problems(document: Any, file: str, schema_name: str, base: str = "") -> list[Problem]:
    errors = sorted(_validator(schema_name).iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    problems = []
    for error in errors:
        # For if/then, jsonschema reports the failing "then"; report its inner causes only.
        leaves = [error]
        while leaves and leaves[0].context:
            leaves = sorted(leaves[0].context, key=lambda e: len(e.absolute_path), reverse=True)[:1]
        for leaf in leaves:
            problems.append(Problem(file, base + pointer(leaf.absolute_path), _describe(leaf)))
    return list(dict.fromkeys(problems))


def read_json(path: Path) -> tuple[Any, list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, "", "the file does not exist")]
    except UnicodeDecodeError:
        return None, [Problem(file, "", "the file is not UTF-8 text")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as e:
        where = f"line {e.lineno}, column {e.colno}"
        return None, [Problem(file, "", f"not valid JSON: {e.msg} ({where})")]


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
            problems.append(Problem(file, here, f"the codelist {ref!r} is not of the form "
                                    "codelists/<name>.json"))
            continue
        candidates = [folder / match.group(1) for folder in search_path]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            looked = ", ".join(str(c) for c in candidates) or "nowhere (no codelist folder given)"
            problems.append(Problem(file, here, f"the codelist {ref!r} was not found; looked in: "
                                    f"{looked}. Name the folder with --codelists DIR"))
            continue
        codelist, read_problems = read_json(path)
        if read_problems:
            problems.append(Problem(file, here, f"the codelist {ref!r} ({path}) cannot be read: "
                                    + read_problems[0].message))
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
        problems.append(Problem(file, "/jurisdiction", "a jurisdiction by postcode needs the "
                                "service's leika_key: the jurisdiction table is keyed by it"))
    types = {spec.get("name"): spec.get("type") for _, _, spec in _fields(definition, broken)}
    for k, name in enumerate(jurisdiction.get("fields") or []):
        where = f"/jurisdiction/fields/{k}"
        if name not in types:
            problems.append(Problem(file, where, f'"{name}" is not a field of this form'))
        elif name in repeating:
            problems.append(Problem(
                file, where, f'"{name}" belongs to the repeating step "{repeating[name]}"; '
                "jurisdiction needs an answer given once"))
        elif types[name] not in POSTCODE_TYPES:
            problems.append(Problem(file, where, f'"{name}" is a {types[name]} field; only '
                                    f'{" or ".join(POSTCODE_TYPES)} fields hold a postcode'))
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
        problems.append(Problem(file, "/notifications/email_field",
                                f'"{email}" is not an e-mail field of this form'))
    elif isinstance(steps[found[0]], Mapping) and steps[found[0]].get("repeat"):
        problems.append(Problem(file, "/notifications/email_field",
                                f'"{email}" is in a repeating step; name a field asked once'))
    if consent is not None:
        box = where.get(consent)
        if box is None or box[1].get("type") != "checkbox":
            problems.append(Problem(file, "/notifications/consent_field",
                                    f'"{consent}" is not a checkbox of this form'))
        elif found is not None and box[0] != found[0]:
            problems.append(Problem(file, "/notifications/consent_field",
                                    "the consent checkbox must be on the page that asks for the "
                                    "e-mail address"))
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
            add("/default_language", f"the default language {default!r} is not in \"languages\"")
        if len(set(languages)) != len(languages):
            add("/languages", "a language is listed twice")

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
            add(where, f"the condition cannot be read: {e.message}")
            return None
        check_calculation(where, condition)
        aggregated = condition.aggregated
        for step_name, name in sorted(aggregated):
            if (step_name in repeating_steps and name not in repeating_steps[step_name]
                    and name not in known and name not in entry_names):
                add(where, f'the condition names "{name}", which is not a field of the '
                    f'repeating step "{step_name}"')
        for name in sorted(condition.names):
            if name in known or name in entry_names:
                continue
            if (repeating.get(name), name) in aggregated:
                continue  # an entry's field inside sum(), any() or all() of its step
            if name in repeating:
                step_name = repeating[name]
                add(where, f'the condition names "{name}", which belongs to the repeating step '
                    f'"{step_name}"; outside that step, name it inside sum({step_name}.{name}), '
                    f"any({step_name}, …) or all({step_name}, …)")
            elif name in seen_fields or name in all_names or name in repeating_steps:
                add(where, f'the condition names "{name}", which is asked only after this point; '
                    "a condition can only use earlier answers")
            else:
                add(where, f'the condition names "{name}", which is not a field of this form')
        return condition

    def check_calculation(where: str, condition: Condition) -> None:
        """A calculation with something that is never a number gives no answer: say so."""
        for operand in condition.calculated:
            if isinstance(operand, Literal) and not isinstance(operand.value, int | Decimal):
                add(where, f"{_show_literal(operand.value)} is not a number, so a calculation "
                    "with it has no result; + - * / round() min() max() and sum() calculate "
                    "with numbers only")
            elif isinstance(operand, Call) and operand.function == "today":
                add(where, "today() is a date, not a number, so a calculation with it has no "
                    "result; there is no date arithmetic (use a date field's not_before and "
                    "not_after, such as today-18y)")
            elif isinstance(operand, Name):
                kind = types.get(operand.path[-1] if len(operand.path) > 1 and operand.path[0]
                                 in repeating_steps else operand.path[0])
                if kind is not None and kind not in NUMERIC_TYPES:
                    add(where, f'"{".".join(operand.path)}" is a {kind} field, not a number, so '
                        "a calculation with it has no result; there is no date or text "
                        "arithmetic (for an age, use a date field's not_before and not_after)",
                        "warning")

    types = {spec["name"]: spec.get("type") for _, _, spec in _fields(definition, broken)
             if isinstance(spec.get("name"), str)}

    def check_rules(base: str, rules: Any, known: set[str], entry_names: set[str],
                    fields: set[Any], where: str) -> None:
        for k, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, Mapping):
                continue
            check_condition(f"{base}/rules/{k}/condition", rule.get("condition"), known,
                            entry_names)
            for m, name in enumerate(rule.get("fields") or []):
                if name not in fields:
                    add(f"{base}/rules/{k}/fields/{m}",
                        f'the rule names "{name}", which is not a field of {where}')

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
                add(sp + "/id", f'the step id "{step_id}" is already used at {seen_steps[step_id]}')
            seen_steps.setdefault(step_id, sp + "/id")
            if step_id in all_names:
                add(sp + "/id",
                    f'the step id "{step_id}" is also a field name; use different names')
        repeat = step.get("repeat")
        if step_ok:
            check_condition(sp + "/visible_if", step.get("visible_if"), earlier, set())
            if repeat and repeat.get("min", 0) > repeat["max"]:
                add(sp + "/repeat", f"min ({repeat['min']}) is larger than max ({repeat['max']})")
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
                    add(fp + "/visible_if", f'the field "{name or j}" depends on the upload '
                        f'"{upload}" of the same page, which a page cannot evaluate: the question '
                        "is always shown there and its answer is discarded when it does not "
                        "apply; ask it on a later step to show it only when it applies",
                        "warning")
            if isinstance(name, str) and spec.get("type") == "file":
                uploads_here.add(name)
            if isinstance(name, str):
                if name in seen_fields:
                    add(fp + "/name",
                        f'the field name "{name}" is already used at {seen_fields[name]}')
                seen_fields.setdefault(name, fp + "/name")
                if repeat:
                    entry_names.add(name)
                else:
                    earlier.add(name)
            if field_ok:
                problems.extend(_field_problems(spec, fp, file))
        if step_ok:
            own = {spec.get("name") for _, spec in fields_of.get(i, [])}
            check_rules(sp, step.get("rules"), earlier, entry_names, own, "this step")
        if repeat and isinstance(step_id, str):
            repeating.update({n: step_id for n in entry_names})
            # Its entries are one answer for later conditions: count(zeugen), sum(…), any(…).
            earlier.add(step_id)

    if "rules" not in broken.keys:
        check_rules("", definition.get("rules"), earlier, set(), all_names, "this form")

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
            Problem(file, where,
                    f"the text has no {default!r} version, the form's default language")
            for where in _missing_texts(definition, default)
        ]
        for language in languages:
            if language != default:
                problems += [
                    Problem(file, where, f"missing translation for {language!r}", "warning")
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
    if spec.get("type") == "computed":
        problems += [Problem(file, f"{fp}/{key}", f'a computed value is worked out from the '
                             f'answers, never asked: remove "{key}"')
                     for key in ("required", "required_if") if key in spec]
    if "pattern" in spec:
        try:
            re.compile(spec["pattern"])  # the data schema publishes it to other engines too
            compile_pattern(spec["pattern"])  # what matches citizens' answers
        except re.error as e:
            problems.append(Problem(file, fp + "/pattern",
                                    f"the pattern is not a valid regular expression: {e}"))
        except PatternError as e:
            problems.append(Problem(file, fp + "/pattern", str(e)))
    for k, media_type in enumerate(spec.get("accept") or []):
        if media_type in ACTIVE_MEDIA_TYPES:
            problems.append(Problem(
                file, f"{fp}/accept/{k}",
                f"{media_type!r} is an active format: a file of this type can carry scripts or "
                "programs that run when a caseworker opens it, so it cannot be accepted; "
                "ask for PDF or images instead"))
    bounds = (("min", "max"), ("min_length", "max_length"), ("min_selected", "max_selected"))
    for low, high in bounds:
        if low in spec and high in spec and spec[low] > spec[high]:
            problems.append(Problem(file, f"{fp}/{low}",
                                    f"{low} ({spec[low]}) is larger than {high} ({spec[high]})"))
    if spec.get("not_in_future") and spec.get("not_in_past"):
        problems.append(Problem(file, fp + "/not_in_past",
                                "a date cannot be neither in the future nor in the past"))
    before, after = spec.get("not_before"), spec.get("not_after")
    if before and after and before[0].isdigit() and after[0].isdigit() and before > after:
        problems.append(Problem(file, fp + "/not_before",
                                f"not_before ({before}) is after not_after ({after})"))
    label = spec.get("label")
    if isinstance(label, Mapping) and any(
            isinstance(text, str) and OPTIONAL_MARK.search(text) for text in label.values()):
        problems.append(Problem(
            file, fp + "/label",
            "the label marks the question as optional itself; leave that out: the platform adds "
            "\"(optional)\" in the citizen's language to every question that is not required",
            severity="warning"))
    options = spec.get("options")
    if isinstance(options, list):
        if not options:
            problems.append(Problem(file, fp + "/options", "the list of options is empty"))
        values: dict[str, int] = {}
        for k, option in enumerate(options):
            value = option["value"]
            if value in values:
                problems.append(Problem(file, f"{fp}/options/{k}/value",
                                        f'the option value "{value}" is already used '
                                        f"by option {values[value]}"))
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
        return None, [Problem(file, "", "a form definition is a JSON object { … }")]
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
