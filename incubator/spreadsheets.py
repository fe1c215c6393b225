"""Values written to CSV and XLSX exports.

A spreadsheet program reads a cell that starts with =, +, -, @ (or a tab or a
carriage return) as a formula, so text a user typed (an organisation's name, a
reason) could run one when staff open the export. Such text is written with a
leading apostrophe, which spreadsheets show as plain text. Numbers are left as
they are."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def safe_row(values):
    return [safe_cell(value) for value in values]
