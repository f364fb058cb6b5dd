"""The sample conversation bundled with pushpull (``make demo``), and how to remake it.

    python -m pushpull.synth.sample      # rewrites src/pushpull/data/sample/

It is a six-month WhatsApp chat in which the partner runs hot and cold four times; the user is
``ME``. A test checks that the bundled files are exactly what this module makes.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from pushpull.synth import generate, render
from pushpull.synth._chat import Rendered

__all__ = ["ME", "PARTNER", "make_sample", "write_sample"]

ME = "Alex"
PARTNER = "Sam"
SAMPLE_DIR = "data/sample"


def make_sample() -> tuple[Rendered, list[dict[str, str]]]:
    """The sample export and its index entry (file name and who "me" is)."""
    chat = generate(
        "hot_cold",
        seed=42,
        days=182,
        n_cycles=4,
        me=ME,
        partner=PARTNER,
        messages_per_day=25,
        utc_offset_s=3600,
    )
    export = render(chat, "whatsapp", "android-24h-dmy")
    return export, [{"file": export.main, "me": ME}]


def write_sample(folder: Path) -> list[Path]:
    """Write the sample export and ``samples.json`` into ``folder``."""
    export, index = make_sample()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, data in export.files.items():
        (folder / rel).write_bytes(data)
        written.append(folder / rel)
    index_path = folder / "samples.json"
    index_path.write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return [*written, index_path]


if __name__ == "__main__":
    target = Path(str(resources.files("pushpull").joinpath(SAMPLE_DIR)))
    for path in write_sample(target):
        print(path)
