"""Taking a submission into the procedure: check it, fetch its files, open a case, answer.

Push and pull end here with the same document (the API's Submission). Every
step can be repeated: a submission that already has a case is only
acknowledged again, with the same case number.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from jsonschema import Draft202012Validator

from .portal_api import Portal, PortalError
from .store import Store

log = logging.getLogger("receiver")
JOSE = "application/jose"


class Refused(Exception):
    """The submission is not acceptable (schema, checksum); the portal is told why."""


class Receiver:
    def __init__(self, portal: Portal, store: Store, private_jwk: dict | None = None,
                 envelope_schema: dict | None = None) -> None:
        self.portal = portal
        self.store = store
        self.private_jwk = private_jwk
        self._envelope_schema = envelope_schema
        self._data_schemas: dict[str, Draft202012Validator] = {}

    # -- checks -------------------------------------------------------------------------

    def _envelope_validator(self) -> Draft202012Validator:
        if self._envelope_schema is None:
            # Fetched once from the portal; a procedure may pin its own copy instead (--schema).
            self._envelope_schema = self.portal.json(
                "GET", "/api/v1/schemas/submission.schema.json", authenticated=False)
        return Draft202012Validator(self._envelope_schema,
                                    format_checker=Draft202012Validator.FORMAT_CHECKER)

    def _data_validator(self, form: dict) -> Draft202012Validator:
        # One schema per published form version, identified by its content hash.
        if form["content_hash"] not in self._data_schemas:
            schema = self.portal.json("GET", form["data_schema"], authenticated=False)
            self._data_schemas[form["content_hash"]] = Draft202012Validator(schema)
        return self._data_schemas[form["content_hash"]]

    def _decrypt(self, token: str) -> bytes:
        if self.private_jwk is None:
            # Our configuration, not the citizen's fault: keep it and fix the key, never reject.
            raise RuntimeError("the submission is encrypted but this receiver has no private key")
        from joserfc import jwe
        from joserfc.jwk import RSAKey

        key = RSAKey.import_key(self.private_jwk)
        return jwe.decrypt_compact(token, key, algorithms=["RSA-OAEP-256", "A256GCM"]).plaintext

    def envelope_of(self, document: dict) -> dict:
        if "encrypted_envelope" in document:
            envelope = json.loads(self._decrypt(document["encrypted_envelope"]))
        else:
            envelope = document["envelope"]
        errors = [e.message for e in self._envelope_validator().iter_errors(envelope)]
        if errors:
            raise Refused(f"the envelope breaks submission.schema.json: {errors[0]}")
        errors = [e.message for e in self._data_validator(envelope["metadata"]["form"])
                  .iter_errors(envelope["data"])]
        if errors:
            raise Refused(f"the data breaks the form's data schema: {errors[0]}")
        return envelope

    def fetch_files(self, envelope: dict) -> list[dict]:
        """Download every attachment (and the receipt), checking size and SHA-256."""
        meta = envelope["metadata"]
        stored = []
        for attachment in meta["attachments"]:
            content, media_type = self.portal.download(attachment["href"])
            if media_type == JOSE:
                content = self._decrypt(content.decode())
            digest = hashlib.sha256(content).hexdigest()
            if digest != attachment["sha256"] or len(content) != attachment["size"]:
                raise Refused(f"attachment {attachment['id']} does not match its SHA-256")
            path: Path = self.store.file_path(meta["submission_id"], attachment["id"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            stored.append({**attachment, "sha256": digest})
        if receipt := meta.get("receipt"):  # the citizen's PDF receipt, kept with the case
            content, media_type = self.portal.download(receipt["href"])
            if media_type == JOSE:
                content = self._decrypt(content.decode())
            if hashlib.sha256(content).hexdigest() != receipt["sha256"]:
                raise Refused("the receipt does not match its SHA-256")
            path = self.store.file_path(meta["submission_id"], "receipt")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            stored.append({"id": "receipt", "name": "receipt.pdf", "sha256": receipt["sha256"],
                           "size": len(content)})
        return stored

    # -- the whole way ------------------------------------------------------------------

    def take_over(self, document: dict, via: str) -> str:
        """Open a case for the submission (or find it) and answer the portal; returns the answer."""
        submission_id = document["id"]
        case = self.store.case_for(submission_id)
        if case is None:
            try:
                envelope = self.envelope_of(document)
                files = self.fetch_files(envelope)
            except Refused as refused:
                self.portal.reject(submission_id, str(refused))
                log.warning("rejected %s: %s", document["reference"], refused)
                return "rejected"
            case = self.store.open_case(envelope, via, files)
        try:
            self.portal.acknowledge(submission_id, case["case_number"])
        except PortalError as error:
            if error.status != 409:
                raise
            log.warning("%s was answered differently before: %s", document["reference"], error)
            return "conflict"
        self.store.answered(submission_id, f"acknowledged {case['case_number']}")
        log.info("%s is case %s (%s)", document["reference"], case["case_number"], via)
        return "acknowledged"

    def pull(self) -> int:
        """Take over every open submission; returns how many were taken."""
        count = 0
        for item in self.portal.open_submissions():
            self.take_over(self.portal.submission(item["id"]), "pull")
            count += 1
        return count
