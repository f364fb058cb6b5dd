"""Shared fixtures: one analysed hot-and-cold conversation (with its messages as the store
gives them) for the report tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from pushpull.analysis import Analysis, analyze
from pushpull.store import Store, import_file, load_messages
from pushpull.synth import generate, render, write


@pytest.fixture(scope="session")
def sam_store_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a 120-day hot-and-cold WhatsApp chat between Alex and Sam Taylor."""
    root = tmp_path_factory.mktemp("report")
    chat = generate("hot_cold", seed=5, days=120, n_cycles=3, me="Alex", partner="Sam Taylor")
    path = write(render(chat, "whatsapp"), root / "export")
    home = root / "home"
    with Store(home) as store:
        import_file(store, path, me="Alex")
    return home


@pytest.fixture(scope="session")
def sam(sam_store_home: Path) -> tuple[pl.DataFrame, Analysis]:
    with Store(sam_store_home) as store:
        (name,) = [r[0] for r in store.con.execute("SELECT name FROM conversations").fetchall()]
        frame = load_messages(store, name)
    return frame, analyze(frame, me="Alex", conversation=name)


@pytest.fixture(scope="session")
def short(sam: tuple[pl.DataFrame, Analysis]) -> Analysis:
    """The first ten days only: too little to judge phases."""
    frame, full = sam
    return analyze(
        frame, me="Alex", until=full.period.start + timedelta(days=9), conversation="Sam Taylor"
    )
