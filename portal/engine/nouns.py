"""What the citizen sends: an Antrag, an Anzeige, a Meldung or a Hinweis.

A definition names it with `submission_noun`; every page that speaks of what
is sent uses the sentences of that noun. German nouns differ in gender ("Ihr
Antrag", "Ihre Anzeige"), and so do those of the other languages, so each
noun has its own whole sentences in the catalogues rather than a word put
into one sentence.
"""

from __future__ import annotations

from .messages import N_, translate

#: The nouns a definition may name; "antrag" when it names none.
NOUNS = ("antrag", "anzeige", "meldung", "hinweis")
DEFAULT = "antrag"

#: Per noun, the sentences the pages use, by what they are for.
SENTENCES: dict[str, dict[str, str]] = {
    "antrag": {
        "noun": N_("Antrag"),
        "send_heading": N_("Antrag absenden"),
        "send_button": N_("Antrag verbindlich absenden"),
        "sent_title": N_("Antrag gesendet"),
        "sent_heading": N_("Ihr Antrag wurde gesendet"),
        "received": N_("Ihr Antrag ist bei uns eingegangen."),
        "start_new": N_("Neuen Antrag beginnen"),
        "resume": N_("Gespeicherten Antrag fortsetzen"),
        "not_sent": N_("Ihr Antrag ist noch nicht gesendet"),
        "not_found_title": N_("Kein Antrag gefunden"),
        "not_found": N_("Wir haben keinen begonnenen Antrag gefunden"),
        "expired": N_("Ihr gespeicherter Antrag ist nicht mehr verfügbar"),
        "expired_why": N_(
            "Gespeicherte Anträge werden nach einiger Zeit ohne Änderung gelöscht, um Ihre Daten "
            "zu schützen."),
        "not_found_help": N_(
            "Wenn Sie einen Code zum Fortsetzen haben, geben Sie ihn auf der Startseite ein. "
            "Sonst können Sie einen neuen Antrag beginnen."),
        "gone": N_("Ihre gespeicherten Angaben zu diesem Antrag gibt es nicht mehr."),
        "gone_kept": N_(
            "Von diesem Antrag ist nichts mehr gespeichert, auch nicht die Angaben, die Sie "
            "gerade gesendet haben. Einen Antrag, den Sie schon abgeschickt haben, betrifft das "
            "nicht: Er ist bei der zuständigen Stelle eingegangen und wird dort bearbeitet."),
        "restart_help": N_(
            "Beginnen Sie den Antrag neu. Halten Sie dafür Ihre Angaben und Unterlagen noch "
            "einmal bereit."),
        "restart": N_("Antrag neu beginnen"),
        "code_not_found": N_(
            "Zu diesem Code haben wir keinen gespeicherten Antrag gefunden. Prüfen Sie den Code "
            "oder beginnen Sie neu."),
        "status": N_("Stand Ihres Antrags"),
        "deleted": N_(
            "Die Aufbewahrungsfrist ist abgelaufen. Ihre Angaben, die Nachrichten und alle "
            "Dateien zu diesem Antrag wurden gelöscht."),
        "mail_received": N_("Ihr Antrag „%(service)s“ ist bei %(authority)s eingegangen."),
        "mail_status": N_("Den Stand Ihres Antrags und Nachrichten der Behörde finden Sie hier:"),
        "mail_news": N_(
            "es gibt Neuigkeiten zu Ihrem Antrag „%(service)s“ (Vorgangsnummer %(reference)s)."),
        "subject_received": N_("Ihr Antrag %(reference)s ist eingegangen"),
        "subject_news": N_("Neuigkeiten zu Ihrem Antrag %(reference)s"),
    },
    "anzeige": {
        "noun": N_("Anzeige"),
        "send_heading": N_("Anzeige absenden"),
        "send_button": N_("Anzeige verbindlich absenden"),
        "sent_title": N_("Anzeige gesendet"),
        "sent_heading": N_("Ihre Anzeige wurde gesendet"),
        "received": N_("Ihre Anzeige ist bei uns eingegangen."),
        "start_new": N_("Neue Anzeige beginnen"),
        "resume": N_("Gespeicherte Anzeige fortsetzen"),
        "not_sent": N_("Ihre Anzeige ist noch nicht gesendet"),
        "not_found_title": N_("Keine Anzeige gefunden"),
        "not_found": N_("Wir haben keine begonnene Anzeige gefunden"),
        "expired": N_("Ihre gespeicherte Anzeige ist nicht mehr verfügbar"),
        "expired_why": N_(
            "Gespeicherte Anzeigen werden nach einiger Zeit ohne Änderung gelöscht, um Ihre Daten"
            " zu schützen."),
        "not_found_help": N_(
            "Wenn Sie einen Code zum Fortsetzen haben, geben Sie ihn auf der Startseite ein. "
            "Sonst können Sie eine neue Anzeige beginnen."),
        "gone": N_("Ihre gespeicherten Angaben zu dieser Anzeige gibt es nicht mehr."),
        "gone_kept": N_(
            "Von dieser Anzeige ist nichts mehr gespeichert, auch nicht die Angaben, die Sie "
            "gerade gesendet haben. Eine Anzeige, die Sie schon abgeschickt haben, betrifft das "
            "nicht: Sie ist bei der zuständigen Stelle eingegangen und wird dort bearbeitet."),
        "restart_help": N_(
            "Beginnen Sie die Anzeige neu. Halten Sie dafür Ihre Angaben und Unterlagen noch "
            "einmal bereit."),
        "restart": N_("Anzeige neu beginnen"),
        "code_not_found": N_(
            "Zu diesem Code haben wir keine gespeicherte Anzeige gefunden. Prüfen Sie den Code "
            "oder beginnen Sie neu."),
        "status": N_("Stand Ihrer Anzeige"),
        "deleted": N_(
            "Die Aufbewahrungsfrist ist abgelaufen. Ihre Angaben, die Nachrichten und alle "
            "Dateien zu dieser Anzeige wurden gelöscht."),
        "mail_received": N_("Ihre Anzeige „%(service)s“ ist bei %(authority)s eingegangen."),
        "mail_status": N_("Den Stand Ihrer Anzeige und Nachrichten der Behörde finden Sie hier:"),
        "mail_news": N_(
            "es gibt Neuigkeiten zu Ihrer Anzeige „%(service)s“ (Vorgangsnummer %(reference)s)."),
        "subject_received": N_("Ihre Anzeige %(reference)s ist eingegangen"),
        "subject_news": N_("Neuigkeiten zu Ihrer Anzeige %(reference)s"),
    },
    "meldung": {
        "noun": N_("Meldung"),
        "send_heading": N_("Meldung absenden"),
        "send_button": N_("Meldung verbindlich absenden"),
        "sent_title": N_("Meldung gesendet"),
        "sent_heading": N_("Ihre Meldung wurde gesendet"),
        "received": N_("Ihre Meldung ist bei uns eingegangen."),
        "start_new": N_("Neue Meldung beginnen"),
        "resume": N_("Gespeicherte Meldung fortsetzen"),
        "not_sent": N_("Ihre Meldung ist noch nicht gesendet"),
        "not_found_title": N_("Keine Meldung gefunden"),
        "not_found": N_("Wir haben keine begonnene Meldung gefunden"),
        "expired": N_("Ihre gespeicherte Meldung ist nicht mehr verfügbar"),
        "expired_why": N_(
            "Gespeicherte Meldungen werden nach einiger Zeit ohne Änderung gelöscht, um Ihre "
            "Daten zu schützen."),
        "not_found_help": N_(
            "Wenn Sie einen Code zum Fortsetzen haben, geben Sie ihn auf der Startseite ein. "
            "Sonst können Sie eine neue Meldung beginnen."),
        "gone": N_("Ihre gespeicherten Angaben zu dieser Meldung gibt es nicht mehr."),
        "gone_kept": N_(
            "Von dieser Meldung ist nichts mehr gespeichert, auch nicht die Angaben, die Sie "
            "gerade gesendet haben. Eine Meldung, die Sie schon abgeschickt haben, betrifft das "
            "nicht: Sie ist bei der zuständigen Stelle eingegangen und wird dort bearbeitet."),
        "restart_help": N_(
            "Beginnen Sie die Meldung neu. Halten Sie dafür Ihre Angaben und Unterlagen noch "
            "einmal bereit."),
        "restart": N_("Meldung neu beginnen"),
        "code_not_found": N_(
            "Zu diesem Code haben wir keine gespeicherte Meldung gefunden. Prüfen Sie den Code "
            "oder beginnen Sie neu."),
        "status": N_("Stand Ihrer Meldung"),
        "deleted": N_(
            "Die Aufbewahrungsfrist ist abgelaufen. Ihre Angaben, die Nachrichten und alle "
            "Dateien zu dieser Meldung wurden gelöscht."),
        "mail_received": N_("Ihre Meldung „%(service)s“ ist bei %(authority)s eingegangen."),
        "mail_status": N_("Den Stand Ihrer Meldung und Nachrichten der Behörde finden Sie hier:"),
        "mail_news": N_(
            "es gibt Neuigkeiten zu Ihrer Meldung „%(service)s“ (Vorgangsnummer %(reference)s)."),
        "subject_received": N_("Ihre Meldung %(reference)s ist eingegangen"),
        "subject_news": N_("Neuigkeiten zu Ihrer Meldung %(reference)s"),
    },
    "hinweis": {
        "noun": N_("Hinweis"),
        "send_heading": N_("Hinweis absenden"),
        "send_button": N_("Hinweis verbindlich absenden"),
        "sent_title": N_("Hinweis gesendet"),
        "sent_heading": N_("Ihr Hinweis wurde gesendet"),
        "received": N_("Ihr Hinweis ist bei uns eingegangen."),
        "start_new": N_("Neuen Hinweis beginnen"),
        "resume": N_("Gespeicherten Hinweis fortsetzen"),
        "not_sent": N_("Ihr Hinweis ist noch nicht gesendet"),
        "not_found_title": N_("Kein Hinweis gefunden"),
        "not_found": N_("Wir haben keinen begonnenen Hinweis gefunden"),
        "expired": N_("Ihr gespeicherter Hinweis ist nicht mehr verfügbar"),
        "expired_why": N_(
            "Gespeicherte Hinweise werden nach einiger Zeit ohne Änderung gelöscht, um Ihre Daten"
            " zu schützen."),
        "not_found_help": N_(
            "Wenn Sie einen Code zum Fortsetzen haben, geben Sie ihn auf der Startseite ein. "
            "Sonst können Sie einen neuen Hinweis beginnen."),
        "gone": N_("Ihre gespeicherten Angaben zu diesem Hinweis gibt es nicht mehr."),
        "gone_kept": N_(
            "Von diesem Hinweis ist nichts mehr gespeichert, auch nicht die Angaben, die Sie "
            "gerade gesendet haben. Einen Hinweis, den Sie schon abgeschickt haben, betrifft das "
            "nicht: Er ist bei der zuständigen Stelle eingegangen und wird dort bearbeitet."),
        "restart_help": N_(
            "Beginnen Sie den Hinweis neu. Halten Sie dafür Ihre Angaben und Unterlagen noch "
            "einmal bereit."),
        "restart": N_("Hinweis neu beginnen"),
        "code_not_found": N_(
            "Zu diesem Code haben wir keinen gespeicherten Hinweis gefunden. Prüfen Sie den Code "
            "oder beginnen Sie neu."),
        "status": N_("Stand Ihres Hinweises"),
        "deleted": N_(
            "Die Aufbewahrungsfrist ist abgelaufen. Ihre Angaben, die Nachrichten und alle "
            "Dateien zu diesem Hinweis wurden gelöscht."),
        "mail_received": N_("Ihr Hinweis „%(service)s“ ist bei %(authority)s eingegangen."),
        "mail_status": N_("Den Stand Ihres Hinweises und Nachrichten der Behörde finden Sie hier:"),
        "mail_news": N_(
            "es gibt Neuigkeiten zu Ihrem Hinweis „%(service)s“ (Vorgangsnummer %(reference)s)."),
        "subject_received": N_("Ihr Hinweis %(reference)s ist eingegangen"),
        "subject_news": N_("Neuigkeiten zu Ihrem Hinweis %(reference)s"),
    },
}


def sentence(noun: str | None, purpose: str, language: str, **params: object) -> str:
    """The sentence for `purpose` ("send_button", "sent_heading", …) with the form's noun,
    its %(name)s parameters filled in from `params`."""
    return translate(SENTENCES.get(noun or DEFAULT, SENTENCES[DEFAULT])[purpose], language,
                     **params)
