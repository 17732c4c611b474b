"""Agreements -> every zone computed as the build computes it, with each member of every layer series
it names; none may come out empty (what ``accordmap check`` adds to the static checks).
"""

from __future__ import annotations

from typing import Any
from accordmap import models
from accordmap.dataset import resolve_agreement
from accordmap.errors import DataError
from accordmap.load.yamlfile import YamlDoc, field_name
from accordmap.load.references import geography_refs, ref_text
from accordmap.models import dates
from accordmap.models.geography.common import Context


def check_zones(file: str, doc: YamlDoc, agreement: models.Agreement, dataset: Any, errors: list[DataError]) -> None:
    """Compute the agreement's bands and corridors as the build does, with each member of every series
    it names (a report's date picks one); none may come out empty."""
    series = dataset.series
    used = {ref.series for p in agreement.provisions for _, _, ref in geography_refs(p.geography) if ref.series}
    days = sorted({dates.start(m.as_of) for name in used for m in series.get(name, [])})
    found: list[DataError] = []
    for as_of in days or [None]:
        _check_zones_once(file, doc, resolve_agreement(series, agreement, as_of), dataset, found)
    errors.extend(dict.fromkeys(found))


def _check_zones_once(file: str, doc: YamlDoc, agreement: models.Agreement, dataset: Any,
                      errors: list[DataError]) -> None:
    from accordmap.geometry import build_geometry  # geopandas, imported only when zones are computed

    try:
        geometry = build_geometry(dataset, agreement)
    except Exception as exc:  # noqa: BLE001 - a failure here would fail every report of the agreement
        message = " ".join(str(exc).split())
        errors.append(DataError(file, doc.line_of(("provisions",)), "provisions",
                                f"the zones cannot be computed ({type(exc).__name__}: {message}) "
                                "(expected layers the build can combine; check the geography layers)"))
        return
    index_of = {provision.id: index for index, provision in enumerate(agreement.provisions)}
    reported: set[str] = set()
    for index, provision in enumerate(agreement.provisions):  # each sector of a band gives part of its zone
        geo = provision.geography
        if not getattr(geo, "sectors", None):
            continue
        parts = geo.sector_parts(Context(dataset, geometry.crs), geometry.values.get(provision.id, {}).get("max_km"))
        for number, (_, _, part) in enumerate(parts[:len(geo.sectors)]):  # the part elsewhere may be empty
            if part.is_empty or part.area == 0:
                sector = geo.sectors[number]
                loc = ("provisions", index, "geography", "sectors", number)
                errors.append(DataError(file, doc.line_of(loc), field_name(loc),
                                        f"sector {sector.label!r} comes out empty: nothing within {sector.depth_km:g} km "
                                        f"of {ref_text(geo.along)} lies inside {ref_text(sector.within)} and the "
                                        "band's area (expected a sector the line runs along or through)"))
    for zone in geometry.zones:
        if zone.provision_id in reported or (not zone.geometry.is_empty and zone.geometry.area > 0):
            continue
        reported.add(zone.provision_id)
        index = index_of[zone.provision_id]
        geo = agreement.provisions[index].geography
        loc = ("provisions", index, "geography")
        fix = "check along, within" + (", except" if getattr(geo, "except_", None) else "") + " and the layers' coordinates"
        max_km = geometry.values.get(zone.provision_id, {}).get("max_km")
        if zone.description and getattr(geo, "sectors", None) and zone.description in (
                geo.sectors_text(max_km, True), geo.sectors_text(max_km, False)):
            message = (f"the band by sector comes out empty: no sector's area lies within its depth of "
                       f"{ref_text(geo.along)} inside the band's area (expected sectors along the line; {fix})")
        elif geo.within is not None and _apart(dataset, geo):
            what = geo.apart_text(zone.distance_km, ref_text(geo.along))
            message = (f"the {zone.kind} comes out empty at {zone.distance_km:g} km: {what} {ref_text(geo.within)} "
                       f"(expected a line that runs along or through the area; {fix})")
        elif getattr(geo, "except_", None) and _left_without_except(dataset, geometry.crs, geo, zone):
            message = (f"the {zone.kind} comes out empty at {zone.distance_km:g} km: {ref_text(geo.except_)}, "
                       f"given in except, covers all of it (expected except areas that leave part of the zone; {fix})")
        else:
            message = (f"the {zone.kind} comes out empty at {zone.distance_km:g} km (expected a distance that gives "
                       f"an area, e.g. a few km; {fix})")
        errors.append(DataError(file, doc.line_of(loc), field_name(loc), message))


def _left_without_except(dataset: Any, crs: Any, geography: Any, zone: Any) -> bool:
    """Whether the zone has an area when nothing is excepted (so the ``except`` areas cover it)."""
    unexcepted = geography.model_copy(update={"except_": None}).zones(zone.provision_id, Context(dataset, crs), {})
    return any(z.name == zone.name and z.geometry.area > 0 for z in unexcepted)


def _apart(dataset: Any, geography: Any) -> bool:
    """Whether the ``along`` features and the ``within`` area do not meet at all."""
    import shapely

    along = shapely.union_all(dataset.layer_frame(geography.along).geometry.values)
    within = shapely.union_all([g for ref in geography.within for g in dataset.layer_frame(ref).geometry.values])
    return not shapely.intersects(along, within)
