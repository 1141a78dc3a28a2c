"""File uploads: storage backends, content checks, and the attachments of a draft."""
