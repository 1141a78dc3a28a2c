"""The envelope: valid against submission.schema.json for every shipped form, data valid
against the form's data schema, and encryption that only the key's owner can open."""

from __future__ import annotations

import json

import pytest
from joserfc import jwe
from joserfc.jwk import RSAKey
from jsonschema import Draft202012Validator

from portal.engine import data_schema
from portal.handover import encryption
from portal.handover.envelope import build_envelope, describe, envelope_schema
from portal.publishing import compiled
from tests.handover.helpers import submit


def test_the_envelope_schema_is_valid_json_schema():
    Draft202012Validator.check_schema(envelope_schema())


@pytest.mark.parametrize("form_id", ["onlinewache", "bauantrag", "hilfe-zum-lebensunterhalt",
                                     "wohngeld"])
def test_every_shipped_forms_envelope_and_data_validate(app, form_id):
    submission = submit(app, form_id)
    envelope = build_envelope(submission)
    Draft202012Validator(envelope_schema(),
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(envelope)
    Draft202012Validator(data_schema(compiled(submission.form_version))).validate(envelope["data"])
    meta = envelope["metadata"]
    assert meta["reference"] == submission.reference
    assert meta["destination"] == submission.destination
    assert meta["form"]["content_hash"] == submission.form_version.content_hash
    # Every file the data refers to is in the attachment list, with its checksum.
    listed = {a["id"] for a in meta["attachments"]}
    referred = {value for value in json.dumps(envelope["data"]).split('"') if value in listed}
    assert listed == referred and all(len(a["sha256"]) == 64 for a in meta["attachments"])


def test_an_encrypted_envelope_opens_only_with_the_private_key(app):
    key, stranger = RSAKey.generate_key(2048), RSAKey.generate_key(2048)
    submission = submit(app)
    document = describe(submission, encryption.check_public_jwk(key.as_dict(private=False)))
    assert "envelope" not in document
    token = document["encrypted_envelope"]
    opened = jwe.decrypt_compact(token, key, algorithms=encryption.ALGORITHMS)
    assert json.loads(opened.plaintext) == build_envelope(submission)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        jwe.decrypt_compact(token, stranger, algorithms=encryption.ALGORITHMS)


@pytest.mark.filterwarnings("ignore:Key size should be")
@pytest.mark.parametrize("jwk, reason", [
    ({"kty": "EC", "crv": "P-256"}, "kty RSA"),
    ("private", "private key"),
    ("small", "2048"),
    ({"kty": "RSA", "n": "abc", "e": "AQAB", "use": "sig"}, '"use"'),
])
def test_only_a_public_rsa_key_of_2048_bits_is_accepted(jwk, reason):
    if jwk == "private":
        jwk = RSAKey.generate_key(2048).as_dict(private=True)
    elif jwk == "small":
        jwk = RSAKey.generate_key(1024, private=False, auto_kid=False).as_dict(private=False)
    with pytest.raises(encryption.UnusableKey, match=reason):
        encryption.check_public_jwk(jwk)
