"""The engagement index: one number per person per day, measured against their own baseline.

Each component (see ``DEFAULT_WEIGHTS`` in :mod:`pushpull.dynamics.config`) is first put on a
common scale for that person alone: minus their median, divided by a robust spread (1.4826 x
MAD, or the standard deviation when most days share one value). The index is the weighted mean
of those standard scores, then rescaled to mean 0 and standard deviation 1 for that person, so
"+1" means "a clearly warmer day than usual for this person", whoever they are.
"""

from __future__ import annotations

import polars as pl

from pushpull.dynamics.config import DynamicsConfig

__all__ = ["COMPONENTS", "add_engagement"]

_MAD_TO_SD = 1.4826

#: How each component is computed from the daily table.
COMPONENTS: dict[str, pl.Expr] = {
    "messages": pl.col("messages").log1p(),
    "words": pl.col("words").log1p(),
    "initiations": pl.col("initiations").log1p(),
    "reply_speed": -(pl.col("reply_s") + 30.0).log(),
    "affection": pl.col("affection").log1p(),
    "warmth": pl.col("warmth"),
    "questions": pl.col("question").log1p(),
    "future": pl.col("future").log1p(),
    "distancing": (pl.col("distancing") + pl.col("deflection")).log1p(),
    "hostility": pl.col("hostility").log1p(),
}


def _standardised(name: str) -> pl.Expr:
    x = pl.col(f"_c_{name}")
    centre = x.median().over("person")
    mad = (x - centre).abs().median().over("person") * _MAD_TO_SD
    sd = x.std().over("person")
    scale = pl.when(mad > 1e-9).then(mad).when(sd > 1e-9).then(sd).otherwise(None)
    # Missing (no reply that day, no text to score) is "as usual": a standard score of 0.
    return ((x - centre) / scale).fill_null(0.0).fill_nan(0.0).clip(-4.0, 4.0)


def add_engagement(daily: pl.DataFrame, config: DynamicsConfig) -> pl.DataFrame:
    """Add ``engagement`` (standardised index) and ``smoothed`` (centred moving mean) columns."""
    weights = {k: w for k, w in config.weights.items() if k in COMPONENTS and w != 0}
    total = sum(abs(w) for w in weights.values())
    staged = daily.with_columns(
        **{f"_c_{k}": COMPONENTS[k].cast(pl.Float64) for k in weights}
    ).with_columns(**{f"z_{k}": _standardised(k) for k in weights})
    raw = pl.sum_horizontal([pl.col(f"z_{k}") * w for k, w in weights.items()]) / total
    staged = staged.with_columns(_raw=raw)
    mean = pl.col("_raw").mean().over("person")
    sd = pl.col("_raw").std().over("person")
    index = pl.when(sd > 1e-9).then((pl.col("_raw") - mean) / sd).otherwise(0.0)
    out = staged.with_columns(engagement=index).with_columns(
        smoothed=pl.col("engagement")
        .rolling_mean(config.smooth_days, center=True, min_samples=1)
        .over("person")
    )
    return out.drop([c for c in out.columns if c.startswith("_c_") or c == "_raw"])
