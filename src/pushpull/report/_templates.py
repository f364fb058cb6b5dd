"""The Jinja environment shared by the report and the app, and the assets both use."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import jinja2
from markupsafe import Markup

from pushpull.assess import Finding
from pushpull.report._format import filters
from pushpull.report._view import ContextMessage

__all__ = ["asset_text", "inline_script", "plotly_js", "render_card", "template_environment"]

#: The assets in ``report/assets``, by the name the app serves them under.
ASSETS = ("pushpull.css", "page.js")


def template_environment(*loaders: jinja2.BaseLoader) -> jinja2.Environment:
    """An environment that finds templates in ``loaders`` first, then the shared ones."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader("pushpull.report")]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters())
    return env


@functools.cache
def _shared() -> jinja2.Environment:
    return template_environment()


@functools.cache
def asset_text(name: str) -> str:
    """The text of a shared asset (``pushpull.css``, ``page.js``)."""
    if name not in ASSETS:
        raise KeyError(name)
    import importlib.resources

    return (
        importlib.resources.files("pushpull.report").joinpath(f"assets/{name}").read_text("utf-8")
    )


@functools.cache
def plotly_js() -> str:
    """Plotly's own minified bundle, from the installed ``plotly`` package."""
    import importlib.resources

    return (
        importlib.resources.files("plotly")
        .joinpath("package_data/plotly.min.js")
        .read_text("utf-8")
    )


def inline_script(text: str) -> Markup:
    """``text`` made safe to sit inside a ``<script>`` or ``<style>`` element."""
    return Markup(text.replace("</script", "<\\/script").replace("</style", "<\\/style"))


def render_card(
    finding: Finding,
    *,
    low_data: bool = False,
    mode: str = "report",
    contexts: Mapping[int, Sequence[ContextMessage]] | None = None,
    around_base: str = "",
    me: str = "",
) -> str:
    """One finding's card as HTML (the partial both the app and the report use)."""
    return (
        _shared()
        .get_template("_card.html")
        .render(
            finding=finding,
            low_data=low_data,
            mode=mode,
            contexts=dict(contexts or {}),
            around_base=around_base,
            me=me,
        )
    )
