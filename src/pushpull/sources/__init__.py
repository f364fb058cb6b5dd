"""The built-in export formats, one module each; importing this package registers them all.

Order matters only for display; detection is by content (see ``pushpull.registry.detect``).
"""

from pushpull.registry import ExportFile, Sniff, all_sources, detect, get_source, read_frame
from pushpull.sources import (  # noqa: F401
    discord,
    generic,
    imessage,
    messenger,
    signal,
    sms,
    telegram,
    whatsapp,
)

__all__ = ["ExportFile", "Sniff", "all_sources", "detect", "get_source", "read_frame"]
