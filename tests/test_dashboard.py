"""The Grafana dashboard may only show what the app exports: every PromQL query names series of
``m5_agents_mlops.serve.telemetry.SERIES`` (histograms through ``_bucket``/``_sum``/``_count``),
groups and filters by labels those series have, and every series appears on some panel."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from m5_agents_mlops.serve.telemetry import SERIES, Metrics

ROOT = Path(__file__).resolve().parents[1]
HISTOGRAM_SUFFIX = re.compile(r"_(bucket|sum|count)$")


PROMQL_NOISE = [
    r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'',  # string literals (may hold braces)
    r"\{[^}]*\}",  # label matchers
    r"\[[^\]]*\]",  # range and subquery durations
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)",  # label lists
    r"\$\{?\w+\}?",  # Grafana variables ($__rate_interval)
]
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "offset", "bool"}


def promql_metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers left once strings, matchers, durations
    and label lists are gone, that are not called like functions, keywords or inside numbers."""
    for pattern in PROMQL_NOISE:
        expr = re.sub(pattern, " ", expr)
    names = re.findall(r"(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()", expr)
    return {name for name in names if name.lower() not in PROMQL_WORDS | {"inf", "nan"}}


def test_promql_metric_names() -> None:
    expr = 'sum by (le, route) (rate(a_bucket{s=~"5.(x)"}[5m])) / ignoring(j) b_total offset 1h'
    assert promql_metric_names(expr) == {"a_bucket", "b_total"}
    assert promql_metric_names("histogram_quantile(0.95, rate(c[$__rate_interval])) > 1e-9") == {
        "c"
    }
    assert promql_metric_names("max without (i) (up) and on(job) count(d) unless bool e") == {
        "up",
        "d",
        "e",
    }


def dashboard() -> dict[str, Any]:
    return json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "serve.json").read_text())


def dashboard_names() -> dict[str, str]:
    """``{metric name: panel title}`` over every panel target's ``expr``."""
    return {
        name: panel["title"]
        for panel in dashboard()["panels"]
        for target in panel.get("targets", [])
        for name in promql_metric_names(target["expr"])
    }


def test_dashboard_queries_only_series_the_app_exports() -> None:
    histograms = {f.name for f in Metrics().registry.collect() if f.type == "histogram"}
    assert histograms, "telemetry has histograms: the suffix rule below must be exercised"
    for name, title in dashboard_names().items():
        base = name if name in SERIES else HISTOGRAM_SUFFIX.sub("", name)
        assert base in SERIES, f"panel {title!r} queries {name}, which serve does not export"
        assert base not in histograms or base != name, (
            f"{title!r}: {name} needs _bucket/_sum/_count"
        )


def series_labels() -> dict[str, set[str]]:
    """``{series: label names}`` of every metric ``Metrics`` creates (histograms add ``le``)."""
    labels: dict[str, set[str]] = {}
    for metric in vars(Metrics()).values():
        if hasattr(metric, "_labelnames"):  # a prometheus_client metric
            name = metric._name + ("_total" if metric._type == "counter" else "")
            labels[name] = set(metric._labelnames) | (
                {"le"} if metric._type == "histogram" else set()
            )
    return labels


def test_dashboard_groups_and_filters_only_by_labels_the_series_have() -> None:
    """``sum by (route)`` over a series without ``route`` silently draws one line: caught here."""
    labels = series_labels()
    assert set(labels) == set(SERIES)
    for panel in dashboard()["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"]
            names = {
                n if n in SERIES else HISTOGRAM_SUFFIX.sub("", n) for n in promql_metric_names(expr)
            }
            allowed = set.union(*(labels[name] for name in names))
            used = {label.strip() for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr)
                    for label in group.split(",") if label.strip()}  # fmt: skip
            used |= set(re.findall(r"[{,]\s*(\w+)\s*(?:=~|!~|!=|=)", expr))
            assert used <= allowed, f"{panel['title']!r}: {sorted(used - allowed)} not on {names}"


def test_every_exported_series_is_on_the_dashboard() -> None:
    used = {
        name if name in SERIES else HISTOGRAM_SUFFIX.sub("", name) for name in dashboard_names()
    }
    assert set(SERIES) - used == set()
