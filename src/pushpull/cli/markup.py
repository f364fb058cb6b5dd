"""The one way user data reaches Rich: escaped, so that a sender named
``[link=https://evil.example/]Sam[/link]`` or a file called ``[bold]x[/]`` prints as written
instead of turning into a hidden link or a change of style."""

from __future__ import annotations

from rich.markup import escape

__all__ = ["plain"]


def plain(value: object) -> str:
    """``value`` as text that Rich prints literally (names, texts, paths, summaries)."""
    return escape(str(value))
