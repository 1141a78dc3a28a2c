"""The `amtsweg forms …` commands a form designer and an authority's IT use."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from portal import create_app
from portal.cli import main
from tests.conftest import FORMS_DIR, ROOT


@pytest.fixture
def cli(tmp_path):
    """Run `amtsweg …` without a database: checking needs none."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), env={"AMTSWEG_INSTANCE_PATH": str(tmp_path),
                                                    "AMTSWEG_SECRET_KEY": "x"})

    return run


def test_shipped_forms_pass_the_check(cli):
    result = cli("forms", "check", *map(str, sorted(FORMS_DIR.glob("*.json"))))
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(list(FORMS_DIR.glob("*.json")))


def test_a_broken_definition_names_every_problem_with_its_pointer(cli, tmp_path):
    document = json.loads((FORMS_DIR / "onlinewache.json").read_text())
    broken = copy.deepcopy(document)
    # A condition that cannot be read, a duplicate field name, a schema violation.
    broken["steps"][1]["fields"][1]["visible_if"] = "delikt == "
    broken["steps"][2]["fields"][0]["name"] = broken["steps"][1]["fields"][0]["name"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False))
    (tmp_path / "codelists").symlink_to(FORMS_DIR / "codelists")
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    assert f"{path} /steps/1/fields/1/visible_if: the condition cannot be read" in result.output
    assert (f"{path} /steps/2/fields/0/name: the field name \"delikt\" is already used"
            in result.output)

    broken["steps"][0]["fields"][1]["type"] = "radiobutton"
    path.write_text(json.dumps(broken, ensure_ascii=False))
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    assert f"{path} /steps/0/fields/1/type: 'radiobutton' is not allowed here" in result.output


def test_schema_violation_condition_and_duplicate_in_one_file(cli, tmp_path):
    """The issue's case: all three kinds of problem reported, each on its own line."""
    definition = {
        "id": "test-form", "version": "1.0.0", "languages": ["de"], "default_language": "de",
        "title": {"de": "Test"}, "privacy_notice": {"de": "Datenschutz"},
        "destination": "test", "retention_days": 30,
        "steps": [{"id": "eins", "title": {"de": "Eins"}, "fields": [
            {"name": "a", "type": "text", "label": {"de": "A"}},
            {"name": "a", "type": "text", "label": {"de": "A2"}, "visible_if": "b == 'x'"},
            {"name": "c", "type": "number", "label": {"de": "C"}, "min": 5, "max": 1},
        ]}],
    }
    path = tmp_path / "test-form.json"
    path.write_text(json.dumps(definition))
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (f'{path} /steps/0/fields/1/name: the field name "a" is already used '
            "at /steps/0/fields/0/name") in lines
    assert any(line.startswith(f"{path} /steps/0/fields/1/visible_if: the condition names \"b\"")
               for line in lines)
    assert f"{path} /steps/0/fields/2/min: min (5) is larger than max (1)" in lines

    # A schema violation no longer hides the others: all four in one run.
    definition["steps"][0]["fields"][0]["lable"] = {"de": "Tippfehler"}
    path.write_text(json.dumps(definition))
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (f"{path} /steps/0/fields/0: unknown key 'lable': check the spelling or remove it; "
            "did you mean 'label'?" in lines)
    assert (f'{path} /steps/0/fields/1/name: the field name "a" is already used at '
            "/steps/0/fields/0/name") in lines
    assert (f'{path} /steps/0/fields/1/visible_if: the condition names "b", which is not a field '
            "of this form") in lines
    assert f"{path} /steps/0/fields/2/min: min (5) is larger than max (1)" in lines


def test_codelist_problems_do_not_hide_the_others(cli, tmp_path):
    document = json.loads((FORMS_DIR / "onlinewache.json").read_text())
    document["steps"][0]["fields"][1]["options"] = "codelists/fehlt.json"
    document["steps"][2]["fields"][0]["name"] = document["steps"][1]["fields"][0]["name"]
    path = tmp_path / "onlinewache.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    [missing] = [line for line in lines if line.startswith(f"{path} /steps/0/fields/1/options:")]
    assert "'codelists/fehlt.json' was not found; looked in: " in missing
    assert str(tmp_path / "codelists" / "fehlt.json") in missing  # beside the definition
    assert str(FORMS_DIR / "codelists" / "fehlt.json") in missing  # the forms folder's
    assert any(line.startswith(f"{path} /steps/2/fields/0/name: the field name") for line in lines)


def test_a_definition_outside_forms_finds_the_shared_codelists(cli, tmp_path):
    """No codelists/ beside it: the configured forms folder's codelists are used."""
    path = tmp_path / "onlinewache.json"
    path.write_text((FORMS_DIR / "onlinewache.json").read_text())
    result = cli("forms", "check", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}: ok" in result.output


def test_forms_check_takes_a_codelist_folder(cli, tmp_path):
    """An authority's own codelist, kept in a folder of its own, is found with --codelists."""
    document = json.loads((FORMS_DIR / "onlinewache.json").read_text())
    document["steps"][1]["fields"][0]["options"] = "codelists/eigene-delikte.json"  # delikt
    path = tmp_path / "onlinewache.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "eigene-delikte.json").write_text(
        (FORMS_DIR / "codelists" / "delikte.json").read_text())

    without = cli("forms", "check", str(path))
    assert without.exit_code == 1
    assert "'codelists/eigene-delikte.json' was not found" in without.output
    result = cli("forms", "check", "--codelists", str(shared), str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}: ok" in result.output

    (shared / "eigene-delikte.json").write_text("{not json")
    result = cli("forms", "check", "--codelists", str(shared), str(path))
    assert result.exit_code == 1
    assert (f"'codelists/eigene-delikte.json' ({shared / 'eigene-delikte.json'}) cannot be read: "
            "not valid JSON") in result.output


def test_json_syntax_errors_give_line_and_column(cli, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"id": "x",\n  "version": }')
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    assert "not valid JSON" in result.output and "line 2" in result.output


def test_data_schema_accepts_valid_and_rejects_invalid_submissions(cli):
    result = cli("forms", "data-schema", "onlinewache")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    validator = Draft202012Validator(schema)
    valid = {
        "art": "hinweis", "delikt": "betrug", "tatzeit_art": "zeitpunkt",
        "tatzeit_datum": "2026-11-01", "tatort_art": "online", "tatort_online": "example.org",
        "tathergang": "Ich wurde auf einer Verkaufsplattform betrogen und habe bezahlt.",
        "schaden_entstanden": "nein", "geschaedigt": "ja",
        "taeter_bekannt": "nein", "zeugen_vorhanden": "nein",
        "erstatter_name": {"given_name": "Olena", "family_name": "Kovalenko"},
        "erstatter_anschrift": {"street": "Hauptstraße", "house_number": "1", "postcode": "10115",
                                "city": "Berlin", "country": "DE"},
        "erstatter_email": "olena@example.org", "wahrheit": True, "datenschutz": True,
    }
    errors = list(validator.iter_errors(valid))
    assert errors == [], [e.message for e in errors]
    wrong_option = dict(valid, delikt="Diebstahl")  # a label, not an option value
    assert not validator.is_valid(wrong_option)
    missing = {k: v for k, v in valid.items() if k != "erstatter_email"}
    assert not validator.is_valid(missing)


def test_i18n_report_lists_missing_texts_by_pointer(cli, tmp_path):
    document = json.loads((FORMS_DIR / "bauantrag.json").read_text())
    document["languages"] = ["de", "en", "uk"]
    del document["steps"][0]["title"]["en"]
    path = tmp_path / "bauantrag.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    (tmp_path / "codelists").symlink_to(FORMS_DIR / "codelists")
    result = cli("forms", "i18n-report", str(path))
    assert result.exit_code == 0
    assert "  en: 1 missing" in result.output and "    /steps/0/title" in result.output
    assert "  uk:" in result.output and "  de: complete" in result.output


def test_the_engine_imports_without_flask():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'flask', 'flask_sqlalchemy', 'sqlalchemy',\n"
        "                                  'wtforms', 'werkzeug'}:\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from portal.engine import load_form\n"
        "from pathlib import Path\n"
        "form = load_form(Path('forms/onlinewache.json'))\n"
        "print(form.id, len(form.steps))\n"
    )
    # portal/__init__ imports Flask, so load the engine package by path, as a library user would.
    code = code.replace("from portal.engine import load_form",
                        "import importlib.util, types\n"
                        "pkg = types.ModuleType('portal'); pkg.__path__ = ['portal']\n"
                        "sys.modules['portal'] = pkg\n"
                        "from portal.engine import load_form")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("onlinewache ")


@pytest.mark.both_databases
def test_forms_load_is_idempotent_and_refuses_changed_content(runner, app, tmp_path):
    first = runner.invoke(args=["forms", "load"])
    assert first.exit_code == 0 and "unchanged" in first.output
    changed = tmp_path / "forms"
    changed.mkdir()
    (changed / "codelists").symlink_to(FORMS_DIR / "codelists")
    document = json.loads((FORMS_DIR / "onlinewache.json").read_text())
    document["title"]["de"] = "Anders"
    (changed / "onlinewache.json").write_text(json.dumps(document, ensure_ascii=False))
    app.config["FORMS_DIR"] = str(changed)
    refused = runner.invoke(args=["forms", "load"])
    assert refused.exit_code == 1 and "new version number" in refused.output


def test_create_app_does_not_touch_the_database(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/none.sqlite3",
                      "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app and not Path(tmp_path / "none.sqlite3").exists()


def test_forms_load_and_check_name_the_destinations_that_are_missing(runner):
    """The shipped forms name destinations nobody has added: say so, with the command."""
    loaded = runner.invoke(args=["forms", "load"])
    assert loaded.exit_code == 0, loaded.output
    for name, form_id in (("polizei", "onlinewache"), ("sozialamt", "hilfe-zum-lebensunterhalt"),
                          ("bauaufsicht", "bauantrag")):
        assert (f"warning: destination {name!r} (of {form_id}) is not configured; "
                f"add it with: amtsweg destinations add {name}") in loaded.output
    checked = runner.invoke(args=["forms", "check", str(FORMS_DIR / "onlinewache.json")])
    assert checked.exit_code == 0, checked.output
    assert "warning: destination 'polizei' (of onlinewache) is not configured" in checked.output

    assert runner.invoke(args=["destinations", "add", "polizei"]).exit_code == 0
    checked = runner.invoke(args=["forms", "check", str(FORMS_DIR / "onlinewache.json")])
    assert "destination 'polizei'" not in checked.output


def test_forms_load_creates_the_missing_destinations_as_pull_only(runner):
    refused = runner.invoke(args=["clients", "create", "--destination", "polizei", "--name", "x"])
    assert refused.exit_code != 0  # today's complaint: no destination 'polizei'
    loaded = runner.invoke(args=["forms", "load", "--create-destinations"])
    assert loaded.exit_code == 0, loaded.output
    assert "destination polizei: created, pull only" in loaded.output
    assert "warning" not in loaded.output
    listed = runner.invoke(args=["destinations", "list"]).output
    assert {line.split("\t")[0]: line.split("\t")[2] for line in listed.splitlines()} == {
        "bauaufsicht": "pull", "polizei": "pull", "sozialamt": "pull", "wohngeldstelle": "pull"}
    created = runner.invoke(args=["clients", "create", "--destination", "polizei",
                                  "--name", "Fachverfahren"])
    assert created.exit_code == 0, created.output
    again = runner.invoke(args=["forms", "load", "--create-destinations"])
    assert again.exit_code == 0 and "created" not in again.output


def test_make_db_creates_the_shipped_forms_destinations():
    makefile = (ROOT / "Makefile").read_text()
    db_target = makefile.split("\ndb:", 1)[1].split("\n\n", 1)[0]
    assert "forms load --create-destinations" in db_target


def test_forms_check_names_a_country_without_a_destatis_key(cli, tmp_path):
    document = json.loads((FORMS_DIR / "hilfe-zum-lebensunterhalt.json").read_text())
    field = document["steps"][0]["fields"][3]
    assert field["name"] == "staatsangehoerigkeit"
    field.update(codes="destatis", only=["DE", "PL", "GI"])
    path = tmp_path / "hilfe.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    (tmp_path / "codelists").symlink_to(FORMS_DIR / "codelists")
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1
    assert (f"{path} /steps/0/fields/3/only/2: GI has no key in the Federal Statistical "
            "Office's codelist Staatsangehörigkeit" in result.output)
    # Without GI, what is left are the form's conditions, written in ISO codes.
    field["only"] = ["DE", "PL"]
    path.write_text(json.dumps(document, ensure_ascii=False))
    result = cli("forms", "check", str(path))
    assert result.exit_code == 1 and "/only/" not in result.output
    assert ("/steps/0/fields/4/visible_if: \"staatsangehoerigkeit\" never has the answer 'DE', "
            "so the comparison is always true; did you mean '000'?") in result.output
    # Every nationality, the conditions in keys: correct.
    del field["only"]
    for spec in document["steps"][0]["fields"]:
        if "staatsangehoerigkeit" in spec.get("visible_if", ""):
            spec["visible_if"] = spec["visible_if"].replace("'DE'", "'000'").replace(
                "'CH'", "'158'")
    path.write_text(json.dumps(document, ensure_ascii=False))
    assert cli("forms", "check", str(path)).exit_code == 0, result.output
