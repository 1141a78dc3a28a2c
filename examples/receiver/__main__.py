"""python -m examples.receiver serve|pull … (configuration: see README.md)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .portal_api import Portal, PortalError
from .processing import Receiver
from .store import Store


def _receiver(args: argparse.Namespace) -> Receiver:
    token = os.environ.get("RECEIVER_API_TOKEN")
    if not token:
        sys.exit("set RECEIVER_API_TOKEN to the token from `amtsweg clients create`")
    key_file = os.environ.get("RECEIVER_PRIVATE_JWK")
    private_jwk = json.loads(Path(key_file).read_text()) if key_file else None
    schema = json.loads(Path(args.schema).read_text()) if args.schema else None
    return Receiver(Portal(args.portal, token), Store(Path(args.data)), private_jwk, schema)


def serve(args: argparse.Namespace, wrap=None) -> None:
    """Serve pushes; `wrap` may put WSGI middleware in front (the fault tests do)."""
    from werkzeug.serving import make_server

    from .app import create_app

    secret = os.environ.get("RECEIVER_SIGNING_SECRET")
    if not secret:
        sys.exit("set RECEIVER_SIGNING_SECRET to the destination's whsec_ secret")
    app = create_app(_receiver(args), secret)
    server = make_server(args.host, args.port, wrap(app) if wrap else app, threaded=True)
    # shutdown() waits for serve_forever(), which this (main) thread runs: call it from another.
    signal.signal(signal.SIGTERM,
                  lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    logging.getLogger("receiver").info("receiving pushes on http://%s:%d/webhooks/amtsweg",
                                       args.host, args.port)
    server.serve_forever()


def pull(args: argparse.Namespace) -> None:
    receiver = _receiver(args)
    while True:
        try:
            taken = receiver.pull()
            logging.getLogger("receiver").info("pulled %d submissions", taken)
        except PortalError as error:
            logging.getLogger("receiver").warning("portal: %s", error)
            if args.once:
                sys.exit(1)
        if args.once:
            return
        time.sleep(args.interval)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.receiver")
    parser.add_argument("--portal", default=os.environ.get("RECEIVER_PORTAL_URL",
                                                           "http://127.0.0.1:5000"))
    parser.add_argument("--data", default=os.environ.get("RECEIVER_DATA_DIR", "receiver-data"))
    parser.add_argument("--schema", help="a pinned copy of submission.schema.json")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="receive pushes")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8100)
    serve_cmd.set_defaults(run=serve)
    pull_cmd = commands.add_parser("pull", help="fetch open submissions from the API")
    pull_cmd.add_argument("--once", action="store_true", help="one round, then stop")
    pull_cmd.add_argument("--interval", type=float, default=60.0)
    pull_cmd.set_defaults(run=pull)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args.run(args)


if __name__ == "__main__":
    main()
