"""Validated models + geometry -> the report's tables.

Each table exists twice: a pandas DataFrame of plain values (``*_frame``) for analysts working
in a notebook, and an HTML rendering (``*_html``) with citations, for the published report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
import pandas as pd
from markupsafe import Markup
from accordmap.views import escape
from accordmap.analysis import figures
from accordmap.analysis import relevance
from accordmap.analysis import status
from accordmap.views import styles
from accordmap.views import wording
from accordmap import models
from accordmap.geometry import AgreementGeometry, length_inside_km
from accordmap.dataset import Dataset
from accordmap.views.markup import cite, isolate, table, zone_name
from accordmap.models import dates


def actor_name(dataset: Dataset, actor_id: str) -> str:
    actor = dataset.actors[actor_id]
    return actor.short_name or actor.name


def term(dataset: Dataset, vocabulary: str, term_id: str) -> str:
    """What reports show for a term of an open vocabulary (data/vocabularies.yaml): its label."""
    return dataset.vocabularies.label(vocabulary, term_id)


# --- provisions -----------------------------------------------------------------------------


def provisions_frame(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None,
                     values: Mapping[str, Mapping[str, float]] | None = None) -> pd.DataFrame:
    """One row per provision; ``status`` and ``deadline_at_as_of`` are as of ``as_of`` (see :mod:`accordmap.analysis.status`);
    ``geography_text`` is the geography in words with the parameter ``values`` by provision id applied."""
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
                "starts": p.starts,  # in force from (a day, or a time of day; ISO 8601 in the CSV)
                "starts_note": p.starts_note or "",
                "status": state.status,
                "status_since": state.since,
                "status_sources": list(state.sources),
                "geography": p.geography.label if p.geography else "",
                "geography_text": wording.geography_text(dataset.layers, p, (values or {}).get(p.id)),
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
        if state.starts == "upcoming":
            return Markup("not yet in force (from {})").format(state.provision.starts.label())
        return Markup("not yet in force (signed {})").format(dates.day_label(state.agreement.date_signed))
    cell = Markup('<span class="status status-{}">{}</span>').format(escape.html_attr(state.status),
                                                                      status.STATUS_LABELS[state.status])
    cell += Markup(" since {}").format(dates.day_label(state.since)) if state.current else Markup(" (no change recorded)")
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


def provisions_html(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None,
                    values: Mapping[str, Mapping[str, float]] | None = None) -> Markup:
    """The provisions table; the Geography cell states the zone in words, every exception and sector included
    (the parameter ``values`` by provision id applied: :func:`accordmap.views.wording.geography_text`)."""
    rows = []
    for p, state in zip(agreement.provisions, status.states(dataset, agreement, as_of)):
        deadline = Markup(p.deadline.label() if p.deadline else "none")  # a day, or a time of day and its zone
        if p.deadline_note:
            deadline += Markup(" ({})").format(isolate(p.deadline_note))
        if state.deadline:
            deadline += f" — {state.deadline} at {dates.day_label(as_of)}"
        if status.in_force_from(agreement, p) != agreement.date_signed:  # a start of its own, after the signing
            starts = Markup("in force from {}").format(p.starts.label())
            if p.starts_note:
                starts += Markup(" ({})").format(isolate(p.starts_note))
            if state.starts:
                starts += f" — {'in force' if state.starts == 'started' else 'not yet'} on {dates.day_label(as_of)}"
            deadline = Markup("<div>{}</div>{}").format(starts, Markup("<div>Deadline: {}</div>").format(deadline)
                                                        if p.deadline else "")
        text = Markup("{} {}").format(isolate(p.text), cite(dataset, p.sources))
        for d in p.discrepancies:
            text += Markup('<div class="discrepancy">Sources differ: {} {}</div>').format(
                isolate(d.note), cite(dataset, d.sources))
        rows.append([
            p.number, text, term(dataset, "provision_categories", p.category),
            _names(actor_name(dataset, a) for a in p.undertaken_by) or "—",
            _names(actor_name(dataset, a) for a in p.targets) or "—",
            deadline, status_cell(dataset, state),
            Markup('<span dir="auto">{}</span>').format(wording.geography_text(dataset.layers, p, (values or {}).get(p.id)))
            if p.geography else "—",
        ])
    when = f"on {dates.day_label(as_of)}" if as_of else "as last recorded"
    dated = "Start and deadline" if any(status.in_force_from(agreement, p) != agreement.date_signed
                                         for p in agreement.provisions) else "Deadline"
    return table(["Point", "Provision (paraphrase)", "Category", "Undertaken by", "Targets or affects", dated,
                  f"Status {when}", "Geography"], rows,
                 "provisions", caption=Markup("Provisions of the {}").format(isolate(agreement.short_title)),
                 row_header=True)


# --- key figures ----------------------------------------------------------------------------


def _counted_layers(dataset: Dataset, agreement: models.Agreement) -> list[models.Layer]:
    """The settlements layer of the catalog (the fullest layer of populated places), then the point layers
    on the agreement's map."""
    layers = [dataset.layers[i] for i in agreement.map_layers if dataset.layers[i].kind == "point"]
    settlements = figures.settlements_layer(dataset)
    if settlements is not None:
        layers = [settlements, *[layer for layer in layers if layer.id != settlements.id]]
    return layers


def _key_figures(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> list[dict]:
    """Per zone, {(name from data, what): value}: the area, the places of each counted point layer inside
    the zone and its variants (:func:`accordmap.analysis.figures.place_count`), and the km of each route inside. Names stay
    apart from the words, for isolation in HTML."""
    line_refs = [ref for p in agreement.provisions if p.geography for ref in p.geography.measured_routes(dataset.layers)]
    records = []
    for zone in geometry.zones:
        record: dict[tuple[str, str], object] = {("Area", "area"): figures.zone_area(dataset, geometry, zone)}
        for layer in _counted_layers(dataset, agreement):
            record[(layer.title, "count")] = figures.place_count(dataset, geometry, zone, layer)
        for ref in line_refs:
            layer = dataset.layers[ref.layer]
            lengths = length_inside_km(dataset.layer_frame(ref), zone, geometry.crs, by=layer.name_property)
            for key, km in lengths.items():
                record[(str(key), "km inside")] = km
        records.append(record)
    return records


def key_figures_frame(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> pd.DataFrame:
    """Per zone: the area (central and range, rounded to what the range supports, and as computed), the
    places of each counted point layer (central count, inside every variant, inside some, the layer's size,
    the names), km of each route inside."""
    records = []
    for zone, found in zip(geometry.zones, _key_figures(dataset, agreement, geometry)):
        record: dict[str, object] = {"zone": zone.name}
        for (name, what), value in found.items():
            if isinstance(value, figures.AreaFigure):
                low, high = value.rounded_range
                record.update({"area_km2": value.rounded, "area_low_km2": low, "area_high_km2": high,
                               "area_computed_km2": round(value.km2, 1), "area_computed_low_km2": round(value.low_km2, 1),
                               "area_computed_high_km2": round(value.high_km2, 1)})
            elif isinstance(value, figures.PlaceCount):
                count = value.figure
                record.update({f"{name}: count": count.central, f"{name}: count low": count.low,
                               f"{name}: count high": count.high, f"{name}: in the layer": value.total,
                               f"{name}: variants": value.variants,
                               f"{name}: inside every variant": ", ".join(value.inside),
                               f"{name}: inside some variants": ", ".join(
                                   f"{n} ({k} of {value.variants})" for n, k in value.some.items())})
            else:
                record[f"{name}: {what}"] = value
        records.append(record)
    return pd.DataFrame(records)


def key_figures_html(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> Markup:
    if not geometry.zones:
        return Markup("<p>This agreement declares no zone or corridor, so there are no zone figures.</p>")
    found = _key_figures(dataset, agreement, geometry)
    settlements = figures.settlements_layer(dataset)
    rows: list[list[object]] = []
    for key in dict.fromkeys(key for record in found for key in record):
        name, what = key
        values = [record.get(key) for record in found]
        if what == "area":
            rows.append(["Area", *[v.label() if v else "—" for v in values]])
        elif what == "count":
            listed = settlements is None or name != settlements.title  # the fullest layer is counted, not listed
            rows.append([Markup("{}: in the zone").format(isolate(name)),
                         *[v.sentence() + " in the layer" if v else "—" for v in values]])
            if listed:
                rows.append([Markup("{}: inside in every variant").format(isolate(name)),
                             *[_names(v.inside) or "none" for v in values]])
                if any(v.some for v in values if v):
                    rows.append([Markup("{}: inside in some variants").format(isolate(name)),
                                 *[Markup(", ").join(Markup("{} ({} of {})").format(isolate(n), k, v.variants)
                                                     for n, k in v.some.items()) or "none"
                                   if v else "—" for v in values]])
        else:
            rows.append([Markup("{}: {}").format(isolate(name), what),
                         *["none" if v is None else f"{v:,}" for v in values]])
    caption = f"Key figures, computed from {_layers_kind(dataset, agreement, geometry)} (exact geometry, metric CRS {geometry.crs.name})"
    body = table(["Figure", *[zone.name for zone in geometry.zones]], rows, "key-figures", caption=caption,
                 row_header=True)
    return body + _figures_method(dataset, agreement, geometry)


def _layers_kind(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> str:
    """What the zones are computed from, as the data say: 'the approximate layers', 'exact layers', or both."""
    approximate = set(wording.approximate_provisions(dataset, agreement))
    zoned = {zone.provision_id for zone in geometry.zones}
    if zoned <= approximate:
        return "the approximate layers"
    return "the layers, some of them approximate" if zoned & approximate else "exact layers"


def _figures_method(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> Markup:
    """The range and rounding rules under the key figures, and what each counted layer leaves out."""
    notes = Markup("").join(Markup("<li>{}: {}</li>").format(isolate(layer.title), isolate(layer.accuracy_note))
                            for layer in _counted_layers(dataset, agreement) if layer.accuracy_note)
    covers = Markup("<p>About the counted layers:</p><ul>{}</ul>").format(notes) if notes else Markup("")
    return Markup('<div class="method"><p>{}</p>{}</div>').format(FIGURES_RULES, covers)


#: the range and rounding rules, as the key figures state them (docs/method.md: "Ranges")
FIGURES_RULES = (
    "Each figure is computed from the layers as given; the range after it is what the layers' stated errors "
    "allow. The zone is recomputed with each line it is drawn from moved to either side by its error, and each "
    "area's own edges moved out or in by theirs (an edge on a more accurate layer, such as a border, by that "
    "layer's); sourced localities keep the side of the line they were recorded on. The range runs from the "
    "smallest to the largest figure any of these variants gives. A place is inside in every variant, inside in some (in how many "
    "is given) or outside in all. Figures are rounded to what the range supports; where no error is stated, "
    "areas have two significant figures. The range is not a confidence interval."
)


# --- places in the zone ---------------------------------------------------------------------

POSITION_LABELS = {"inside": "inside", "some": "in some variants", "outside": "outside"}


def places_in_zone_frame(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> pd.DataFrame:
    """Every place of the agreement's point layers inside the widest zone in at least one of its variants
    (:func:`accordmap.analysis.figures.place_classes`): its ``position`` there (``inside``: in every variant,
    ``some``, ``outside``), ``variants_in`` of ``variants``, whether the zone as computed holds it
    (``central``), its position in the narrowest zone of the same provision, and its administrative unit
    (the layer's ``admin_property``; '' without one). Inside first, then in some variants, most first. A
    place that two of the catalog's places layers both hold (same name and position) is listed once,
    under the first of them."""
    columns = ["place", "layer", "position", "variants_in", "variants", "central", "narrowest_zone_position",
               "narrowest_zone_variants_in", "admin_unit", "lat", "lon"]
    zone = geometry.outer_zone
    if zone is None:
        return pd.DataFrame(columns=columns)
    narrow = min((z for z in geometry.zones if z.provision_id == zone.provision_id), key=lambda z: z.distance_km)
    records = []
    places_layers = set(dataset.catalog.places_layers)
    listed: set[tuple[str, float, float]] = set()  # (name, lat, lon) of the places layers' rows
    for layer_id in agreement.map_layers:
        layer = dataset.layers[layer_id]
        if layer.kind != "point":
            continue
        frame = dataset.layer_frame(layer_id)
        wide = figures.place_classes(dataset, geometry, zone, layer)
        narrow_classes = figures.place_classes(dataset, geometry, narrow, layer)
        narrow_position = narrow_classes.position
        position = wide.position
        order = sorted((i for i in range(len(frame)) if position[i] != "outside"),
                       key=lambda i: (position[i] != "inside", -int(wide.variants_in[i])))
        for i in order:
            row = frame.iloc[i]
            place, lat, lon = (str(row[layer.name_property]) if layer.name_property else str(frame.index[i]),
                               round(row.geometry.y, 5), round(row.geometry.x, 5))
            if layer.id in places_layers:
                if (place, lat, lon) in listed:
                    continue  # held by an earlier places layer too
                listed.add((place, lat, lon))
            admin = row.get(layer.admin_property) if layer.admin_property else None
            records.append({
                "place": place,
                "layer": layer.title,
                "position": str(position[i]),
                "variants_in": int(wide.variants_in[i]),
                "variants": wide.variants,
                "central": bool(wide.central[i]),
                "narrowest_zone_position": str(narrow_position[i]),
                "narrowest_zone_variants_in": int(narrow_classes.variants_in[i]),
                "admin_unit": "" if admin is None or pd.isna(admin) else str(admin),
                "lat": lat,
                "lon": lon,
            })
    return pd.DataFrame(records, columns=columns)


def places_in_zone_html(dataset: Dataset, agreement: models.Agreement, geometry: AgreementGeometry) -> Markup:
    frame = places_in_zone_frame(dataset, agreement, geometry)
    zone = geometry.outer_zone
    if zone is None or frame.empty:
        return Markup("<p>No mapped place lies inside a computed zone in any variant of its boundaries.</p>")
    narrow = min(z.distance_km for z in geometry.zones if z.provision_id == zone.provision_id)
    both = narrow != zone.distance_km  # a band of one depth (min_km == max_km) gets one column

    def label(position: str, variants_in: int, variants: int) -> str:
        return f"in {variants_in} of {variants} variants" if position == "some" else POSITION_LABELS[position]

    heading = admin_heading(dataset, agreement)
    rows = [[r.place, r.layer, label(r.position, r.variants_in, r.variants),
             *([label(r.narrowest_zone_position, r.narrowest_zone_variants_in, r.variants)] if both else []),
             *([r.admin_unit] if heading else []), f"{r.lat:.5f}, {r.lon:.5f}"] for r in frame.itertuples()]
    counts = Markup("; ").join(
        Markup("{}: {} inside in every variant, {} in some").format(
            isolate(name), int((part.position == "inside").sum()), int((part.position == "some").sum()))
        for name, part in frame.groupby("layer", sort=False))
    variants = int(frame["variants"].iloc[0])
    note = Markup('<p class="method">In the {}: {}. The zone was recomputed {} times with its boundaries moved within '
                  "their stated errors (see the key figures' note); a place in some variants may be inside or outside. "
                  "Places outside every variant are not listed.</p>").format(zone_name(zone), counts, variants)
    return table(["Place", "Layer", f"Within {zone.distance_km:g} km", *([f"Within {narrow:g} km"] if both else []),
                  *([heading] if heading else []), "Lat, lon"], rows, "places-in-zone",
                 caption=Markup("Places inside the {} in at least one variant of its boundaries (text alternative "
                                "to the map)").format(zone_name(zone)),
                 row_header=True) + note


def admin_heading(dataset: Dataset, agreement: models.Agreement) -> str | None:
    """The heading of the places table's administrative-unit column, from the catalog: each point layer's
    ``admin_label`` (or the popup label of its ``admin_property``), joined with ' / ' where they differ;
    None when no point layer of the map names one (the table then has no such column)."""
    headings = [dataset.layers[i].admin_heading for i in agreement.map_layers if dataset.layers[i].kind == "point"]
    found = list(dict.fromkeys(h for h in headings if h))
    return " / ".join(found) or None


# --- stakeholders ---------------------------------------------------------------------------


def roles_frame(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per actor the agreement names (:func:`accordmap.analysis.relevance.actor_ids`), with its roles."""
    roles = {p.actor: [term(dataset, "party_roles", r) for r in p.roles] for p in agreement.parties}
    for provision in agreement.provisions:  # what the provisions say, after the roles the parties list
        for role, actor_ids in (("undertook", provision.undertaken_by), ("targeted", provision.targets)):
            for actor_id in actor_ids:
                roles.setdefault(actor_id, [])
                if role not in roles[actor_id]:
                    roles[actor_id].append(role)
    for signer in [*agreement.signed_by, *agreement.announced_by]:
        roles.setdefault(signer.actor, [])
    for actor, _ in relevance.statements(dataset, agreement, as_of):
        if not roles.setdefault(actor.id, []):
            roles[actor.id].append("made a statement on it")
    return pd.DataFrame([
        {"actor": dataset.actors[a].name, "kind": dataset.actors[a].kind, "side": dataset.actors[a].side,
         "roles": ", ".join(roles[a]), "id": a}
        for a in relevance.actor_ids(dataset, agreement, as_of)
    ], columns=["actor", "kind", "side", "roles", "id"])


def stakeholders_html(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> Markup:
    """Each actor the agreement names, with only the people, relations and description that concern it
    (:mod:`accordmap.analysis.relevance`)."""
    roles = roles_frame(dataset, agreement, as_of).set_index("id")
    notes = {p.actor: p.note for p in agreement.parties if p.note}
    found = relevance.scope(dataset, agreement, as_of)
    rows = []
    for actor_id in roles.index:
        actor = dataset.actors[actor_id]
        people = Markup("; ").join(Markup("{} ({}) {}").format(isolate(p.name), isolate(p.position), cite(dataset, p.sources))
                                   for p in relevance.people(found, actor))
        relations = Markup("; ").join(
            Markup("{} {}{}: {} {}").format(r.kind, isolate(actor_name(dataset, r.target)),
                                            f" since {dates.label(r.since)}" if r.since else "",
                                            isolate(r.note), cite(dataset, r.sources))
            for r in relevance.relations(found, actor))
        role = Markup("{}{}").format(roles.loc[actor_id, "roles"] or "—",
                                     Markup('<div class="muted" dir="auto">{}</div>').format(notes[actor_id])
                                     if actor_id in notes else "")
        own = relevance.description(found, actor)
        # the cell is a row header (<th>, bold): only the name stays bold, its citations and description do not
        name = Markup('<strong>{}</strong> <span style="font-weight:normal">{}</span>'
                      '<div class="muted actor-description" dir="auto" style="font-weight:normal">{}{}</div>').format(
            isolate(actor.name), cite(dataset, actor.sources), actor.description,
            Markup(" {} {}").format(own.text, cite(dataset, own.sources)) if own else "")
        rows.append([name, term(dataset, "actor_kinds", actor.kind), term(dataset, "sides", actor.side),
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
    """Actors x provisions: 'undertook', 'targeted', both ('undertook, targeted') or '' for each pair.
    Columns are provision ids (numbers need not be unique or numeric); rows are in the order of
    :func:`accordmap.analysis.relevance.party_ids`, indexed by actor name."""
    actors = relevance.party_ids(agreement)
    data = {p.id: [", ".join(role for role, ids in (("undertook", p.undertaken_by), ("targeted", p.targets))
                                      if a in ids) for a in actors]
            for p in agreement.provisions}
    return pd.DataFrame(data, index=[dataset.actors[a].name for a in actors])


def _matrix_mark(value: str) -> Markup:
    return Markup("").join(Markup('<span class="{}" role="img" aria-label="{}">{}</span>').format(
        MATRIX_MARKS[role][1], role, MATRIX_MARKS[role][0]) for role in value.split(", ") if role)


def obligation_matrix_html(dataset: Dataset, agreement: models.Agreement) -> Markup:
    matrix = obligation_matrix_frame(dataset, agreement)
    # each column's meaning is written in it (and the points' text is listed under the table), not only on hover
    columns = ["Actor"] + [Markup('<abbr title="{}">Point {}</abbr>').format(escape.html_attr(p.text), isolate(p.number))
                           for p in agreement.provisions]
    cells = [matrix[p.id].tolist() for p in agreement.provisions]  # by provision id, in the agreement's order
    rows = [[name, *[_matrix_mark(column[i]) for column in cells]] for i, name in enumerate(matrix.index)]
    legend = Markup('<ul class="legend matrix-legend">{}</ul>').format(Markup("").join(
        Markup('<li><span class="{}" aria-hidden="true">{}</span> {}</li>').format(css, mark, meaning)
        for mark, css, meaning in MATRIX_MARKS.values()))
    points = Markup('<ul class="matrix-points">{}</ul>').format(Markup("").join(
        Markup("<li><strong>{}</strong> {}</li>").format(isolate(p.number), isolate(p.text)) for p in agreement.provisions))
    caption = "Who undertook (●), and whom it targets (○), point by point; the points are listed under the table"
    return styles.section("obligations", Markup("{}{}<details open><summary>The points</summary>{}</details>").format(
        table(columns, rows, "obligations", caption=caption, row_header=True), legend, points))


def statements_frame(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> pd.DataFrame:
    """Statements about the agreement, made on or before ``as_of`` (None: all)."""
    return pd.DataFrame([
        {"date": s.date, "speaker": s.speaker, "actor": actor.name, "summary": s.summary, "quote": s.quote or "",
         "sources": list(s.sources)}
        for actor, s in relevance.statements(dataset, agreement, as_of)
    ], columns=["date", "speaker", "actor", "summary", "quote", "sources"])


def statements_html(dataset: Dataset, agreement: models.Agreement, as_of: dt.date | None = None) -> Markup:
    frame = statements_frame(dataset, agreement, as_of).sort_values("date", kind="stable")
    if frame.empty:
        return Markup("<p>No statements about this agreement are recorded in the data.</p>")
    rows = [[dates.day_label(r.date), Markup("{} <span class='muted'>({})</span>").format(isolate(r.speaker), isolate(r.actor)),
             Markup("{}{} {}").format(isolate(r.summary), Markup(" <q>{}</q>").format(isolate(r.quote)) if r.quote else "",
                                      cite(dataset, r.sources))]
            for r in frame.itertuples()]
    return table(["Date", "Speaker", "Statement (paraphrase; quoted words as reported)"], rows, "statements",
                 caption="Statements on the agreement")


# --- sources --------------------------------------------------------------------------------


def sources_for(dataset: Dataset, agreement: models.Agreement, event_ids: list[str] | None = None,
                as_of: dt.date | None = None) -> list[str]:
    """Every source behind what a report of this agreement shows, in first-cited order
    (:func:`accordmap.analysis.relevance.sources`; ``event_ids``: the timeline items shown)."""
    return relevance.sources(dataset, agreement, as_of, event_ids)
