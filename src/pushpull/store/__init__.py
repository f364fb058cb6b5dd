"""pushpull's local store: one DuckDB file in the data folder (see ``schema.sql``)."""

from pushpull.store.catalog import (
    EXPORT_FORMATS,
    ConversationSummary,
    Participant,
    conversation_me,
    export_conversation,
    forget_conversation,
    forget_everything,
    list_conversations,
    load_messages,
    require_me,
    resolve_conversation,
    set_me,
)
from pushpull.store.copies import (
    backup_is_encrypted,
    backup_store,
    decrypt_store,
    encrypt_store,
    restore_store,
)
from pushpull.store.database import STORE_FILE, Store, private_folder
from pushpull.store.encryption import KEY_FILE, check_new_passphrase, forget_keys, is_encrypted
from pushpull.store.ingest import ConversationImport, ImportResult, file_sha256, import_file

__all__ = [
    "EXPORT_FORMATS",
    "KEY_FILE",
    "STORE_FILE",
    "ConversationImport",
    "ConversationSummary",
    "ImportResult",
    "Participant",
    "Store",
    "backup_is_encrypted",
    "backup_store",
    "check_new_passphrase",
    "conversation_me",
    "decrypt_store",
    "encrypt_store",
    "export_conversation",
    "file_sha256",
    "forget_conversation",
    "forget_everything",
    "forget_keys",
    "import_file",
    "is_encrypted",
    "list_conversations",
    "load_messages",
    "private_folder",
    "require_me",
    "resolve_conversation",
    "restore_store",
    "set_me",
]
