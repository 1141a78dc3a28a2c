"""The browser's evaluator (portal/static/amtsweg.js) agrees with the engine's on every
condition: the same generated conditions and answers as the property tests, run in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.engine.conditions import parse

from .test_conditions import answer_sets, days, expressions, render_full, render_min

SCRIPT = Path(__file__).resolve().parents[2] / "portal" / "static" / "amtsweg.js"
NODE = shutil.which("node")

# amtsweg.js runs in a page; Node gets a document without elements, and the evaluator.
HARNESS = """
const fs = require("fs"), vm = require("vm");
const empty = { forEach() {}, length: 0 };
const document = { querySelector: () => null, querySelectorAll: () => empty,
                   getElementById: () => null, documentElement: { lang: "de" } };
const window = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"),
                   { document, window, BigInt, JSON, Intl, Object, Array, Number, Math, Date });
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(c => window.amtswegCondition(c[0], c[1], c[2]))));
"""


def in_browser(cases: list[tuple[Any, dict, str]]) -> list[bool]:
    done = subprocess.run([NODE, "-e", HARNESS, str(SCRIPT)], input=json.dumps(cases),
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js")


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.data_too_large])
@given(st.lists(st.tuples(expressions(), answer_sets, days), min_size=150, max_size=150))
def test_the_browser_evaluates_every_condition_as_the_engine_does(
        drawn: list[tuple[Any, dict, date]]) -> None:
    cases, expected, sources = [], [], []
    for expression, answers, today in drawn:
        for source in (render_full(expression), render_min(expression)):
            condition = parse(source)
            cases.append((condition.as_data(), answers, today.isoformat()))
            expected.append(condition.evaluate(answers, today=today))
            sources.append((source, answers))
    got = in_browser(cases)
    wrong = [(s, e) for s, e, g in zip(sources, expected, got, strict=True) if e is not g]
    assert wrong == []


@pytest.mark.parametrize(("source", "answers"), [
    ("1 / 3 == 0.3333333333", {}), ("2 / 3 == 0.6666666667", {}), ("-2 / 3 == -0.6666666667", {}),
    ("0.5 / 4 == 0.125", {}), ("round(2.5) == 3 and round(-2.5) == -3", {}),
    ("round(a, 2) == 1.01", {"a": "1.005"}), ("0.1 + 0.2 == 0.3", {}),
    ("sum(h.e) == 1500.5", {"h": [{"e": "1000.00"}, {"e": "500.50"}, {}]}),
    ("min(a, 100) == 100 and max(a, 1) == 1", {}),
    ("any(h, r == 'partner') and not all(h, r == 'partner')",
     {"h": [{"r": "kind"}, {"r": "partner"}]}),
    ("a * 1000000000000000000000 == 123000000000000000000000", {"a": 123}),
    ("'é' > 'z' and '\U0001f600' > '\uffff'", {}),
])
def test_examples_agree(source: str, answers: dict) -> None:
    condition = parse(source)
    assert condition.evaluate(answers) is True
    assert in_browser([(condition.as_data(), answers, "2026-03-15")]) == [True]
