"""What an error says on the page: plain words and what to do *in the page*, never a command-line
flag. The CLI's hints name flags (``--format``, ``--home``); here they are replaced by steps a
person can take in the browser, and every reader's complaint goes behind a "details" toggle."""

from __future__ import annotations

from dataclasses import dataclass, field

from pushpull.errors import (
    AmbiguousFormatError,
    ConversationNotFoundError,
    InputError,
    ParticipantError,
    PushPullError,
    StoreError,
    UnknownFormatError,
    UsageError,
)

__all__ = ["PageProblem", "page_problem"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PageProblem:
    """An error as the page shows it. ``export_steps``: show how to export from each app."""

    title: str
    message: str
    hint: str
    details: tuple[str, ...] = field(default=())
    export_steps: bool = False


_EXPORT_AGAIN = "Export the chat again from the app, then drop the new file on the start page."


def _has_command_words(text: str) -> bool:
    return "--" in text or "PUSHPULL_" in text or "pushpull " in text


def page_problem(error: PushPullError) -> PageProblem:
    """``error`` in the page's words."""
    if isinstance(error, UnknownFormatError):
        return PageProblem(
            title="This file is not a chat export pushpull can read",
            message=error.opening,
            hint=error.advice or "Check that it is the file the app exported. " + _EXPORT_AGAIN,
            details=tuple(f"{name}: {why}" for name, why in error.attempts),
            export_steps=True,
        )
    if isinstance(error, AmbiguousFormatError):
        return PageProblem(
            title="pushpull cannot tell which app made this file",
            message=f"It could be {' or '.join(error.names)}, and pushpull does not guess.",
            hint="Export the chat again from the app, without editing the file, and drop it on "
            "the start page.",
            export_steps=True,
        )
    if isinstance(error, ConversationNotFoundError):
        return PageProblem(
            title="This conversation is not here any more",
            message="It may have been deleted, or the address is out of date.",
            hint="The start page lists the conversations pushpull has.",
        )
    if isinstance(error, ParticipantError):
        return PageProblem(
            title="That person is not in this chat", message=error.message, hint=error.hint
        )
    hint = error.hint
    if _has_command_words(hint):
        if isinstance(error, InputError):
            hint = _EXPORT_AGAIN
        elif isinstance(error, StoreError):
            hint = "Close this page, then start pushpull again; if it keeps happening, see "
            hint += "“Global options” in pushpull's README."
        else:
            hint = "Go back to the start page and try again."
    title = error.title
    if isinstance(error, UsageError):
        title = "That needs a change"
    return PageProblem(title=title, message=error.message, hint=hint)
