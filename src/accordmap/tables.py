"""Validated models + geometry -> the report's tables.

Each table exists twice: a pandas DataFrame of plain values (``*_frame``) for analysts working
in a notebook, and an HTML rendering (``*_html``) with citations, for the published report.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from markupsafe import Markup

from accordmap import escape, models, status
from accordmap.geometry import AgreementGeometry, features_inside, length_inside_km
from accordmap.load import Dataset
from accordmap.markup import cite, isolate, table, zone_name


def actor_name(dataset: Dataset, actor_id: str) -> str:
    actor = dataset.actors[actor_id]
    return actor.short_name or actor.name


# --- provisions -----------------------------------------------------------------------------


def provisions_frame(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per provision; ``status`` and ``deadline_at_as_of`` are as of ``as_of`` (see :mod:`accordmap.status`)."""
    return pd.DataFrame(
        [
            {
                "point": p.number,
                "provision": p.text,
                "category": p.category,
                "undertaken_by": ", ".join(actor_name(dataset, a) for a in p.undertaken_by),
                "targets": ", ".join(actor_name(dataset, a) for a in p.targets),
                "deadline": p.deadline,
                "deadline_note": p.deadline_note or "",
                "deadline_at_as_of": state.deadline,
                "status": state.status,
                "status_since": state.since,
                "status_sources": list(state.sources),
                "geography": p.geography.label if p.geography else "",
                "sources": list(p.sources),
                "id": p.id,
            }
            for p, state in zip(agreement.provisions, status.states(dataset, agreement, as_of))
        ]
    )


def _names(names) -> Markup:
    """'A, B, C' with each name from data isolated (else Arabic names would swap places)."""
    return Markup(", ").join(isolate(name) for name in names)


def status_cell(dataset: Dataset, state: status.ProvisionState) -> Markup:
    """A provision's status on the report's date: the status, since when, by whom superseded or changed,
    the note and the sources of the change in force."""
    if not state.in_force:
        return Markup("not yet in force (signed {})").format(models.day_label(state.agreement.date_signed))
    cell = Markup('<span class="status status-{}">{}</span>').format(escape.html_attr(state.status),
                                                                      status.STATUS_LABELS[state.status])
    cell += Markup(" since {}").format(models.day_label(state.since)) if state.current else Markup(" (no change recorded)")
    for amendment in state.amendments:
        verb = {"supersedes": "superseded by", "modifies": "modified by", "carries-over": "carried over by"}[amendment.change.action]
        points = ", ".join(str(p.number) for p in amendment.by)
        cell += Markup('<div class="amended">{} the {}{}</div>').format(
            verb, isolate(amendment.agreement.short_title), f" (point {points})" if points else "")
    if state.note:
        cell += Markup('<div class="muted" dir="auto">{}</div>').format(state.note)
    if state.sources:
        cell += Markup(" {}").format(cite(dataset, state.sources))
    return cell


def provisions_html(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> Markup:
    rows = []
    for p, state in zip(agreement.provisions, status.states(dataset, agreement, as_of)):
        deadline = Markup(models.day_label(p.deadline) if p.deadline else "none")
        if p.deadline_note:
            deadline += Markup(" ({})").format(isolate(p.deadline_note))
        if state.deadline:
            deadline += f" — {state.deadline} at {models.day_label(as_of)}"
        text = Markup("{} {}").format(isolate(p.text), cite(dataset, p.sources))
        for d in p.discrepancies:
            text += Markup('<div class="discrepancy">Sources differ: {} {}</div>').format(
                isolate(d.note), cite(dataset, d.sources))
        rows.append([
            p.number, text, p.category,
            _names(actor_name(dataset, a) for a in p.undertaken_by) or "—",
            _names(actor_name(dataset, a) for a in p.targets) or "—",
            deadline, status_cell(dataset, state), p.geography.label if p.geography else "—",
        ])
    when = f"on {models.day_label(as_of)}" if as_of else "as last recorded"
    return table(["Point", "Provision (paraphrase)", "Category", "Undertaken by", "Targets or affects", "Deadline",
                  f"Status {when}", "Geography"], rows,
                 "provisions", caption=Markup("Provisions of the {}").format(isolate(agreement.short_title)),
                 row_header=True)


# --- key figures ----------------------------------------------------------------------------


def _key_figures(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> list[dict]:
    """Per zone, {(name from data, what): value}: the count and names of places of each point layer
    inside, and the km of each route inside. Names stay apart from the words, for isolation in HTML."""
    point_layers = [dataset.layers[i] for i in agreement.map_layers if dataset.layers[i].kind == "point"]
    line_refs = [p.geography.layer for p in agreement.provisions
                 if p.geography and p.geography.kind == "features" and dataset.layers[p.geography.layer.layer].kind == "line"]
    records = []
    for zone in geometry.zones:
        record: dict[tuple[str, str], object] = {}
        for layer in point_layers:
            inside = features_inside(dataset.layer_frame(layer.id), zone, geometry.crs)
            record[(layer.title, "count inside")] = len(inside)
            record[(layer.title, "inside")] = inside[layer.name_property].astype(str).tolist() if layer.name_property else []
        for ref in line_refs:
            layer = dataset.layers[ref.layer]
            lengths = length_inside_km(dataset.layer_frame(ref), zone, geometry.crs, by=layer.name_property)
            for key, km in lengths.items():
                record[(str(key), "km inside")] = km
        records.append(record)
    return records


def key_figures_frame(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> pd.DataFrame:
    """Per zone: area, towns and observation posts inside, km of each route inside."""
    records = []
    for zone, figures in zip(geometry.zones, _key_figures(dataset, agreement, geometry)):
        record: dict[str, object] = {"zone": zone.name, "area_km2": round(zone.area_km2)}
        for (name, what), value in figures.items():
            record[f"{name}: {what}"] = ", ".join(value) if isinstance(value, list) else value
        records.append(record)
    return pd.DataFrame(records)


def key_figures_html(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> Markup:
    if not geometry.zones:
        return Markup("<p>This agreement declares no zone or corridor, so there are no zone figures.</p>")
    figures = _key_figures(dataset, agreement, geometry)

    def shown(value: object) -> object:
        if isinstance(value, list):
            return _names(value) or "none"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{value:,}"
        return "none" if value is None else value

    rows: list[list[object]] = [["Area (km²)", *[f"{round(zone.area_km2):,}" for zone in geometry.zones]]]
    for key in dict.fromkeys(key for record in figures for key in record):
        name, what = key
        rows.append([Markup("{}: {}").format(isolate(name), what), *[shown(record.get(key)) for record in figures]])
    caption = "Key figures, computed from the approximate layers (exact geometry, metric CRS " + geometry.crs.name + ")"
    return table(["Figure", *[zone.name for zone in geometry.zones]], rows, "key-figures", caption=caption,
                 row_header=True)


# --- places in the zone ---------------------------------------------------------------------


def places_in_zone_frame(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> pd.DataFrame:
    """Every place of the agreement's point layers inside the widest zone, nearest the line first."""
    zone = geometry.outer_zone
    if zone is None:
        return pd.DataFrame(columns=["place", "layer", "in_narrowest_zone", "governorate"])
    narrow = min((z for z in geometry.zones if z.provision_id == zone.provision_id), key=lambda z: z.distance_km)
    records = []
    for layer_id in agreement.map_layers:
        layer = dataset.layers[layer_id]
        if layer.kind != "point":
            continue
        frame = dataset.layer_frame(layer_id)
        inside = features_inside(frame, zone, geometry.crs)
        in_narrow = set(features_inside(frame, narrow, geometry.crs).index)
        for index, row in inside.iterrows():
            records.append({
                "place": str(row[layer.name_property]) if layer.name_property else str(index),
                "layer": layer.title,
                "in_narrowest_zone": index in in_narrow,
                "governorate": str(row.get("ADM1_EN", "") or ""),
                "lat": round(row.geometry.y, 5),
                "lon": round(row.geometry.x, 5),
            })
    return pd.DataFrame(records)


def places_in_zone_html(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> Markup:
    frame = places_in_zone_frame(dataset, agreement, geometry)
    zone = geometry.outer_zone
    if zone is None or frame.empty:
        return Markup("<p>No mapped place lies inside a computed zone.</p>")
    narrow = min(z.distance_km for z in geometry.zones if z.provision_id == zone.provision_id)
    rows = [[r.place, r.layer, "yes" if r.in_narrowest_zone else f"no (only within {zone.distance_km:g} km)",
             r.governorate, f"{r.lat:.5f}, {r.lon:.5f}"] for r in frame.itertuples()]
    return table(["Place", "Layer", f"Within {narrow:g} km", "Governorate", "Lat, lon"], rows, "places-in-zone",
                 caption=Markup("Places inside the {} (text alternative to the map)").format(zone_name(zone)),
                 row_header=True)


# --- stakeholders ---------------------------------------------------------------------------


def _agreement_actor_ids(agreement: models.Agreement) -> list[str]:
    ids = [p.actor for p in agreement.parties]
    for provision in agreement.provisions:
        ids += [a for a in [*provision.undertaken_by, *provision.targets] if a not in ids]
    return ids


def roles_frame(dataset: Dataset, agreement: models.Agreement) -> pd.DataFrame:
    roles = {p.actor: list(p.roles) for p in agreement.parties}
    for provision in agreement.provisions:  # what the provisions say, after the roles the parties list
        for role, actor_ids in (("undertook", provision.undertaken_by), ("targeted", provision.targets)):
            for actor_id in actor_ids:
                roles.setdefault(actor_id, [])
                if role not in roles[actor_id]:
                    roles[actor_id].append(role)
    return pd.DataFrame([
        {"actor": dataset.actors[a].name, "kind": dataset.actors[a].kind, "side": dataset.actors[a].side,
         "roles": ", ".join(roles[a]), "id": a}
        for a in _agreement_actor_ids(agreement)
    ])


def stakeholders_html(dataset: Dataset, agreement: models.Agreement) -> Markup:
    roles = roles_frame(dataset, agreement).set_index("id")
    notes = {p.actor: p.note for p in agreement.parties if p.note}
    rows = []
    for actor_id in roles.index:
        actor = dataset.actors[actor_id]
        people = Markup("; ").join(Markup("{} ({}) {}").format(isolate(p.name), isolate(p.position), cite(dataset, p.sources))
                                   for p in actor.people)
        relations = Markup("; ").join(
            Markup("{} {}{}: {} {}").format(r.kind, isolate(actor_name(dataset, r.target)),
                                            f" since {models.partial_date_label(r.since)}" if r.since else "",
                                            isolate(r.note), cite(dataset, r.sources))
            for r in actor.relations)
        role = Markup("{}{}").format(roles.loc[actor_id, "roles"],
                                     Markup('<div class="muted" dir="auto">{}</div>').format(notes[actor_id])
                                     if actor_id in notes else "")
        name = Markup('{} {}<div class="muted" dir="auto">{}</div>').format(
            isolate(actor.name), cite(dataset, actor.sources), actor.description)
        rows.append([name, actor.kind, actor.side,
                     role, people or "—", relations or "—"])
    return table(["Actor", "Kind", "Side", "Role in this agreement", "Key people", "Relations"], rows,
                 "stakeholders", caption=Markup("Stakeholders of the {}").format(isolate(agreement.short_title)),
                 row_header=True)


# the two marks of the matrix: (mark, CSS class, what it means); the legend under the table prints them
MATRIX_MARKS = {
    "undertook": ("●", "undertook", "undertook to act (a party that signed up to it)"),
    "targeted": ("○", "targeted", "targeted or affected (need not have signed anything)"),
}


def obligation_matrix_frame(dataset: Dataset, agreement: models.Agreement) -> pd.DataFrame:
    """Actors x provisions: 'undertook', 'targeted', both ('undertook, targeted') or '' for each pair."""
    actors = _agreement_actor_ids(agreement)
    data = {f"{p.number}": [", ".join(role for role, ids in (("undertook", p.undertaken_by), ("targeted", p.targets))
                                      if a in ids) for a in actors]
            for p in agreement.provisions}
    return pd.DataFrame(data, index=[dataset.actors[a].name for a in actors])


def _matrix_mark(value: str) -> Markup:
    return Markup("").join(Markup('<span class="{}" aria-label="{}">{}</span>').format(
        MATRIX_MARKS[role][1], role, MATRIX_MARKS[role][0]) for role in value.split(", ") if role)


def obligation_matrix_html(dataset: Dataset, agreement: models.Agreement) -> Markup:
    matrix = obligation_matrix_frame(dataset, agreement)
    columns = ["Actor"] + [Markup('<abbr title="{}">{}</abbr>').format(escape.html_attr(p.text), p.number)
                           for p in agreement.provisions]
    rows = [[name, *[_matrix_mark(v) for v in row]] for name, row in zip(matrix.index, matrix.itertuples(index=False))]
    legend = Markup('<ul class="legend matrix-legend">{}</ul>').format(Markup("").join(
        Markup('<li><span class="{}" aria-hidden="true">{}</span> {}</li>').format(css, mark, meaning)
        for mark, css, meaning in MATRIX_MARKS.values()))
    points = Markup('<ol class="matrix-points">{}</ol>').format(Markup("").join(
        Markup('<li value="{}">{}</li>').format(p.number, isolate(p.text)) for p in agreement.provisions))
    return Markup("{}{}<details open><summary>The points</summary>{}</details>").format(
        table(columns, rows, "obligations", caption="Who undertook, and whom it targets, point by point", row_header=True),
        legend, points)


def statements_frame(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> pd.DataFrame:
    """Statements about the agreement, made on or before ``as_of`` (None: all)."""
    return pd.DataFrame([
        {"date": s.date, "speaker": s.speaker, "actor": actor.name, "summary": s.summary, "quote": s.quote or "",
         "sources": list(s.sources)}
        for actor in dataset.actors.values() for s in actor.statements
        if s.agreement == agreement.id and (as_of is None or s.date <= as_of)
    ], columns=["date", "speaker", "actor", "summary", "quote", "sources"])


def statements_html(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> Markup:
    frame = statements_frame(dataset, agreement, as_of).sort_values("date", kind="stable")
    if frame.empty:
        return Markup("<p>No statements about this agreement are recorded in the data.</p>")
    rows = [[models.day_label(r.date), Markup("{} <span class='muted'>({})</span>").format(isolate(r.speaker), isolate(r.actor)),
             Markup("{}{} {}").format(isolate(r.summary), Markup(" <q>{}</q>").format(isolate(r.quote)) if r.quote else "",
                                      cite(dataset, r.sources))]
            for r in frame.itertuples()]
    return table(["Date", "Speaker", "Statement (paraphrase; quoted words as reported)"], rows, "statements",
                 caption="Statements on the agreement")


# --- sources --------------------------------------------------------------------------------


def sources_for(dataset: Dataset, agreement: models.Agreement, event_ids: list[str] | None = None) -> list[str]:
    """Every source behind what a report of this agreement shows, in first-cited order."""
    ids: list[str] = []

    def add(values):
        ids.extend(v for v in values if v not in ids)

    add(agreement.sources)
    for part in [*agreement.signed_by, *agreement.announced_by, *agreement.documents, *agreement.discrepancies]:
        add(part.sources)
    for provision in agreement.provisions:
        add(provision.sources)
        for d in provision.discrepancies:
            add(d.sources)
        for change in status.history(dataset, agreement, provision):  # its own and those amendments derive
            add(change.sources)
            for d in change.discrepancies:
                add(d.sources)
    for change in agreement.changes:
        add(change.sources)
    for actor_id in _agreement_actor_ids(agreement):
        actor = dataset.actors[actor_id]
        add(actor.sources)
        for part in [*actor.people, *actor.relations, *[s for s in actor.statements if s.agreement == agreement.id]]:
            add(part.sources)
    for event in dataset.events:
        if event_ids is not None and event.id in event_ids:
            add(event.sources)
            for d in event.discrepancies:
                add(d.sources)
    for layer_id in agreement.map_layers:
        add(dataset.layers[layer_id].sources)
    return ids
