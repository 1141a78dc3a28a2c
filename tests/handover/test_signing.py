"""Standard Webhooks signing, checked against the specification's own example and against
the reference receiver's independent implementation."""

from __future__ import annotations

import pytest

from examples.receiver import webhooks as receiver_side
from portal.handover import signing


def test_the_signature_matches_the_specifications_example():
    # The example of the Standard Webhooks specification: secret, id, timestamp, body, signature.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


def test_a_signed_message_verifies_on_both_sides():
    secret = signing.generate_secret()
    body = b'{"type":"submission.created"}'
    headers = signing.sign(secret, "msg_1", body)
    signing.verify(secret, headers, body)
    assert receiver_side.verify(secret, headers, body) == "msg_1"


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret", "old", "missing"])
def test_anything_changed_fails_verification(tamper):
    secret, body = signing.generate_secret(), b'{"a":1}'
    headers = signing.sign(secret, "msg_1", body)
    if tamper == "body":
        body = b'{"a":2}'
    elif tamper == "id":
        headers["webhook-id"] = "msg_2"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) + 1)
    elif tamper == "secret":
        secret = signing.generate_secret()
    elif tamper == "old":  # a replay an hour later
        earlier = int(headers["webhook-timestamp"]) - 3600
        headers = signing.sign(secret, "msg_1", body, timestamp=earlier)
    else:
        del headers["webhook-signature"]
    with pytest.raises(signing.BadSignature):
        signing.verify(secret, headers, body)
    with pytest.raises(receiver_side.Unsigned):
        receiver_side.verify(secret, headers, body)


def test_one_matching_signature_among_several_is_enough():
    old, new, body = signing.generate_secret(), signing.generate_secret(), b"{}"
    headers = signing.sign(new, "msg_1", body)
    old_signature = signing.sign(old, "msg_1", body, int(headers["webhook-timestamp"]))
    both = f"{old_signature['webhook-signature']} {headers['webhook-signature']}"
    headers["webhook-signature"] = both
    signing.verify(new, headers, body)
    signing.verify(old, headers, body)


@pytest.mark.parametrize("secret", ["geheim", "whsec_", "whsec_!!!", "whsec_" + "QUJD" * 2])
def test_a_secret_must_be_whsec_and_enough_random_bytes(secret):
    with pytest.raises(ValueError):
        signing.secret_key(secret)
