"""Data -> the words reports use about their layers' accuracy and their agreement's geography.

Nothing here knows a region: every sentence is built from the data (a layer's ``title``,
``accuracy``, ``accuracy_km`` and ``accuracy_note`` in the catalog; an agreement's ``map_note``;
a geography's ``describe()``), with neutral words where the data say nothing. An agreement whose
layers are all ``exact`` gets no accuracy notice and no "approximate" note at all.

- :func:`layer_uses`: every layer a report of an agreement used, and how (drawn on the map, used to
  compute a zone, counted in the key figures), in order.
- :func:`accuracy_notice`: the "Approximate geography" notice every report carries at its top,
  naming each approximate layer it used with its stated error (:func:`accordmap.reports.agreement.accuracy_notice`
  is this function; the comparison and compliance reports use it too).
- :func:`map_note`: the one sentence under a map (and in its legend, and on the static map).
- :func:`geography_text`: each provision's geography in words, every exception and sector included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from markupsafe import Markup
from accordmap import models
from accordmap.views.markup import isolate


KIND_WORDS = {"line": "lines", "area": "areas", "point": "points"}

DRAWN = "drawn on the map"
COUNTED = "places counted in each zone"
LENGTH = "length inside each zone"


def _add(uses: dict[str, list[str]], layer_id: str, use: str) -> None:
    found = uses.setdefault(layer_id, [])
    if use not in found:
        found.append(use)


def computed_use(geography) -> Markup:
    """How a geography's layers are used: 'used to compute the <label>' (a zone) or 'locates the <label>'."""
    verb = "used to compute the" if geography.COMPUTES_ZONES else "locates the"
    return Markup("{} {}").format(verb, isolate(geography.label))


def layer_uses(dataset, agreement: models.Agreement, *, drawn: Iterable[str] | None = None,
               figures: bool = True) -> dict[str, list[str | Markup]]:
    """Every layer a report of ``agreement`` (its series resolved, :meth:`Dataset.resolve_agreement`) used,
    by id, each with how: its geographies' layers (``along``, ``within``, ``except``, sectors, a features
    layer), the layers ``drawn`` on its map (default: the agreement's ``map_layers``) and, with ``figures``
    and a computed zone, the layers the key figures count in each zone (the catalog's ``settlements``
    layer and the map's point layers) or measure (a line named by a features geography)."""
    uses: dict[str, list[str]] = {}
    zoned = False
    for provision in agreement.provisions:
        geography = provision.geography
        if geography is None:
            continue
        zoned = zoned or geography.COMPUTES_ZONES
        for _, _, ref in geography.layer_refs():
            if ref.layer:
                _add(uses, ref.layer, computed_use(geography))
    drawn = list(agreement.map_layers if drawn is None else drawn)
    for layer_id in drawn:
        _add(uses, layer_id, DRAWN)
    if figures and zoned:
        settlements = next((layer for layer in dataset.layers.values() if layer.settlements), None)
        counted = [settlements.id] if settlements is not None else []
        counted += [i for i in drawn if dataset.layers[i].kind == "point"]
        for layer_id in counted:
            _add(uses, layer_id, COUNTED)
        for provision in agreement.provisions:
            if provision.geography is not None:
                for ref in provision.geography.measured_routes(dataset.layers):
                    _add(uses, ref.layer, LENGTH)
    return {i: found for i, found in uses.items() if i in dataset.layers}


def approximate(layers: Iterable[models.Layer]) -> list[models.Layer]:
    """The approximate layers among ``layers``, each once, in order."""
    return list({layer.id: layer for layer in layers if layer.accuracy == "approximate"}.values())


def worst_km(layers: Iterable[models.Layer]) -> float | None:
    """The largest ``accuracy_km`` the layers state (None: none states one)."""
    stated = [layer.accuracy_km for layer in layers if layer.accuracy_km]
    return max(stated) if stated else None


def kinds_text(layers: Iterable[models.Layer], zones: bool = False) -> str:
    """'lines and areas', 'points', 'lines, areas and zones': what the approximate layers are."""
    words = list(dict.fromkeys(KIND_WORDS[layer.kind] for layer in layers))
    words = [w for w in ("lines", "areas", "points") if w in words] + (["zones"] if zones else [])
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def approximate_provisions(dataset, agreement: models.Agreement) -> list[str]:
    """The ids of the agreement's provisions whose zones are computed from at least one approximate layer."""
    found = []
    for provision in agreement.provisions:
        geography = provision.geography
        if geography is None or not geography.COMPUTES_ZONES:
            continue
        if any(ref.layer in dataset.layers and dataset.layers[ref.layer].accuracy == "approximate"
               for _, _, ref in geography.layer_refs()):
            found.append(provision.id)
    return found


def zones_from_approximate(dataset, agreement: models.Agreement) -> list[str]:
    """The labels of the agreement's zones computed from at least one approximate layer."""
    ids = approximate_provisions(dataset, agreement)
    return list(dict.fromkeys(p.geography.label for p in agreement.provisions if p.id in ids))


def _error(layer: models.Layer) -> str:
    return f"typical error ±{layer.accuracy_km:g} km" if layer.accuracy_km else "error not stated"


def accuracy_notice(layers: Mapping[str, models.Layer], uses: Mapping[str, Sequence[str]], *,
                    agreements: Sequence[models.Agreement] = (), used: str = "used for this agreement",
                    consequence: str | None = None, zones: Sequence[str] = ()) -> Markup:
    """The 'Approximate geography' notice over the approximate layers among ``uses`` (layer id -> how the
    report used it, :func:`layer_uses`); empty when every layer used is exact.

    It opens with the ``map_note`` of each of ``agreements`` (what the agreement says about maps of its
    lines), then says the approximate layers are estimates and the largest typical error they state; then
    ``consequence`` (None: when ``zones`` are computed from them, that they are approximate by as much),
    then one item per layer: its title, its stated error, how the report used it, and its accuracy_note."""
    found = approximate(layers[i] for i in uses if i in layers)
    if not found:
        return Markup("")
    notes = Markup(" ").join(isolate(note) for note in dict.fromkeys(a.map_note for a in agreements if a.map_note))
    worst = worst_km(found)
    accuracy = f" (typical error up to {worst:g} km, worse in places)" if worst else ""
    if consequence is None:
        consequence = Markup("")
        if zones:
            one = len(zones) == 1
            consequence = Markup(" The {} {} computed from them, so {} approximate by as much.").format(
                Markup(", ").join(isolate(z) for z in zones), "is" if one else "are", "it is" if one else "they are")
    items = Markup("").join(
        Markup("<li>{} ({}; {}){}</li>").format(
            isolate(layer.title), _error(layer), Markup("; ").join(uses[layer.id]),
            Markup(": {}").format(isolate(layer.accuracy_note)) if layer.accuracy_note else Markup(""))
        for layer in found)
    lead = Markup("{} ").format(notes) if notes else Markup("")
    return Markup(
        '<aside class="accuracy-notice" role="note"><strong>Approximate geography.</strong> '
        "{}The {} {} are estimates{}.{}<ul>{}</ul></aside>"
    ).format(lead, kinds_text(found), used, accuracy, consequence, items)


def map_note(layers: Iterable[models.Layer], zones_km: float | None = None, zones: bool = False) -> str:
    """The sentence under a map (and in its legend): which of what it shows are approximate, and by how
    much ('' when nothing on it is). ``layers``: those drawn or used for its zones; ``zones``: whether
    its zones are computed from approximate layers; ``zones_km``: the zones' typical error."""
    found = approximate(layers)
    if not found and not zones:
        return ""
    what = kinds_text(found, zones=zones) if found else "zones"
    worst = worst_km(found)
    if zones and (zones_km or not worst) and (not worst or worst == zones_km):
        how = f"typically ±{zones_km:g} km, worse in places" if zones_km else "their error is not stated"
    elif zones:
        zone_error = f"the zones typically ±{zones_km:g} km" if zones_km else "the zones' error is not stated"
        how = f"{zone_error}; the layers' typical error is up to ±{worst:g} km, worse in places"
    elif worst:
        how = f"typically up to ±{worst:g} km, worse in places"
    else:
        how = "their error is not stated"
    return f"The {what} are approximate: {how}."


def agreement_map_note(dataset, agreement: models.Agreement, geometry=None,
                       drawn: Iterable[str] | None = None) -> str:
    """:func:`map_note` for the agreement's map: the ``drawn`` layers (default: its map_layers) and the
    layers of its zones; the zones' error is the geometry's (None: none computed)."""
    uses = layer_uses(dataset, agreement, drawn=drawn, figures=False)
    zoned = bool(zones_from_approximate(dataset, agreement)) and (geometry is None or bool(geometry.zones))
    return map_note([dataset.layers[i] for i in uses], getattr(geometry, "accuracy_km", None), zoned)


def geography_text(layers: Mapping[str, models.Layer], provision: models.Provision,
                   values: Mapping[str, float] | None = None) -> str:
    """The provision's geography in words, as its kind describes it (every exception and sector
    included, the report's parameters applied); '' when it has none."""
    return provision.geography.describe(layers, values) if provision.geography is not None else ""


def error_sources(sources, layers: Mapping[str, models.Layer]) -> Markup:
    """'Line of contact, 17 Sep 2018 (approximate) ±6.3 km; Opposition-held area ... (own edges) ±6.3 km': the
    boundaries a zone's range moves (:class:`accordmap.analysis.uncertainty.ErrorSource`), titles from data isolated."""
    return Markup("; ").join(
        Markup("{}{} ±{} km").format(isolate(layers[s.layer_id].title), " (own edges)" if s.kind == "area" else "",
                                     f"{s.error_km:g}") for s in sources)
