"""pushpull: is this relationship stuck in a hot-and-cold, push-pull cycle, and what do I do?

The public Python API grows with each layer; everything here is safe to import and cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pushpull.errors import PushPullError
from pushpull.model import Kind, Message, ParseIssue

if TYPE_CHECKING:
    from pushpull.analysis import Analysis, analyze

__all__ = ["Analysis", "Kind", "Message", "ParseIssue", "PushPullError", "__version__", "analyze"]


def __getattr__(name: str) -> Any:
    """``analyze`` and ``Analysis`` load the analysis stack (Polars, ruptures) on first use."""
    if name in ("analyze", "Analysis"):
        import pushpull.analysis

        return getattr(pushpull.analysis, name)
    raise AttributeError(f"module 'pushpull' has no attribute {name!r}")


__version__ = "0.1.0"
