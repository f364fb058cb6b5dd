"""Set each layout's ``supported`` flag in ``data/whatsapp/layouts.json`` to what the reader
does now (run after changing the WhatsApp reader; the tests fail while a flag is wrong).

    .venv/bin/python tools/layout_flags.py
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

from pushpull.testing.whatsapp_layouts import LAYOUTS_FILE, reads_exactly


def main() -> int:
    target = resources.files("pushpull").joinpath(LAYOUTS_FILE)
    data = json.loads(target.read_text("utf-8"))
    for row in data["layouts"]:
        row["supported"] = reads_exactly(row)
    Path(str(target)).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    n = sum(r["supported"] for r in data["layouts"])
    print(f"{n} of {len(data['layouts'])} layouts are read exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
