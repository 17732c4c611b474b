"""Event places -> the compliance map's layer: one circle per place, sized by events, styled by position.
"""

from __future__ import annotations

import folium
import numpy as np
from markupsafe import Markup
from accordmap.views import escape
from accordmap.views.markup import isolate
from accordmap.views.maps.elements import Attribution, EventCircles, View
from accordmap.views.maps.layers import (
    COORD_DECIMALS, LegendEntry, add_legend, add_panes, checked_style, popup_html,
)


# --- conflict events ------------------------------------------------------------------------

EVENT_STYLES = {  # differ in lightness and dash, so they read in grayscale
    "inside": {"color": "#000000", "fillColor": "#262626", "fillOpacity": 0.55, "weight": 1.5},
    "some": {"color": "#424242", "fillColor": "#bdbdbd", "fillOpacity": 0.45, "weight": 1.5, "dashArray": "3 2"},
}


def event_radius(events: int) -> float:
    """Circle radius in pixels for a place with ``events`` events: area grows with the count."""
    return round(min(24.0, 3.0 + 2.0 * float(np.sqrt(max(events, 0)))), 1)


def add_event_places(m: folium.Map, places, *, title: str, credit: str, rules: str) -> folium.Map:
    """Add conflict events to the map as one circle per place, sized by its events (no clustering
    script, so nothing is loaded from a CDN), in one toggleable layer with its own legend.

    ``places`` has one row per place and point, as ``Compliance.top_places`` gives it (``place``,
    ``lon``, ``lat``, ``variants_in``, ``variants`` and the figure columns). A place inside the zone in every
    variant is dark; one inside only some variants is light and dashed. Text from the event file reaches the
    page only escaped: popups through :class:`EventCircles`, the layer's name through
    :func:`~accordmap.views.escape.folium_html`.
    """
    add_panes(m)
    group = folium.FeatureGroup(name=escape.folium_html(isolate(title)), show=True)
    ordered = places.sort_values(["events_high", "events"], ascending=False, kind="stable")  # big ones below
    items = []
    for row in ordered.itertuples():
        high, variants_in, variants = int(row.events_high), int(row.variants_in), int(row.variants)
        events = f"{high:,}"  # every event of a place shares its point, so its variants
        where = ("inside the zone in every variant" if variants_in == variants else
                 f"inside {variants_in} of the zone's {variants} variants"
                 + ("" if row.events else ", not the zone as computed"))
        popup = popup_html(Markup("{}: {} event{}").format(isolate(row.place), events, "" if high == 1 else "s"), [
            ("where", where),
            ("deaths (best estimates)", f"{int(row.deaths_best_high):,}"),
        ])
        items.append([round(float(row.lat), COORD_DECIMALS), round(float(row.lon), COORD_DECIMALS),
                      event_radius(high), "inside" if variants_in == variants else "some", str(popup),
                      f"{row.place}: {events} event{'' if high == 1 else 's'}, {where}"])
    group.add_child(EventCircles(items, {kind: checked_style(style) for kind, style in EVENT_STYLES.items()}))
    group.add_to(m)
    entries = [LegendEntry("place inside the zone in every variant", "point", EVENT_STYLES["inside"]),
               LegendEntry("place inside only some variants of the zone", "point", EVENT_STYLES["some"])]
    note = Markup("Circle size: number of events. Click a circle for its figures. Counted: {}.").format(rules)
    add_legend(m, entries, [note], title=title, position="bottomright")
    Attribution([credit]).add_to(m)
    layer_control_last(m)
    return m


def layer_control_last(m: folium.Map) -> None:
    """Move the layer control after every layer: its script names each layer's variable, so a layer
    added after it (as the events are, to a finished map) would be undefined when the control is made.
    The view script (:class:`View`) goes last of all: it measures every control."""
    for kind in (folium.LayerControl, View):
        for key in [k for k, child in m._children.items() if isinstance(child, kind)]:
            m.add_child(m._children.pop(key), name=key)
