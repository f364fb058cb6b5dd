"""Where pushpull keeps its data: ``--home``, else ``PUSHPULL_HOME``, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["HOME_ENV", "data_home"]

HOME_ENV = "PUSHPULL_HOME"


def data_home(explicit: Path | None = None) -> Path:
    """The data folder to use, by the precedence in the module docstring."""
    if explicit is not None:
        return explicit.expanduser()
    from_env = os.environ.get(HOME_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("pushpull", appauthor=False))
