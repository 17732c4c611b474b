"""Sourced localities (../localities_control_2018_2020.csv) -> two point layers, one per date.

Writes ../../layers/localities_control_2018-09-17.geojson and ../../layers/localities_control_2020-03-06.geojson,
the members of the catalog series `localities-control`. Each feature keeps the locality's name, a
`locality_id` made from the name, who held it on that date (`control`: opposition, government,
turkey_sna or unknown, exactly as in the CSV), the CSV's `evidence_type` and, on the later date, the
`captured` text (the CSV's captured_date, as written). The CSV's evidence, coord_source and note columns
(editors' notes: which page, which mirror) stay in the CSV and do not reach any report. The 2 rows
without an open coordinate (Jarjanaz, Khan Tuman) are left out. Run: python _build/build_localities.py
"""
import csv
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "localities_control_2018_2020.csv")
LAYERS = os.path.join(HERE, "..", "..", "layers")
DATES = {"2018-09-17": "control_2018_09_17", "2020-03-06": "control_2020_03_06"}


def slug(name: str) -> str:
    text = name.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def main() -> None:
    with open(CSV, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["lon"] and row["lat"]]
    ids = [slug(row["name"]) for row in rows]
    assert len(set(ids)) == len(ids), "locality ids must be unique"
    for date, column in DATES.items():
        features = []
        for locality_id, row in zip(ids, rows):
            props = {"locality_id": locality_id, "name": row["name"], "control": row[column],
                     "evidence_type": row["evidence_type"]}
            if date == max(DATES):
                props["captured"] = row["captured_date"] or None
            features.append({"type": "Feature", "properties": props,
                             "geometry": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}})
        path = os.path.join(LAYERS, f"localities_control_{date}.geojson")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write('{"type": "FeatureCollection", "features": [\n')
            handle.write(",\n".join(json.dumps(f, ensure_ascii=False) for f in features))
            handle.write("\n]}\n")


if __name__ == "__main__":
    main()
