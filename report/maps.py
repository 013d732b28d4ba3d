"""The map of a run, drawn offline: province, city and county outlines (``pool/boundaries.py``), city labels,
villages coloured by status — or by plan year, or by stability class when the run has them — and belts as linked
groups. One description (``map_layers``) feeds two renderers: a plotly figure on plain lon/lat axes for the app
(``map_figure``; never plotly's geo or mapbox traces, which fetch topojson or tiles from a CDN) and a matplotlib
picture for the workbook and the meeting summary (``map_png``).

Axes: lon/lat in degrees with the y axis stretched by 1/cos(mean latitude), so a degree of longitude and of
latitude are drawn at their true ground ratio near the pool (the equirectangular projection at that parallel).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.outcome import Outcome
from contract.texts import t
from pool.boundaries import Outlines, outlines
from report.escape import html

# Clearly distinct colours (ColorBrewer / Tableau): red in, blue eligible, grey ineligible; years and classes apart.
COLOURS = {"selected": "#d62728", "eligible": "#1f77b4", "ineligible": "#b0b0b0"}
YEAR_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
CLASS_COLOURS = {"always_in": "#1a9850", "depends": "#fdae61", "never_in": "#4575b4", "undecided": "#984ea3", "ineligible": "#b0b0b0"}
SIZES = {"selected": 8, "eligible": 5, "ineligible": 3}
OUTLINE = {"province": ("#333333", 1.6), "city": ("#555555", 1.0), "county": ("#a0a0a0", 0.5)}
BELT_COLOUR = "#111111"  # black links over red markers


@dataclass(frozen=True)
class VillageGroup:
    key: str  # selected | eligible | ineligible | year:<y> | class:<c>
    name: str  # legend label, in the reader's language
    colour: str
    size: int
    rows: np.ndarray  # pool row positions


@dataclass(frozen=True)
class MapLayers:
    outlines: Outlines
    groups: tuple[VillageGroup, ...]  # drawn in order: the last on top
    belt_lon: np.ndarray  # belt links as lines, NaN between links
    belt_lat: np.ndarray
    aspect: float  # y scale: 1 / cos(mean latitude)


def colour_modes(o: Outcome) -> list[str]:
    """The colourings a run offers: by status (plan year in a plan), and by stability class when it was proved."""
    return ["status"] + (["stability"] if o.stability is not None else [])


def _status_groups(o: Outcome, lang: str | None) -> list[VillageGroup]:
    s = o.selection
    eligible = np.asarray(o.scores.eligible, dtype=bool)
    chosen = np.asarray(s.selected, dtype=bool)
    groups = [
        VillageGroup("ineligible", t("map.ineligible", lang), COLOURS["ineligible"], SIZES["ineligible"], np.flatnonzero(~eligible)),
        VillageGroup("eligible", t("map.eligible", lang), COLOURS["eligible"], SIZES["eligible"], np.flatnonzero(eligible & ~chosen)),
    ]
    if s.year is not None and s.plan is not None:
        for k, year in enumerate(s.plan.years):
            rows = np.flatnonzero(chosen & (np.asarray(s.year) == year))
            groups.append(VillageGroup(f"year:{year}", t("map.year", lang, year=year), YEAR_COLOURS[k % len(YEAR_COLOURS)], SIZES["selected"], rows))
    else:
        groups.append(VillageGroup("selected", t("map.selected", lang), COLOURS["selected"], SIZES["selected"], np.flatnonzero(chosen)))
    return groups


def _class_groups(o: Outcome, lang: str | None) -> list[VillageGroup]:
    classes = o.stability.table.set_index("village_id")["class"].reindex(o.inputs.pool.frame["village_id"]).fillna("ineligible").to_numpy()
    order = ("ineligible", "never_in", "undecided", "depends", "always_in")
    return [
        VillageGroup(
            f"class:{c}",
            t(f"stab.class.{c}", lang),
            CLASS_COLOURS[c],
            SIZES["ineligible" if c == "ineligible" else "selected"],
            np.flatnonzero(classes == c),
        )
        for c in order
    ]


def _belt_links(o: Outcome) -> tuple[np.ndarray, np.ndarray]:
    """Each belt's neighbour links (the pairs within the belt radius that make it a belt), as NaN-separated lines."""
    if o.belts is None or o.selection.spatial is None:
        return np.empty(0), np.empty(0)
    from solver.spatial import neighbour_pairs

    frame = o.inputs.pool.frame
    number = o.belts.number[o.belts.number > 0]
    if number.empty:
        return np.empty(0), np.empty(0)
    rows = frame.loc[number.index]
    lon, lat, belt = rows["lon"].to_numpy(float), rows["lat"].to_numpy(float), number.to_numpy()
    pairs = neighbour_pairs(lon, lat, o.selection.spatial.radius_km)
    pairs = pairs[belt[pairs[:, 0]] == belt[pairs[:, 1]]] if len(pairs) else pairs
    xs = np.column_stack([lon[pairs[:, 0]], lon[pairs[:, 1]], np.full(len(pairs), np.nan)]).ravel() if len(pairs) else np.empty(0)
    ys = np.column_stack([lat[pairs[:, 0]], lat[pairs[:, 1]], np.full(len(pairs), np.nan)]).ravel() if len(pairs) else np.empty(0)
    return xs, ys


def map_layers(o: Outcome, colour: str = "status", lang: str | None = None) -> MapLayers:
    """What the map shows, as data (see the module doc); ``colour``: "status" or "stability" (``colour_modes``)."""
    frame = o.inputs.pool.frame
    groups = _class_groups(o, lang) if colour == "stability" and o.stability is not None else _status_groups(o, lang)
    lon, lat = _belt_links(o)
    mean_lat = float(np.nanmean(frame["lat"].to_numpy(float))) if frame["lat"].notna().any() else 0.0
    return MapLayers(outlines(frame), tuple(g for g in groups if len(g.rows)), lon, lat, 1.0 / max(np.cos(np.radians(mean_lat)), 0.2))


def _hover(frame: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    part = frame.iloc[rows]
    return (part["village"].astype(str) + " · " + part["county_place"].astype(str) + " · " + part["village_id"].astype(str)).map(html)


def map_figure(o: Outcome, colour: str = "status", lang: str | None = None, height: int = 640, highlight: str | None = None):
    """The plotly figure: outlines as line traces, one scatter trace per village group (``customdata``: the
    village_id, which a click or box selection returns), belt links, city labels; ``highlight``: a village_id
    ringed (the one being explained)."""
    import plotly.graph_objects as go

    layers = map_layers(o, colour, lang)
    frame = o.inputs.pool.frame
    figure = go.Figure()
    for level in ("county", "city", "province"):
        places = layers.outlines.level(level)
        if not places:
            continue
        colour_, width = OUTLINE[level]
        lon = np.concatenate([np.append(p.lon, np.nan) for p in places])
        lat = np.concatenate([np.append(p.lat, np.nan) for p in places])
        figure.add_trace(
            go.Scatter(
                x=lon,
                y=lat,
                mode="lines",
                line={"color": colour_, "width": width},
                hoverinfo="skip",
                name=t(f"map.{level}", lang),
                legendgroup="outline",
            )
        )
    for group in layers.groups:
        part = frame.iloc[group.rows]
        figure.add_trace(
            go.Scattergl(
                x=part["lon"],
                y=part["lat"],
                mode="markers",
                name=group.name,
                customdata=part["village_id"],
                text=_hover(frame, group.rows),
                hoverinfo="text",
                marker={"size": group.size, "color": group.colour, "line": {"width": 0}},
            )
        )
    if len(layers.belt_lon):  # WebGL like the markers, so the links are drawn over them
        line = {"color": BELT_COLOUR, "width": 2}
        figure.add_trace(go.Scattergl(x=layers.belt_lon, y=layers.belt_lat, mode="lines", line=line, hoverinfo="skip", name=t("map.belts", lang)))
    ringed = frame[frame["village_id"] == highlight]
    if len(ringed):
        ring = {"size": 20, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "#000000"}}
        text = _hover(frame, np.flatnonzero(frame["village_id"].to_numpy() == highlight))
        figure.add_trace(
            go.Scattergl(
                x=ringed["lon"],
                y=ringed["lat"],
                mode="markers",
                marker=ring,
                text=text,
                customdata=ringed["village_id"],
                hoverinfo="text",
                showlegend=False,
            )
        )
    cities = layers.outlines.level("city")
    if cities:
        figure.add_trace(
            go.Scatter(
                x=[c.label_at[0] for c in cities],
                y=[c.label_at[1] for c in cities],
                mode="text",
                text=[html(c.name) for c in cities],  # a pool's names are user text: plotly reads tags in labels
                textfont={"size": 13, "color": "#222222"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    figure.update_layout(
        height=height,
        margin={"t": 10, "b": 10, "l": 10, "r": 10},
        legend={"orientation": "h", "x": 0.0, "y": 0.0, "yanchor": "top"},  # under the map: the map keeps the width
        plot_bgcolor="#ffffff",
        dragmode="pan",
        clickmode="event+select",
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x", scaleratio=layers.aspect)
    return figure


def map_png(o: Outcome, colour: str = "status", lang: str | None = None, width_in: float = 10.0, dpi: int = 150) -> bytes:
    """The same map as a PNG picture (for the workbook's 地图 sheet and the meeting summary): ``width_in`` inches
    wide at ``dpi``, height from the pool's extent. Raises ``InputError`` when no CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file renderer
    from matplotlib.figure import Figure

    from report.fonts import cjk_font

    font = cjk_font()
    layers = map_layers(o, colour, lang)
    frame = o.inputs.pool.frame
    lon, lat = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
    for p in layers.outlines.level("province") or layers.outlines.level("city"):
        lon, lat = np.concatenate([lon, p.lon]), np.concatenate([lat, p.lat])
    span = max(np.nanmax(lon) - np.nanmin(lon), 1e-6), max(np.nanmax(lat) - np.nanmin(lat), 1e-6)
    height_in = min(max(width_in * span[1] * layers.aspect / span[0], 3.0), 2 * width_in)
    figure = Figure(figsize=(width_in, height_in), dpi=dpi)
    axes = figure.add_axes((0.01, 0.01, 0.98, 0.98))
    for level in ("county", "city", "province"):
        colour_, width = OUTLINE[level]
        for p in layers.outlines.level(level):
            axes.plot(p.lon, p.lat, color=colour_, linewidth=width * 0.8, zorder=1)
    if len(layers.belt_lon):
        axes.plot(layers.belt_lon, layers.belt_lat, color=BELT_COLOUR, linewidth=1.0, zorder=3.5, label=t("map.belts", lang))
    for group in layers.groups:
        part = frame.iloc[group.rows]
        axes.scatter(part["lon"], part["lat"], s=group.size**2 / 2.5, c=group.colour, linewidths=0, label=group.name, zorder=3)
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]  # a label stays readable over villages
    for c in layers.outlines.level("city"):
        axes.annotate(
            c.name, c.label_at, parse_math=False, fontfamily=font, fontsize=9, ha="center", va="center", zorder=4, color="#222222", path_effects=halo
        )
    axes.set_aspect(layers.aspect)
    axes.set_axis_off()
    axes.legend(loc="lower right", prop={"family": font, "size": 8}, markerscale=1.5, frameon=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- value for money (analysis/value.py) --------------------------------------------------------------------------


def curve_table(o: Outcome, lang: str | None = None) -> pd.DataFrame:
    """The value curves' points as a table (the workbook's 预算与总分 sheet): curve, bound, optimal total score,
    villages selected, budget used; empty when the run has no curves."""
    rows = [
        {
            t("value.kind", lang): t(f"value.kind.{c.kind}", lang),
            t("value.bound", lang): p.bound,
            t("value.objective", lang): None if p.objective is None else round(p.objective, 4),
            t("value.count", lang): p.count,
            t("value.spent", lang): p.spent,
            t("value.today", lang): "✓" if p.bound == c.today else "",
        }
        for c in o.curves or ()
        for p in c.points
    ]
    return pd.DataFrame(rows)


def value_scatter(o: Outcome, lang: str | None = None, height: int = 520):
    """Score against 计划投资 for the eligible villages: selected ones highlighted, the best-value frontier as a
    step line through the non-dominated villages (``analysis.value.frontier``)."""
    import plotly.graph_objects as go

    from analysis.value import frontier

    frame = o.inputs.pool.frame
    eligible = np.flatnonzero(np.asarray(o.scores.eligible, dtype=bool))
    cost = frame["cost"].to_numpy(float)[eligible]
    score = o.scores.table["score"].to_numpy(float)[eligible]
    chosen = np.asarray(o.selection.selected, dtype=bool)[eligible]
    known = ~np.isnan(cost) & ~np.isnan(score)
    figure = go.Figure()
    for mask, key, size in ((~chosen & known, "eligible", 5), (chosen & known, "selected", 8)):
        rows = eligible[mask]
        figure.add_trace(
            go.Scattergl(
                x=cost[mask], y=score[mask], mode="markers", name=t(f"map.{key}", lang), customdata=frame["village_id"].to_numpy()[rows],
                text=_hover(frame, rows), hoverinfo="text+x+y", marker={"size": size, "color": COLOURS[key], "opacity": 0.75},
            )
        )  # fmt: skip
    best = np.flatnonzero(known)[frontier(cost[known], score[known])]
    order = best[np.argsort(cost[best])]
    figure.add_trace(
        go.Scatter(
            x=cost[order], y=score[order], mode="lines+markers", line={"shape": "hv", "color": "#2ca02c", "width": 2},
            marker={"size": 9, "symbol": "diamond", "color": "#2ca02c"}, name=t("value.frontier", lang),
            text=_hover(frame, eligible[order]), hoverinfo="text+x+y",
        )
    )  # fmt: skip
    figure.update_layout(height=height, margin={"t": 30, "l": 10, "r": 10}, legend={"orientation": "h", "y": -0.15}, title=t("value.scatter", lang))
    figure.update_xaxes(title=t("value.cost", lang))
    figure.update_yaxes(title=t("value.score", lang))
    return figure


def curve_figure(curve, lang: str | None = None, height: int = 420):
    """z* against the bound, the run's own bound marked (a dashed line and a marker)."""
    import plotly.graph_objects as go

    solved = [p for p in curve.points if p.objective is not None]
    figure = go.Figure(
        go.Scatter(
            x=[p.bound for p in solved], y=[p.objective for p in solved], mode="lines+markers", name=t("value.axis.objective", lang),
            customdata=[[p.count, p.spent or 0] for p in solved],
            hovertemplate="%{x:,.0f} → %{y:.4f}<br>%{customdata[0]} · %{customdata[1]:,.0f}<extra></extra>",
        )
    )  # fmt: skip
    today = [p for p in solved if p.bound == curve.today]
    if today:
        figure.add_trace(
            go.Scatter(
                x=[curve.today],
                y=[today[0].objective],
                mode="markers",
                marker={"size": 14, "color": COLOURS["selected"]},
                name=t("value.today", lang),
            )
        )
    figure.add_vline(x=curve.today, line_dash="dash", line_color=COLOURS["selected"])
    figure.update_layout(
        height=height, margin={"t": 30, "l": 10, "r": 10}, title=t(f"value.curve.{curve.kind}", lang), legend={"orientation": "h", "y": -0.2}
    )
    figure.update_xaxes(title=t(f"value.axis.{curve.kind}", lang))
    figure.update_yaxes(title=t("value.axis.objective", lang))
    return figure


def budget_more(curve, lang: str | None = None) -> str | None:
    """ "What would 10,000 万元 more buy": the gain in total score and villages from today's budget to today's + 10,000
    万元, when both points were solved."""
    from analysis.value import BUDGET_MORE

    at = {p.bound: p for p in curve.points}
    now, more = at.get(curve.today), at.get(curve.today + BUDGET_MORE)
    if curve.kind != "budget" or now is None or more is None or now.objective is None or more.objective is None:
        return None
    return t("value.more", lang, more=BUDGET_MORE, gain=more.objective - now.objective, count=more.count - now.count)
