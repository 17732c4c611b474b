"""The analyst's API: ``import accordmap as am`` is light, and every public name resolves to what it says."""

from __future__ import annotations

import subprocess
import sys

import accordmap


def test_importing_accordmap_loads_no_geodata_stack():
    code = ("import sys, accordmap; heavy = [m for m in ('geopandas', 'pandas', 'shapely', 'folium', 'papermill') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves_and_is_documented():
    for name in accordmap.__all__:
        value = getattr(accordmap, name)
        assert value is not None, name
        if callable(value) or isinstance(value, type):
            assert (value.__doc__ or "").strip(), f"accordmap.{name} has no docstring"
    assert sorted(dir(accordmap)) == sorted(accordmap.__all__)


def test_help_names_the_analyst_api():
    doc = accordmap.__doc__
    for name in ["load_dataset", "report", "build_geometry", "build_map", "static_map_png", "provision_states",
                 "assessment", "compare"]:
        assert f"am.{name}(" in doc, name
