"""The caseworker API's side of the mailbox: the case status and the message thread."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, current_app, jsonify, request
from jsonschema import Draft202012Validator, FormatChecker

from ..extensions import unit_of_work
from ..handover import lifecycle, pull
from ..handover.envelope import rfc3339, submission_path
from ..mailbox import thread
from ..mailbox.models import AUTHORITY
from ..mailbox.notify import announce
from ..uploads.service import MB, storage
from ..uploads.storage import TooLarge
from . import bp, openapi
from .auth import client_required, current_client
from .problems import Problem
from .views import _download, _submission

_status = Draft202012Validator(openapi.STATUS_CHANGE, format_checker=FormatChecker())
_message = Draft202012Validator(openapi.NEW_MESSAGE, format_checker=FormatChecker())


def _errors(validator: Draft202012Validator, body: Any) -> None:
    errors = sorted(validator.iter_errors(body), key=str)
    if errors:
        raise Problem(400, "The body does not match the schema.", "invalid-request",
                      errors=[e.message for e in errors][:10])


def status_document(submission) -> dict[str, Any]:
    steps = thread.history(submission)
    return {
        "status": steps[-1].status, "note": steps[-1].note,
        "changed_at": rfc3339(steps[-1].changed_at, precise=True),
        "history": [{"status": s.status, "note": s.note,
                     "changed_at": rfc3339(s.changed_at, precise=True)} for s in steps],
    }


def _conflict(conflict: lifecycle.Conflict) -> Problem:
    return Problem(409, str(conflict), "conflict")


@bp.route("/submissions/<submission_id>/status", methods=["GET", "POST"])
@client_required
def status(submission_id: str) -> Response:
    """GET: the case status and its history. POST: set it (one route: one rule per path)."""
    if request.method == "GET":
        return jsonify(status_document(_submission(submission_id)))
    body = request.get_json()  # 415 for another media type, 400 for broken JSON
    _errors(_status, body)
    submission = _submission(submission_id)
    try:
        with unit_of_work():
            if thread.set_status(submission, body["status"], body.get("note"),
                                 current_client().prefix):
                announce(submission, "status")
    except lifecycle.Conflict as conflict:
        raise _conflict(conflict) from None
    return jsonify(status_document(submission))


def _message_input() -> tuple[dict[str, Any], list[thread.Upload]]:
    """The new message from JSON, or from multipart/form-data with its files."""
    if request.mimetype == "multipart/form-data":
        body: dict[str, Any] = {key: request.form.get(key) for key in request.form}
        if "answer_requested" in body:
            flag = body["answer_requested"]
            body["answer_requested"] = {"true": True, "false": False}.get(flag, flag)
        uploads = [thread.Upload(f.filename or "attachment", f.mimetype or
                                 "application/octet-stream", f.stream)
                   for f in request.files.getlist("attachments") if f.filename]
        stray = sorted(set(request.files) - {"attachments"})
        if stray:
            body["attachments"] = stray  # reported as a schema error below
        return body, uploads
    return request.get_json(), []


@bp.route("/submissions/<submission_id>/messages", methods=["GET", "POST"])
@client_required
def messages(submission_id: str) -> Response | tuple[Response, int]:
    """GET: the thread with read receipts. POST: a message to the citizen, files as multipart."""
    if request.method == "GET":
        return list_messages(submission_id)
    body, uploads = _message_input()
    _errors(_message, body)
    submission = _submission(submission_id)
    due = date.fromisoformat(body["answer_due"]) if body.get("answer_due") else None
    try:
        with unit_of_work():
            message = thread.send_message(
                submission, body["subject"], body["body"], current_client().prefix,
                answer_due=due, answer_requested=bool(body.get("answer_requested")),
                files=uploads, limit=int(current_app.config.get("MAX_UPLOAD_TOTAL_MB", 100) * MB))
            announce(submission, "message")
    except lifecycle.Conflict as conflict:
        raise _conflict(conflict) from None
    except TooLarge:
        raise Problem(413, "A file is larger than the portal accepts.") from None
    files = thread.files_of([message])[message.id]
    response = jsonify(thread.describe_message(message, files,
                                               pull.public_key_of(current_client())))
    response.headers["Location"] = (f"{submission_path(submission.id)}/messages")
    return response, 201


def list_messages(submission_id: str) -> Response:
    submission = _submission(submission_id)
    with unit_of_work():
        messages = thread.messages_of(submission)
        files = thread.files_of(messages)
        key = pull.public_key_of(current_client())
        items = [thread.describe_message(m, files[m.id], key) for m in messages]
        # The procedure has now seen the citizen's replies (their read receipt on our side).
        thread.mark_read(messages, AUTHORITY)
    return jsonify(items=items)


@bp.get("/submissions/<submission_id>/messages/<message_id>/files/<file_id>")
@client_required
def get_message_file(submission_id: str, message_id: str, file_id: str) -> Response:
    submission = _submission(submission_id)
    message = thread.find_message(submission, message_id)
    row = thread.find_file(message, file_id) if message is not None else None
    if row is None:
        if submission.deleted_at is not None:
            raise Problem(410, "The messages were deleted when the retention time ended.", "gone")
        raise Problem(404, "The submission has no such message file.")
    return _download(storage().open(row.storage_key), row.media_type, row.display_name,
                     row.sha256)
