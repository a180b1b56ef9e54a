"""Order statistics of per-example token counts, as ``pftlint stats`` reports them: a nearest-rank
percentile and power-of-two histogram bins, both over a sorted sequence."""

from __future__ import annotations

import math


def percentile(ordered, p: float) -> int | None:
    """Nearest-rank percentile of a sorted sequence (the median of 4 values is the 2nd)."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def histogram(ordered) -> list[dict]:
    """Power-of-two bins (lo, hi], from the first non-empty bin to the last; the first bin starts at 0."""
    if not ordered:
        return []
    top = ordered[-1]
    edges = [0, 32]
    while edges[-1] < top:
        edges.append(edges[-1] * 2)
    bins = []
    i = 0
    n = len(ordered)
    for lo, hi in zip(edges, edges[1:]):
        start = i
        while i < n and ordered[i] <= hi:
            i += 1
        bins.append({"min": lo + 1 if lo else 0, "max": hi, "count": i - start})
    while bins and not bins[0]["count"]:
        bins.pop(0)
    return bins
