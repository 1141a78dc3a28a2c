"""`amtsweg authorities …` and `amtsweg jurisdictions …`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import AuthorityError, all_authorities, import_jurisdictions, load_authorities, name_of

authorities = click.Group("authorities", help="Load and list the authorities (authorities/).")
jurisdictions = click.Group("jurisdictions", help="The jurisdiction table: who serves where.")


@authorities.command("load")
@click.option("--folder", type=click.Path(file_okay=False, exists=True),
              help="Where the authority files are (default: the AUTHORITIES_DIR setting, "
                   "authorities/ of a checkout).")
@click.option("--create-destinations", is_flag=True,
              help="Add every destination an authority names that is not configured yet, "
                   "pull only; `make run` does this.")
@with_appcontext
def authorities_load(folder: str | None, create_destinations: bool) -> None:
    """Create or update every authority of the folder's *.json files (one each).

    The destination an authority names belongs to it; --create-destinations creates it
    (pull only) if it is not configured yet.
    """
    try:
        results = load_authorities(Path(folder or current_app.config["AUTHORITIES_DIR"]),
                                   create_destinations)
    except AuthorityError as error:
        raise click.ClickException(str(error)) from None
    for authority, state in results:
        click.echo(f"{authority.id}: {state}")


@authorities.command("list")
@with_appcontext
def authorities_list() -> None:
    """Every authority: id, AGS, destination, name and the shared forms it owns (the only
    authority that publishes their versions), tab-separated."""
    for authority in all_authorities():
        click.echo("\t".join((authority.id, authority.ags or "-", authority.destination or "-",
                              name_of(authority, "de"), ",".join(authority.owns or []) or "-")))


@jurisdictions.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@with_appcontext
def jurisdictions_import(file: str) -> None:
    """Replace the rows of every service (LeiKa key) FILE names with FILE's rows.

    FILE is CSV (UTF-8) with the columns leika_key, postcode, ags, municipality,
    authority and optionally destination; see docs/authorities.md.
    """
    try:
        result = import_jurisdictions(Path(file))
    except AuthorityError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imported {result.rows} rows for {len(result.services)} services "
               f"({', '.join(result.services)})")


def register(cli: click.Group) -> None:
    cli.add_command(authorities)
    cli.add_command(jurisdictions)
