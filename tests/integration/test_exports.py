"""Files beside each report: zones as GeoJSON and GeoPackage, tables as CSV, linked from the page.

Built once for the module (the Sochi brief and zone map, through the real command); tests that
rebuild work on a copy of that output folder.
"""

from __future__ import annotations

import errno
import functools
import io
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import nbformat
import pandas as pd
import pytest
import shapely
from bs4 import BeautifulSoup
from helpers import writable_copy

from accordmap.views import attachments
from accordmap.views import exports
from accordmap.publish import jobs
from accordmap.cli import main
from accordmap.paths import DATA_DIR, NOTEBOOKS_DIR

PAGES = ["sochi-2018/brief.html", "sochi-2018/zone-map.html"]
# what each page must offer beside it (key.extension), at least
EXPECTED = {
    "sochi-2018/brief.html": {"zones.geojson", "zones.gpkg", "provisions.csv", "key-figures.csv", "timeline.csv",
                              "stakeholders.csv", "statements.csv", "sources.csv"},
    "sochi-2018/zone-map.html": {"zones.geojson", "zones.gpkg", "key-figures.csv", "places.csv", "sources.csv"},
}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Copies of the shipped data and notebooks (``data.parent / "notebooks"``), and the package's code hash
    as it was when the module started: the rebuild tests compare builds, which edits made elsewhere
    meanwhile must not make out of date."""
    root = tmp_path_factory.mktemp("exports-inputs")
    shutil.copytree(NOTEBOOKS_DIR, root / "notebooks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "code_version", functools.cache(jobs.code_version))
        yield writable_copy(DATA_DIR, root / "data")


def build(data: Path, out: Path, *extra: str) -> int:
    notebooks = [] if "--notebooks" in extra else ["--notebooks", str(data.parent / "notebooks")]
    return main(["build", "sochi-2018", "--report", "brief", "--report", "zone-map", "--data", str(data),
                 "--out", str(out), *notebooks, *extra])


@pytest.fixture(scope="module")
def built(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "reports"
    assert build(data, out) == 0
    return out


@pytest.fixture
def copy(built, tmp_path) -> Path:
    """A copy of the built folder that a test may rebuild into."""
    return Path(shutil.copytree(built, tmp_path / "reports", symlinks=True))


def page(out: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((out / path).read_text(encoding="utf-8"), "html.parser")


def downloads(out: Path, path: str) -> dict[str, Path]:
    """The page's Downloads list: href -> the file it resolves to (relative to the page)."""
    soup = page(out, path)
    heading = soup.find(["h2"], id="Downloads")
    assert heading is not None, f"{path} has no Downloads section"
    links = soup.select("ul.downloads a")
    return {a["href"]: ((out / path).parent / a["href"]).resolve() for a in links}


def manifest_files(out: Path) -> dict[str, list[str]]:
    return {k: v.get("files", []) for k, v in json.loads((out / "manifest.json").read_text()).items()}


def table_rows(soup: BeautifulSoup, css: str) -> list[list[str]]:
    table = soup.select_one(f"table.{css}")
    assert table is not None, f"no table.{css}"
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]


def csv_of(out: Path, path: str, key: str) -> pd.DataFrame:
    return pd.read_csv(out / path.replace(".html", f".{key}.csv"), encoding="utf-8")


# --- the files and the links --------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_the_files_are_beside_the_report_and_linked_with_relative_hrefs(built, path):
    listed = downloads(built, path)
    stem = Path(path).stem
    names = {href.removeprefix(f"{stem}.") for href in listed}
    assert EXPECTED[path] <= names
    for href, target in listed.items():
        assert not urlsplit(href).scheme and "/" not in href, f"{href}: expected a file name beside the page"
        assert target.parent == (built / path).parent.resolve() and target.is_file(), f"{href} does not resolve"
    # the Downloads list gives each file's format and size, and what it holds
    soup = page(built, path)
    for item in soup.select("ul.downloads li"):
        href = item.a["href"]
        size = attachments.size_label((built / path).parent.joinpath(href).stat().st_size)
        fmt = attachments.FORMATS[href.rsplit(".", 1)[1]][0]
        assert f"({fmt}, {size})" in item.get_text(), item.get_text()
    # each section's own link under its table points to the same files
    inline = {a["href"] for a in soup.select("p.attachments a")}
    assert inline == set(listed)
    # the page stays self-contained: no file content embedded, no attachment payload left in it
    text = (built / path).read_text(encoding="utf-8")
    assert attachments.MIME not in text and "data:text/csv" not in text and "data:application/geo" not in text
    # the manifest lists exactly these files
    assert sorted(manifest_files(built)[path]) == sorted(f"sochi-2018/{href}" for href in listed)


def test_no_other_files_are_written_beside_the_reports(built):
    listed = {f"sochi-2018/{h}" for p in PAGES for h in downloads(built, p)}
    on_disk = {p.relative_to(built).as_posix() for p in (built / "sochi-2018").iterdir()}
    assert on_disk == listed | set(PAGES)


# --- zones --------------------------------------------------------------------------------------


def page_areas(soup: BeautifulSoup) -> list[int]:
    """The rounded central areas the key figures table shows, one per zone ('about 3,600 km² (2,600–4,500)')."""
    row = next(r for r in table_rows(soup, "key-figures") if r[0].startswith("Area"))
    return [int(re.search(r"([\d,]+) km²", cell)[1].replace(",", "")) for cell in row[1:]]


@pytest.mark.parametrize("path", PAGES)
def test_the_geojson_has_the_zones_the_report_shows(built, path):
    raw = (built / path.replace(".html", ".zones.geojson")).read_bytes()
    doc = json.loads(raw)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc  # RFC 7946: WGS 84, no crs member
    zones = gpd.read_file(io.BytesIO(raw))
    assert zones.crs.to_epsg() == 4326
    soup = page(built, path)
    headers = [th.get_text(" ", strip=True) for th in soup.select("table.key-figures thead th")][1:]
    assert zones["name"].tolist() == headers
    assert zones["area_km2"].tolist() == page_areas(soup)  # rounded as the report rounds them
    figures_csv = csv_of(built, path, "key-figures")
    assert zones["area_km2"].tolist() == figures_csv["area_km2"].tolist()
    assert zones["area_computed_km2"].tolist() == figures_csv["area_computed_km2"].tolist()
    assert set(zones["agreement"]) == {"sochi-2018"} and set(zones["provision"]) == {"p3"}
    assert set(zones["kind"]) == {"band"} and zones["depth_km"].notna().all()
    assert zones["error_sources"].str.contains("line-of-contact-2018 ±6.3 km").all() and (zones["variants"] > 1).all()
    assert (zones["area_computed_low_km2"] < zones["area_computed_km2"]).all() and zones["lines_as_of"].notna().all()
    for geometry in zones.geometry:  # right-hand rule: outer rings counter-clockwise
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert shapely.is_ccw(polygon.exterior)
            assert -180 <= polygon.bounds[0] <= 180 and 30 <= polygon.bounds[1] <= 40  # lon/lat, in Syria
    # the areas measured from the file itself, in the metric CRS of the figures, match the computed ones
    metric = zones.to_crs(zones.estimate_utm_crs())
    assert metric.area.div(1e6).round(0).tolist() == pytest.approx(zones["area_computed_km2"].round(0).tolist(), abs=2)


@pytest.mark.parametrize("path", PAGES)
def test_the_geopackage_opens_in_the_metric_crs_with_the_same_zones(built, path):
    gpkg = gpd.read_file(built / path.replace(".html", ".zones.gpkg"), layer="zones")
    geojson = gpd.read_file(built / path.replace(".html", ".zones.geojson"))
    assert gpkg.crs.is_projected and gpkg.crs.axis_info[0].unit_name == "metre"
    assert gpkg.drop(columns="geometry").fillna(-1).to_dict("records") == geojson.drop(columns="geometry").fillna(-1).to_dict("records")
    # measured in the file: the same area the report computed, to the 0.1 km² it is rounded to
    assert gpkg.area.div(1e6).tolist() == pytest.approx(gpkg["area_computed_km2"].tolist(), abs=0.051)


# --- tables -------------------------------------------------------------------------------------


def test_each_csv_has_the_rows_of_its_table(built):
    brief, zone_map = page(built, PAGES[0]), page(built, PAGES[1])
    provisions = csv_of(built, PAGES[0], "provisions")
    rows = table_rows(brief, "provisions")
    assert len(provisions) == len(rows)
    assert [str(p) for p in provisions["point"]] == [r[0] for r in rows]
    stakeholders = csv_of(built, PAGES[0], "stakeholders")
    assert len(stakeholders) == len(table_rows(brief, "stakeholders"))
    assert all(actor in row[0] for actor, row in zip(stakeholders["actor"], table_rows(brief, "stakeholders")))
    assert len(csv_of(built, PAGES[0], "statements")) == len(table_rows(brief, "statements"))
    sources = csv_of(built, PAGES[0], "sources")
    assert sources["id"].tolist() == [li["id"].removeprefix("source-") for li in brief.select("ol.sources > li")]
    assert "editor_note" not in sources.columns
    assert len(csv_of(built, PAGES[0], "timeline")) == len(table_rows(brief, "timeline")) > 0
    places = csv_of(built, PAGES[1], "places")
    rows = table_rows(zone_map, "places-in-zone")
    assert places["place"].tolist() == [r[0] for r in rows]
    assert {"lat", "lon"} <= set(places.columns)
    figures = csv_of(built, PAGES[1], "key-figures")
    assert figures["zone"].tolist() == [th.get_text(" ", strip=True) for th in zone_map.select("table.key-figures thead th")][1:]


def test_csv_is_utf8_with_a_header_and_neutralises_spreadsheet_formulas():
    frame = pd.DataFrame({"name": ["Ma‘arrat an Nu‘mān", "=HYPERLINK(\"http://x\")", "@SUM(1)"], "n": [1, -2, 3],
                          "sources": [["a", "b"], [], ["c"]]})
    text = exports.csv_bytes(frame).decode("utf-8")
    back = pd.read_csv(io.StringIO(text))
    assert back.columns.tolist() == ["name", "n", "sources"]
    assert back["name"].tolist() == ["Ma‘arrat an Nu‘mān", "'=HYPERLINK(\"http://x\")", "'@SUM(1)"]
    assert back["n"].tolist() == [1, -2, 3] and back["sources"].fillna("").tolist() == ["a; b", "", "c"]


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["../zones", "a/b", "a\\b", "zones.csv", "Zones", "", "-x", "x--y"])
def test_a_file_key_that_is_not_a_plain_word_is_refused(key):
    with pytest.raises(attachments.AttachmentError, match="attachment key"):
        attachments.File(key, "csv", b"x", "t")


def test_only_known_formats_are_attached():
    with pytest.raises(attachments.AttachmentError, match="extension 'html'"):
        attachments.File("page", "html", b"<script>", "t")


@pytest.mark.parametrize(("path", "ok"), [
    ("sochi-2018/brief.zones.geojson", True),
    ("sochi-2018/brief.places.csv", True),
    ("sochi-2018/zone-map.zones.geojson", False),  # another report's file
    ("moscow-2020/brief.zones.geojson", False),  # another folder
    ("sochi-2018/../brief.zones.geojson", False),
    ("../brief.zones.geojson", False),
    ("/etc/brief.zones.csv", False),
    ("sochi-2018/brief.html", False),
    ("sochi-2018/brief.zones.exe", False),
    (["sochi-2018/brief.zones.csv"], False),
])
def test_only_the_reports_own_file_names_belong_to_it(path, ok):
    assert attachments.belongs(path, "sochi-2018/brief.html") is ok


@pytest.mark.parametrize("stem", ["zone-map--zone_max_km=25", "zone-map--p3.max_km=25"])  # scoped names too
def test_a_sweep_report_names_its_files_after_its_own_file(stem):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    bundle = attachments.attach("<p>t</p>", attachments.File("zones", "geojson", b"{}", "zones"))._repr_mimebundle_()
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.cells.append(cell)
    files = attachments.extract(nb, f"sochi-2018/{stem}.html")
    assert files == {f"{stem}.zones.geojson": b"{}"}
    html = nb.cells[0].outputs[0]["data"]["text/html"]
    assert f'href="{stem}.zones.geojson"' in html and attachments.MIME not in nb.cells[0].outputs[0]["data"]
    assert nb.cells[-2].source == "## Downloads"


def test_two_different_files_under_one_name_fail_the_report():
    nb = nbformat.v4.new_notebook()
    for data in (b"a", b"b"):
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data=attachments.attach(
            "", attachments.File("places", "csv", data, "t"))._repr_mimebundle_())]
        nb.cells.append(cell)
    with pytest.raises(attachments.AttachmentError, match="two sections attach brief.places.csv"):
        attachments.extract(nb, "sochi-2018/brief.html")


def test_attaching_a_png_is_one_call():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    shown = attachments.attach("<figure>map</figure>", exports.png("map", png, "the map as an image"))
    assert shown.files[0].suffix == "map.png" and 'type="image/png"' in shown._repr_html_()
    with pytest.raises(ValueError, match="not a PNG"):
        exports.png("map", b"GIF89a", "t")


# --- rebuilds -----------------------------------------------------------------------------------


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in (out / "sochi-2018").iterdir()}


def test_a_rebuild_with_nothing_changed_keeps_the_files(data, copy, capsys):
    before, recorded = snapshot(copy), manifest_files(copy)
    capsys.readouterr()
    assert build(data, copy) == 0
    assert "2 report(s) up to date" in capsys.readouterr().out
    assert snapshot(copy) == before
    assert manifest_files(copy) == recorded and all(recorded[p] for p in PAGES)


def test_a_missing_file_rebuilds_its_report(data, copy, capsys):
    (copy / "sochi-2018/zone-map.places.csv").unlink()
    capsys.readouterr()
    assert build(data, copy) == 0
    out = capsys.readouterr().out
    assert "build sochi-2018/zone-map.html: its published file sochi-2018/zone-map.places.csv is missing" in out
    assert (copy / "sochi-2018/zone-map.places.csv").is_file()


def break_notebook(data: Path, tmp_path: Path, name: str, edit) -> Path:
    """A copy of the notebooks with ``edit`` applied to ``name``."""
    notebooks = tmp_path / "notebooks"
    if not notebooks.exists():
        shutil.copytree(data.parent / "notebooks", notebooks)
    nb = nbformat.read(notebooks / name, as_version=4)
    edit(nb)
    nbformat.write(nb, notebooks / name)
    return notebooks


def test_a_failing_rebuild_keeps_the_published_files(data, copy, tmp_path, capsys):
    before = snapshot(copy)
    recorded = manifest_files(copy)
    notebooks = break_notebook(data, tmp_path, "brief.ipynb",
                               lambda nb: nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('analyst typo')")))
    assert main(["build", "sochi-2018", "--report", "brief", "--data", str(data), "--out", str(copy),
                 "--notebooks", str(notebooks), "--force"]) == 1
    assert "FAILED sochi-2018/brief.html: RuntimeError: analyst typo" in capsys.readouterr().err
    assert snapshot(copy) == before  # the page and every file beside it, byte for byte, not even replaced
    assert manifest_files(copy) == recorded
    assert not list(copy.rglob("*.tmp"))


def test_a_report_that_no_longer_emits_a_file_removes_it(data, copy, tmp_path, capsys):
    def drop_places(nb):
        nb.cells[:] = [c for c in nb.cells if "places_in_zone" not in c.source and "Places inside" not in c.source]

    # a hand-edited manifest naming files outside the report's own: never removed
    victim = copy / "victim.csv"
    victim.write_text("keep me")
    other = copy / "sochi-2018" / "brief.places.csv"
    other.write_text("not zone-map's")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["sochi-2018/zone-map.html"]["files"] += ["sochi-2018/../victim.csv", "../victim.csv", "sochi-2018/brief.places.csv"]
    (copy / "manifest.json").write_text(json.dumps(manifest))

    notebooks = break_notebook(data, tmp_path, "zone_map.ipynb", drop_places)
    assert build(data, copy, "--notebooks", str(notebooks)) == 0
    assert not (copy / "sochi-2018/zone-map.places.csv").exists()
    assert (copy / "sochi-2018/zone-map.zones.geojson").is_file()
    assert "zone-map.places.csv" not in (copy / "sochi-2018/zone-map.html").read_text()
    assert "sochi-2018/zone-map.places.csv" not in manifest_files(copy)["sochi-2018/zone-map.html"]
    assert victim.read_text() == "keep me" and other.read_text() == "not zone-map's"
    assert set(downloads(copy, "sochi-2018/zone-map.html")) == {
        f.removeprefix("sochi-2018/") for f in manifest_files(copy)["sochi-2018/zone-map.html"]}


def test_the_index_lists_each_reports_files(built):
    index = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in index.select("div.attachments a")}
    assert hrefs == {f for files in manifest_files(built).values() for f in files}
    assert "sochi-2018/zone-map.places.csv" in hrefs and all((built / h).is_file() for h in hrefs)


def test_a_file_that_cannot_be_written_keeps_the_page_and_its_previous_files(data, copy, monkeypatch, capsys):
    before = snapshot(copy)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # the disk is full when the zone map's places CSV is synced
        if Path(os.readlink(f"/proc/self/fd/{fd}")).name.startswith(".zone-map.places.csv."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert main(["build", "sochi-2018", "--report", "zone-map", "--data", str(data), "--out", str(copy),
                 "--notebooks", str(data.parent / "notebooks"), "--force"]) == 1
    assert (f"FAILED sochi-2018/zone-map.html: could not write {copy}/sochi-2018/zone-map.places.csv: "
            "No space left on device") in capsys.readouterr().err
    assert snapshot(copy) == before  # not one of the page's files was replaced
    assert not list(copy.rglob("*.tmp"))


# --- other reports, in-process -------------------------------------------------------------------


def test_the_comparison_attaches_both_agreements_zones_and_its_figures():
    from accordmap.reports.comparison import ComparisonReport

    report = ComparisonReport("comparison", base="sochi-2018", amendment="moscow-2020")
    files = {f.suffix: f for f in report.figures().files}
    assert set(files) == {"zones.geojson", "zones.gpkg", "figures.csv"}
    zones = gpd.read_file(io.BytesIO(files["zones.geojson"].data))
    assert set(zones["agreement"]) == {"sochi-2018", "moscow-2020"}
    assert set(zones.loc[zones["agreement"] == "moscow-2020", "kind"]) == {"corridor"}
    assert zones["half_width_km"].notna().sum() == (zones["kind"] == "corridor").sum()
    figures = pd.read_csv(io.BytesIO(files["figures.csv"].data))
    assert figures["figure"].tolist() == report.comparison.figures_frame()["figure"].tolist()


def test_compliance_tables_are_attached_only_where_the_events_cover_the_period():
    from accordmap.reports.agreement import Report

    covered = Report("compliance", agreement="sochi-2018")
    by_month = covered.compliance_by_month()
    assert [f.suffix for f in by_month.files] == ["events-by-month.csv"]
    frame = pd.read_csv(io.BytesIO(by_month.files[0].data))
    assert len(frame) == len(covered.compliance_view.compliance.by_month()) > 0
    not_covered = Report("compliance", agreement="moscow-2020")  # UCDP ends before the Moscow protocol
    assert not_covered.compliance_by_month().files == ()
    assert "not-covered" in str(not_covered.compliance_by_month())
