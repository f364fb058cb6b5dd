"""One conformance suite over every registered export format (it replaces each format's own
"other formats sniff low" copy): each format is sure of its own files and wins detection on
them, is unsure of every other format's files, and reads back what the generator wrote.

The samples are every variant ``pushpull.synth`` renders per format (from a three-week and
from a two-message conversation), files that are no chat at all, and, for the "unsure of the
others" check, every hand-written file in ``tests/data/<format>/`` that its format reads."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pushpull.errors import PushPullError
from pushpull.frame import messages_to_frame
from pushpull.registry import MIN_CONFIDENCE, ExportFile, all_sources, detect, get_source
from pushpull.sources import read_frame
from pushpull.synth import FORMATS, generate, render, variants, write

#: A format other than its own may be this sure of a file, at most.
UNSURE = 0.3
SOURCES = sorted(s.name for s in all_sources())


#: Files that are no chat at all: every format must be unsure of them.
NOT_CHATS = {
    "garbage.bin": bytes(range(256)) * 4,
    "empty.json": b"{}",
    "list.json": b"[]",
    "chat.db": b"SQLite format 3\x00" + bytes(200),
    "notes.txt": b"Shopping: milk, eggs\n12/05/2024 dentist 10:30\n",
}


def _samples(root: Path) -> dict[str, list[tuple[str, Path, dict[str, str]]]]:
    """Per format: (label, file to import, options) for each variant the generator renders,
    from a three-week conversation and from a two-message one (a sniffer must not mistake a
    tiny file of another format for its own)."""
    chat = generate("hot_cold", seed=3, days=20, n_cycles=1, me="Alex", partner="Sam")
    tiny = generate("stable", seed=4, days=1, me="Alex", partner="Sam")
    tiny = dataclasses.replace(tiny, messages=tiny.messages[:2])
    found: dict[str, list[tuple[str, Path, dict[str, str]]]] = {}
    for fmt in FORMATS:
        for size, conversation in (("long", chat), ("tiny", tiny)):
            for variant in variants(fmt):
                export = render(conversation, fmt, variant)
                path = write(export, root / fmt / size / variant)
                options = dict(note.split("=", 1) for note in export.notes if "=" in note)
                found.setdefault(fmt, []).append((f"{fmt}/{size}/{variant}", path, options))
    for name, data in NOT_CHATS.items():
        path = root / "not-chats" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        found.setdefault("none", []).append((f"not a chat: {name}", path, {}))
    return found


@pytest.fixture(scope="module")
def samples(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, list[tuple[str, Path, dict[str, str]]]]:
    return _samples(tmp_path_factory.mktemp("conformance"))


def test_every_registered_format_has_a_renderer() -> None:
    assert set(SOURCES) - {"fixture-lines"} == set(FORMATS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_format_is_sure_of_its_own_files_and_wins_detection(
    name: str, samples: dict[str, list[tuple[str, Path, dict[str, str]]]]
) -> None:
    source = get_source(name)
    for label, path, options in samples[name]:
        if "/tiny/" in label:  # a sniffer may be unsure of two messages of its own
            continue
        file = ExportFile(path, options=options)
        # CSV and JSON Lines are the fallback: sure enough to win when nothing else is
        sure = MIN_CONFIDENCE if name == "generic" else 0.9
        assert source.sniff(file).confidence >= sure, label
        assert detect(file).name == name, label


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_format_is_unsure_of_every_other_formats_files(
    name: str, samples: dict[str, list[tuple[str, Path, dict[str, str]]]]
) -> None:
    source = get_source(name)
    for other, files in samples.items():
        if other == name:
            continue
        for label, path, options in files:
            verdict = source.sniff(ExportFile(path, options=options))
            assert verdict.confidence <= UNSURE, (name, label, verdict)
            assert verdict.reason, (name, label)


DATA = Path(__file__).parent.parent / "data"


def _hand_written() -> list[tuple[str, Path]]:
    """(format, file) for each file under tests/data/<format>/ detected as that format."""
    found = []
    for fmt in FORMATS:
        folder = DATA / fmt
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if not path.is_file() or path.stat().st_size > 2_000_000:
                continue
            try:
                if detect(ExportFile(path)).name == fmt:
                    found.append((fmt, path))
            except PushPullError:
                continue
    return found


def test_every_format_is_unsure_of_the_other_formats_hand_written_files() -> None:
    files = _hand_written()
    # (the iMessage samples are SQL scripts that build a chat.db when a test runs)
    assert {fmt for fmt, _ in files} >= set(FORMATS) - {"generic", "imessage"}
    for fmt, path in files:
        for other in FORMATS:
            if other == fmt:
                continue
            verdict = get_source(other).sniff(ExportFile(path))
            assert verdict.confidence <= UNSURE, (other, str(path.relative_to(DATA)), verdict)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_format_reads_back_what_was_rendered(name: str, tmp_path: Path) -> None:
    chat = generate("pursue_withdraw", seed=11, days=15, me="Alex", partner="Sam")
    for variant in variants(name):
        export = render(chat, name, variant)
        path = write(export, tmp_path / variant)
        options = dict(note.split("=", 1) for note in export.notes if "=" in note)
        frame = read_frame(get_source(name), ExportFile(path, options=options))
        expected = messages_to_frame(export.expected).messages
        got = frame.messages.select("sent_at", "sender", "text", "kind")
        want = expected.select("sent_at", "sender", "text", "kind")
        assert got.equals(want), (name, variant)
    assert MIN_CONFIDENCE > UNSURE
