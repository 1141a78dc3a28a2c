"""A definition's `pattern` runs on a linear-time engine: no input can hold a worker.

Each test runs the matching in a child process with a time limit, because a
backtracking engine would not return for hours and would take the test run with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from portal.engine import check_definition
from tests.conftest import ROOT

CATASTROPHIC = "(a+)+b"
#: Matches a run of a's through its second branch, after the first has backtracked for ages.
CATASTROPHIC_ON_A_MATCH = "(a+)+x|a*"


def run_guarded(code: str, timeout: float = 30) -> dict:
    """Run `code` (which prints one JSON line) in a fresh interpreter; fail if it hangs."""
    try:
        result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                                capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"matching did not finish within {timeout} s") from None
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_catastrophic_pattern_answers_promptly_with_the_fields_message():
    outcome = run_guarded(f"""
        import json, time
        from portal.engine import Invalid
        from portal.engine.fields import make_field
        field = make_field({{"name": "x", "type": "textarea", "label": {{"de": "X"}},
                             "max_length": 5000, "pattern": {CATASTROPHIC!r},
                             "pattern_message": {{"de": "Nur a, dann b.",
                                                  "en": "Only a, then b."}}}})
        out = {{}}
        for n in (32, 100, 5000):
            start = time.monotonic()
            try:
                field.clean("a" * n, "en")
                out[n] = ["accepted", time.monotonic() - start]
            except Invalid as error:
                out[n] = [error.message("en"), time.monotonic() - start]
        out["match"] = field.clean("a" * 40 + "b", "en")
        print(json.dumps(out))
    """)
    for n in ("32", "100", "5000"):
        message, seconds = outcome[n]
        assert message == "Only a, then b."
        assert seconds < 1, f"{n} letters took {seconds:.2f} s"
    assert outcome["match"] == "a" * 40 + "b"


def test_the_submission_data_check_runs_the_pattern_in_linear_time_too():
    """The answer passes the field; the data schema check at submit must not backtrack on it."""
    outcome = run_guarded(f"""
        import json, time
        from portal.engine import compile_form, data_schema
        from portal.engine.patterns import data_validator
        definition = {{"id": "t", "version": "1.0.0", "languages": ["de"],
                       "default_language": "de", "title": {{"de": "T"}}, "destination": "d",
                       "steps": [{{"id": "s", "title": {{"de": "S"}}, "fields": [
                           {{"name": "x", "type": "text", "label": {{"de": "X"}},
                             "pattern": {CATASTROPHIC_ON_A_MATCH!r},
                             "pattern_message": {{"de": "Falsch"}}}}]}}]}}
        form = compile_form(definition)
        value = form.field("x").clean("a" * 60, "de")
        start = time.monotonic()
        errors = [e.message for e in data_validator(data_schema(form)).iter_errors({{"x": value}})]
        bad = [e.message for e in data_validator(data_schema(form)).iter_errors({{"x": "b"}})]
        print(json.dumps({{"errors": errors, "bad": bad, "seconds": time.monotonic() - start}}))
    """)
    assert outcome["errors"] == [] and outcome["seconds"] < 1
    assert len(outcome["bad"]) == 1 and "does not match" in outcome["bad"][0]


def _definition(pattern: str) -> dict:
    return {"id": "test-form", "version": "1.0.0", "languages": ["de"], "default_language": "de",
            "title": {"de": "T"}, "privacy_notice": {"de": "D"}, "destination": "d",
            "retention_days": 30,
            "steps": [{"id": "s", "title": {"de": "S"}, "fields": [
                {"name": "x", "type": "text", "label": {"de": "X"}, "pattern": pattern,
                 "pattern_message": {"de": "Falsch"}}]}]}


def test_patterns_the_linear_engine_cannot_run_are_refused_at_check_time():
    for pattern in (r"(a)\1", r"(?P<n>a)(?P=n)", "(?=a)a", "(?<!x)a", "(?>a)"):
        document, problems = check_definition(_definition(pattern))
        assert document is None, pattern
        [problem] = [p for p in problems if p.is_error]
        assert problem.pointer == "/steps/0/fields/0/pattern"
        assert "linear-time engine (RE2)" in problem.message
        assert "backreferences" in problem.message and "lookahead" in problem.message


def test_an_ordinary_pattern_still_passes_and_matches():
    document, problems = check_definition(_definition(r"[A-Z]{2}-\d{3}"))
    assert document is not None, problems
    assert not [p for p in problems if p.is_error]
