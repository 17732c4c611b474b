"""The maps: interactive (folium) and static (matplotlib), in the same styles.

- :mod:`.offline` inlined Leaflet and jQuery, the map's own document, ``MAP_CSS``
- :mod:`.elements` the Leaflet elements (legend, attribution, path style, shape name, labels, view, event circles)
  and the panes
- :mod:`.layers` what any map composes: :func:`~.layers.add_layer`, popups, tooltips, legend entries, zone styles
- :mod:`.agreement` :func:`~.agreement.build_map`: an agreement's map, as a ``folium.Map``
- :mod:`.event_places` :func:`~.event_places.add_event_places`: the compliance layer of event places
- :mod:`.static` the static map (PNG/SVG) for print, slides and posts
"""
