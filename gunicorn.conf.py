"""Gunicorn settings for Amtsweg: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be changed through the environment, so that one file serves a
laptop, a 2-core VM and a large node (docs/operations.md):

AMTSWEG_BIND            address to listen on (default 127.0.0.1:$PORT, PORT default 8000)
AMTSWEG_WEB_WORKERS     worker processes (or WEB_CONCURRENCY); default: 2 per core
AMTSWEG_WEB_THREADS     threads per worker; default 1 (sync workers), >1 selects gthread
AMTSWEG_ACCESS_LOG      "-" (stdout, default), a file path, or "off"
AMTSWEG_MAX_REQUESTS    recycle a worker after this many requests (default 20000, 0 = never)
FORWARDED_ALLOW_IPS     proxies trusted for X-Forwarded-Proto (default 127.0.0.1)
"""

import os
from contextlib import suppress

cores = os.cpu_count() or 1

bind = os.environ.get("AMTSWEG_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# The work is CPU-bound Python (templates, validation) with short database waits:
# two processes per core keep the cores busy while one of them waits for PostgreSQL.
workers = int(os.environ.get("AMTSWEG_WEB_WORKERS") or os.environ.get("WEB_CONCURRENCY")
              or 2 * cores)
threads = int(os.environ.get("AMTSWEG_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# Load the application once in the master: workers start fast and share its memory.
preload_app = True
max_requests = int(os.environ.get("AMTSWEG_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("AMTSWEG_WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
backlog = 2048
# The heartbeat file on a RAM disk: a slow disk must not make gunicorn kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "amtsweg"
# gunicorn's control socket defaults to one path per user, which several masters on one
# machine (nodes, benchmarks, tests) would fight over; nothing here uses it.
control_socket_disable = True

# JSON logs without personal data: see portal/logging.py (GunicornLogger).
logger_class = "portal.logging.GunicornLogger"
_access_log = os.environ.get("AMTSWEG_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
errorlog = "-"
loglevel = os.environ.get("AMTSWEG_LOG_LEVEL", "info").lower()


def post_fork(server, worker):  # noqa: ANN001 - gunicorn's hook signature
    """Each worker opens its own database connections.

    With preload_app the master built the app; a connection it had opened must
    never be shared by two processes, so the inherited pool is dropped (without
    closing the master's sockets).
    """
    app = server.app.wsgi()
    extension = getattr(app, "extensions", {}).get("sqlalchemy")
    if extension is not None:
        with app.app_context():
            for engine in extension.engines.values():
                engine.dispose(close=False)


def when_ready(server):  # noqa: ANN001 - gunicorn's hook signature
    """Compile every template once in the master, before the workers are forked.

    Each worker would otherwise compile them on its first requests (slow first
    pages after every start and every max_requests recycling); compiled in the
    master they are inherited, and their memory is shared.
    """
    app = server.app.wsgi()
    environment = getattr(app, "jinja_env", None)
    if environment is None or environment.loader is None:
        return
    for name in environment.list_templates():
        environment.get_template(name)
    preload_on_first_use()


def preload_on_first_use():
    """Load in the master what requests would otherwise load in every worker on first use.

    py-spy on a browser's complete application (docs/benchmarks.md) found a tenth of
    the workers' CPU in imports: Pillow's image plugins (the first photo a worker
    checks) and the receipt's fonts (the first submit). Loaded here, every worker
    inherits them, also after each max_requests recycling.
    """
    from PIL import Image

    Image.init()
    from portal.receipt.fonts import FILES, FontMissing, load_face

    for style in FILES:
        with suppress(FontMissing):  # the receipt says so when it is made; serving goes on
            load_face(style)
