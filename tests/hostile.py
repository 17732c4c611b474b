"""A hostile copy of the minimal dataset: every text field a reader sees carries markup and script
that would run if any place forgot to escape it, and right-to-left text that must stay isolated.

Each running payload sets ``window.__pwned`` or opens a dialog. The JavaScript escapes (``\\x3c``,
``\\u003c``, ``\\u{3c}``) turn into markup if a string is pasted into a JS string or template literal
unescaped; ``\\74`` and the Windows path are syntax errors there (the map goes blank); ``{{ }}`` and
``{#`` are Jinja, which folium renders its scripts with. The data stays valid for ``accordmap check``:
no control characters, no bidi embeddings, overrides or isolates.

Also here, for the browser tests: the script that opens every popup and tooltip of a map, and
the checks that a page shows the hostile text without running it.
"""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Callable

import yaml

RTL = "منطقة منزوعة السلاح 15 كم، שלום 20"  # Arabic and Hebrew with numbers after them
JINJA = "{{ 7*191 }} {# no end"  # 1337 shows if evaluated; the open comment breaks the template

PAYLOADS = [
    "<script>window.__pwned='script';alert('script')</script>",
    "<img src=x onerror=\"window.__pwned='img';alert('img')\">",
    "`${window.__pwned='template';alert('template')}`",
    "<a href=\"javascript:window.__pwned='link'\">click</a>",
    "</script><script>window.__pwned='close';alert('close')</script>",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "\\x3cimg src=x onerror=window.__pwned='x3c'\\x3e",
    "\\u003cimg src=x onerror=window.__pwned='u003c'\\u003e",
    "\\u{3c}img src=x onerror=window.__pwned='ubrace'\\u{3e}",
    "\\74img src=x onerror=window.__pwned='octal'\\76",
    "C:\\data\\x-files\\9",
    "<!--<script>window.__pwned='comment'</script>-->",
    "line\u2028separator\u2029paragraph",
    "\"double\" 'single'",
    JINJA,
    RTL,
]


def hostile(text: str, key: str = "") -> str:
    """The text followed by every payload: each field gets them all."""
    return " ".join([text, *PAYLOADS])


# --- browser checks ---------------------------------------------------------------------------

OPEN_EVERYTHING = """
() => {
  let opened = 0;
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!layer || typeof L === 'undefined' || !(layer instanceof L.Layer)) continue;
    const targets = layer.eachLayer ? [] : [layer];
    if (layer.eachLayer) layer.eachLayer(l => targets.push(l));
    for (const t of targets) {
      if (t.getPopup && t.getPopup()) { t.openPopup(); opened++; }
      if (t.getTooltip && t.getTooltip()) { t.openTooltip(); opened++; }
    }
  }
  return opened;
}
"""

# Leaflet gives features outside the view the empty path "M0 0": count the drawn ones
DRAWN_PATHS = "path.leaflet-interactive:not([d='M0 0'])"

# [vector features on the map (areas, lines, circle markers), how many of them have a drawn SVG path]
COUNT_DRAWN = """
() => {
  const map = Object.values(window).find(v => typeof L !== 'undefined' && v instanceof L.Map);
  let features = 0, drawn = 0;
  map.eachLayer(layer => {
    if (!(layer instanceof L.Path)) return;
    features++;
    const d = layer._path && layer._path.getAttribute('d');
    if (d && d !== 'M0 0') drawn++;
  });
  return [features, drawn];
}
"""

# text nodes (not scripts) holding `needle` in neither a <bdi> nor an element with a dir attribute
NOT_ISOLATED = """
(needle) => {
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.includes(needle) || ['SCRIPT', 'STYLE'].includes(node.parentElement.tagName)) continue;
    let element = node.parentElement;
    while (element && element.tagName !== 'BDI' && !element.hasAttribute('dir')
           && element.namespaceURI !== 'http://www.w3.org/2000/svg') element = element.parentElement;
    if (!element) bad.push(node.parentElement.outerHTML.slice(0, 160));
  }
  return bad;
}
"""


def open_map(page, timeout: int = 15_000):
    """The map's frame once Leaflet has drawn every feature, with every popup and tooltip opened."""
    page.frame_locator("iframe.map-frame").locator(".folium-map").wait_for(timeout=timeout)
    frame = next(f for f in page.frames if f is not page.main_frame)
    frame.locator(DRAWN_PATHS).first.wait_for(timeout=timeout)  # fails if a script error blanked the map
    features, drawn = frame.evaluate(COUNT_DRAWN)
    assert features > 0 and drawn == features, f"{drawn} of {features} map features drawn"
    opened = frame.evaluate(OPEN_EVERYTHING)
    assert opened > 0, "no popup or tooltip was opened"
    frame.locator(".leaflet-control-layers").hover()
    return frame


def assert_nothing_ran(offline_page, frames) -> None:
    """No payload ran, nothing was requested, nothing failed."""
    offline_page.page.wait_for_timeout(300)
    for frame in frames:
        assert frame.evaluate("() => window.__pwned") is None, "a payload ran"
    assert offline_page.dialogs == [], f"a payload opened a dialog: {offline_page.dialogs}"
    assert offline_page.errors == [], f"console errors: {offline_page.errors}"
    assert offline_page.blocked == [], f"requests left the page: {offline_page.blocked}"


# --- the hostile dataset ----------------------------------------------------------------------


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit_geojson(path: Path, change) -> None:
    geo = json.loads(path.read_text(encoding="utf-8"))
    change(geo)
    path.write_text(json.dumps(geo, ensure_ascii=False), encoding="utf-8")


def make_hostile(data: Path, text: Callable[[str, str], str] = hostile) -> None:
    """Rewrite every text field a reader sees of the minimal dataset in ``data`` with
    ``text(original, field)``, where ``field`` names it (``sources.yaml:0.title``).

    Every layer also gets a ``note`` property on each feature, shown in its popups, so GeoJSON
    properties reach the map through popups, tooltips (``name``) and the key figures.
    """

    def sources(d):
        for i, s in enumerate(d["sources"]):
            for key in ("title", "publisher", "note"):
                s[key] = text(s.get(key) or key, f"sources.yaml:{i}.{key}")

    def actors(d):
        for i, a in enumerate(d["actors"]):
            for key in ("name", "short_name", "description"):
                a[key] = text(a.get(key) or a["name"], f"actors.yaml:{i}.{key}")
            for j, p in enumerate(a.get("people", [])):
                old = p["name"]
                p["name"] = text(old, f"actors.yaml:{i}.people.{j}.name")
                p["position"] = text(p["position"], f"actors.yaml:{i}.people.{j}.position")
                for s in a.get("statements", []):  # the speaker is one of the actor's people
                    if s["speaker"] == old:
                        s["speaker"] = p["name"]
            for j, s in enumerate(a.get("statements", [])):
                s["summary"] = text(s["summary"], f"actors.yaml:{i}.statements.{j}.summary")
                s["quote"] = text(s["quote"], f"actors.yaml:{i}.statements.{j}.quote")
            for j, r in enumerate(a.get("relations", [])):
                r["note"] = text(r["note"], f"actors.yaml:{i}.relations.{j}.note")

    def events(d):
        for i, e in enumerate(d["events"]):
            e["title"] = text(e["title"], f"events.yaml:{i}.title")
            e["discrepancies"] = [{"note": text("differs", f"events.yaml:{i}.discrepancies.0.note"),
                                   "sources": list(e["sources"])}]

    def agreement(d):
        for key in ("title", "short_title", "summary", "place", "note"):
            d[key] = text(d.get(key) or key, f"test-accord.yaml:{key}")
        for i, party in enumerate(d["parties"]):
            party["note"] = text("why", f"test-accord.yaml:parties.{i}.note")
        d["discrepancies"] = [{"note": text("differs", "test-accord.yaml:discrepancies.0.note"), "sources": list(d["sources"])}]
        for i, p in enumerate(d["provisions"]):
            p["text"] = text(p["text"], f"test-accord.yaml:provisions.{i}.text")
            p["deadline_note"] = text("soon", f"test-accord.yaml:provisions.{i}.deadline_note")
            p["discrepancies"] = [{"note": text("differs", f"test-accord.yaml:provisions.{i}.discrepancies.0.note"),
                                   "sources": list(p["sources"])}]
            p["geography"]["label"] = text(p["geography"]["label"], f"test-accord.yaml:provisions.{i}.geography.label")

    def catalog(d):
        for i, layer in enumerate(d["layers"]):
            for key in ("title", "attribution", "licence"):
                layer[key] = text(layer[key], f"catalog.yaml:{i}.{key}")
            if layer["accuracy"] == "approximate":
                layer["accuracy_note"] = text(layer["accuracy_note"], f"catalog.yaml:{i}.accuracy_note")
            layer["popup_properties"] = [*layer.get("popup_properties", []), "note"]
            layer["popup_labels"] = {"note": text("Note", f"catalog.yaml:{i}.popup_labels.note")}
            if layer.get("name_property"):  # names written on the map (maps.Labels)
                layer["label"] = {"min_zoom": 0}

    _edit_yaml(data / "sources.yaml", sources)
    _edit_yaml(data / "actors.yaml", actors)
    _edit_yaml(data / "events.yaml", events)
    _edit_yaml(data / "agreements" / "test-accord.yaml", agreement)
    _edit_yaml(data / "layers" / "catalog.yaml", catalog)

    road_names: dict[str, str] = {}
    for path in sorted((data / "layers").glob("*.geojson")):
        def change(geo, name=path.name):
            for i, feature in enumerate(geo["features"]):
                props = feature["properties"]
                props["note"] = text("note", f"{name}:{i}.note")
                if "name" in props:
                    new = text(props["name"], f"{name}:{i}.name")
                    if name == "road.geojson":
                        road_names[props["name"]] = new
                    props["name"] = new
        _edit_geojson(path, change)

    # the corridor selects the road by name: follow the rename
    def follow(d):
        where = d["provisions"][1]["geography"]["along"]["where"]
        where["name"] = road_names[where["name"]]

    _edit_yaml(data / "agreements" / "test-accord.yaml", follow)
