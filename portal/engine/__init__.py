"""The form engine: definitions, conditions, field types, answer validation, data schemas.

Pure Python: nothing here imports Flask, SQLAlchemy or a blueprint, so the
engine runs the same in the portal, the command line and the tests.
"""

from .conditions import Condition, ConditionError
from .data_schema import data_schema
from .definition import check_definition, load_form, missing_translations
from .errors import DefinitionError, Invalid, Problem
from .fields import FIELD_TYPES, Field, Option
from .i18n import LANGUAGES, resolve, text_direction
from .model import Form, Step, compile_form, content_hash
from .validation import FieldError, StepResult, check_answers, submission_data, validate_step

__all__ = [
    "FIELD_TYPES",
    "LANGUAGES",
    "Condition",
    "ConditionError",
    "DefinitionError",
    "Field",
    "FieldError",
    "Form",
    "Invalid",
    "Option",
    "Problem",
    "Step",
    "StepResult",
    "check_answers",
    "check_definition",
    "compile_form",
    "content_hash",
    "data_schema",
    "load_form",
    "missing_translations",
    "resolve",
    "submission_data",
    "text_direction",
    "validate_step",
]
