"""The designer's help: the staff guide rendered inside the designer, linked from every page."""

from __future__ import annotations

import re

from .conftest import draft_id_of


def test_the_guide_is_a_page_of_the_designer(app, designer):
    page = designer.get("/designer/hilfe")
    assert page.status_code == 200
    assert '<h1 class="heading-l" lang="de">Hilfe zum Formular-Designer</h1>' in page.text
    # Sections with anchors and a table of contents; tables render as tables.
    assert '<h2 id="texte-und-übersetzungen">Texte und Übersetzungen</h2>' in page.text
    assert '<a href="#texte-und-übersetzungen">Texte und Übersetzungen</a>' in page.text
    assert "<table>" in page.text and "<th>Rolle</th>" in page.text
    # Links between the guides stay inside the designer, not repository paths.
    assert 'href="/designer/hilfe/formulardefinition"' in page.text
    assert "form-definitions.md" not in page.text


def test_the_json_reference_is_a_help_page_too(app, designer):
    page = designer.get("/designer/hilfe/formulardefinition")
    assert page.status_code == 200
    assert '<div class="help-text" lang="en">' in page.text
    assert 'href="/designer/hilfe/bedingungen' in page.text  # conditions.md, also a help page
    assert not re.search(r'href="[a-z-]+\.md', page.text)  # other guides: words, no dead links
    assert designer.get("/designer/hilfe/gibtsnicht").status_code == 404


def test_raw_html_in_a_guide_is_not_markup(app, designer, tmp_path):
    (tmp_path / "designer.md").write_text("# Hilfe\n\n<script>alert(1)</script>\n\n"
                                          "![Bild](screenshots/fehlt.png)\n", encoding="utf-8")
    app.config["DESIGNER_HELP_DIR"] = str(tmp_path)
    page = designer.get("/designer/hilfe")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "fehlt.png" not in page.text  # a picture not taken yet is left out


def test_every_designer_page_links_to_the_help(app, designer):
    for address in ("/designer/", "/designer/audit", "/designer/forms/new", "/designer/import"):
        page = designer.get(address)
        assert page.status_code == 200, address
        assert '<a href="/designer/hilfe"' in page.text, address
    created = designer.post("/designer/forms/new",
                            data={"form_id": "hund-anmelden", "title": "Hund anmelden"})
    draft_id = draft_id_of(created.headers["Location"])
    editor = designer.get(f"/designer/drafts/{draft_id}").text
    assert "docs/form-definitions.md" not in editor
    assert 'href="/designer/hilfe/formulardefinition"' in editor
