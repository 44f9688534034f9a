"""The Khmer catalogues: every string a household sees is translated, placeholders intact."""

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from .household import CATALOGUES, HOUSEHOLD_SOURCES
from .po import read_po

ROOT = Path(settings.BASE_DIR)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|%%")


def household_facing(entry) -> bool:
    return any(fnmatch(path, pattern) for path in entry.files for pattern in HOUSEHOLD_SOURCES)


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_every_household_facing_string_is_translated_into_khmer_and_not_fuzzy(catalogue):
    entries = read_po(ROOT / catalogue)
    used = [e for e in entries if household_facing(e)]
    assert used, f"{catalogue}: no entry comes from a household-facing source (patterns out of date?)"
    missing = [e.msgid for e in used if not e.translated]
    fuzzy = [e.msgid for e in used if e.fuzzy]
    assert not missing, f"{catalogue}: untranslated: {missing}"
    assert not fuzzy, f"{catalogue}: fuzzy: {fuzzy}"


def test_every_household_source_pattern_still_matches_a_file():
    for pattern in HOUSEHOLD_SOURCES:
        assert list(ROOT.glob(pattern)), pattern


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_khmer_translations_keep_every_placeholder(catalogue):
    for entry in read_po(ROOT / catalogue):
        if not entry.translated:
            continue
        expected = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            expected |= set(PLACEHOLDER.findall(entry.msgid_plural))
        for text in entry.msgstr:
            assert set(PLACEHOLDER.findall(text)) == expected, (entry.msgid, text)


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_khmer_catalogue_declares_one_plural_form(catalogue):
    header = (ROOT / catalogue).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: km\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert "#, fuzzy" not in header  # a fuzzy header is skipped by msgfmt, and the plural rule with it


def test_the_compiled_catalogues_answer_in_khmer():
    with translation.override("km"):
        assert translation.gettext("Cart") == "កន្ត្រក"
        assert translation.gettext("Save and continue") == "រក្សាទុក ហើយបន្ត"
        assert translation.pgettext("read aloud", "Listen") == "ស្តាប់"
        assert translation.ngettext("%(counter)s item", "%(counter)s items", 3) % {"counter": 3} == "ទំនិញ 3"
    with translation.override("vi"):
        assert translation.pgettext("read aloud", "Listen") == "Nghe"
