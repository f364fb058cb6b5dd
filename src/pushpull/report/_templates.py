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


#: The vendored plotly.js basic bundle (see ``assets/vendor/README.md``) and its SHA-256.
PLOTLY_FILE = "assets/vendor/plotly-basic.min.js"
PLOTLY_SHA256 = "99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba"
#: The trace types the charts draw: all of them are in the basic bundle.
PLOTLY_TRACES = ("scatter", "bar")


@functools.cache
def plotly_js() -> str:
    """plotly.js's basic bundle (scatter, bar and pie: all the charts need, a quarter of the
    full bundle's size), vendored in the package."""
    import importlib.resources

    return importlib.resources.files("pushpull.report").joinpath(PLOTLY_FILE).read_text("utf-8")


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
    partner: str = "",
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
            partner=partner,
        )
    )
