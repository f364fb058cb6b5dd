"""Import one export file into the store: all of it in one transaction, or nothing.

Re-importing a file already imported is recognised by its SHA-256 and adds nothing without
reading it again. A newer export that overlaps an older one adds only the messages the store
does not hold yet (identity: conversation, time, sender, text, and occurrence among identical
messages of the same file).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
from duckdb import DuckDBPyConnection

from pushpull.errors import ParseError, ParticipantError, UsageError
from pushpull.model import ParseIssue
from pushpull.sources import ExportFile, detect, get_source, read_frame
from pushpull.store.database import Store

__all__ = ["ConversationImport", "ImportResult", "file_sha256", "import_file"]

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationImport:
    """What one import did to one conversation."""

    conversation: str
    n_read: int
    n_added: int
    participants: tuple[str, ...]
    me: str | None
    #: How "me" was decided: "--me", "the export", "earlier choice", "other conversations", "".
    me_from: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """What importing one file did."""

    path: Path
    source_format: str
    sha256: str
    already_imported: bool
    n_read: int
    n_added: int
    warnings: tuple[ParseIssue, ...]
    conversations: tuple[ConversationImport, ...]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    store: Store,
    path: Path,
    *,
    me: str | None = None,
    name: str | None = None,
    fmt: str | None = None,
    options: Mapping[str, str] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``path`` (format ``fmt`` or detected) into ``store``; see the module docstring.

    ``name`` names the conversation (default: the chat title the export gives); ``me`` is the
    user's name in it; ``options`` are format settings (``chat`` picks one chat of a
    multi-chat export; CSV column names for the generic format).
    """
    file = ExportFile(path, options=options, on_bytes=on_bytes)
    sha = file_sha256(file.path)
    selection = json.dumps(
        {"options": dict(sorted((options or {}).items())), "as": name, "format": fmt},
        sort_keys=True,
    )
    previous = _previous_import(store, sha, selection)
    if previous is not None:
        if on_bytes is not None:
            on_bytes(file.size)
        return previous

    source = get_source(fmt) if fmt else detect(file)
    frame = read_frame(source, file)
    messages = frame.messages
    if messages.height == 0:
        raise ParseError(
            "no messages were found in it.",
            path=file.path,
            expected=f"at least one message in this {source.label}",
            hint="Export the chat again, including its messages, and import that file.",
        )
    if name is not None and messages.get_column("chat").n_unique() > 1:
        raise UsageError(
            f"{file.name} holds several chats, and --as can name only one.",
            hint="Choose one chat with --chat NAME, or leave out --as to import each chat "
            "under its own name.",
        )
    untitled = pl.col("chat").is_null() | (pl.col("chat") == "")
    # --as names the conversation; otherwise the export's title, else the file's name.
    chat_name = (
        pl.lit(name)
        if name
        else pl.when(untitled).then(pl.lit(file.path.stem)).otherwise(pl.col("chat"))
    )
    messages = messages.with_columns(
        chat_name.alias("chat"),
        pl.col("text").fill_null(""),
        pl.col("sender").fill_null(""),
        pl.col("attachments").fill_null([]),
    ).with_row_index("pos")

    chats = messages.get_column("chat").unique(maintain_order=True).to_list()
    people = _participants_by_chat(messages)
    for chat in chats:
        if me is not None and me not in people[chat]:
            raise ParticipantError(me, chat, people[chat])

    with store.transaction() as con:
        conv_ids = {chat: _conversation_id(con, chat) for chat in chats}
        import_id = _insert_import(con, file, sha, selection, source.name, frame.issues)
        ids = pl.DataFrame(
            {"chat": list(conv_ids), "conversation_id": list(conv_ids.values())},
            schema={"chat": pl.String(), "conversation_id": pl.Int32()},
        )
        staged = messages.join(ids, on="chat", how="left")
        added = _insert_messages(con, staged, import_id, source.name, file.path.name)
        outcomes = []
        for chat in chats:
            conv_id = conv_ids[chat]
            n_read = int(messages.filter(pl.col("chat") == chat).height)
            n_added = added.get(conv_id, 0)
            con.executemany(
                "INSERT INTO participants (conversation_id, name) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                [(conv_id, person) for person in people[chat]],
            )
            who, how = _decide_me(con, conv_id, chat, people[chat], messages, me)
            if who is not None:
                _store_me(con, conv_id, who)
            con.execute(
                "INSERT INTO import_conversations VALUES (?, ?, ?, ?)",
                [import_id, conv_id, n_read, n_added],
            )
            outcomes.append(
                ConversationImport(
                    conversation=chat,
                    n_read=n_read,
                    n_added=n_added,
                    participants=tuple(people[chat]),
                    me=who,
                    me_from=how,
                )
            )
        n_added_total = sum(o.n_added for o in outcomes)
        con.execute(
            "UPDATE imports SET n_read = ?, n_added = ? WHERE id = ?",
            [messages.height, n_added_total, import_id],
        )
    return ImportResult(
        path=file.path,
        source_format=source.name,
        sha256=sha,
        already_imported=False,
        n_read=messages.height,
        n_added=n_added_total,
        warnings=tuple(frame.issues),
        conversations=tuple(outcomes),
    )


def _participants_by_chat(messages: pl.DataFrame) -> dict[str, list[str]]:
    people = (
        messages.filter(pl.col("sender") != "")
        .group_by("chat", maintain_order=True)
        .agg(pl.col("sender").unique(maintain_order=True))
    )
    found: dict[str, list[str]] = {c: [] for c in messages.get_column("chat").unique().to_list()}
    for chat, senders in people.iter_rows():
        found[chat] = list(senders)
    return found


def _conversation_id(con: DuckDBPyConnection, chat: str) -> int:
    row = con.execute("SELECT id FROM conversations WHERE name = ?", [chat]).fetchone()
    if row is not None:
        return int(row[0])
    row = con.execute(
        "INSERT INTO conversations (name, created_at) VALUES (?, ?) RETURNING id",
        [chat, datetime.now()],
    ).fetchone()
    assert row is not None
    return int(row[0])


def _previous_import(store: Store, sha: str, selection: str) -> ImportResult | None:
    """The result of an earlier import of the same bytes with the same choices, if any."""
    row = store.con.execute(
        "SELECT id, file_name, source_format, n_read FROM imports "
        "WHERE file_sha256 = ? AND selection = ? ORDER BY id LIMIT 1",
        [sha, selection],
    ).fetchone()
    if row is None:
        return None
    import_id, file_name, source_format, n_read = row
    convs = store.con.execute(
        "SELECT c.name, ic.n_read, "
        "  list(p.name ORDER BY p.name) FILTER (WHERE p.name IS NOT NULL), "
        "  max(CASE WHEN p.is_me THEN p.name END) "
        "FROM import_conversations ic JOIN conversations c ON c.id = ic.conversation_id "
        "LEFT JOIN participants p ON p.conversation_id = c.id "
        "WHERE ic.import_id = ? GROUP BY c.name, ic.n_read ORDER BY c.name",
        [import_id],
    ).fetchall()
    return ImportResult(
        path=Path(file_name),
        source_format=source_format,
        sha256=sha,
        already_imported=True,
        n_read=int(n_read),
        n_added=0,
        warnings=(),
        conversations=tuple(
            ConversationImport(
                conversation=name,
                n_read=int(n),
                n_added=0,
                participants=tuple(people or ()),
                me=me_name,
                me_from="earlier choice" if me_name else "",
            )
            for name, n, people, me_name in convs
        ),
    )


def _insert_import(
    con: DuckDBPyConnection,
    file: ExportFile,
    sha: str,
    selection: str,
    source_format: str,
    issues: list[ParseIssue],
) -> int:
    row = con.execute(
        "INSERT INTO imports (file_sha256, selection, file_name, file_size, source_format, "
        "imported_at, n_read, n_added, n_warnings) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?) "
        "RETURNING id",
        [sha, selection, file.name, file.size, source_format, datetime.now(), len(issues)],
    ).fetchone()
    assert row is not None
    import_id = int(row[0])
    if issues:
        con.executemany(
            "INSERT INTO import_warnings VALUES (?, ?, ?, ?, ?)",
            [(import_id, i.line, i.reason, i.raw[:500], i.action) for i in issues],
        )
    return import_id


# Occurrence numbers identical messages within this file; the anti-join keeps only messages the
# conversation does not hold yet; seq continues the store's arrival order (gaps are harmless).
_INSERT_NEW = """
INSERT INTO messages
WITH numbered AS (
    SELECT *,
        (row_number() OVER (
            PARTITION BY conversation_id, sent_at, sender, text ORDER BY pos) - 1)::INTEGER
            AS occurrence
    FROM staged
)
SELECT
    n.conversation_id, $base_seq + n.pos + 1, n.sent_at, n.utc_offset_s, n.sender, n.text,
    n.kind, n.attachments, n.reply_to, n.record_id, n.occurrence, $format, $file, n.line,
    $import_id
FROM numbered n
ANTI JOIN messages m
    ON m.conversation_id = n.conversation_id AND m.sent_at = n.sent_at
    AND m.sender = n.sender AND m.text = n.text AND m.occurrence = n.occurrence
ORDER BY n.pos
"""


def _insert_messages(
    con: DuckDBPyConnection,
    staged: pl.DataFrame,
    import_id: int,
    source_format: str,
    source_file: str,
) -> dict[int, int]:
    """Insert the staged rows the store lacks; return how many were added per conversation."""
    row = con.execute("SELECT coalesce(max(seq), 0) FROM messages").fetchone()
    base_seq = int(row[0]) if row else 0
    con.register("staged", staged.to_arrow())
    try:
        con.execute(
            _INSERT_NEW,
            {
                "base_seq": base_seq,
                "format": source_format,
                "file": source_file,
                "import_id": import_id,
            },
        )
    finally:
        con.unregister("staged")
    after = con.execute(
        "SELECT conversation_id, count(*) FROM messages WHERE import_id = ? GROUP BY 1",
        [import_id],
    ).fetchall()
    return {int(conv): int(n) for conv, n in after}


def _decide_me(
    con: DuckDBPyConnection,
    conv_id: int,
    chat: str,
    people: list[str],
    messages: pl.DataFrame,
    me: str | None,
) -> tuple[str | None, str]:
    """Who the user is in this conversation, and how we know."""
    if me is not None:
        return me, "--me"
    flagged = (
        messages.filter((pl.col("chat") == chat) & pl.col("from_me").fill_null(False))
        .get_column("sender")
        .unique()
        .to_list()
    )
    if len(flagged) == 1 and flagged[0] in people:
        return str(flagged[0]), "the export"
    row = con.execute(
        "SELECT name FROM participants WHERE conversation_id = ? AND is_me", [conv_id]
    ).fetchone()
    if row is not None:
        return str(row[0]), "earlier choice"
    if not people:
        return None, ""
    placeholders = ", ".join("?" for _ in people)
    known = con.execute(
        f"SELECT name, bool_or(is_me) FROM participants "
        f"WHERE conversation_id <> ? AND name IN ({placeholders}) GROUP BY name",
        [conv_id, *people],
    ).fetchall()
    chosen = [n for n, is_me in known if is_me] or [n for n, _ in known]
    if len(chosen) == 1:
        return str(chosen[0]), "other conversations"
    return None, ""


def _store_me(con: DuckDBPyConnection, conv_id: int, name: str) -> None:
    con.execute(
        "UPDATE participants SET is_me = (name = ?) WHERE conversation_id = ?", [name, conv_id]
    )
