"""The regular expressions a form definition writes (`pattern`), run by a linear-time engine.

A definition's pattern is matched against what a citizen types. Python's `re`
backtracks: a pattern such as ``(a+)+b`` takes exponential time on 32 letters
and holds a web worker until it is killed. RE2 (the `google-re2` package) runs
every pattern in time linear in the input, so no pattern and no input can block
a worker. It has no backreferences and no lookaround, which need backtracking;
a definition using them is refused when it is checked.

Every place that matches a definition's pattern, in the engine or in the
submission data's JSON Schema (`data_validator`), goes through this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import re2
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from .messages import N_, Phrase

#: What RE2 cannot run, in the words of the definition guide (docs/form-definitions.md).
UNSUPPORTED = (
    "backreferences (\\1, (?P=name)), lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)), "
    "atomic groups (?>…), possessive quantifiers (a*+) and conditionals (?(1)…)"
)


class PatternError(ValueError):
    """A pattern the linear-time engine cannot compile; the message says why."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # the reason is reported to the designer, not to stderr
    return options


_OPTIONS = _options()


@lru_cache(maxsize=1024)
def compile_pattern(source: str) -> Any:
    """The compiled pattern (`.fullmatch`, `.search`, `.pattern`); raises PatternError."""
    try:
        return re2.compile(source, _OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(Phrase(N_(
            "das Muster kann von der Engine mit linearer Laufzeit (RE2) nicht ausgeführt werden: "
            "%(reason)s. Nicht unterstützt: %(unsupported)s"), reason=reason,
            unsupported=UNSUPPORTED)) from None


def _pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
             ) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not compile_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


#: A JSON Schema 2020-12 validator whose `pattern` keyword runs on RE2, for schemas that
#: carry a definition's pattern (the submission data's schema).
DataValidator = extend(Draft202012Validator, validators={"pattern": _pattern})


def data_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for submission data against its form's data schema, safe for any pattern."""
    return DataValidator(schema)
