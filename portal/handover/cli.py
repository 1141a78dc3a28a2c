"""Commands for the handover: `amtsweg destinations …`, `clients …`, `worker`, `handover retry`.

A token or a generated secret is printed once, as the last line, so a script
can take it with `| tail -n 1`; nothing else ever shows it again.
"""

from __future__ import annotations

import json
import signal
import threading
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from ..models import Submission
from . import clients as service
from . import signing
from .models import Delivery, Destination


def _fail(error: Exception) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(str(error))


destinations = click.Group("destinations", help="Receiving authorities and procedures.")


def _destination_options(command):
    for option in reversed([
        click.option("--label", help="A readable name, e.g. 'Polizei Berlin, Onlinewache'."),
        click.option("--push-url",
                     help="Where the worker pushes submissions ('' switches push off)."),
        click.option("--secret", envvar="AMTSWEG_SIGNING_SECRET",
                     help="The signing secret (whsec_…), or AMTSWEG_SIGNING_SECRET."),
        click.option("--generate-secret", is_flag=True,
                     help="Make a new signing secret and print it once, as the last line."),
        click.option("--public-jwk", type=click.Path(exists=True, dir_okay=False),
                     help="A public RSA key (JWK file): deliver envelopes and files only as JWE."),
        click.option("--mail-from",
                     help="The sender of the citizens' e-mails about this destination's cases, "
                          "e.g. 'Polizei Berlin <no-reply@polizei.berlin.de>' ('' for the "
                          "portal's AMTSWEG_MAIL_FROM)."),
    ]):
        command = option(command)
    return command


def _configure(name: str, create: bool, label: str | None, push_url: str | None,
               secret: str | None, generate_secret: bool, public_jwk: str | None,
               mail_from: str | None = None) -> None:
    if secret and generate_secret:
        raise click.UsageError("use either --secret or --generate-secret")
    new_secret = signing.generate_secret() if generate_secret else None
    jwk = json.loads(Path(public_jwk).read_text()) if public_jwk else None
    try:
        destination = service.configure_destination(
            name, create=create, label=label, push_url=push_url,
            signing_secret=secret or new_secret or None, public_jwk=jwk, mail_from=mail_from)
    except (ValueError, service.NotFound) as error:
        raise _fail(error) from None
    click.echo(f"destination {destination.name}: "
               + ("push to " + destination.push_url if destination.pushes else "pull only")
               + (", encrypted (JWE)" if destination.public_jwk else ""))
    if destination.push_url and service.is_plain_http(destination.push_url):
        click.echo("warning: the push URL is plain http; use https outside this machine", err=True)
    if new_secret:
        click.echo("signing secret (shown once; give it to the receiving procedure):")
        click.echo(new_secret)


@destinations.command("add")
@click.argument("name")
@_destination_options
@with_appcontext
def destinations_add(name: str, **options) -> None:
    """Add destination NAME, as a form's `destination` names it."""
    _configure(name, True, **options)


@destinations.command("update")
@click.argument("name")
@_destination_options
@with_appcontext
def destinations_update(name: str, **options) -> None:
    """Change the given settings of destination NAME."""
    _configure(name, False, **options)


@destinations.command("list")
@with_appcontext
def destinations_list() -> None:
    """Every destination, how it receives, and what waits for it."""
    waiting = dict(db.session.execute(
        select(Submission.destination, func.count())
        .where(Submission.status.in_(("new", "delivered")))
        .group_by(Submission.destination)).all())
    dead = dict(db.session.execute(
        select(Delivery.destination, func.count()).where(Delivery.status == "dead")
        .group_by(Delivery.destination)).all())
    known = set()
    for d in db.session.execute(select(Destination).order_by(Destination.name)).scalars():
        known.add(d.name)
        how = f"push {d.push_url}" if d.pushes else "pull"
        click.echo(f"{d.name}\t{d.label}\t{how}{' JWE' if d.public_jwk else ''}\t"
                   f"open {waiting.get(d.name, 0)}\tdead {dead.get(d.name, 0)}")
    for name in sorted(set(waiting) - known):
        click.echo(f"{name}\t(not configured)\t-\topen {waiting[name]}\tdead {dead.get(name, 0)}")


clients = click.Group("clients", help="API clients (bearer tokens) of destinations.")


@clients.command("create")
@click.option("--destination", required=True, help="The destination the client may see.")
@click.option("--name", required=True, help="Who uses it, e.g. 'Fachverfahren ViVA, prod'.")
@with_appcontext
def clients_create(destination: str, name: str) -> None:
    """Create a client; its token is the last line printed, and only its hash is kept."""
    try:
        client, token = service.create_client(destination, name)
    except service.NotFound as error:
        raise _fail(error) from None
    click.echo(f"client {client.prefix} ({client.name}) for destination {destination}")
    click.echo("token (shown once; store it in the procedure's secret store):")
    click.echo(token)


@clients.command("list")
@click.option("--destination", help="Only this destination's clients.")
@with_appcontext
def clients_list(destination: str | None) -> None:
    """Every client: prefix, destination, name, state, last use."""
    for c in service.clients_of(destination):
        state = "active" if service.is_active(c) else "revoked"
        if c.revoked_at is not None and service.is_active(c):
            state = f"active until {c.revoked_at:%Y-%m-%d %H:%M} (rotated)"
        used = f"{c.last_used_at:%Y-%m-%d %H:%M}" if c.last_used_at else "never"
        click.echo(f"{c.prefix}\t{c.destination.name}\t{c.name}\t{state}\tlast used {used}")


@clients.command("revoke")
@click.argument("prefix")
@with_appcontext
def clients_revoke(prefix: str) -> None:
    """Refuse the token with PREFIX from now on."""
    try:
        client = service.revoke_client(prefix)
    except service.NotFound as error:
        raise _fail(error) from None
    click.echo(f"client {client.prefix} ({client.name}) revoked")


@clients.command("rotate")
@click.argument("prefix")
@click.option("--grace-hours", default=24.0, show_default=True,
              help="How long the old token keeps working.")
@with_appcontext
def clients_rotate(prefix: str, grace_hours: float) -> None:
    """Issue a new token for the client with PREFIX; the old one stops after the grace time."""
    try:
        client, token = service.rotate_client(prefix, timedelta(hours=grace_hours))
    except (ValueError, service.NotFound) as error:
        raise _fail(error) from None
    click.echo(f"client {client.prefix} replaces {prefix}, "
               f"which works for {grace_hours:g} more hours")
    click.echo("token (shown once):")
    click.echo(token)


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Deliveries in parallel (threads).")
@with_appcontext
def worker(once: bool, concurrency: int) -> None:
    """Push submissions to their destinations (run on as many machines as you like)."""
    from .worker import run

    stop = threading.Event()
    # Finish the attempt in hand, then stop: a killed attempt would only be retried.
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        tally = run(current_app._get_current_object(), concurrency=concurrency, once=once,
                    stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = ", ".join(f"{n} {what}" for what, n in sorted(tally.items()))
    click.echo(summary or "nothing to deliver")


handover = click.Group("handover", help="The delivery outbox.")


@handover.command("retry")
@click.option("--destination", help="Only this destination's deliveries.")
@click.option("--submission", "submission_key", help="Only this submission (id or reference).")
@with_appcontext
def handover_retry(destination: str | None, submission_key: str | None) -> None:
    """Re-queue dead-lettered deliveries (and those parked as pull-only) for push."""
    from ..reference import normalise
    from .outbox import requeue

    submission_id = None
    if submission_key:
        submission_id = db.session.execute(
            select(Submission.id).where((Submission.id == submission_key)
                                        | (Submission.reference == normalise(submission_key)))
        ).scalar_one_or_none()
        if submission_id is None:
            raise click.ClickException(f"no submission {submission_key!r}")
    count = requeue(destination=destination, submission_id=submission_id)
    click.echo(f"re-queued {count} deliveries")


def register(app_cli: click.Group) -> None:
    for group in (destinations, clients, worker, handover):
        app_cli.add_command(group)
