"""Data folder -> checked :class:`~accordmap.dataset.Dataset` (what ``accordmap check`` runs).

Reads every file under ``data/`` (first the open vocabularies of :mod:`accordmap.models.terms`, which the
terms of the other files are checked against; then sources, actors, events, the layer catalog, the agreements,
the GeoJSON layers and, if present, the published counts of :mod:`accordmap.models.published`; never
through a link that leads out of the folder) with :mod:`accordmap.load.yamlfile`, validates each
against :mod:`accordmap.models`, then runs the checks of :mod:`accordmap.load.references`,
:mod:`accordmap.load.geojson` and :mod:`accordmap.load.zones`: references between files,
dates, every layer read as the build reads it, and every zone computed as the build computes it.
A file with errors does not hide the others' problems: its valid parts are still used to check
them. Every problem is raised at once in :class:`DataErrors`, one
``file:line: field: what is wrong (expected ...)`` each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from pydantic import BaseModel
from accordmap.models import published
from accordmap.models import published_areas
from accordmap import models
from accordmap.dataset import Dataset, data_files, data_version, link_outside
from accordmap.errors import DataError, DataErrors
from accordmap.paths import DATA_DIR
from accordmap.load.yamlfile import YamlDoc, field_name, read_yaml, salvage, validate
from accordmap.load import events as event_files
from accordmap.load import geojson
from accordmap.load import references
from accordmap.models import terms
from accordmap.load import url_warnings
from accordmap.load import zones as zone_checks
from accordmap.models import dates


__all__ = ["DataError", "DataErrors", "Dataset", "load_cached", "load_dataset"]


def load_dataset(data_dir: Path | str = DATA_DIR, warnings: list[DataError] | None = None) -> Dataset:
    """Load and check everything under ``data_dir``; raise :class:`DataErrors` listing every problem.

    ``warnings``, if given, receives what is worth fixing but does not stop a build (URLs of sources
    and of the provenance tables' cells on the domains listed in ``data/source_warnings.yaml``, see
    :mod:`accordmap.views.reliability`)."""
    check = _Pass(Path(data_dir))
    dataset, errors = check.run()
    if warnings is not None:
        warnings.extend(check.warnings)
    if errors:
        raise DataErrors(errors)
    return dataset


@functools.lru_cache(maxsize=4)
def _cached_dataset(data_dir: str, version: str) -> Dataset:
    return load_dataset(data_dir)


def load_cached(data_dir: Path | str = DATA_DIR) -> Dataset:
    """:func:`load_dataset`, reused while no data file has changed (for interactive notebooks)."""
    data_dir = Path(data_dir)
    return _cached_dataset(str(data_dir), data_version(data_files(data_dir), data_dir))


@dataclass
class _File:
    rel: str
    doc: YamlDoc | None = None  # None: the file cannot be read
    valid: BaseModel | None = None  # the whole file, when it is valid
    part: BaseModel | None = None  # its valid parts (see yamlfile.salvage), or the whole file


def _known(ids: list[str | None] | None) -> set[str] | None:
    return None if ids is None else {i for i in ids if i is not None}


class _Pass:
    """One check of a data folder: every problem, collected in ``errors``."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.errors: list[DataError] = []
        self.warnings: list[DataError] = []
        self._links: set[Path] = set()
        self.vocabularies = terms.DEFAULT  # the terms the files are checked against (read first)

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir.parent))
        except ValueError:
            return str(path)

    def refused_link(self, path: Path) -> bool:
        """True if ``path`` is reached through a link out of the data folder (reported once per link)."""
        link = link_outside(path, self.data_dir)
        if link is None:
            return False
        if link not in self._links:
            self._links.add(link)
            what = "folder" if link.is_dir() else "file"
            self.errors.append(DataError(self.rel(link), None, f"({what})",
                                         f"is a link to a {what} outside the data folder, which accordmap never reads "
                                         f"(expected the {what} itself inside {self.rel(self.data_dir)})"))
        return True

    def read(self, path: Path, model: type[BaseModel]) -> _File:
        file = _File(self.rel(path))
        if self.refused_link(path):
            return file
        if not path.exists():
            self.errors.append(DataError(file.rel, None, "(file)", "file is missing (expected it in the data folder)"))
            return file
        file.doc, problems = read_yaml(path, file.rel)
        self.errors.extend(problems)
        if file.doc is None:
            return file
        context = terms.context(self.vocabularies)
        file.valid, problems = validate(file.doc, file.rel, model, context)
        self.errors.extend(problems)
        file.part = file.valid or salvage(file.doc.data, model, context)
        return file

    def run(self) -> tuple[Dataset | None, list[DataError]]:
        data_dir, errors = self.data_dir, self.errors
        self.vocabularies = self.read_vocabularies()
        sources = self.read(data_dir / "sources.yaml", models.SourcesFile)
        actors = self.read(data_dir / "actors.yaml", models.ActorsFile)
        events = self.read(data_dir / "events.yaml", models.EventsFile)
        catalog = self.read(data_dir / "layers" / "catalog.yaml", models.LayerCatalog)
        agreements = self.read_agreements()
        counts_path = data_dir / published.FILE  # optional: only a folder that has it is checked
        counts = (self.read(counts_path, published.PublishedCountsFile)
                  if counts_path.is_symlink() or counts_path.exists() else None)
        areas_path = data_dir / published_areas.FILE  # optional, like published_counts.yaml
        areas = (self.read(areas_path, published_areas.PublishedAreasFile)
                 if areas_path.is_symlink() or areas_path.exists() else None)

        for file, key in ((sources, "sources"), (actors, "actors"), (events, "events"), (catalog, "layers"),
                          (counts, "published_counts"), (areas, "published_areas")):
            if file is None:
                continue
            if file.doc is not None:
                references.check_duplicate_ids(file.rel, file.doc, key, errors)
        if catalog.doc is not None:
            references.check_series(catalog.rel, catalog.doc, catalog.part, errors)
        layers = _Layers(self, catalog)
        refs = references.ReferenceChecker(
            errors=errors,
            sources=_known(references.raw_ids(sources.doc, "sources")),
            actors=_known(references.raw_ids(actors.doc, "actors")),
            layers=_known(references.raw_ids(catalog.doc, "layers")),
            # every agreement file's id, valid or not: one broken agreement should not make others' references fail
            agreements={path.stem for path in agreements} | {a.id for a in (f.part for f in agreements.values())
                                                             if isinstance(getattr(a, "id", None), str)},
            places=layers.place_ids,
            series=references.series_ids(catalog.part),
        )
        for file in (actors, events, catalog, counts, areas):
            if file is not None and file.doc is not None and file.part is not None:
                refs.walk(file.rel, file.doc, file.part)
        if actors.doc is not None and getattr(actors.part, "actors", None):
            references.check_speakers(actors.rel, actors.doc, actors.part.actors, errors)
        # each agreement's signing date, what it amends and its provision ids, to check amendments' changes
        signed = {path.stem: {"date": getattr(f.part, "date_signed", None), "amends": getattr(f.part, "amends", None)}
                  for path, f in agreements.items()}
        provision_ids = {path.stem: _known(references.raw_ids(f.doc, "provisions")) for path, f in agreements.items()}
        for file in agreements.values():
            if file.doc is None or file.part is None:
                continue
            refs.walk(file.rel, file.doc, file.part)
            references.check_deadlines(file.rel, file.doc, file.part, errors)
            references.check_status(file.rel, file.doc, file.part, errors)
            references.check_changes(file.rel, file.doc, file.part, signed, provision_ids, errors)
            before = len(errors)
            references.check_duplicate_ids(file.rel, file.doc, "provisions", errors)
            references.check_layer_filters(file.rel, file.doc, file.part, layers.valid, layers.filterable, errors)
            # zones are computed from a valid agreement whose layers and filters have no problem at all
            if (file.valid is not None and len(errors) == before
                    and references.geography_layers(file.valid, layers.valid.values()) <= layers.sound):
                zone_checks.check_zones(file.rel, file.doc, file.valid, layers.dataset(), errors)

        errors.extend(event_files.check_event_sets(data_dir))
        warn_path = data_dir / url_warnings.FILE  # optional, like published_counts.yaml
        if sources.doc is not None and (warn_path.is_symlink() or warn_path.exists()):
            warn = self.read(warn_path, models.SourceWarningsFile)
            groups = [g for g in (getattr(warn.part, "warn_domains", None) or []) if g is not None]
            self.warnings.extend(url_warnings.url_warnings(sources.rel, sources.doc, sources.part, groups))
            self.warnings.extend(url_warnings.provenance_url_warnings(data_dir, self.rel, groups))

        if errors:
            return None, errors
        return Dataset(
            data_dir=data_dir,
            sources={s.id: s for s in sources.valid.sources},
            actors={a.id: a for a in actors.valid.actors},
            events=sorted(events.valid.events, key=lambda e: dates.start(e.date)),
            agreements={f.valid.id: f.valid for f in agreements.values()},
            catalog=catalog.valid,
            version=data_version(data_files(data_dir), data_dir),
            frames=layers.frames,
            event_sets=event_files.event_catalog(data_dir),
            published_counts=list(counts.valid.published_counts) if counts is not None else [],
            published_areas=list(areas.valid.published_areas) if areas is not None else [],
            vocabularies=self.vocabularies,
        ), []

    def read_vocabularies(self) -> terms.Vocabularies:
        """data/vocabularies.yaml (optional: without it, the built-in lists)."""
        path = self.data_dir / terms.FILE
        rel = self.rel(path)
        if not (path.is_symlink() or path.exists()):
            return terms.Vocabularies(file=rel)
        file = self.read(path, terms.VocabulariesFile)
        if file.doc is not None:
            references.check_duplicates(file.rel, file.doc, self.errors)
        return terms.from_file(file.part, rel, readable=file.doc is not None and file.part is not None)

    def read_agreements(self) -> dict[Path, _File]:
        folder = self.data_dir / "agreements"
        files = {path: self.read(path, models.Agreement) for path in sorted(folder.glob("*.yaml"))}
        for path, file in files.items():
            agreement_id = getattr(file.part, "id", None)
            if agreement_id is not None and agreement_id != path.stem:
                self.errors.append(DataError(file.rel, file.doc.line_of(("id",)), "id",
                                             f"id {agreement_id!r} differs from the file name (expected {path.stem!r})"))
        if not files and not any(e.file.startswith(self.rel(folder)) for e in self.errors):
            self.errors.append(DataError(self.rel(folder), None, "(folder)", "no agreement files (expected <id>.yaml)"))
        return files


class _Layers:
    """Every GeoJSON file linted (against its catalog entry when that is valid) and read as the build reads it."""

    def __init__(self, check: _Pass, catalog: _File):
        self.valid: dict[str, models.Layer] = {}  # layer id -> its valid catalog entry
        self.frames: dict[str, object] = {}  # layer id -> GeoDataFrame, for the layers the reader could read
        self.filterable: dict[str, object] = {}  # the frames whose properties read as written
        self.sound: set[str] = set()  # layers with no problem at all: zones may be computed from them
        self.place_ids: set[str] | None = None  # None: a places layer cannot be read
        self._catalog = catalog
        self._dataset: Dataset | None = None
        self._lint(check, catalog)

    def _lint(self, check: _Pass, catalog: _File) -> None:
        layer_dir = check.data_dir / "layers"
        entries = [layer for layer in (getattr(catalog.part, "layers", None) or []) if layer is not None]
        self.valid = {layer.id: layer for layer in entries}
        raw_layers = catalog.doc.data.get("layers") if catalog.doc and isinstance(catalog.doc.data, dict) else None
        listed = ({item["file"] for item in raw_layers if isinstance(item, dict) and isinstance(item.get("file"), str)}
                  if isinstance(raw_layers, list) else None)
        places, complete = self._places_entries(check, catalog)
        place_sets: dict[str, set[str] | None] = {}

        for index, layer in enumerate(getattr(catalog.part, "layers", None) or []):
            path = layer_dir / layer.file if layer is not None else None
            if path is not None and not check.refused_link(path) and not path.exists():
                loc = ("layers", index, "file")
                check.errors.append(DataError(catalog.rel, catalog.doc.line_of(loc), field_name(loc),
                                              f"file {layer.file} does not exist in {check.rel(layer_dir)} (expected the GeoJSON file there)"))
        for path in sorted(layer_dir.glob("*.geojson")):
            if check.refused_link(path):
                continue
            if listed is not None and path.name not in listed:
                check.errors.append(DataError(check.rel(path), None, "(file)",
                                              f"no entry in {catalog.rel} (expected a layer with file: {path.name}, or remove the file)"))
                continue
            users = [layer for layer in entries if layer.file == path.name] or [None]
            frame, found = None, []
            for layer in users:
                is_places = layer is not None and any(layer is entry for entry in places)
                localities = layer is not None and layer.series is not None and \
                    layer.series == getattr(catalog.part, "localities_series", None)
                control = (lambda value: check.vocabularies.problem("control_values", value)) if localities else None
                result = geojson.lint_geojson(path, check.rel(path), layer, catalog.rel, places_layer=is_places,
                                             control=control)
                if result.readable and frame is None:
                    frame = geojson.read_frame(path, check.rel(path), result)
                found += [e for e in result.errors if e not in found]
                if is_places:
                    place_sets[layer.id] = result.place_ids
                if layer is not None and frame is not None:
                    self.frames[layer.id] = frame
                    if result.properties_ok:
                        self.filterable[layer.id] = frame
                    if not result.errors:
                        self.sound.add(layer.id)
            check.errors.extend(found)
        self._place_ids(check, catalog, places, complete, place_sets)

    def _place_ids(self, check: _Pass, catalog: _File, places: list[models.Layer], complete: bool,
                   place_sets: dict[str, set[str] | None]) -> None:
        """Every place id of the places layers (None if one cannot be read); an id in two of them is an error."""
        if not complete or not places or any(place_sets.get(layer.id) is None for layer in places):
            return
        self.place_ids, first = set(), {}
        for layer in places:
            for place_id in sorted(place_sets[layer.id]):
                if place_id in first:
                    check.errors.append(DataError(
                        catalog.rel, catalog.doc.line_of(("places_layer",)), "places_layer",
                        f"place id {place_id!r} is in both {first[place_id]!r} and {layer.id!r} (expected each place "
                        "id once across the places layers, since events name places by id)"))
                first.setdefault(place_id, layer.id)
            self.place_ids |= place_sets[layer.id]

    def _places_entries(self, check: _Pass, catalog: _File) -> tuple[list[models.Layer], bool]:
        """The valid catalog entries of the places layers that can give place ids, and whether all can."""
        value = getattr(catalog.part, "places_layer", None)
        ids = [(("places_layer",), value)] if isinstance(value, str) else \
            [(("places_layer", i), v) for i, v in enumerate(value or [])]
        found = [self._places_entry(check, catalog, loc, places_id) for loc, places_id in ids]
        return [layer for layer in found if layer is not None], bool(ids) and None not in found

    def _places_entry(self, check: _Pass, catalog: _File, loc: tuple, places_id: str) -> models.Layer | None:
        """The valid catalog entry of one places layer, if it can give place ids."""
        layer_ids = _known(references.raw_ids(catalog.doc, "layers"))
        if places_id is None or layer_ids is None:
            return None
        if places_id not in layer_ids:
            check.errors.append(DataError(catalog.rel, catalog.doc.line_of(loc), field_name(loc),
                                          f"no layer with id {places_id!r} (expected a point layer id)"))
            return None
        layer = self.valid.get(places_id)
        if layer is None:
            return None  # its entry is invalid: reported already
        index = next(i for i, entry in enumerate(catalog.part.layers) if entry is layer)
        if layer.kind != "point" or not layer.id_property:
            key, problem = (("kind", f"the places layer {places_id!r} is of kind {layer.kind!r} (expected 'point')")
                            if layer.kind != "point" else
                            ("id_property", f"the places layer {places_id!r} has no id_property (expected the property "
                                            "that holds each place's id)"))
            check.errors.append(DataError(catalog.rel, catalog.doc.line_of(("layers", index, key)),
                                          field_name(("layers", index, key)), problem))
            return None
        return layer

    def dataset(self) -> Dataset:
        """The layers as a Dataset (no other data), to compute zones with the build's own code."""
        if self._dataset is None:
            catalog = models.LayerCatalog.model_construct(places_layer=getattr(self._catalog.part, "places_layer", None),
                                                          layers=list(self.valid.values()))
            self._dataset = Dataset(data_dir=Path(), sources={}, actors={}, events=[], agreements={}, catalog=catalog,
                                    version="", frames=self.frames)
        return self._dataset
