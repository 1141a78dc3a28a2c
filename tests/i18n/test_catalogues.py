"""Every interface string is translated in every catalogue; a missing one fails `make test`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.engine import LANGUAGES
from tests.conftest import ROOT

TRANSLATED = [language for language in LANGUAGES if language != "de"]  # German is the source
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _keywords() -> list[str]:
    """The markers `make messages` extracts (-k N_, -k N_plural:1,2, …), read from the Makefile."""
    rule = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nmessages:", 1)[1]
    return re.findall(r"-k (\S+)", rule.split("\n\n", 1)[0])


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> dict[str, bool]:
    """The msgids in the code and templates right now, freshly extracted: id -> has plural forms."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    keywords = [arg for keyword in _keywords() for arg in ("-k", keyword)]
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "-q", "extract", "-F", "babel.cfg",
         *keywords, "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m.pluralizable
                for m in read_po(handle) if m.id}


def _catalogue(language: str):
    path = ROOT / "portal" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_makefile_extracts_plural_markers():
    assert {"N_", "N_plural:1,2", "_", "gettext", "ngettext:1,2"} <= set(_keywords())


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(source_messages, language):
    catalogue = _catalogue(language)
    missing = []
    for msgid, plural in sorted(source_messages.items()):
        message = catalogue.get(msgid)
        strings = [] if message is None else (
            list(message.string) if isinstance(message.string, tuple) else [message.string])
        if (message is None or message.fuzzy or not all(strings)
                # a message with a count has every form the language has, each filled in
                or plural != message.pluralizable
                or (plural and len(strings) != catalogue.num_plurals)):
            missing.append(msgid)
    assert not missing, (
        f"{len(missing)} strings are not translated into {language!r} "
        "(run `make messages`, then translate):\n" + "\n".join(missing[:20])
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    for message in _catalogue(language):
        if not message.id or not message.string:
            continue
        if not isinstance(message.id, tuple):
            wanted = sorted(PLACEHOLDER.findall(message.id))
            assert sorted(PLACEHOLDER.findall(message.string)) == wanted, message.id
            continue
        # Plural forms: the same placeholders as the German plural, except that a form may
        # spell out its count in words ("ملفان" for two files) and leave that one out.
        wanted = set(PLACEHOLDER.findall(message.id[1]))
        assert set(PLACEHOLDER.findall(message.id[0])) == wanted, message.id[0]
        used = [set(PLACEHOLDER.findall(form)) for form in message.string]
        assert all(found <= wanted for found in used), message.id[0]
        left_out = set().union(*(wanted - found for found in used))
        assert len(left_out) <= 1, (message.id[0], left_out)
        assert any(found == wanted for found in used), message.id[0]
