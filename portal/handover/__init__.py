"""The handover to specialist procedures: envelope, outbox, signed push delivery, retention.

Importing the package registers its tables (destination, api_client, delivery,
submission_event) with the metadata.
"""

from . import models  # noqa: F401 - registers the tables
