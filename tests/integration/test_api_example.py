"""The analyst's example in ``help(accordmap)`` runs as written, and gives the library objects it promises."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pandas as pd

import accordmap


def test_the_example_in_the_package_docstring_runs():
    example = re.search(r"import accordmap as am\n(.*?)\n\"?\"?\"?$", accordmap.__doc__, re.S).group(0)
    code = "\n".join(line.strip() for line in example.splitlines() if line.strip())
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the package's own documentation
    assert isinstance(namespace["geo"].zones_frame(), gpd.GeoDataFrame)
    assert isinstance(namespace["m"], folium.Map)
    assert isinstance(namespace["r"], accordmap.Report)
    states = namespace["am"].provision_states(namespace["ds"], "sochi-2018", as_of="2019-01-01")
    assert isinstance(states, pd.DataFrame) and len(states) == len(namespace["ds"].agreements["sochi-2018"].provisions)
    assert namespace["cmp"].lost.label()


def test_build_map_draws_onto_the_analysts_own_map():
    ds = accordmap.load_dataset()
    agreement = ds.agreements["sochi-2018"]
    geo = accordmap.build_geometry(ds, agreement)
    mine = folium.Map(location=[35.8, 36.6], zoom_start=8, tiles=None)
    assert accordmap.build_map(ds, agreement, geo, m=mine) is mine
    html = mine.get_root().render()
    assert "accordmap-zones" in html and agreement.provisions[0].geography is not None
