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

from pushpull.errors import ParseError, ParticipantError, StrictImportError, UsageError
from pushpull.model import ParseIssue
from pushpull.registry import InputLimits
from pushpull.sources import ExportFile, detect, get_source, read_frame
from pushpull.store.database import Store, execute, values

__all__ = ["ConversationImport", "ImportResult", "file_sha256", "import_file"]


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
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def import_file(
    store: Store,
    path: Path,
    *,
    me: str | None = None,
    name: str | None = None,
    fmt: str | None = None,
    options: Mapping[str, str] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    limits: InputLimits | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import ``path`` (format ``fmt`` or detected) into ``store``; see the module docstring.

    ``name`` names the conversation (default: the chat title the export gives); ``me`` is the
    user's name in it; ``options`` are format settings (``chat`` picks one chat of a
    multi-chat export; CSV column names for the generic format). ``limits`` replaces the
    default :class:`~pushpull.registry.InputLimits` (a file past one raises
    ``InputLimitError`` and nothing is imported). ``strict`` refuses a file with any line that
    needed repair (``StrictImportError``; nothing is imported).
    """
    file = ExportFile(path, options=options, on_bytes=on_bytes, limits=limits)
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
    messages, issues = frame.messages, frame.issues
    del frame
    if strict and issues:
        raise StrictImportError(file.path, issues)
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
    )
    n_read_total = messages.height
    summary = messages.group_by("chat", maintain_order=True).agg(
        pl.len().alias("n_read"),
        pl.col("sender").filter(pl.col("sender") != "").unique(maintain_order=True).alias("people"),
        pl.col("sender").filter(pl.col("from_me").fill_null(False)).unique().alias("flagged"),
    )
    chats: list[str] = summary.get_column("chat").to_list()
    n_by_chat = dict(zip(chats, summary.get_column("n_read").to_list(), strict=True))
    people = dict(zip(chats, summary.get_column("people").to_list(), strict=True))
    flagged = dict(zip(chats, summary.get_column("flagged").to_list(), strict=True))
    for chat in chats:
        if me is not None and me not in people[chat]:
            raise ParticipantError(me, chat, people[chat])

    with store.transaction() as con:
        conv_ids = {chat: _conversation_id(con, chat) for chat in chats}
        import_id = _insert_import(con, file, sha, selection, source.name, issues)
        staged = _stage(messages, conv_ids)
        del messages
        added = _insert_messages(con, staged, import_id)
        del staged
        outcomes = []
        for chat in chats:
            conv_id = conv_ids[chat]
            n_read = n_by_chat[chat]
            n_added = added.get(conv_id, 0)
            execute(
                con,
                f"INSERT INTO participants (conversation_id, name) "
                f"SELECT {conv_id:d}, name FROM people ON CONFLICT DO NOTHING",
                people=pl.DataFrame({"name": people[chat]}, schema={"name": pl.String}),
            )
            who, how = _decide_me(con, conv_id, people[chat], flagged[chat], me)
            if who is not None:
                _store_me(con, conv_id, who)
            con.execute(
                f"INSERT INTO import_conversations VALUES "
                f"({import_id:d}, {conv_id:d}, {n_read:d}, {n_added:d})"
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
            f"UPDATE imports SET n_read = {n_read_total:d}, n_added = {n_added_total:d} "
            f"WHERE id = {import_id:d}"
        )
    return ImportResult(
        path=file.path,
        source_format=source.name,
        sha256=sha,
        already_imported=False,
        n_read=n_read_total,
        n_added=n_added_total,
        warnings=tuple(issues),
        conversations=tuple(outcomes),
    )


def _conversation_id(con: DuckDBPyConnection, chat: str) -> int:
    args = values(name=chat, created_at=datetime.now())
    found = execute(
        con, "SELECT c.id FROM conversations c JOIN args a ON c.name = a.name", args=args
    )
    if not found:
        found = execute(
            con,
            "INSERT INTO conversations (name, created_at) SELECT name, created_at FROM args "
            "RETURNING id",
            args=args,
        )
    return int(found[0][0])


def _previous_import(store: Store, sha: str, selection: str) -> ImportResult | None:
    """The result of an earlier import of the same bytes with the same choices, if any."""
    found = execute(
        store.con,
        "SELECT i.id, i.file_name, i.source_format, i.n_read FROM imports i "
        "JOIN args a ON i.file_sha256 = a.sha AND i.selection = a.selection "
        "ORDER BY i.id LIMIT 1",
        args=values(sha=sha, selection=selection),
    )
    if not found:
        return None
    import_id, file_name, source_format, n_read = found[0]
    convs = store.con.execute(
        "SELECT c.name, ic.n_read, "
        "  list(p.name ORDER BY p.name) FILTER (WHERE p.name IS NOT NULL), "
        "  max(CASE WHEN p.is_me THEN p.name END) "
        "FROM import_conversations ic JOIN conversations c ON c.id = ic.conversation_id "
        "LEFT JOIN participants p ON p.conversation_id = c.id "
        f"WHERE ic.import_id = {int(import_id):d} GROUP BY c.name, ic.n_read ORDER BY c.name"
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
    [(import_id,)] = execute(
        con,
        "INSERT INTO imports (file_sha256, selection, file_name, file_size, source_format, "
        "imported_at, n_read, n_added, n_warnings) "
        "SELECT sha, selection, file_name, file_size, source_format, imported_at, 0, 0, "
        "n_warnings FROM args RETURNING id",
        args=values(
            sha=sha,
            selection=selection,
            file_name=file.name,
            file_size=file.size,
            source_format=source_format,
            imported_at=datetime.now(),
            n_warnings=len(issues),
        ),
    )
    if issues:
        warnings = pl.DataFrame(
            {
                "line": [i.line for i in issues],
                "reason": [i.reason for i in issues],
                "raw": [i.raw[:500] for i in issues],
                "action": [i.action for i in issues],
            },
            schema={"line": pl.Int64, "reason": pl.String, "raw": pl.String, "action": pl.String},
        )
        execute(
            con,
            f"INSERT INTO import_warnings SELECT {import_id:d}, line, reason, raw, action "
            "FROM warnings",
            warnings=warnings,
        )
    return int(import_id)


#: Rows per Arrow batch handed to DuckDB: one of its row groups, so that its threads each
#: convert and compress a batch of their own.
_BATCH_ROWS = 122_880
#: The identity of a message within its conversation (see the module docstring).
_IDENTITY = ["conversation_id", "sent_at", "sender", "text"]


def _stage(messages: pl.DataFrame, conv_ids: dict[str, int]) -> pl.DataFrame:
    """The rows to insert: conversation ids, file position, and occurrence numbers.

    The occurrence of a message is how many identical messages (same identity) came before it
    in this file. Only rows whose time, sender and text hash like another row's can have one
    above 0: those few are numbered exactly, every other row gets 0 (hashing, and sorting the
    hashes, is several times faster than numbering every row by its identity).
    """
    if len(conv_ids) == 1:
        conversation_id = pl.lit(next(iter(conv_ids.values())), dtype=pl.Int32)
    else:
        conversation_id = pl.col("chat").replace_strict(conv_ids, return_dtype=pl.Int32)
    staged = (
        messages.with_columns(conversation_id.alias("conversation_id"))
        .drop("chat")
        .with_row_index("pos")
    )
    hashes = staged.select(
        pl.col("text").hash(1) ^ pl.col("sent_at").hash(2) ^ pl.col("sender").hash(3)
    ).to_series()
    ordered = hashes.sort()
    shared = ordered.filter(ordered == ordered.shift(1))
    numbered = (
        staged.filter(hashes.is_in(shared.implode()))
        .select("pos", (pl.col("pos").cum_count().over(_IDENTITY) - 1).cast(pl.Int32).alias("n"))
        .filter(pl.col("n") > 0)
    )
    occurrence = pl.zeros(staged.height, pl.Int32, eager=True).scatter(
        numbered.get_column("pos"), numbered.get_column("n")
    )
    return staged.with_columns(occurrence.alias("occurrence"))


# seq continues the store's arrival order (gaps are harmless); the file's name and format come
# from its row in imports. A conversation that holds messages already gets only those it lacks.
_INSERT = """
INSERT INTO messages
SELECT
    s.conversation_id, {base_seq:d} + s.pos + 1, s.sent_at, s.utc_offset_s, s.sender, s.text,
    s.kind, s.attachments, s.reply_to, s.record_id, s.occurrence, i.source_format,
    i.file_name, s.line, i.id
FROM staged s
CROSS JOIN (SELECT id, source_format, file_name FROM imports WHERE id = {import_id:d}) i
"""
_ONLY_NEW = """
ANTI JOIN (SELECT * FROM messages WHERE conversation_id IN ({conv_ids})) m
    ON m.conversation_id = s.conversation_id AND m.sent_at = s.sent_at
    AND m.sender = s.sender AND m.text = s.text AND m.occurrence = s.occurrence
ORDER BY s.pos
"""


def _insert_messages(
    con: DuckDBPyConnection, staged: pl.DataFrame, import_id: int
) -> dict[int, int]:
    """Insert the staged rows the store lacks; return how many were added per conversation."""
    row = con.execute("SELECT coalesce(max(seq), 0) FROM messages").fetchone()
    base_seq = int(row[0]) if row else 0
    conv_ids = ", ".join(
        f"{int(c):d}" for c in staged.get_column("conversation_id").unique().to_list()
    )
    held = con.execute(
        f"SELECT count(*) FROM messages WHERE conversation_id IN ({conv_ids})"
    ).fetchone()
    sql = _INSERT.format(base_seq=base_seq, import_id=import_id)
    if held is not None and held[0]:
        sql += _ONLY_NEW.format(conv_ids=conv_ids)
    batches = pl.concat(
        [
            staged.slice(at, _BATCH_ROWS).to_struct("row")
            for at in range(0, staged.height, _BATCH_ROWS)
        ],
        rechunk=False,
    )
    # A frame streams as one batch; a chunked struct column streams one batch per chunk.
    execute(con, sql, staged=batches)
    after = con.execute(
        f"SELECT conversation_id, count(*) FROM messages WHERE import_id = {import_id:d} GROUP BY 1"
    ).fetchall()
    return {int(conv): int(n) for conv, n in after}


def _decide_me(
    con: DuckDBPyConnection,
    conv_id: int,
    people: list[str],
    flagged: list[str],
    me: str | None,
) -> tuple[str | None, str]:
    """Who the user is in this conversation, and how we know."""
    if me is not None:
        return me, "--me"
    if len(flagged) == 1 and flagged[0] in people:
        return str(flagged[0]), "the export"
    row = con.execute(
        f"SELECT name FROM participants WHERE conversation_id = {conv_id:d} AND is_me"
    ).fetchone()
    if row is not None:
        return str(row[0]), "earlier choice"
    if not people:
        return None, ""
    known = execute(
        con,
        f"SELECT p.name, bool_or(p.is_me) FROM participants p "
        f"SEMI JOIN people q ON p.name = q.name "
        f"WHERE p.conversation_id <> {conv_id:d} GROUP BY p.name",
        people=pl.DataFrame({"name": people}, schema={"name": pl.String}),
    )
    chosen = [n for n, is_me in known if is_me] or [n for n, _ in known]
    if len(chosen) == 1:
        return str(chosen[0]), "other conversations"
    return None, ""


def _store_me(con: DuckDBPyConnection, conv_id: int, name: str) -> None:
    execute(
        con,
        f"UPDATE participants SET is_me = (name = (SELECT name FROM args)) "
        f"WHERE conversation_id = {conv_id:d}",
        args=values(name=name),
    )
