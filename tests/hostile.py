"""A hostile copy of the minimal dataset: every text field a reader sees carries markup that would
run if any place forgot to escape it. Each payload sets window.__pwned (or opens a dialog)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

PAYLOADS = [
    "<script>window.__pwned='script';alert('script')</script>",
    "<img src=x onerror=\"window.__pwned='img';alert('img')\">",
    "`${window.__pwned='template';alert('template')}`",
    "<a href=\"javascript:window.__pwned='link'\">click</a>",
    "</script><script>window.__pwned='close';alert('close')</script>",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
]


def hostile(text: str, index: int = 0) -> str:
    return f"{text} {PAYLOADS[index % len(PAYLOADS)]}"


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def make_hostile(data: Path) -> None:
    def sources(d):
        for i, s in enumerate(d["sources"]):
            s["title"] = hostile(s["title"], i)
            s["publisher"] = hostile(s["publisher"], i + 1)
            s["note"] = hostile("note", i + 2)

    def actors(d):
        for i, a in enumerate(d["actors"]):
            a["name"] = hostile(a["name"], i)
            a["description"] = hostile(a["description"], i + 1)
            for p in a.get("people", []):
                p["name"] = hostile(p["name"], 4)
                p["position"] = hostile(p["position"], 5)
            for s in a.get("statements", []):
                s["speaker"] = hostile(s["speaker"], 4)
                s["summary"] = hostile(s["summary"], 2)
                s["quote"] = hostile(s["quote"], 3)
            for r in a.get("relations", []):
                r["note"] = hostile(r["note"], 1)

    def events(d):
        for i, e in enumerate(d["events"]):
            e["title"] = hostile(e["title"], i)

    def agreement(d):
        for key in ("title", "short_title", "summary", "place"):
            d[key] = hostile(d[key], len(key))
        d["note"] = hostile("note", 3)
        for i, p in enumerate(d["provisions"]):
            p["text"] = hostile(p["text"], i)
            p["deadline_note"] = hostile("soon", i + 1)
            p["geography"]["label"] = hostile(p["geography"]["label"], i + 2)

    def catalog(d):
        for i, layer in enumerate(d["layers"]):
            layer["title"] = hostile(layer["title"], i)
            layer["attribution"] = hostile(layer["attribution"], i + 1)
            layer["licence"] = hostile(layer["licence"], i + 2)
            if layer["accuracy"] == "approximate":
                layer["accuracy_note"] = hostile(layer["accuracy_note"], i + 3)

    _edit_yaml(data / "sources.yaml", sources)
    _edit_yaml(data / "actors.yaml", actors)
    _edit_yaml(data / "events.yaml", events)
    _edit_yaml(data / "agreements" / "test-accord.yaml", agreement)
    _edit_yaml(data / "layers" / "catalog.yaml", catalog)
    for name, key in [("towns.geojson", "name"), ("road.geojson", "name")]:
        path = data / "layers" / name
        geo = json.loads(path.read_text(encoding="utf-8"))
        for i, feature in enumerate(geo["features"]):
            feature["properties"][key] = hostile(feature["properties"][key], i + 1)
        path.write_text(json.dumps(geo), encoding="utf-8")
    # the corridor selects the road by name: follow the rename
    _edit_yaml(data / "agreements" / "test-accord.yaml",
               lambda d: d["provisions"][1]["geography"]["along"]["where"].update(name=hostile("Main road", 1)))
