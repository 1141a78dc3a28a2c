"""The texts of a draft as files for translation services: XLIFF 1.2 and CSV, out and back in.

XLIFF 1.2 rather than 2.0: it is the version every common translation tool reads and
writes (Trados, memoQ, Across, OmegaT, Weblate), while 2.0 support is still patchy.
One file per target language; each text is a ``trans-unit`` whose id is the text's
stable key, with the source, the translation, its state (``needs-translation``,
``needs-review-translation`` for an outdated one, ``translated``) and the place in the
form as a note. CSV has one row per text and one column per language; a cell that a
spreadsheet program would run as a formula (it begins with = + - @, a tab or a carriage
return) is written with an apostrophe before it, and read back without it.

Reading never changes anything itself: it returns a report of what each text would
become, or an error for a file that cannot be read, in which case nothing is imported.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET  # noqa: N817 - the usual name
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..engine.i18n import LANGUAGES
from .texts import MISSING, OUTDATED, Summary

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
#: Larger than the texts of any form; bounds the work one upload can cause.
MAX_FILE = 5_000_000
_XLIFF_STATE = {MISSING: "needs-translation", OUTDATED: "needs-review-translation"}


def to_xliff(summary: Summary, places: dict[str, str], language: str, form_id: str) -> str:
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(f"{{{XLIFF_NS}}}xliff", {"version": "1.2"})
    file = ET.SubElement(root, f"{{{XLIFF_NS}}}file", {
        "original": form_id, "source-language": summary.default, "target-language": language,
        "datatype": "plaintext"})
    body = ET.SubElement(file, f"{{{XLIFF_NS}}}body")
    for state in summary.texts:
        unit = ET.SubElement(body, f"{{{XLIFF_NS}}}trans-unit",
                             {"id": state.text.key, "xml:space": "preserve"})
        ET.SubElement(unit, f"{{{XLIFF_NS}}}source").text = state.source
        target = ET.SubElement(unit, f"{{{XLIFF_NS}}}target", {
            "state": _XLIFF_STATE.get(state.states.get(language, ""), "translated")})
        target.text = state.text.values.get(language, "")
        if places.get(state.text.key):
            ET.SubElement(unit, f"{{{XLIFF_NS}}}note").text = places[state.text.key]
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


#: What a spreadsheet program takes for the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Written before such a cell, and before a cell that begins with it, so reading is exact.
GUARD = "'"


def _guarded(cell: str) -> str:
    """A cell as written: never a formula when a spreadsheet program opens the file."""
    return GUARD + cell if cell.startswith((*FORMULA_STARTS, GUARD)) else cell


def _unguarded(cell: str) -> str:
    """A cell as read: the text that `_guarded` wrote (a translator may drop the guard)."""
    if cell.startswith(GUARD) and cell[1:].startswith((*FORMULA_STARTS, GUARD)):
        return cell[1:]
    return cell


def to_csv(summary: Summary, places: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    languages = [summary.default, *summary.languages]
    writer.writerow(["key", "place", *languages])
    for state in summary.texts:
        writer.writerow([_guarded(cell) for cell in (
            state.text.key, places.get(state.text.key, ""),
            *(state.text.values.get(lang, "") for lang in languages))])
    # A byte order mark: spreadsheet programs then read the file as UTF-8.
    return "\ufeff" + out.getvalue()


@dataclass
class Change:
    key: str
    language: str
    old: str
    new: str
    source: str  # the source text the translation was made for
    stale: bool = False  # made for another source than the current one: stays outdated


@dataclass
class Report:
    error: str | None = None
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    #: (key or "", language or "", message): texts of the file that were not taken over, and why
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


def read(content: bytes, filename: str, summary: Summary) -> Report:
    if len(content) > MAX_FILE:
        return Report(error=_("Die Datei ist zu groß: höchstens %(max)s Bytes.", max=MAX_FILE))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Report(error=_("Die Datei ist kein UTF-8-Text. Speichern Sie sie als UTF-8 und "
                              "versuchen Sie es noch einmal."))
    if not text.strip():
        return Report(error=_("Die Datei ist leer."))
    if text.lstrip().startswith("<"):
        return _read_xliff(text, summary)
    return _read_csv(text, summary)


def _take(report: Report, summary: Summary, key: str, language: str, new: str,
          source: str | None) -> None:
    state = next((s for s in summary.texts if s.text.key == key), None)
    if state is None:
        report.skipped.append((key, language, _("Diesen Text gibt es im Entwurf nicht (mehr).")))
        return
    new = new.replace("\r\n", "\n").strip()
    old = state.text.values.get(language, "")
    if not new:
        if old:
            report.skipped.append((key, language, _("Die Datei hat keine Übersetzung; die "
                                                    "bisherige bleibt.")))
        return
    stale = source is not None and source.strip() != state.source.strip()
    if new == old and not stale:
        report.unchanged += 1
        return
    if stale:
        report.skipped.append((key, language, _(
            "Übersetzt wurde ein älterer Ausgangstext; die Übersetzung ist übernommen, bleibt "
            "aber als veraltet markiert.")))
    if new == old:
        report.unchanged += 1
        return
    report.changes.append(Change(key, language, old, new,
                                 source if source is not None else state.source, stale))


def _read_xliff(text: str, summary: Summary) -> Report:
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return Report(error=_("Die XLIFF-Datei enthält eine DOCTYPE-Angabe; das ist nicht "
                              "erlaubt."))
    try:
        # No DTD gets this far (refused above), so no entity is ever expanded; expat also
        # limits amplification itself (2.4.1 and later).
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as error:
        line, column = error.position
        return Report(error=_("Die Datei ist kein gültiges XML (Zeile %(line)s, Spalte "
                              "%(column)s).", line=line, column=column + 1))
    ns = {"x": XLIFF_NS}
    if root.tag != f"{{{XLIFF_NS}}}xliff" or root.get("version") != "1.2":
        return Report(error=_("Die Datei ist keine XLIFF-1.2-Datei."))
    report = Report()
    files = root.findall("x:file", ns)
    if not files:
        return Report(error=_("Die XLIFF-Datei enthält keine Texte."))
    for file in files:
        language = file.get("target-language", "")
        if language not in summary.languages:
            return Report(error=_("Die Datei enthält die Sprache „%(language)s“, die dieses "
                                  "Formular nicht als Übersetzung anbietet.", language=language))
        if file.get("source-language") != summary.default:
            return Report(error=_("Die Ausgangssprache der Datei ist „%(language)s“, die "
                                  "Standardsprache des Formulars aber „%(default)s“.",
                                  language=file.get("source-language", ""),
                                  default=summary.default))
        for unit in file.iterfind(".//x:trans-unit", ns):
            key = unit.get("id")
            source, target = unit.find("x:source", ns), unit.find("x:target", ns)
            if not key or source is None:
                return Report(error=_("Ein Text der Datei hat keine ID oder keinen Ausgangstext."))
            if target is None:
                continue
            _take(report, summary, key, language, "".join(target.itertext()),
                  "".join(source.itertext()))
    return report


def _read_csv(text: str, summary: Summary) -> Report:
    # Only the delimiter is guessed (a spreadsheet program may save with ";" or tabs), from
    # the header line. Quoting stays the standard's: a guess from a line without quotes
    # turned off doubled quotes, and a text with a " in it broke its row.
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        return Report(error=_("Die CSV-Datei kann nicht gelesen werden: %(reason)s",
                              reason=str(error)))
    header = [cell.strip() for cell in rows[0]]
    if "key" not in header or summary.default not in header:
        return Report(error=_("Die erste Zeile der CSV-Datei muss die Spalten „key“ und "
                              "„%(default)s“ (die Standardsprache) nennen.",
                              default=summary.default))
    unknown = [c for c in header if c in LANGUAGES and c != summary.default
               and c not in summary.languages]
    if unknown:
        return Report(error=_("Die Datei enthält die Sprache „%(language)s“, die dieses "
                              "Formular nicht als Übersetzung anbietet.", language=unknown[0]))
    report = Report()
    key_column, source_column = header.index("key"), header.index(summary.default)
    columns = [(header.index(lang), lang) for lang in summary.languages if lang in header]
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            return Report(error=_("Zeile %(line)s der CSV-Datei hat %(count)s Spalten, die erste "
                                  "Zeile aber %(expected)s.", line=number, count=len(row),
                                  expected=len(header)))
        for index, lang in columns:
            _take(report, summary, _unguarded(row[key_column]), lang, _unguarded(row[index]),
                  _unguarded(row[source_column]))
    return report
