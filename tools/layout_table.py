"""Write the WhatsApp layout coverage table into the README, between its two marker lines,
from ``data/whatsapp/layouts.json`` (a test fails while the README and the file disagree).

    .venv/bin/python tools/layout_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from pushpull.testing.whatsapp_layouts import TABLE_END, TABLE_START, coverage_table

README = Path(__file__).parent.parent / "README.md"


def main() -> int:
    text = README.read_text("utf-8")
    before, start, rest = text.partition(TABLE_START)
    _, end, after = rest.partition(TABLE_END)
    if not start or not end:
        print(f"README.md needs the lines {TABLE_START!r} and {TABLE_END!r}", file=sys.stderr)
        return 1
    README.write_text(f"{before}{TABLE_START}\n{coverage_table()}\n{TABLE_END}{after}", "utf-8")
    print("README.md: layout table written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
