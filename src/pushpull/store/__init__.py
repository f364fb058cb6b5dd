"""pushpull's local store: one DuckDB file in the data folder (see ``schema.sql``)."""

from pushpull.store.catalog import (
    EXPORT_FORMATS,
    ConversationSummary,
    Participant,
    conversation_me,
    export_conversation,
    forget_conversation,
    list_conversations,
    load_messages,
    resolve_conversation,
    set_me,
)
from pushpull.store.database import STORE_FILE, Store
from pushpull.store.ingest import ConversationImport, ImportResult, file_sha256, import_file

__all__ = [
    "EXPORT_FORMATS",
    "STORE_FILE",
    "ConversationImport",
    "ConversationSummary",
    "ImportResult",
    "Participant",
    "Store",
    "conversation_me",
    "export_conversation",
    "file_sha256",
    "forget_conversation",
    "import_file",
    "list_conversations",
    "load_messages",
    "resolve_conversation",
    "set_me",
]
