"""The bundled sample is exactly what ``pushpull.synth.sample`` makes (remake it if this fails)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pushpull.synth.sample import SAMPLE_DIR, write_sample


def test_bundled_sample_is_up_to_date(tmp_path: Path) -> None:
    bundled = resources.files("pushpull").joinpath(SAMPLE_DIR)
    for path in write_sample(tmp_path):
        assert bundled.joinpath(path.name).read_bytes() == path.read_bytes(), (
            f"{path.name} is stale: run `python -m pushpull.synth.sample`"
        )
