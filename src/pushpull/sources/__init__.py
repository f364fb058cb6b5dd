"""The built-in export formats, one module each, loaded from the one list :data:`BUILT_IN`;
importing this package registers them all (a new format is one module and one name here).

Order matters only for display; detection is by content (see ``pushpull.registry.detect``).
"""

from importlib import import_module

from pushpull.registry import ExportFile, Sniff, all_sources, detect, get_source, read_frame

__all__ = ["BUILT_IN", "ExportFile", "Sniff", "all_sources", "detect", "get_source", "read_frame"]

#: The modules of ``pushpull.sources`` that hold the built-in formats.
BUILT_IN = ("discord", "generic", "imessage", "messenger", "signal", "sms", "telegram", "whatsapp")

for _name in BUILT_IN:
    import_module(f"{__name__}.{_name}")
