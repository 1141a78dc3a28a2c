"""The reference receiver behind a fault switch, for the fault test only.

While the file given as --fault-file exists, every push is answered 500
before the receiver sees it, as when its application server is broken.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from examples.receiver.__main__ import serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portal", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fault-file", type=Path, required=True)
    args = parser.parse_args()
    args.host, args.schema = "127.0.0.1", None

    def broken_while_flagged(app):
        def middleware(environ, start_response):
            if environ["PATH_INFO"].startswith("/webhooks/") and args.fault_file.exists():
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [b"internal error"]
            return app(environ, start_response)
        return middleware

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    serve(args, wrap=broken_while_flagged)


if __name__ == "__main__":
    main()
