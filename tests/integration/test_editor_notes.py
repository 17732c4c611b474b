"""No editor_note reaches any report: every place that may hold one gets a unique sentinel, and every
section of every report, for every agreement, is rendered in-process and searched for it."""

from __future__ import annotations

import ast
import json
import re

import papermill
import yaml

from accordmap.load import load_dataset
from accordmap.params import REPORTS
from accordmap.paths import NOTEBOOKS_DIR


# where the models have editor_note, by file: paths into the YAML ('*' = every item)
EDITOR_NOTE_PLACES = {
    "sources.yaml": [("sources", "*")],
    "events.yaml": [("events", "*"), ("events", "*", "discrepancies", "*")],
    "actors.yaml": [("actors", "*", "relations", "*")],
    "agreements/*.yaml": [(), ("parties", "*"), ("provisions", "*"), ("provisions", "*", "status", "*"),
                          ("provisions", "*", "discrepancies", "*"), ("provisions", "*", "status", "*", "discrepancies", "*"),
                          ("discrepancies", "*")],
}


def _mappings(value, path):
    if not path:
        yield value
        return
    key, rest = path[0], path[1:]
    items = (value if isinstance(value, list) else []) if key == "*" else [value.get(key)] if isinstance(value, dict) else []
    for item in items:
        if item is not None:
            yield from _mappings(item, rest)


def _with_sentinels(data) -> list[str]:
    """Give every mapping that may hold an editor_note a unique one; return them."""
    sentinels = []
    for pattern, places in EDITOR_NOTE_PLACES.items():
        for path in sorted(data.glob(pattern)):
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            for place in places:
                for mapping in _mappings(doc, place):
                    sentinels.append(f"EDITORONLY{len(sentinels):04d}X")
                    mapping["editor_note"] = sentinels[-1]
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return sentinels


def _render(report: str, data_dir, agreement: str) -> str:
    """Every section a report notebook displays, run in-process as the kernel would run it."""
    namespace = {name: ast.literal_eval(info["default"]) for name, info in
                 papermill.inspect_notebook(str(NOTEBOOKS_DIR / REPORTS[report]["notebook"])).items()}
    namespace.update(agreement=agreement, data_dir=str(data_dir))
    cells = json.loads((NOTEBOOKS_DIR / REPORTS[report]["notebook"]).read_text(encoding="utf-8"))["cells"]
    shown = []
    for source in ["".join(c["source"]) for c in cells if c["cell_type"] == "code"][1:]:
        *body, last = source.strip().splitlines()
        exec("\n".join(body), namespace)  # noqa: S102 - the project's own notebooks
        shown.append(str(eval(last, namespace)))  # noqa: S307
    return "\n".join(shown)


def test_no_editor_note_reaches_any_report(data_copy):
    sentinels = _with_sentinels(data_copy)
    data = load_dataset(data_copy)  # strict models: every sentinel sits where editor_note is allowed
    assert len(sentinels) > 200
    noted = [s.editor_note for s in data.sources.values()] + [e.editor_note for e in data.events]
    assert all(n and n.startswith("EDITORONLY") for n in noted)
    for report, info in REPORTS.items():
        agreements = [a.id for a in data.agreements.values() if a.amends] if info.get("subject") == "amendment" \
            else list(data.agreements)
        for agreement in agreements:
            html = _render(report, data_copy, agreement)
            assert "EDITORONLY" not in html, (report, agreement, re.findall(r"EDITORONLY\d+X", html)[:3])
