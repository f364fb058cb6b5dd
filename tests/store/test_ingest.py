from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pushpull.errors import (
    InputLimitError,
    ParseError,
    ParticipantError,
    UnknownFormatError,
    UsageError,
)
from pushpull.registry import InputLimits
from pushpull.store import (
    Store,
    export_conversation,
    forget_conversation,
    import_file,
    ingest,
    list_conversations,
    load_messages,
    set_me,
)
from tests.conftest import write_fixture

DATA = Path(__file__).parent.parent / "data"

ROWS = [
    ("2024-01-01T10:00:00", "Sam", "hello"),
    ("2024-01-01T10:01:00", "Alex", "hi"),
    ("2024-01-01T10:01:00", "Alex", "hi"),  # sent twice on purpose: both are kept
    ("2024-01-02T09:00:00", "Sam", "how are you?"),
]


def table_counts(store: Store) -> dict[str, int]:
    tables = ["conversations", "participants", "imports", "import_conversations", "messages"]
    counts = {}
    for t in tables:
        row = store.con.execute(f"SELECT count(*) FROM {t}").fetchone()
        assert row is not None
        counts[t] = int(row[0])
    return counts


def test_import_keeps_every_message_and_records_the_import(store: Store, tmp_path: Path) -> None:
    path = write_fixture(tmp_path / "a.txt", "Sam", ROWS)
    result = import_file(store, path)
    assert (result.source_format, result.n_read, result.n_added) == ("fixture-lines", 4, 4)
    [summary] = list_conversations(store)
    assert summary.name == "Sam"
    assert {p.name: p.n_messages for p in summary.participants} == {"Alex": 2, "Sam": 2}
    assert summary.source_files == ("a.txt",)
    frame = load_messages(store, "Sam")
    assert frame.get_column("text").to_list() == ["hello", "hi", "hi", "how are you?"]
    assert frame.get_column("source_line").to_list() == [2, 3, 4, 5]


def test_reimporting_the_same_file_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = write_fixture(tmp_path / "a.txt", "Sam", ROWS)
    import_file(store, path)
    before = table_counts(store)
    again = import_file(store, path)
    assert again.already_imported and again.n_added == 0 and again.n_read == 4
    assert table_counts(store) == before


def test_overlapping_newer_export_adds_only_new_messages(store: Store, tmp_path: Path) -> None:
    import_file(store, write_fixture(tmp_path / "old.txt", "Sam", ROWS[:3]))
    newer = [*ROWS, ("2024-01-03T08:00:00", "Alex", "hi")]
    result = import_file(store, write_fixture(tmp_path / "new.txt", "Sam", newer))
    assert (result.n_read, result.n_added) == (5, 2)
    texts = load_messages(store, "Sam").get_column("text").to_list()
    assert texts == ["hello", "hi", "hi", "how are you?", "hi"]


def test_a_third_identical_message_in_a_newer_export_is_added(store: Store, tmp_path: Path) -> None:
    import_file(store, write_fixture(tmp_path / "old.txt", "Sam", ROWS[:3]))
    newer = [*ROWS[:3], ROWS[2]]
    assert import_file(store, write_fixture(tmp_path / "new.txt", "Sam", newer)).n_added == 1


def test_a_file_broken_midway_leaves_the_store_unchanged(store: Store, tmp_path: Path) -> None:
    import_file(store, write_fixture(tmp_path / "a.txt", "Sam", ROWS))
    before = table_counts(store)
    broken = tmp_path / "broken.txt"
    broken.write_text("#fixture chat=Other\n2024-02-01T10:00:00|Kim|one\n!boom\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        import_file(store, broken)
    assert "broken.txt, line 3" in str(info.value)
    assert table_counts(store) == before


def test_tighter_limits_refuse_a_normal_file_and_change_nothing(
    store: Store, tmp_path: Path
) -> None:
    path = write_fixture(tmp_path / "sam.txt", "Sam", ROWS)
    before = table_counts(store)
    with pytest.raises(InputLimitError, match=r"^sam\.txt, line 1: ") as info:
        import_file(store, path, limits=InputLimits(max_line_bytes=10))
    assert info.value.setting == "max_line_bytes"
    assert table_counts(store) == before == dict.fromkeys(before, 0)
    assert import_file(store, path).n_added == len(ROWS)  # the default limits take it


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02\xff" * 100, b"just some notes\nnothing here\n"],
    ids=["empty", "binary", "text"],
)
def test_unknown_input_is_refused_and_changes_nothing(
    store: Store, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "mystery.txt"
    path.write_bytes(content)
    before = table_counts(store)
    with pytest.raises(UnknownFormatError) as info:
        import_file(store, path)
    assert "mystery.txt" in str(info.value)
    assert table_counts(store) == before


def test_me_must_be_a_participant(store: Store, tmp_path: Path) -> None:
    path = write_fixture(tmp_path / "a.txt", "Sam", ROWS)
    with pytest.raises(ParticipantError) as info:
        import_file(store, path, me="Nobody")
    assert "'Alex'" in info.value.hint and "'Sam'" in info.value.hint
    assert table_counts(store)["messages"] == 0


def test_me_from_flag_the_export_and_other_conversations(store: Store, tmp_path: Path) -> None:
    first = import_file(store, write_fixture(tmp_path / "a.txt", "Sam", ROWS), me="Alex")
    assert (first.conversations[0].me, first.conversations[0].me_from) == ("Alex", "--me")
    rows = [("2024-03-01T10:00:00", "Kim", "yo"), ("2024-03-01T10:02:00", "Alex", "hey")]
    second = import_file(store, write_fixture(tmp_path / "b.txt", "Kim", rows))
    assert (second.conversations[0].me, second.conversations[0].me_from) == (
        "Alex",
        "other conversations",
    )
    flagged = [("2024-03-01T10:00:00", "Lee", "yo"), ("2024-03-01T10:02:00", "Jo (me)", "hey")]
    third = import_file(store, write_fixture(tmp_path / "c.txt", "Lee", flagged))
    assert third.conversations[0].me_from == "the export"


def test_me_can_be_changed_later(store: Store, tmp_path: Path) -> None:
    import_file(store, write_fixture(tmp_path / "a.txt", "Sam", ROWS), me="Alex")
    set_me(store, "sam", "Sam")
    [summary] = list_conversations(store)
    assert summary.me == "Sam"
    with pytest.raises(ParticipantError):
        set_me(store, "Sam", "Zed")


def test_as_names_the_conversation(store: Store, tmp_path: Path) -> None:
    import_file(store, write_fixture(tmp_path / "a.txt", "Sam", ROWS), name="Sam (2024)")
    assert [s.name for s in list_conversations(store)] == ["Sam (2024)"]


def test_forget_removes_everything_and_allows_reimport(store: Store, tmp_path: Path) -> None:
    path = write_fixture(tmp_path / "a.txt", "Sam", ROWS)
    import_file(store, path)
    assert forget_conversation(store, "Sam") == ("Sam", 4)
    assert table_counts(store) == dict.fromkeys(
        ["conversations", "participants", "imports", "import_conversations", "messages"], 0
    )
    assert import_file(store, path).n_added == 4


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_writes_every_message(store: Store, tmp_path: Path, fmt: str) -> None:
    import_file(store, write_fixture(tmp_path / "a.txt", "Sam", ROWS))
    out = tmp_path / f"out.{fmt}"
    assert export_conversation(store, "Sam", fmt, out) == 4
    readers: dict[str, Callable[[Path], pl.DataFrame]] = {
        "jsonl": pl.read_ndjson,
        "csv": pl.read_csv,
        "parquet": pl.read_parquet,
    }
    reader = readers[fmt]
    frame = reader(out)
    assert frame.get_column("text").to_list() == ["hello", "hi", "hi", "how are you?"]
    assert frame.get_column("sender").to_list() == ["Sam", "Alex", "Alex", "Sam"]


def test_export_refuses_an_unknown_format(store: Store, tmp_path: Path) -> None:
    import_file(store, write_fixture(tmp_path / "a.txt", "Sam", ROWS))
    with pytest.raises(UsageError):
        export_conversation(store, "Sam", "xml", tmp_path / "x")


def test_store_survives_reopening(tmp_path: Path) -> None:
    with Store(tmp_path / "home") as s:
        import_file(s, write_fixture(tmp_path / "a.txt", "Sam", ROWS))
    with Store(tmp_path / "home") as s:
        assert list_conversations(s)[0].n_messages == 4


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["Sam", "Kim"]),
            st.integers(0, 2),
            st.sampled_from(["Alex", "Sam"]),
            st.sampled_from(["a", "b", "Sam"]),
        ),
        max_size=40,
    )
)
@settings(max_examples=50, deadline=None)
def test_occurrence_counts_identical_messages_before_it_in_its_conversation(
    rows: list[tuple[str, int, str, str]],
) -> None:
    messages = pl.DataFrame(
        {
            "chat": [chat for chat, _, _, _ in rows],
            "sent_at": [datetime(2024, 1, 1, 10, minute) for _, minute, _, _ in rows],
            "sender": [sender for _, _, sender, _ in rows],
            "text": [text for _, _, _, text in rows],
        },
        schema={
            "chat": pl.String,
            "sent_at": pl.Datetime("us"),
            "sender": pl.String,
            "text": pl.String,
        },
    )
    ids = {"Sam": 1, "Kim": 2}
    staged = ingest._stage(messages, ids)
    seen: dict[tuple[str, int, str, str], int] = {}
    expected = []
    for row in rows:
        expected.append(seen.get(row, 0))
        seen[row] = seen.get(row, 0) + 1
    assert staged.get_column("occurrence").to_list() == expected
    assert staged.get_column("conversation_id").to_list() == [ids[row[0]] for row in rows]
    assert staged.get_column("pos").to_list() == list(range(len(rows)))


def test_names_reach_the_store_as_written(store: Store, tmp_path: Path) -> None:
    """Values travel to DuckDB as data, never as SQL text: quotes and semicolons are names."""
    odd = "O'Brien\"; DROP TABLE messages; --"
    rows = [("2024-01-01T10:00:00", odd, "it's fine"), ("2024-01-01T10:01:00", "Sam", "ok")]
    path = write_fixture(tmp_path / "a'b.txt", odd, rows)
    result = import_file(store, path, me=odd)
    assert result.conversations[0].me == odd
    [summary] = list_conversations(store)
    assert summary.name == odd and summary.me == odd
    assert load_messages(store, odd).get_column("sender").to_list() == [odd, "Sam"]
    again = import_file(store, path, me=odd)
    assert again.already_imported


def _heavy_modules_after(code: str) -> str:
    """Run ``code`` in a fresh Python; which of pandas, pyarrow and NumPy it loaded."""
    code += "\nprint(sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules))\n"
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_whatsapp_import_loads_neither_pandas_nor_pyarrow(tmp_path: Path) -> None:
    """DuckDB's parameter binding imports pandas (and NumPy) when it is installed, and
    pyarrow comes with NumPy: a quarter of a second that a large import must not pay."""
    chat = DATA / "whatsapp" / "WhatsApp Chat with Sam.txt"
    code = (
        "from pathlib import Path\n"
        "from pushpull.store import Store, import_file\n"
        f"with Store(Path({str(tmp_path / 'home')!r})) as store:\n"
        f"    import_file(store, Path({str(chat)!r}))\n"
    )
    assert _heavy_modules_after(code) == "[]"


def test_listing_choosing_me_loading_and_forgetting_load_neither_pandas_nor_pyarrow(
    tmp_path: Path,
) -> None:
    """The same quarter of a second, on every CLI command that only reads or edits the list."""
    chat = DATA / "whatsapp" / "WhatsApp Chat with Sam.txt"
    with Store(tmp_path / "home") as store:
        import_file(store, chat)
    code = (
        "from pathlib import Path\n"
        "from pushpull.store import (Store, conversation_me, forget_conversation,\n"
        "    list_conversations, load_messages, set_me)\n"
        f"with Store(Path({str(tmp_path / 'home')!r})) as store:\n"
        "    [summary] = list_conversations(store)\n"
        "    set_me(store, summary.name, summary.participants[0].name)\n"
        "    print(conversation_me(store, summary.name))\n"
        "    print(load_messages(store, summary.name).height == summary.n_messages)\n"
        "    print(forget_conversation(store, summary.name)[1] == summary.n_messages)\n"
    )
    assert _heavy_modules_after(code) == "[]"
