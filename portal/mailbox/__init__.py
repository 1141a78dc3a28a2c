"""After the submission: the case status, the message thread both ways, the citizen's
status page (/status/…) and the notification e-mails (docs/citizens-mailbox.md)."""
