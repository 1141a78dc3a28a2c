"""The `amtsweg` command line: a Flask CLI group with the platform's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .engine import check_definition, compile_form, data_schema, missing_translations
from .engine.errors import DefinitionError


def _create_app() -> Flask:
    from . import create_app

    return create_app()


#: Commands that serve citizens or make receipts: they say at once when the receipt font is missing.
_SERVING = {"run", "worker"}


#: Commands that come with Flask and its extensions, listed after the platform's own.
GENERAL_COMMANDS = frozenset({"shell", "routes", "limiter"})


class AmtswegGroup(FlaskGroup):
    """`amtsweg --help`: the platform's commands first, then Flask's, then Flask's options."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_commands(ctx, formatter)
        click.Command.format_options(self, ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        own: list[tuple[str, str]] = []
        general: list[tuple[str, str]] = []
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        width = formatter.width - 6 - max((len(name) for name, _ in commands), default=0)
        for name, cmd in commands:
            row = (name, cmd.get_short_help_str(limit=width))
            (general if name in GENERAL_COMMANDS else own).append(row)
        if own:
            with formatter.section("Commands"):
                formatter.write_dl(own)
        if general:
            with formatter.section("Flask commands"):
                formatter.write_dl(general)


@click.group(cls=AmtswegGroup, create_app=_create_app, add_version_option=False)
@click.pass_context
def main(context: click.Context) -> None:
    """Amtsweg: accessible online applications for public authorities."""
    if context.invoked_subcommand == "run":
        from .logging import development_server_log

        development_server_log()
    if context.invoked_subcommand in _SERVING:
        from .receipt.fonts import missing_font

        if (problem := missing_font()) is not None:
            click.secho(f"Warning: receipts cannot be made. {problem} Submissions are still "
                        "taken; their receipts are made once the font is installed.",
                        err=True, fg="yellow")


forms = click.Group("forms", help="Check, inspect and load form definitions.")


def _forms_dir() -> Path:
    return Path(current_app.config["FORMS_DIR"])


def _definition_paths(paths: tuple[str, ...]) -> list[Path]:
    return [Path(p) for p in paths] or sorted(_forms_dir().glob("*.json"))


def _missing_destinations(documents: list[dict]) -> dict[str, list[str]]:
    """Destination name -> the ids of the forms that send to it, for destinations not configured.

    Empty when there is no database yet: checking a definition needs none.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db
    from .handover.clients import missing_destinations

    forms_of: dict[str, list[str]] = {}
    for document in documents:
        forms_of.setdefault(document["destination"], []).append(document["id"])
    try:
        missing = missing_destinations(forms_of)
    except SQLAlchemyError:
        db.session.rollback()
        return {}
    return {name: forms_of[name] for name in missing}


def _warn_missing_authorities(documents: list[dict]) -> None:
    """A form whose jurisdiction names an authority that is not loaded, or goes by postcode
    with no row in the jurisdiction table, cannot be sent. Nothing without a database."""
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db

    try:
        for line in _authority_problems(documents):
            click.echo(f"warning: {line}", err=True)
    except SQLAlchemyError:
        db.session.rollback()


def _authority_problems(documents: list[dict]) -> list[str]:
    from .authorities import authority_named, rows_for

    problems = []
    for document in documents:
        jurisdiction = document.get("jurisdiction") or {}
        named = [jurisdiction["authority"]] if "authority" in jurisdiction \
            else list(jurisdiction.get("authorities") or [])
        problems += [f"authority {name!r} (of {document['id']}) is not loaded; add "
                     "authorities/<id>.json and run: amtsweg authorities load"
                     for name in named if authority_named(name) is None]
        if jurisdiction.get("by") == "postcode" and document.get("leika_key") \
                and not rows_for(document["leika_key"], everywhere=True):
            problems.append(f"the jurisdiction table has no rows for {document['id']} "
                            f"(leika_key {document['leika_key']}): every postcode gets the page "
                            "saying where to turn instead; run: amtsweg jurisdictions import "
                            "FILE.csv")
    return problems


def _warn_missing_destinations(missing: dict[str, list[str]]) -> None:
    for name, form_ids in missing.items():
        click.echo(f"warning: destination {name!r} (of {', '.join(sorted(set(form_ids)))}) "
                   f"is not configured; add it with: amtsweg destinations add {name}", err=True)


@forms.command("check")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, no warnings.")
@click.option("--codelists", "codelist_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of shared codelists, looked in before codelists/ beside the "
                   "definition and the forms folder's codelists/ (repeatable; default: the "
                   "CODELISTS_DIR setting).")
@with_appcontext
def forms_check(paths: tuple[str, ...], quiet: bool, codelist_dirs: tuple[str, ...]) -> None:
    """Validate definitions (default: every form in forms/).

    Prints each problem as FILE JSON-POINTER: reason and exits with 1 when
    any definition has an error; every problem of a definition is reported in
    one run. Missing translations and destinations not yet configured are warnings.
    """
    from .publishing import configured_codelists

    folders = [Path(d) for d in codelist_dirs] or configured_codelists()
    failed = False
    checked = []
    for path in _definition_paths(paths):
        document, problems = check_definition(path, _forms_dir(), codelists=folders)
        for problem in problems:
            if problem.is_error or not quiet:
                click.echo(str(problem), err=not problem.is_error)
        if any(p.is_error for p in problems):
            failed = True
        elif not quiet:
            warnings = sum(1 for p in problems if not p.is_error)
            click.echo(f"{path}: ok" + (f" ({warnings} warnings)" if warnings else ""))
        if document is not None:
            checked.append(document)
    if not quiet:
        _warn_missing_destinations(_missing_destinations(checked))
        _warn_missing_authorities(checked)
    sys.exit(1 if failed else 0)


def _definition_for(form_id: str, version: str | None) -> dict:
    """A form's published definition from the database, or else its file in forms/."""
    from .models import FormVersion
    from .publishing import current_version

    try:
        row = (
            FormVersion.query.filter_by(form_id=form_id, version=version).one_or_none()
            if version
            else current_version(form_id)
        )
    except Exception:  # noqa: BLE001 - no database yet: fall back to the shipped file
        row = None
    if row is not None:
        return row.definition
    path = _forms_dir() / f"{form_id}.json"
    if not path.exists():
        raise click.ClickException(f"no form {form_id!r}: not published and not in {_forms_dir()}")
    from .publishing import configured_codelists

    document, problems = check_definition(path, _forms_dir(), codelists=configured_codelists())
    if document is None:
        raise click.ClickException("\n".join(str(p) for p in problems))
    return document


@forms.command("data-schema")
@click.argument("form_id")
@click.option("--version", help="A published version (default: the current one).")
@with_appcontext
def forms_data_schema(form_id: str, version: str | None) -> None:
    """Print the JSON Schema of a form's submission data."""
    form = compile_form(_definition_for(form_id, version))
    click.echo(json.dumps(data_schema(form), indent=2, ensure_ascii=False))


@forms.command("i18n-report")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@with_appcontext
def forms_i18n_report(paths: tuple[str, ...]) -> None:
    """List, per form and language, every text that is missing, with its JSON pointer."""
    from .publishing import configured_codelists

    for path in _definition_paths(paths):
        document, problems = check_definition(path, _forms_dir(),
                                              codelists=configured_codelists())
        if document is None:
            click.echo(f"{path}: cannot be read, run `amtsweg forms check {path}`")
            continue
        report = missing_translations(document)
        click.echo(f"{document['id']} {document['version']} ({path})")
        for language in document["languages"]:
            missing = report[language]
            status = "complete" if not missing else f"{len(missing)} missing"
            click.echo(f"  {language}: {status}")
            for where in missing:
                click.echo(f"    {where}")


@forms.command("load")
@click.option("--create-destinations", is_flag=True,
              help="Add every destination the forms name that is not configured yet, as "
                   "pull only (no push URL); `make run` does this.")
@with_appcontext
def forms_load(create_destinations: bool) -> None:
    """Publish the definitions shipped in forms/ (unchanged ones are skipped)."""
    from .extensions import db
    from .handover.clients import configure_destination
    from .publishing import VersionConflict, load_shipped_forms

    try:
        results = load_shipped_forms(_forms_dir())
    except (DefinitionError, VersionConflict) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    for version, new in results:
        state = "published" if new else "unchanged"
        click.echo(f"{version.form_id} {version.version}: {state} ({version.content_hash[:19]}…)")
    _warn_missing_authorities([version.definition for version, _ in results])
    missing = _missing_destinations([version.definition for version, _ in results])
    if not create_destinations:
        _warn_missing_destinations(missing)
    else:
        for name in missing:
            configure_destination(name, create=True)
            click.echo(f"destination {name}: created, pull only (push: amtsweg destinations "
                       f"update {name} --push-url URL --generate-secret)")
    _check_payments()


def _check_payments() -> None:
    """A fee-bearing form must be payable wherever it is offered: fail here, at deployment,
    rather than at a citizen's "send" (docs/payments.md)."""
    from .payments.service import configuration_problems
    from .publishing import compiled, published_forms

    problems = configuration_problems([compiled(v) for v in published_forms()])
    if problems:
        raise click.ClickException("payments are not configured:\n  " + "\n  ".join(problems)
                                   + "\n(set \"payment\" in the authority's file, see "
                                   "docs/payments.md; `amtsweg payments check` checks again)")


@click.command("cleanup")
@with_appcontext
def cleanup() -> None:
    """Delete expired drafts, submissions past retention and the files nobody needs any more."""
    from .drafts import delete_expired
    from .handover.retention import delete_expired_submissions
    from .uploads.service import delete_orphans

    submissions = delete_expired_submissions()
    click.echo(f"deleted the data of {submissions} submissions past retention (tombstones kept)")
    drafts = delete_expired()
    files = delete_orphans()
    click.echo(f"deleted {drafts} expired drafts and {files} orphaned files")


def register_commands(app: Flask) -> None:
    from .authorities.cli import register as register_authorities
    from .designer.cli import users
    from .handover.cli import register as register_handover

    app.cli.add_command(forms)
    register_handover(app.cli)
    app.cli.add_command(cleanup)
    app.cli.add_command(users)
    register_authorities(app.cli)
    from .payments.cli import payments

    app.cli.add_command(payments)
