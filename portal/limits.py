"""Rate limits (Flask-Limiter) on the requests that create state or guess secrets.

Limited: starting an application, submitting it, resuming with a code, e-mailing
the resume link (every request counts: each may send a mail) and
fetching a receipt by reference and receipt code (only misses count there, so a
code cannot be found by trying), and every request to the caseworkers' API
(blueprint "api", per client token).
Steps themselves are not limited: a citizen on a slow form must never be
stopped. Counters live in Redis when RATELIMIT_STORAGE_URI / AMTSWEG_REDIS_URL
is set, so every web node shares them; otherwise in each process's memory.
The limits are defaults on the Limiter that exempt every other endpoint, so
nothing here imports a blueprint and a blueprint registered later is covered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limit, Limiter
from werkzeug.wrappers import Response

#: config key -> the endpoint it limits (method POST only: the pages themselves are free).
ENDPOINT_LIMITS = {
    "RATELIMIT_START": "wizard.start",
    "RATELIMIT_SUBMIT": "wizard.send",
    "RATELIMIT_RESUME": "wizard.resume",
    "RATELIMIT_RECEIPT_CODE": "wizard.find_receipt",
    "RATELIMIT_STATUS_CODE": "mailbox.sign_in",
    "RATELIMIT_RESUME_MAIL": "wizard.email_resume_link",
}
#: Limits on guessing a secret code: only the misses count.
COUNT_MISSES_ONLY = {"RATELIMIT_RESUME", "RATELIMIT_RECEIPT_CODE", "RATELIMIT_STATUS_CODE"}
API_BLUEPRINT = "api"
LIMITED_ENDPOINTS = frozenset(ENDPOINT_LIMITS.values())


def client_address() -> str:
    """The client's address; behind PROXY_HOPS trusted proxies, taken from X-Forwarded-For.

    Only the entries our own proxies appended are trusted; anything further left
    was written by the client and could be anything.
    """
    hops = current_app.config.get("PROXY_HOPS", 0)
    if hops:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def api_client() -> str:
    """An API client is its token (hashed: the key is stored in Redis), else its address."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
    return client_address()


def _missed(response: Response) -> bool:
    # A code that was found redirects (resume) or sends the PDF (receipt): only misses count.
    return response.status_code >= 400


def _only(endpoint: str) -> Callable[[], bool]:
    return lambda: request.endpoint != endpoint


def _configured(key: str) -> Callable[[], str]:
    return lambda: current_app.config[key]


def init_app(app: Flask) -> Limiter:
    """A Limiter of this app's own (tests build many apps with different limits)."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Redis down must not stop citizens: count in memory meanwhile, and say so in the log.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "amtsweg")
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        # A slow Redis must not make a slow portal.
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_connect_timeout": 0.5, "socket_timeout": 0.5,
            **app.config["RATELIMIT_STORAGE_OPTIONS"]}
    limits = [
        Limit(_configured(key), exempt_when=_only(endpoint), methods=["POST"],
              deduct_when=_missed if key in COUNT_MISSES_ONLY else None)
        for key, endpoint in ENDPOINT_LIMITS.items()
    ]
    limits.append(Limit(_configured("RATELIMIT_API"), key_function=api_client, shared=True,
                        scope=API_BLUEPRINT,
                        exempt_when=lambda: request.blueprint != API_BLUEPRINT))
    limiter = Limiter(client_address, default_limits=limits, retry_after="delta-seconds")
    # Every other request (steps, pages, health) is let through by a set lookup, before
    # Flask-Limiter resolves the limits and checks each one's exemption.
    limiter.request_filter(_unlimited)
    # Registered before the Limiter's own hook, so it runs after it (Flask runs an app's
    # after_request functions in reverse order): the rate-limit headers stay, but
    # Retry-After is kept only where it means something, on a refusal.
    app.after_request(_retry_after_only_when_refused)
    limiter.init_app(app)
    # Flask-Limiter's hook works out the view's name and resolves every limit before it
    # asks the request filter: a twentieth of a step page's CPU. The requests no limit
    # applies to skip the hook altogether; the others go through it as before.
    hooks = app.before_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if hook == limiter._check_request_limit:  # noqa: SLF001 - the hook init_app added
            hooks[index] = _when_limited(hook)
    return limiter


def _when_limited(check: Callable[[], None]) -> Callable[[], None]:
    def check_when_limited() -> None:
        if not _unlimited():
            check()
    return check_when_limited


#: The statuses whose Retry-After a client should obey (RFC 9110 §10.2.3).
RETRY_STATUSES = frozenset({429, 503})


def _retry_after_only_when_refused(response: Response) -> Response:
    if response.status_code not in RETRY_STATUSES:
        response.headers.pop("Retry-After", None)
    return response


def _unlimited() -> bool:
    return request.endpoint not in LIMITED_ENDPOINTS and request.blueprint != API_BLUEPRINT
