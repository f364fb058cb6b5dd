"""pushpull: is this relationship stuck in a hot-and-cold, push-pull cycle, and what do I do?

The public Python API grows with each layer; everything here is safe to import and cheap.
"""

from __future__ import annotations

from pushpull.errors import PushPullError
from pushpull.model import Kind, Message, ParseIssue

__all__ = ["Kind", "Message", "ParseIssue", "PushPullError", "__version__"]

__version__ = "0.1.0"
