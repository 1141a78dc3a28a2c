"""The designer's help pages: the staff guide (docs/designer.md) and the JSON reference
(docs/form-definitions.md), rendered on the server inside the designer.

Staff have no access to the repository, so the guides they need are pages of the
designer itself, linked from every designer page. The Markdown is rendered with
markdown-it-py in its CommonMark mode (plus tables) with raw HTML switched off: nothing
in a guide can put markup or scripts on the page. A picture (`screenshots/…png`
beside the guide, taken by `make screenshots`) is shown once it exists and left out
until then. A checkout shows docs/ itself; a wheel carries a copy (setup.py copies the
guides and their screenshots into portal/designer/help/ when it builds). DESIGNER_HELP_DIR
in the config names another folder for the guides.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, render_template, send_from_directory, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.wrappers import Response

from . import bp

#: The help pages: their address below /designer/hilfe, the guide each shows and its language.
PAGES = {"": ("designer.md", "de"), "formulardefinition": ("form-definitions.md", "en"),
         "bedingungen": ("conditions.md", "en")}
#: The guides' files; an installed wheel carries them in help/ beside this module (setup.py).
GUIDES = tuple(name for name, _language in PAGES.values())
#: The guides as the repository has them (a checkout), else as the wheel carries them.
_REPOSITORY = Path(__file__).resolve().parents[2] / "docs"
DOCS = (_REPOSITORY if all((_REPOSITORY / name).is_file() for name in GUIDES)
        else Path(__file__).resolve().parent / "help")
#: A link to a guide that is not a help page: its words stay, the link goes.
_OTHER_GUIDE = re.compile(r"(?<!!)\[([^\]]+)\]\((?![a-z]+:)[A-Za-z0-9_-]+\.md(?:#[^)]*)?\)")
_HEADING = re.compile(r"<h([23])>(.*?)</h\1>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(screenshots/([A-Za-z0-9_/.-]+\.png)\)")
_TAGS = re.compile(r"<[^>]+>")


def _docs() -> Path:
    return Path(current_app.config.get("DESIGNER_HELP_DIR") or DOCS)


def _slug(text: str) -> str:
    text = _TAGS.sub("", text).lower()
    return re.sub(r"[^a-z0-9äöüß]+", "-", text).strip("-") or "abschnitt"


@lru_cache(maxsize=8)
def _render(path: Path, modified: float, links: tuple[tuple[str, str], ...], pictures: str
            ) -> tuple[str, str, list[tuple[int, str, str]]]:
    """(title, body HTML, [(level, anchor, heading)]) of a guide as last modified."""
    source = path.read_text(encoding="utf-8")
    folder = path.parent / "screenshots"

    def picture(match: re.Match[str]) -> str:
        alt, name = match.groups()
        return f"![{alt}]({pictures}{name})" if (folder / name).is_file() else ""

    source = _IMAGE.sub(picture, source)
    for target, address in links:  # links between the guides stay inside the designer
        source = source.replace(f"]({target})", f"]({address})").replace(
            f"]({target}#", f"]({address}#")
    source = _OTHER_GUIDE.sub(r"\1", source)
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(source)
    title_match = re.search(r"<h1>(.*?)</h1>", html)
    title = _TAGS.sub("", title_match.group(1)) if title_match else ""
    html = re.sub(r"<h1>.*?</h1>\n?", "", html, count=1)  # the page has its own h1
    contents: list[tuple[int, str, str]] = []

    def anchor(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        slug = _slug(inner)
        while any(slug == existing for _level, existing, _text in contents):
            slug += "-2"
        contents.append((level, slug, _TAGS.sub("", inner)))
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    html = _HEADING.sub(anchor, html)
    return title, html, contents


@bp.get("/hilfe", defaults={"page": ""})
@bp.get("/hilfe/<page>")
def help_page(page: str) -> str:
    if page not in PAGES:
        abort(404)
    name, language = PAGES[page]
    guide = _docs() / name
    if not guide.is_file():
        abort(404)
    links = tuple((file, url_for("designer.help_page", page=key))
                  for key, (file, _language) in PAGES.items())
    pictures = url_for("designer.help_picture", name="")
    title, html, contents = _render(guide, guide.stat().st_mtime, links, pictures)
    return render_template("designer/help.html", title=title,
                           body=Markup(html),  # noqa: S704 - rendered with raw HTML off
                           contents=[c for c in contents if c[0] == 2], page=page,
                           guide_language=language)


@bp.get("/hilfe/bilder/<path:name>")
def help_picture(name: str) -> Response:
    if not name.endswith(".png"):
        abort(404)
    return send_from_directory(_docs() / "screenshots", name, max_age=3600)
