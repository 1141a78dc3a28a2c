"""The citizen's PDF receipt: rendered with pydyf at submission, stored, served unchanged.

content.py says what the receipt shows, layout.py where, pdf.py writes it;
service.py issues and finds stored receipts.
"""

from .models import Receipt  # noqa: F401 - registers the table with the metadata
