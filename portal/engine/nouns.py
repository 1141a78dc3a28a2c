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
    },
}


def sentence(noun: str | None, purpose: str, language: str) -> str:
    """The sentence for `purpose` ("send_button", "sent_heading", …) with the form's noun."""
    return translate(SENTENCES.get(noun or DEFAULT, SENTENCES[DEFAULT])[purpose], language)
