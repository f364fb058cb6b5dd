"""What every route of the app shares (:class:`AppState`), handed to the routes as a FastAPI
dependency (:data:`State`), as Datasette hands its views one ``datasette`` object."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import jinja2
import polars as pl
from fastapi import Depends, Request

from pushpull.analysis import Analysis
from pushpull.store import Store
from pushpull.web._analysis_jobs import AnalysisJobs
from pushpull.web._cache import MemoryCache
from pushpull.web._imports import ImportJobs
from pushpull.web._preferences import Preferences
from pushpull.web._store_access import StoreAccess
from pushpull.web.config import WebConfig

__all__ = ["AppState", "State", "app_state"]


@dataclass(slots=True, kw_only=True)
class AppState:
    """Everything the routes share: where the data is, the caches and running imports."""

    home: Path
    token: str
    csrf: str
    config: WebConfig
    env: jinja2.Environment
    analyses: MemoryCache[Analysis]
    frames: MemoryCache[pl.DataFrame]
    jobs: ImportJobs
    preferences: Preferences
    #: Opens the store (unlocked with the passphrase it holds in memory, if encrypted).
    access: StoreAccess
    #: Analyses of big conversations being made in the background.
    analysis_jobs: AnalysisJobs = field(default_factory=AnalysisJobs)
    debug: bool = False
    assets: dict[str, tuple[str, str]] = field(default_factory=dict)

    def store(self) -> AbstractContextManager[Store]:
        return self.access.open()

    def forget_cached(self, keep: Callable[[Hashable], bool] = lambda key: False) -> None:
        """Drop the analyses and messages held in memory (those whose key ``keep`` rejects)."""
        self.analyses.drop(keep)
        self.frames.drop(keep)


def app_state(request: Request) -> AppState:
    """The state of the app serving ``request``."""
    state: AppState = request.app.state.pushpull
    return state


#: A route's parameter that receives the app's state.
State = Annotated[AppState, Depends(app_state)]
