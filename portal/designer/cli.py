"""`amtsweg users`: staff accounts for the form designer (the first one has to come from here)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from .auth import MIN_PASSWORD_LENGTH, AccountError, aware, create_user, now
from .models import ROLES, StaffUser

users = click.Group("users", help="Staff accounts of the form designer.")


@users.command("create")
@click.option("--email", required=True, help="Sign-in name; one account per address.")
@click.option("--name", required=True, help="The person's name, as the audit log shows it.")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="designer: edit and preview; publisher: also publish and retire; "
                   "administrator: also change the authority's contacts and legal texts.")
@click.option("--authority", required=True,
              help="The id of a loaded authority (amtsweg authorities list) the person works "
                   "for; they see only its forms.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
@with_appcontext
def users_create(email: str, name: str, role: str, authority: str, password_stdin: bool) -> None:
    """Create a staff account. The password is asked for (or read from stdin), never an option."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
                                hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, role, authority, password)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.email} ({user.role}) for {user.authority}")


@users.command("list")
@with_appcontext
def users_list() -> None:
    """List every staff account: e-mail, role, authority, and whether it is locked."""
    rows = db.session.execute(select(StaffUser).order_by(StaffUser.authority, StaffUser.email))
    for user in rows.scalars():
        state = "active" if user.active else "inactive"
        if user.locked_until is not None and aware(user.locked_until) > now():
            state += f", locked until {user.locked_until:%Y-%m-%d %H:%M} UTC"
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{user.authority}\t{state}")
