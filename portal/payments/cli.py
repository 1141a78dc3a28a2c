"""`amtsweg payments …`: check the configuration, settle what nobody came back for."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

payments = click.Group("payments", help="Online payment of fees (docs/payments.md).")


@payments.command("check")
@with_appcontext
def payments_check() -> None:
    """Every published fee-bearing form can be paid at every authority that serves it.

    Exits 1, naming the form, the authority and what is missing, otherwise.
    """
    from ..publishing import compiled, published_forms
    from .service import configuration_problems

    problems = configuration_problems([compiled(v) for v in published_forms()])
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo("payments: ok")


@payments.command("reconcile")
@with_appcontext
def payments_reconcile() -> None:
    """Ask the provider about every open payment and settle it.

    Paid: the application is sent (exactly once); failed or cancelled: recorded. Run it from
    cron, e.g. every 15 minutes: it settles payments whose citizen never came back.
    """
    from .service import reconcile

    counts = reconcile(click.echo)
    click.echo(", ".join(f"{count} {status}" for status, count in counts.items()))
