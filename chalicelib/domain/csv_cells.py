"""The one rule for every CSV cell Logbook writes: text never runs as a formula.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some, a tab or carriage return) as a formula: a unit an admin named
``=HYPERLINK("https://evil.example","Open")`` would become a live link in Excel
(CSV injection). Such text gets a leading ``'``; numbers are left as they are. The
static site's CSV downloads apply the same rule (``static_site/stats/figures.js``).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: Any) -> Any:
    """``value``, with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
