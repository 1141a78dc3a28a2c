"""A non-editable install works from any folder: migrations, schemas and catalogues ship in it.

Built from a copy of the checkout as a fresh clone has it (tracked files only, so no
compiled .mo), installed into a venv of its own, run from another folder. To stay fast
and offline, the venv borrows the project venv's libraries (a .pth file) and pip builds
without isolation; the package itself is a real, non-editable install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK_APP = """
import json, portal
from portal import create_app
from portal.engine.messages import catalogue
from flask_babel import force_locale, gettext
assert "site-packages" in portal.__file__, portal.__file__
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///%s"})
client = app.test_client()
schema = client.get("/api/v1/schemas/submission.schema.json")
with app.test_request_context():
    with force_locale("en"):
        english = gettext("Weiter")
    with force_locale("uk"):
        ukrainian = gettext("Weiter")
page = client.get("/", headers={"Accept-Language": "en"})
from portal.designer import help as guide
guides = sorted(name for name, _language in guide.PAGES.values()
                if (guide.DOCS / name).is_file() and "site-packages" in str(guide.DOCS))
pictures = len(list((guide.DOCS / "screenshots" / "designer").glob("*.png")))
print(json.dumps({"schema": schema.status_code, "title": schema.get_json().get("title"),
                  "english": english, "ukrainian": ukrainian,
                  "engine": catalogue("tr").gettext("Weiter"),
                  "page": page.status_code, "lang": 'lang="en"' in page.get_data(as_text=True),
                  "guides": guides, "pictures": pictures}))
"""


def _clean_clone(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                           cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / os.fsdecode(name)
        if source.is_file() or source.is_symlink():
            (target / source.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / source.relative_to(ROOT), follow_symlinks=False)


def test_a_wheel_installed_elsewhere_migrates_checks_forms_and_speaks_every_language(tmp_path):
    clone, venv, elsewhere = tmp_path / "clone", tmp_path / "v", tmp_path / "elsewhere"
    _clean_clone(clone)
    elsewhere.mkdir()
    assert not list(clone.glob("portal/translations/*/LC_MESSAGES/*.mo"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
    Path(purelib, "project-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = venv / "bin" / "python"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AMTSWEG_", "DATABASE_URL", "PYTHON", "FLASK_"))}
    env["AMTSWEG_SECRET_KEY"] = "installed-test"

    def run(*command: str | Path) -> subprocess.CompletedProcess:
        done = subprocess.run(list(map(str, command)), cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
        "--no-index", clone)
    shutil.rmtree(clone / "portal")  # nothing may be read from the source tree any more
    shutil.rmtree(clone / "docs")
    run(venv / "bin" / "amtsweg", "db", "upgrade")
    assert (venv / "var" / "portal-instance" / "amtsweg.sqlite3").is_file()
    checked = run(venv / "bin" / "amtsweg", "forms", "check", clone / "forms" / "onlinewache.json")
    assert "onlinewache" in checked.stdout + checked.stderr

    database = venv / "var" / "portal-instance" / "amtsweg.sqlite3"
    result = run(python, "-c", CHECK_APP % database).stdout.strip().splitlines()[-1]
    seen = json.loads(result)
    assert seen["schema"] == 200 and seen["title"]
    assert (seen["english"], seen["ukrainian"]) == ("Continue", "Продовжити")
    assert seen["engine"] == "Devam et"
    assert seen["page"] == 200 and seen["lang"]
    # The designer's help pages: their guides and screenshots travel in the wheel.
    assert seen["guides"] == ["conditions.md", "designer.md", "form-definitions.md"]
    assert seen["pictures"] == len(list((ROOT / "docs" / "screenshots" / "designer").glob("*.png")))
