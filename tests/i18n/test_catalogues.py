"""Every interface string is translated in every catalogue; a missing one fails `make test`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.engine import LANGUAGES
from tests.conftest import ROOT

TRANSLATED = [language for language in LANGUAGES if language != "de"]  # German is the source


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[str]:
    """The msgids in the code and templates right now, freshly extracted."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "-q", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(source_messages, language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for msgid in sorted(source_messages):
        message = catalogue.get(msgid)
        strings = [] if message is None else (
            list(message.string) if isinstance(message.string, tuple) else [message.string])
        if message is None or message.fuzzy or not all(strings):
            missing.append(msgid)
    assert not missing, (
        f"{len(missing)} strings are not translated into {language!r} "
        "(run `make messages`, then translate):\n" + "\n".join(missing[:20])
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    import re

    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        wanted = sorted(re.findall(r"%\((\w+)\)s", message.id))
        assert sorted(re.findall(r"%\((\w+)\)s", message.string)) == wanted, message.id
