"""The designer's help page: docs/designer.md, rendered on the server, inside the designer.

Staff have no access to the repository, so the guide they need is a page of the
designer itself, linked from every designer page. The Markdown is rendered with
markdown-it-py in its CommonMark mode with raw HTML switched off (the guide is ours,
but nothing in it should be able to put markup or scripts on the page). The guide is
the repository's docs/designer.md (config DESIGNER_GUIDE names another file); its
pictures, in docs/screenshots/designer/ beside it, are served by the page as well.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, render_template, send_from_directory
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.wrappers import Response

from . import bp

#: The guide as the repository has it; DESIGNER_GUIDE in the config overrides it.
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "designer.md"


def _guide() -> Path:
    return Path(current_app.config.get("DESIGNER_GUIDE") or GUIDE)
_HEADING = re.compile(r"<h([23])>(.*?)</h\1>")


def _slug(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text).lower()
    return re.sub(r"[^a-z0-9äöüß]+", "-", text).strip("-") or "abschnitt"


@lru_cache(maxsize=4)
def _render(path: Path, modified: float) -> tuple[str, str, list[tuple[int, str, str]]]:
    """(title, body HTML, [(level, anchor, heading)]) of the guide as last modified."""
    source = path.read_text(encoding="utf-8")
    # The screenshots live beside the guide; the page serves them under its own address.
    source = source.replace("](screenshots/", "](/designer/hilfe/bilder/")
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(source)
    title_match = re.search(r"<h1>(.*?)</h1>", html)
    title = re.sub(r"<[^>]+>", "", title_match.group(1)) if title_match else "Hilfe"
    html = re.sub(r"<h1>.*?</h1>\n?", "", html, count=1)
    contents: list[tuple[int, str, str]] = []

    def anchor(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        slug = _slug(inner)
        while any(slug == existing for _level, existing, _text in contents):
            slug += "-2"
        contents.append((level, slug, re.sub(r"<[^>]+>", "", inner)))
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    html = _HEADING.sub(anchor, html)
    # The page has its own h1; the guide's sections follow it.
    return title, html, contents


@bp.get("/hilfe")
def help_page() -> str:
    guide = _guide()
    if not guide.is_file():
        abort(404)
    title, html, contents = _render(guide, guide.stat().st_mtime)
    return render_template("designer/help.html", title=title, body=Markup(html),  # noqa: S704 - rendered without raw HTML
                           contents=[c for c in contents if c[0] == 2])


@bp.get("/hilfe/bilder/<path:name>")
def help_picture(name: str) -> Response:
    if not name.endswith(".png"):
        abort(404)
    return send_from_directory(_guide().parent / "screenshots", name, max_age=3600)
