"""The computed zones: inside the area they are cut to, as deep as asked, growing with depth."""

import pytest
import shapely

from accordmap.geometry import build_geometry, length_inside_km


@pytest.fixture(scope="module")
def sochi_geometry(dataset, sochi):
    return build_geometry(dataset, sochi)


def test_metric_crs_is_derived_utm_37n_for_north_west_syria(sochi_geometry):
    assert sochi_geometry.crs.to_epsg() == 32637


def test_sochi_zone_is_computed_at_15_and_20_km(sochi_geometry):
    assert [(z.provision_id, z.kind, z.distance_km) for z in sochi_geometry.zones] == [
        ("p3", "band", 15.0), ("p3", "band", 20.0)]


def test_zone_lies_inside_the_opposition_held_area(dataset, sochi_geometry):
    area = shapely.union_all(dataset.layer_frame("opposition-held-2018").to_crs(sochi_geometry.crs).geometry.values)
    for zone in sochi_geometry.zones:
        outside_m2 = zone.geometry.difference(area).area
        assert outside_m2 < 1.0, f"{zone.name}: {outside_m2} m2 outside the opposition-held area"


def test_every_point_of_the_zone_is_within_its_depth_of_the_line(dataset, sochi_geometry):
    line = shapely.union_all(dataset.layer_frame("line-of-contact-2018").to_crs(sochi_geometry.crs).geometry.values)
    for zone in sochi_geometry.zones:
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
    narrow, wide = sochi_geometry.zones
    assert narrow.area_km2 == pytest.approx(3560, rel=0.03)
    assert wide.area_km2 == pytest.approx(4370, rel=0.03)


def test_depth_overrides_replace_the_agreed_depths(dataset, sochi):
    geometry = build_geometry(dataset, sochi, zone_min_km=10, zone_max_km=25)
    assert [z.distance_km for z in geometry.zones] == [10, 25]


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
