"""The receiver's web side: the push endpoint, and a status page for people (and tests).

A push is verified, stored in the inbox and answered 204 at once; a
background thread then takes it over. Answering quickly keeps the portal's
worker free, and the inbox means a crash after the 204 loses nothing.
"""

from __future__ import annotations

import json
import logging
import threading

from flask import Flask, abort, jsonify, request

from .processing import Receiver
from .webhooks import Unsigned, verify

log = logging.getLogger("receiver")


class Inbox:
    """Works through stored pushes in one thread, retrying what failed (portal away)."""

    def __init__(self, receiver: Receiver, retry_seconds: float = 2.0) -> None:
        self.receiver = receiver
        self.retry_seconds = retry_seconds
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="inbox", daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            failed = False
            for message in self.receiver.store.unprocessed():
                try:
                    payload = json.loads(message["payload"])
                    self.receiver.take_over(payload["data"], "push")
                    self.receiver.store.processed(message["webhook_id"])
                except Exception:  # keep the message, try again later
                    log.exception("could not take over %s", message["webhook_id"])
                    failed = True
            self.wake.wait(self.retry_seconds if failed else 5)
            self.wake.clear()


def create_app(receiver: Receiver, signing_secret: str) -> Flask:
    app = Flask(__name__)
    inbox = Inbox(receiver)
    inbox.thread.start()
    app.extensions["inbox"] = inbox

    @app.post("/webhooks/amtsweg")
    def webhook():
        body = request.get_data()
        try:
            webhook_id = verify(signing_secret, request.headers, body)
        except Unsigned as error:
            log.warning("refused an unsigned push: %s", error)
            abort(401)
        payload = json.loads(body)
        if payload.get("type") != "submission.created":
            return "", 204  # an event type this procedure does not know: fine, ignore it
        new = receiver.store.receive(webhook_id, payload["data"]["id"], body)
        if not new:
            log.info("duplicate push %s dropped", webhook_id)
        inbox.wake.set()
        return "", 204

    @app.get("/status")
    def status():
        return jsonify(receiver.store.report())

    return app
