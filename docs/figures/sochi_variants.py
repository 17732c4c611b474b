"""Draw docs/figures/sochi-variants.png: the Sochi 15 km zone as computed and the outlines of its variants.

    .venv/bin/python docs/figures/sochi_variants.py

The figure of docs/method.md ("Ranges: one uncertainty model"); re-run it when the model or the
layers change. It reads the shipped data through the package, as a report does.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import geopandas as gpd  # noqa: E402

from accordmap.analysis import uncertainty  # noqa: E402
from accordmap.geometry import build_geometry  # noqa: E402
from accordmap.load import load_dataset  # noqa: E402

OUT = Path(__file__).with_name("sochi-variants.png")


def main() -> None:
    dataset = load_dataset()
    sochi = dataset.agreements["sochi-2018"]
    geometry = build_geometry(dataset, dataset.resolve_agreement(sochi, sochi.date_signed))
    zone = geometry.zones[0]
    variants = uncertainty.zone_variants(dataset, geometry, zone)
    fig, ax = plt.subplots(figsize=(7.5, 7.5), dpi=120)
    held = dataset.layer_frame("opposition-held-2018").to_crs(geometry.crs)
    held.plot(ax=ax, color="#e8f0e8", edgecolor="none")
    gpd.GeoSeries([zone.geometry], crs=geometry.crs).plot(ax=ax, color="#9e9e9e", edgecolor="none")
    for signs, shape in zip(variants.signs[1:], variants.shapes[1:]):
        style = "-" if signs[0] > 0 else ("--" if signs[0] < 0 else ":")
        gpd.GeoSeries([shape], crs=geometry.crs).boundary.plot(ax=ax, color="#000000", linewidth=0.5, linestyle=style)
    dataset.layer_frame("line-of-contact-2018").to_crs(geometry.crs).plot(ax=ax, color="#000000", linewidth=1.6)
    towns = dataset.layer_frame("localities-control-2018").to_crs(geometry.crs)
    for control, marker in (("government", "s"), ("opposition", "o")):
        part = towns[towns["control"] == control]
        part.plot(ax=ax, marker=marker, color="#ffffff", edgecolor="#000000", markersize=14, linewidth=0.6,
                  label=f"sourced locality, {control}-held 17 Sep 2018")
    areas = variants.areas_km2
    ax.set_title(f"{zone.name}: as computed {zone.area_km2:,.0f} km² (grey);\n"
                 f"outlines of its {variants.count - 1} variants, {areas.min():,.0f}–{areas.max():,.0f} km² "
                 "(solid: line moved out, dashed: in, dotted: held area's own edges only)", fontsize=8)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.set_axis_off()
    fig.savefig(OUT, bbox_inches="tight")
    print(OUT)


if __name__ == "__main__":
    main()
