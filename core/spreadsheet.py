"""Cells that a spreadsheet program would run as a formula, neutralised.

Excel, LibreOffice and Google Sheets treat a cell beginning with ``=``, ``+``, ``-`` or ``@``
(and, after a tab or carriage return, the same) as a formula: a product named
``=HYPERLINK(...)`` in an export becomes a link that sends data away ("CSV injection").
Every CSV or XLSX made for a person to open goes through here: the admin exports, the tax
export and the monthly statement. Such a text cell is written with a leading apostrophe,
which the programs show as text. Numbers stay numbers (a refund of -50000 is not text).

The Meta catalog feed (feeds/formats/csv_meta.py) does not: a machine reads it, and an
apostrophe would change the product's title there.
"""

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value``, with a leading ``'`` when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def spreadsheet_writer(out, **options):
    """``csv.writer(out)`` whose text cells are neutralised (:func:`spreadsheet_safe`)."""
    return _SafeWriter(csv.writer(out, **options))


class SafeSpreadsheetExportMixin:
    """For Wagtail index views with ``list_export``: every exported CSV and XLSX cell neutralised."""

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))
