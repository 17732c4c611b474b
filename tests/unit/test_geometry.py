"""The computed zones: inside the area they are cut to, as deep as asked, growing with depth."""

import pytest
import shapely
from accordmap.models.geography.common import Context

from accordmap.geometry import build_geometry, length_inside_km


@pytest.fixture(scope="module")
def sochi_geometry(dataset, sochi):
    return build_geometry(dataset, sochi)


def test_metric_crs_is_derived_utm_37n_for_north_west_syria(sochi_geometry):
    assert sochi_geometry.crs.to_epsg() == 32637


def test_sochi_zone_is_computed_at_15_and_20_km_and_by_sector(sochi_geometry):
    assert [(z.provision_id, z.kind, z.distance_km) for z in sochi_geometry.zones] == [
        ("p3", "band", 15.0), ("p3", "band", 20.0), ("p3", "band", 20.0)]
    assert [z.name for z in sochi_geometry.zones] == [
        "Demilitarised zone, 15 km deep", "Demilitarised zone, 20 km deep",
        "Demilitarised zone, 15 km in Idleb governorate, 20 km in Hama governorate, 20 km elsewhere "
        "(elsewhere the agreed maximum; sector depths reported by the NFL, Enab Baladi 9 Oct 2018)"]


def test_sochi_sector_zone_is_15_km_deep_in_idleb_and_20_km_in_hama(dataset, sochi_geometry):
    crs = sochi_geometry.crs
    line = shapely.union_all(dataset.layer_frame("line-of-contact-2018").to_crs(crs).geometry.values)
    governorates = dataset.layer_frame("governorates").to_crs(crs).set_index("ADM1_EN").geometry
    narrow, wide, sector = (z.geometry for z in sochi_geometry.zones)
    for name, depth, band in (("Idleb", 15, narrow), ("Hama", 20, wide)):
        part = sector.intersection(governorates[name])
        # inside the governorate (100 m in: its border with the next part, 20 km deep, is shared)
        points = shapely.points(shapely.get_coordinates(sector.intersection(governorates[name].buffer(-100))))
        assert shapely.distance(points, line).max() / 1000 <= depth + 0.05
        # in each governorate, the sector zone is the band of that sector's depth there
        expected = band.intersection(governorates[name])
        assert part.symmetric_difference(expected).area < 1e-6 * expected.area, name
    # outside the two governorates (Aleppo, Latakia) no part drops out: it is the band at the agreed maximum there
    outside = shapely.union(governorates["Idleb"], governorates["Hama"])
    rest, expected = sector.difference(outside), wide.difference(outside)
    assert expected.area > 100e6 and rest.symmetric_difference(expected).area < 1e-6 * expected.area
    # and the sector zone is the sum of its parts
    band = next(p for p in dataset.agreements["sochi-2018"].provisions if p.id == "p3").geography
    parts = band.sector_parts(Context(dataset, crs))
    assert [label for label, _, _ in parts] == ["Idleb governorate", "Hama governorate", "elsewhere"]
    assert sum(part.area for _, _, part in parts) == pytest.approx(sector.area, rel=1e-9)


def test_zone_lies_inside_the_opposition_held_area(dataset, sochi_geometry):
    area = shapely.union_all(dataset.layer_frame("opposition-held-2018").to_crs(sochi_geometry.crs).geometry.values)
    for zone in sochi_geometry.zones:
        outside_m2 = zone.geometry.difference(area).area
        assert outside_m2 < 1.0, f"{zone.name}: {outside_m2} m2 outside the opposition-held area"


def test_every_point_of_the_zone_is_within_its_depth_of_the_line(dataset, sochi_geometry):
    line = shapely.union_all(dataset.layer_frame("line-of-contact-2018").to_crs(sochi_geometry.crs).geometry.values)
    for zone in sochi_geometry.zones[:2]:  # the bands at one depth (the sector zone: test above)
        points = shapely.points(shapely.get_coordinates(zone.geometry))
        farthest_km = shapely.distance(points, line).max() / 1000
        # 50 m: the buffer's arcs are polygons, and the area's edges cut them between vertices
        assert farthest_km <= zone.distance_km + 0.05
        # and the zone reaches that depth somewhere: it is not a thin sliver
        assert farthest_km >= zone.distance_km * 0.9


def test_area_grows_with_depth(dataset, sochi):
    areas = [build_geometry(dataset, sochi, zone_min_km=d, zone_max_km=d).zones[0].area_km2 for d in (5, 10, 15, 20, 25)]
    assert areas == sorted(areas) and len(set(areas)) == 5


def test_sochi_zone_areas_match_the_sanity_check_of_the_control_layer(sochi_geometry):
    # SOURCES.md: a 15 km / 20 km inward band from the 2018 line covers about 3,560 / 4,370 km2
    narrow, wide, _ = sochi_geometry.zones
    assert narrow.area_km2 == pytest.approx(3560, rel=0.03)
    assert wide.area_km2 == pytest.approx(4370, rel=0.03)


def test_depth_overrides_replace_the_agreed_depths(dataset, sochi):
    geometry = build_geometry(dataset, sochi, zone_min_km=10, zone_max_km=25)
    # the sector depths are the source's; elsewhere follows the agreed maximum, here overridden: 25 km
    assert [z.distance_km for z in geometry.zones] == [10, 25, 25]


def test_scoped_parameters_replace_one_provisions_depth(dataset, sochi):
    geometry = build_geometry(dataset, sochi, overrides={"p3.max_km": 25})
    assert [z.name for z in geometry.zones][:2] == ["Demilitarised zone, 15 km deep", "Demilitarised zone, 25 km deep"]


def test_moscow_corridor_is_six_km_either_side_of_the_m4_inside_idleb(dataset):
    moscow = dataset.agreements["moscow-2020"]
    geometry = build_geometry(dataset, moscow)
    (corridor,) = geometry.zones
    assert corridor.kind == "corridor" and corridor.distance_km == 6
    m4 = shapely.union_all(dataset.layer_frame(moscow.provisions[1].geography.along).to_crs(geometry.crs).geometry.values)
    points = shapely.points(shapely.get_coordinates(corridor.geometry))
    assert shapely.distance(points, m4).max() / 1000 <= 6.05
    # flat-capped 12 km wide band: area = 12 km x the length of M4 inside Idleb
    m4_inside = length_inside_km(dataset.layer_frame(moscow.provisions[1].geography.along), corridor, geometry.crs)
    assert corridor.area_km2 == pytest.approx(12 * m4_inside["all"], rel=0.05)
