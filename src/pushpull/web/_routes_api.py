"""The JSON API: the conversations and their analyses, for scripts on this computer."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from pushpull.analysis import Analysis
from pushpull.store import list_conversations
from pushpull.web._api import ConversationOut, ProblemOut, conversation_out
from pushpull.web._state import State
from pushpull.web._views import analysis_of, facts_of, whole_range

__all__ = ["router"]

router = APIRouter()


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": ProblemOut} for code in (400, 401, 403, 404, 409, 422)
}


@router.get("/api/conversations", responses=_PROBLEMS)
def api_conversations(state: State) -> list[ConversationOut]:
    """Every conversation in the store."""
    with state.store() as store:
        return [conversation_out(c) for c in list_conversations(store)]


@router.get("/api/analysis/{conv_id}", responses=_PROBLEMS)
def api_analysis(
    state: State, conv_id: int, since: date | None = None, until: date | None = None
) -> Analysis:
    """The analysis of one conversation (optionally of the days from ``since`` to
    ``until``), as the dashboard shows it."""
    facts = facts_of(state, conv_id)
    first, last = whole_range(facts, since, until)
    return analysis_of(state, facts, first, last)
