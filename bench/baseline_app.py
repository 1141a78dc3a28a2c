"""The baseline: the smallest Flask application, under the same gunicorn settings.

`gunicorn -c gunicorn.conf.py bench.baseline_app:app`; the wizard's numbers are
reported as a ratio to this one, measured in the same run on the same machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
