"""The JSON Schema of ``pushpull analyze --json``, kept in ``data/schema/analysis.schema.json``.

Regenerate after changing the result models: ``python -m pushpull.analysis.schema``
(a test fails while the file and the models disagree).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pushpull.analysis._result import SCHEMA_VERSION, Analysis

__all__ = ["SCHEMA_FILE", "analysis_schema", "published_schema"]

SCHEMA_FILE = "data/schema/analysis.schema.json"


def analysis_schema() -> dict[str, Any]:
    """The schema as the result models define it."""
    schema = Analysis.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://pushpull.local/schema/analysis-v{SCHEMA_VERSION}.json"
    return schema


def published_schema() -> dict[str, Any]:
    """The schema file shipped with the package."""
    text = resources.files("pushpull").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _write() -> Path:
    target = Path(str(resources.files("pushpull").joinpath(SCHEMA_FILE)))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(analysis_schema(), indent=2, sort_keys=True) + "\n", "utf-8")
    return target


if __name__ == "__main__":
    print(f"wrote {_write()}")
