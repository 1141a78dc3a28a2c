"""Two web nodes, no shared disk: one application across both, delivered exactly once.

Two gunicorn nodes (the project's gunicorn.conf.py, bench/server.Server), each with an
instance folder of its own, on one PostgreSQL database (created for this test), Redis
for the rate-limit counters and SeaweedFS for the uploads. A citizen (bench/nodes.py)
fills in the onlinewache over real HTTP, every request to the other node in turn; the
photos are uploaded on node A, the application is submitted on node B. Two delivery
workers, each with its own instance folder too, race for the delivery; the reference
receiver (examples/receiver, its API calls to node B) must get it exactly once, with
every file byte for byte and the receipt.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from bench.citizen import new_session, shipped_form
from bench.nodes import Traveller, photos
from bench.server import Server, amtsweg, app_env, postgres_database, prepare_database
from bench.stored import check
from tests.conftest import POSTGRES_URL
from tests.handover.processes import ReceiverProcess, start_worker, wait_for, worker_env

REDIS_URL = "redis://127.0.0.1:6379/0"


def _node_env(database_url: str, instance: Path, secret: str, storage: dict[str, str]
              ) -> dict[str, str]:
    instance.mkdir(parents=True)
    return app_env(database_url, instance, AMTSWEG_SECRET_KEY=secret,
                   AMTSWEG_REDIS_URL=REDIS_URL, AMTSWEG_WEB_WORKERS="2",
                   AMTSWEG_ACCESS_LOG="off", **storage)


def _last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


async def _apply(nodes: list[str]) -> Traveller:
    async with new_session(4) as session:
        citizen = Traveller(session, nodes, shipped_form("onlinewache"), files=photos(),
                            upload_node=0, submit_node=1)
        await citizen.apply()
        return citizen


def test_an_application_across_two_nodes_is_delivered_once_with_its_files(seaweed, tmp_path):
    storage = seaweed.env(prefix="two-nodes-" + secrets.token_hex(4))
    secret = "two-nodes-" + secrets.token_hex(16)
    with postgres_database(POSTGRES_URL) as (url, _):
        node_a = _node_env(url, tmp_path / "node-a", secret, storage)
        node_b = _node_env(url, tmp_path / "node-b", secret, storage)
        prepare_database(node_a)
        signing = _last_line(amtsweg("destinations", "add", "polizei", "--generate-secret",
                                     env=node_a))
        token = _last_line(amtsweg("clients", "create", "--destination", "polizei",
                                   "--name", "Vorgangsbearbeitung", env=node_a))
        with Server(env=node_a, log_path=tmp_path / "node-a.log") as a, \
                Server(env=node_b, log_path=tmp_path / "node-b.log") as b:
            receiver = ReceiverProcess(b.base_url, token, signing, tmp_path / "receiver" / "data")
            receiver.data_dir.parent.mkdir()
            receiver.start()
            amtsweg("destinations", "update", "polizei", "--push-url", receiver.push_url,
                    env=node_b)
            workers = [
                start_worker(worker_env(url, tmp_path / f"worker-{name}", **storage),
                             tmp_path / f"worker-{name}.log")
                for name in ("a", "b")
            ]
            try:
                # In a thread of its own: in a full run Playwright's sync API keeps an event
                # loop running in this thread, and asyncio.run refuses to start a second one.
                with ThreadPoolExecutor(1) as thread:
                    citizen = thread.submit(asyncio.run,
                                            _apply([a.base_url, b.base_url])).result()
                # The requests took turns between the nodes (a balancer without sticky
                # sessions); the upload was pinned to A, the submit to B.
                nodes = [node for _, _, node in citizen.served]
                turns = sum(1 for x, y in zip(nodes, nodes[1:], strict=False) if x != y)
                assert turns >= len(nodes) - 3 and nodes.count(0) > 10 and nodes.count(1) > 10
                uploads = [n for m, p, n in citizen.served if m == "POST" and "/beweismittel" in p]
                assert uploads[0] == 0
                assert ("POST", "/forms/onlinewache/submit", 1) in citizen.served
                assert citizen.receipt_fetched

                def acknowledged() -> dict | None:
                    report = receiver.status()
                    cases = report["cases"]
                    return report if cases and cases[0]["answer"] else None

                report = wait_for(acknowledged, 60, "the delivery to be acknowledged",
                                  lambda: "\n".join(w.output() for w in workers)
                                  + receiver.process.output())
            finally:
                for worker in workers:
                    worker.stop()
                receiver.stop()
        with sa.create_engine(url).connect() as conn:
            submission_id, status = conn.execute(sa.text(
                "SELECT id, status FROM submission WHERE reference = :r"),
                {"r": citizen.reference}).one()
            attachments = dict(conn.execute(sa.text(
                "SELECT id, sha256 FROM attachment WHERE submission_id = :s"),
                {"s": submission_id}).all())
            deliveries = conn.execute(sa.text(
                "SELECT status, attempts FROM delivery WHERE submission_id = :s"),
                {"s": submission_id}).all()
            receipt = conn.execute(sa.text(
                "SELECT sha256 FROM receipt WHERE submission_id = :s"),
                {"s": submission_id}).scalar_one()
        stored = check(url, [citizen.reference])
    assert stored["stored"] == 1 and stored["incomplete"] == [], stored
    # Exactly once: one case, one push received once, one delivery attempted once.
    assert [c["reference"] for c in report["cases"]] == [citizen.reference]
    assert [m["received_count"] for m in report["messages"]] == [1]
    assert [(s, n) for s, n in deliveries] == [("delivered", 1)], deliveries
    assert status == "acknowledged"
    received = {f["attachment_id"]: f["sha256"] for f in report["cases"][0]["files"]}
    assert received.pop("receipt") == receipt
    assert received == attachments and len(attachments) == 2
    # The photos the receiver holds are those stored (their GPS removed on upload).
    uploaded = {hashlib.sha256(content).hexdigest() for content, _, _ in photos()}
    assert not uploaded & set(attachments.values())
    assert not list((tmp_path / "node-a").glob("uploads/**/*"))
    assert not list((tmp_path / "node-b").glob("uploads/**/*"))
