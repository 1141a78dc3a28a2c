"""Accessibility checks with axe-core, and screenshots for debugging browser tests.

axe-core comes from npm (package.json, installed by `make install` into
node_modules/). It is injected with a script tag, which the portal's
Content-Security-Policy would block; the page fixtures use bypass_csp=True.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """
async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
    }));
}
"""


# With scripting off, <noscript> content parses as markup (HTML standard, "scripting flag").
_SCRIPTING_ENABLED = """
() => {
    const div = document.createElement('div');
    div.innerHTML = '<noscript><p></p></noscript>';
    return div.querySelector('noscript p') === null;
}
"""

# Without scripting, script tags never run and timers never fire, but DevTools evaluation
# and microtasks do: load axe by evaluation and let its timers run as microtasks.
_LOAD_WITHOUT_SCRIPTING = """
source => {
    window.setTimeout = (fn, ms, ...args) => { Promise.resolve().then(() => fn(...args)); };
    window.clearTimeout = () => {};
    (0, eval)(source);
}
"""


def _inject_axe(page: Page) -> None:
    if page.evaluate("typeof axe !== 'undefined'"):
        return
    if page.evaluate(_SCRIPTING_ENABLED):
        page.add_script_tag(path=str(AXE_JS))
    else:  # page_no_js
        page.evaluate(_LOAD_WITHOUT_SCRIPTING, AXE_JS.read_text())


def assert_accessible(page: Page, context: str = "") -> None:
    """Fail with a readable report if axe-core finds any WCAG 2.2 A/AA violation."""
    __tracebackhide__ = True
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run make install (it runs npm ci)", pytrace=False)
    _inject_axe(page)
    violations = page.evaluate(_RUN_AXE, WCAG_TAGS)
    if not violations:
        return
    where = f"{page.url}" + (f" ({context})" if context else "")
    lines = [f"axe-core: {len(violations)} accessibility violation(s) on {where}"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}")
            summary = (node["summary"] or "").splitlines()
            lines.extend(f"      {line}".rstrip() for line in summary)
    raise AssertionError("\n".join(lines))


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as tests/browser/artifacts/NAME.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
