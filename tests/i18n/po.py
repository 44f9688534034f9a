"""A small reader for gettext .po files: enough for the catalogue checks (no extra dependency)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def files(self) -> set[str]:
        """The source files that use the entry (``#: path:line`` without the line)."""
        return {ref.rsplit(":", 1)[0] if ref.rsplit(":", 1)[-1].isdigit() else ref for ref in self.references}


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current = Entry()
    target = None  # the field the next continuation string belongs to

    def finish():
        nonlocal current
        if current.msgid or current.msgstr or current.msgctxt:
            entries.append(current)
        current = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#:"):
            current.references.extend(line[2:].split())
            continue
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if target == "msgstr":
                current.msgstr[-1] += value
            else:
                setattr(current, target, getattr(current, target) + value)
            continue
        value = ast.literal_eval(rest)
        if keyword == "msgctxt":
            finish() if current.msgid else None
            current.msgctxt, target = value, "msgctxt"
        elif keyword == "msgid":
            current.msgid, target = value, "msgid"
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, "msgid_plural"
        elif keyword.startswith("msgstr"):
            current.msgstr.append(value)
            target = "msgstr"
    finish()
    return [e for e in entries if e.msgid and not e.obsolete]
