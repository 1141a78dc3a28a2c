"""Authorities and the jurisdiction table: loading, listing, importing, the definition format."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from portal.authorities import rows_for
from portal.authorities.models import Authority, Jurisdiction
from portal.engine import check_definition
from portal.extensions import db
from portal.handover.models import Destination
from tests.conftest import FORMS_DIR, POSTGRES_URL, _postgres_or_fail, make_app
from tests.handover.helpers import destination

ONLINEWACHE = "99125001000000"
SHIPPED = {"polizei-mv-rostock", "polizei-mv-neubrandenburg", "polizei-berlin",
           "polizei-brandenburg", "bauaufsicht-rostock", "bauaufsicht-berlin-mitte",
           "sozialamt-rostock", "betreiber"}


def _authority(**overrides) -> dict:
    return {"id": "ordnungsamt-test", "name": {"de": "Ordnungsamt Teststadt"},
            "address": {"street": "Markt 1", "postcode": "18055", "city": "Rostock"},
            "ags": "13003000", "destination": "ordnungsamt", **overrides}


def test_authorities_load_and_list(app, runner, tmp_path):
    (tmp_path / "ordnungsamt.json").write_text(json.dumps(_authority()), encoding="utf-8")
    result = runner.invoke(args=["authorities", "load", "--folder", str(tmp_path),
                                 "--create-destinations"])
    assert result.exit_code == 0, result.output
    assert "ordnungsamt-test: created" in result.output
    # The destination it names was created, pull only, and belongs to it.
    created = db.session.execute(select(Destination).filter_by(name="ordnungsamt")).scalar_one()
    assert created.authority_id == "ordnungsamt-test" and not created.pushes
    again = runner.invoke(args=["authorities", "load", "--folder", str(tmp_path)])
    assert "ordnungsamt-test: unchanged" in again.output

    listed = runner.invoke(args=["authorities", "list"]).output.splitlines()
    ids = {line.split("\t")[0] for line in listed}
    assert ids == SHIPPED | {"ordnungsamt-test"}
    assert "polizei-berlin\t11000000\tpolizei\tPolizei Berlin\t-" in listed
    # The shared forms each owns: the only authority that publishes their versions.
    owners = {line.split("\t")[0]: line.split("\t")[4] for line in listed}
    assert owners["polizei-mv-rostock"] == "onlinewache"


def test_a_destination_configured_later_belongs_to_the_authority_that_names_it(app):
    destination("polizei-mv-rostock")
    configured = db.session.execute(
        select(Destination).filter_by(name="polizei-mv-rostock")).scalar_one()
    assert configured.authority_id == "polizei-mv-rostock"


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "Polizei"}, "/id"),
    ({"address": {"street": "Markt 1"}}, "/address: street, postcode and city"),
    ({"ags": "1300300"}, "/ags: 8 digits"),
    ({"name": {"en": "Only English"}}, "/name: a language map with at least a German text"),
    ({"legal": {"impressum": {"de": "x"}}}, "/legal: only imprint"),
    ({"services": {"123": {"notice": {"de": "x"}}}}, "/services/123: a 14-digit LeiKa key"),
    ({"services": {"99125001000000": {"gebuehren": {"de": "x"}}}},
     "/services/99125001000000: a 14-digit LeiKa key with only privacy_notice, notice, "
     "emergency, contacts, fees"),
    ({"services": {"99125001000000": {"fees": {"de": "x"}}}},
     "/services/99125001000000/fees: fee codes with amounts in euro cents"),
    ({"services": {"99125001000000": {"contacts": {"fax": "1"}}}},
     "/services/99125001000000/contacts: an object (phone, email, web, hours)"),
    ({"owns": "onlinewache"}, '/owns: a list of form ids'),
    ({"logo": "https://example.org/wappen.png"}, "/logo: the name of a file in authorities/logos/"),
    ({"logo": "../secret.svg"}, "/logo: the name of a file in authorities/logos/"),
    # onlinewache is polizei-mv-rostock's (authorities/polizei-mv-rostock.json, loaded)
    ({"owns": ["onlinewache"]}, "form 'onlinewache' is owned by both 'ordnungsamt-test' and "
                                "'polizei-mv-rostock': a shipped form has one owner"),
    ({"services": {"99125001000000": {"fees": {"gebuehr": -5}}}},
     "/services/99125001000000/fees: fee codes with amounts in euro cents"),
    ({"payment": {"name": "govuk"}}, '/payment: {"provider": "govuk"'),
    ({"payment": {"provider": "govuk", "options": {"api_key": "x"}}},
     "/payment/options: api_key looks like a secret; secrets come from the environment"),
])
def test_a_bad_authority_file_is_refused_with_where_and_why(app, runner, tmp_path, change,
                                                             message):
    (tmp_path / "bad.json").write_text(json.dumps(_authority(**change)), encoding="utf-8")
    result = runner.invoke(args=["authorities", "load", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.json'}" in result.output and message in result.output
    assert db.session.get(Authority, "ordnungsamt-test") is None


def test_the_shipped_sample_covers_rostock_berlin_and_brandenburg(app):
    rows = db.session.execute(select(func.count()).select_from(Jurisdiction)
                              .where(Jurisdiction.leika_key == ONLINEWACHE)).scalar_one()
    assert rows >= 36
    assert {r.authority_id for r in rows_for(ONLINEWACHE, ags="13003000")} == \
        {"polizei-mv-rostock"}
    assert {r.authority_id for r in rows_for(ONLINEWACHE, postcode="10117")} == {"polizei-berlin"}
    assert {r.authority_id for r in rows_for(ONLINEWACHE, postcode="14467")} == \
        {"polizei-brandenburg"}
    assert len(rows_for(ONLINEWACHE, postcode="15366")) == 2  # two municipalities
    assert rows_for(ONLINEWACHE, postcode="80331") == []


def test_jurisdictions_import_replaces_the_services_rows(app, runner, tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("leika_key,postcode,ags,municipality,authority\n"
                     f"{ONLINEWACHE},80331,09162000,München,polizei-berlin\n", encoding="utf-8")
    result = runner.invoke(args=["jurisdictions", "import", str(table)])
    assert result.exit_code == 0, result.output
    assert f"imported 1 rows for 1 services ({ONLINEWACHE})" in result.output
    assert [r.municipality for r in rows_for(ONLINEWACHE, postcode="80331")] == ["München"]
    assert rows_for(ONLINEWACHE, postcode="10117") == []  # the service's old rows are gone
    assert rows_for("99010003000000", postcode="10557")  # another service's rows stay


@pytest.mark.parametrize(("line", "message"), [
    (f"{ONLINEWACHE},8033,,München,polizei-berlin", ":2: postcode must be 5 digits"),
    ("9912,80331,,München,polizei-berlin", ":2: leika_key must be 14 digits"),
    (f"{ONLINEWACHE},,,München,polizei-berlin", ":2: a postcode or an AGS is needed"),
    (f"{ONLINEWACHE},80331,,München,polizei-bayern", ":2: no authority 'polizei-bayern'"),
])
def test_a_bad_jurisdiction_table_changes_nothing(app, runner, tmp_path, line, message):
    table = tmp_path / "table.csv"
    table.write_text(f"leika_key,postcode,ags,municipality,authority\n{line}\n", encoding="utf-8")
    result = runner.invoke(args=["jurisdictions", "import", str(table)])
    assert result.exit_code == 1 and message in result.output
    assert rows_for(ONLINEWACHE, postcode="10117")  # the shipped rows are still there


def _definition(**top) -> dict:
    document = json.loads((FORMS_DIR / "onlinewache.json").read_text(encoding="utf-8"))
    document.update(top)
    return document


@pytest.mark.parametrize(("jurisdiction", "pointer", "message"), [
    ({"by": "postcode", "fields": ["tatort_plz"]}, "/jurisdiction/fields/0",
     '"tatort_plz" is not a field of this form'),
    ({"by": "postcode", "fields": ["tatort_beschreibung"]}, "/jurisdiction/fields/0",
     "only address or postcode_de fields hold a postcode"),
    ({"by": "postcode", "fields": ["zeuge_anschrift"]}, "/jurisdiction/fields/0",
     'belongs to the repeating step "zeugen"'),
])
def test_the_definition_check_finds_a_jurisdiction_that_cannot_work(jurisdiction, pointer,
                                                                      message):
    resolved, problems = check_definition(_definition(jurisdiction=jurisdiction), FORMS_DIR)
    errors = {p.pointer: p.message for p in problems if p.is_error}
    assert resolved is None and message in errors[pointer]


def test_a_jurisdiction_by_postcode_needs_a_leika_key():
    document = _definition()
    del document["leika_key"]
    resolved, problems = check_definition(document, FORMS_DIR)
    assert resolved is None
    assert any(p.pointer == "/jurisdiction" and "leika_key" in p.message for p in problems)


def test_a_jurisdiction_has_one_of_three_shapes():
    resolved, problems = check_definition(_definition(jurisdiction={"by": "lottery"}), FORMS_DIR)
    assert resolved is None
    assert any(p.pointer.startswith("/jurisdiction") for p in problems if p.is_error)
    resolved, problems = check_definition(
        _definition(jurisdiction={"by": "choice", "authorities": ["polizei-berlin",
                                                                  "polizei-brandenburg"]}),
        FORMS_DIR)
    assert resolved is not None, problems


# -- the migration -------------------------------------------------------------------------


@pytest.fixture
def empty_database(backend: str, tmp_path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    admin = _postgres_or_fail()
    name = f"amtsweg_migration_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.both_databases
def test_migration_0008_matches_the_models_and_can_be_undone(empty_database, tmp_path: Path):
    app = make_app(empty_database, tmp_path / "instance")
    with app.app_context():
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert [d for d in differences if "authorit" in repr(d) or "jurisdiction" in repr(d)] \
            == []
        downgrade(revision="0007")
        inspector = sa.inspect(db.engine)
        assert {"authority", "jurisdiction"}.isdisjoint(inspector.get_table_names())
        assert "authority_id" not in {c["name"] for c in inspector.get_columns("submission")}
        upgrade()
        inspector = sa.inspect(db.engine)
        assert {"authority", "jurisdiction"} <= set(inspector.get_table_names())
        db.session.remove()
        db.engine.dispose()


def test_forms_check_warns_of_an_authority_that_is_not_loaded(app, runner, tmp_path):
    document = _definition(jurisdiction={"by": "fixed", "authority": "polizei-bayern"})
    path = tmp_path / "onlinewache.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["forms", "check", str(path), "--codelists",
                                 str(FORMS_DIR / "codelists")])
    assert result.exit_code == 0, result.output
    assert "warning: authority 'polizei-bayern' (of onlinewache) is not loaded" in result.output


def test_forms_load_warns_when_the_jurisdiction_table_has_no_rows_for_a_form(app, runner):
    db.session.execute(sa.delete(Jurisdiction))
    db.session.commit()
    result = runner.invoke(args=["forms", "load"])
    assert result.exit_code == 0, result.output
    assert ("warning: the jurisdiction table has no rows for onlinewache (leika_key "
            "99125001000000)") in result.output
    assert "no rows for hilfe-zum-lebensunterhalt" not in result.output  # fixed: no table
