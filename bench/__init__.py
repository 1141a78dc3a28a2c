"""Benchmarks, run by `make bench` (python -m bench), never by `make test`.

A bench module is a bench/*.py file that runs as `python -m bench.NAME` (it has
an `if __name__ == "__main__":` block) and writes its own section of
docs/benchmarks.md through bench.report.write_section(NAME, markdown). The
other files here are helpers: server.py (gunicorn and databases), load.py
(the load generator), citizen.py (a citizen over HTTP), report.py.
"""
