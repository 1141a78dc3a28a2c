"""A shipped form whose content changes gets a new version number.

`make run` and every deployment load the shipped forms into a database that may hold
the versions released before (`amtsweg forms load`); a version already published with
other content is refused there, and the portal would not start. released_forms.json
lists each version shipped so far with its content hash (engine.content_hash, the one
the database keeps): a changed form must carry a version that is not in it yet.
"""

from __future__ import annotations

import json
from pathlib import Path

from portal.engine import check_definition, content_hash
from tests.conftest import FORMS_DIR

RELEASED = Path(__file__).with_name("released_forms.json")


def test_a_shipped_form_with_changed_content_has_a_new_version_number() -> None:
    released = json.loads(RELEASED.read_text(encoding="utf-8"))
    problems = []
    for path in sorted(Path(FORMS_DIR).glob("*.json")):
        document, errors = check_definition(path, Path(FORMS_DIR))
        assert document is not None, errors
        form_id, version, digest = document["id"], document["version"], content_hash(document)
        known = released.get(form_id, {}).get(version)
        if known is None:
            problems.append(f"{form_id} {version} is new: add it to {RELEASED.name} with "
                            f"{digest}")
        elif known != digest:
            problems.append(f"{form_id} {version} was released with other content: give "
                            "the changed definition a new version number")
    assert not problems, "\n".join(problems)
