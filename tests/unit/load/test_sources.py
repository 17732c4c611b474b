"""Sources a journalist can publish from: publisher kinds, the caution mark, URL warnings, editor notes.

- every source says who published it (``publisher_kind``), and the Sources list shows it;
- a fact whose every source is state-affiliated, sanctioned or an aggregator is marked where cited;
- ``accordmap check`` warns (exit 0) about URLs on the domains of data/source_warnings.yaml;
- ``editor_note`` text never reaches a report: every report is rendered from a data copy whose
  every editor_note is a sentinel, and no sentinel may appear.
"""

from __future__ import annotations

import re
import shutil
from html import unescape

import pytest
import yaml

from accordmap import models
from accordmap.cli import main
from accordmap.load import load_dataset
from accordmap.views.markup import cite, source_entry
from accordmap.paths import DATA_DIR
from accordmap.views import reliability
from accordmap.load import url_warnings


def _edit(path, find, replace):
    text = path.read_text(encoding="utf-8")
    assert find in text, f"{find!r} not in {path}"
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")


# --- publisher_kind -----------------------------------------------------------------------------


def test_every_source_in_the_data_says_who_published_it(dataset):
    assert all(s.publisher_kind in reliability.LABELS for s in dataset.sources.values())
    assert set(reliability.LABELS) == set(models.PublisherKind.__args__)


def test_a_missing_or_unknown_publisher_kind_is_an_error_naming_line_and_choices(minimal_data, capsys):
    _edit(minimal_data / "sources.yaml", "    publisher_kind: primary-text\n", "")
    _edit(minimal_data / "sources.yaml", "publisher_kind: independent-media", "publisher_kind: tabloid")
    assert main(["check", "--data", str(minimal_data)]) == 2
    err = capsys.readouterr().err.splitlines()[1:]
    assert err[0].strip() == "data/sources.yaml:3: sources[0].publisher_kind: required key is missing (expected it in this mapping)"
    assert err[1].strip() == (
        "data/sources.yaml:15: sources[1].publisher_kind: 'tabloid' is not allowed (expected one of 'primary-text', "
        "'government-statement', 'wire', 'independent-media', 'partisan-media', 'ngo-monitor', 'state-affiliated-media', "
        "'sanctioned-outlet', 'encyclopedia', 'aggregator', 'dataset' or 'analysis')")


def test_the_sources_list_shows_the_publisher_kind_and_never_the_editor_note(minimal_data):
    _edit(minimal_data / "sources.yaml", "    kind: news\n",
          "    kind: news\n    note: Reports the talks.\n    editor_note: Read through a mirror.\n")
    source = load_dataset(minimal_data).sources["report"]
    text = unescape(re.sub(r"<[^>]+>", "", str(source_entry(source))))
    assert text == "[report] Test news report. Fixture News [independent media], 11 Jan 2020. Reports the talks."


# --- the caution mark -----------------------------------------------------------------------------


def _kinds(data, kinds: dict[str, str]):
    text = (data / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("publisher_kind: primary-text", f"publisher_kind: {kinds['text']}")
    text = text.replace("publisher_kind: independent-media", f"publisher_kind: {kinds['report']}")
    (data / "sources.yaml").write_text(text, encoding="utf-8")
    return load_dataset(data)


@pytest.mark.parametrize("kinds, mark", [
    ({"text": "state-affiliated-media", "report": "state-affiliated-media"}, "only state-affiliated media sources"),
    ({"text": "sanctioned-outlet", "report": "aggregator"}, "only sanctioned outlet and aggregator sources"),
    ({"text": "state-affiliated-media", "report": "wire"}, None),
    ({"text": "primary-text", "report": "independent-media"}, None),
])
def test_a_fact_resting_only_on_weak_sources_is_marked_where_cited(minimal_data, kinds, mark):
    data = _kinds(minimal_data, kinds)
    html = str(cite(data, ["text", "report"]))
    found = re.findall(r'<span class="source-caution" title="([^"]+)">([^<]+)</span>', html)
    if mark is None:
        assert found == [] and "source-caution" not in html
    else:
        assert [(unescape(title), text) for title, text in found] == [(reliability.CAUTION_TITLE, mark)]


def test_the_real_data_marks_facts_resting_only_on_sanctioned_or_copied_sources(dataset):
    from accordmap.reports.agreement import Report

    report = Report("timeline", dataset=dataset, agreement="moscow-2020")
    html = str(report.timeline())
    # the M5 reopening of 7/8 March 2020 rests on a Sputnik copy and SouthFront only (issue 16 §7)
    row = next(r for r in html.split("<tr>") if "2020-03-08-m5-reopened" in r or "urdupoint-858483-m5-traffic" in r)
    assert "only sanctioned outlet and aggregator sources" in row
    legend = str(report.sources())  # follows the timeline shown
    assert "source-kinds" in legend and "[sanctioned outlet]" in legend


# --- URL warnings ---------------------------------------------------------------------------------


def test_check_warns_about_mirror_urls_and_still_exits_0(minimal_data, capsys):
    shutil.copy(DATA_DIR / url_warnings.FILE, minimal_data / url_warnings.FILE)
    _edit(minimal_data / "sources.yaml", "url: https://example.org/report", "url: https://ww-w.pages.dev/0xLy93")
    assert main(["check", "--data", str(minimal_data)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "accordmap: 1 warning(s) (not errors):"
    assert out[1].strip() == (
        "data/sources.yaml:14: sources[1].url: https://ww-w.pages.dev/0xLy93 is on ww-w.pages.dev, a Wikipedia mirror "
        "(expected the canonical URL, https://en.wikipedia.org/wiki/... (or the language's own wikipedia.org); "
        "name the copy read in the editor_note)")
    assert out[2].startswith("data OK:")


def test_a_source_kept_knowingly_as_an_aggregator_is_not_warned_about(minimal_data, capsys):
    shutil.copy(DATA_DIR / url_warnings.FILE, minimal_data / url_warnings.FILE)
    _edit(minimal_data / "sources.yaml", "url: https://example.org/report", "url: https://www.urdupoint.com/en/x.html")
    assert main(["check", "--data", str(minimal_data)]) == 0
    assert "www.urdupoint.com/en/x.html is on urdupoint.com, an aggregator" in capsys.readouterr().out
    _edit(minimal_data / "sources.yaml", "publisher_kind: independent-media", "publisher_kind: aggregator")
    assert main(["check", "--data", str(minimal_data)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_a_broken_warning_list_is_an_error(minimal_data, capsys):
    (minimal_data / url_warnings.FILE).write_text("warn_domains:\n  - kind: mirror\n    what: a mirror\n"
                                                 "    domains: [example.org]\n", encoding="utf-8")
    assert main(["check", "--data", str(minimal_data)]) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [
        "  data/source_warnings.yaml:2: warn_domains[0].expected: required key is missing (expected it in this mapping)"]


def test_the_shipped_warning_list_flags_the_research_domains():
    groups = models.SourceWarningsFile.model_validate(
        yaml.safe_load((DATA_DIR / url_warnings.FILE).read_text(encoding="utf-8"))).warn_domains
    for url, kind in [("https://calendarfreemonthly2023.netlify.app/x", "wikipedia-mirror"),
                      ("https://fr.news-front.su/2018/09/07/x", "sanctioned-outlet"),
                      ("https://docslib.org/doc/1", "document-copy"), ("http://forum.nef2.com/tag/x/", "aggregator")]:
        assert url_warnings.match_domain(url, groups)[1].kind == kind
    assert url_warnings.match_domain("https://en.wikipedia.org/wiki/X", groups) is None
    assert url_warnings.match_domain("https://notdocslib.org/x", groups) is None


def test_check_warns_about_mirror_and_aggregator_urls_in_the_provenance_tables(minimal_data, capsys):
    shutil.copy(DATA_DIR / url_warnings.FILE, minimal_data / url_warnings.FILE)
    (minimal_data / "provenance").mkdir(exist_ok=True)
    (minimal_data / "provenance" / "posts.csv").write_text(
        "name,coord_source,evidence\n"
        "Canonical,https://en.wikipedia.org/wiki/Anadan (read via mirror uk.wikisko.ru),https://example.org/a\n"
        'Mirrored,"approximate: town coordinate (mirror https://uk.wikisko.ru/wiki/Anadan)",'
        '"AFP https://example.org/b ; copy https://www.urdupoint.com/en/world/x-1.html."\n'
        # kept knowingly, its standing named in the cell: no warning
        'Kept,https://example.org/c,"Sputnik via UrduPoint (aggregator) https://www.urdupoint.com/en/world/y-2.html"\n',
        encoding="utf-8")
    assert main(["check", "--data", str(minimal_data)]) == 0
    out = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert out[0] == "accordmap: 2 warning(s) (not errors):"
    assert out[1] == (
        "data/provenance/posts.csv:3: coord_source: https://uk.wikisko.ru/wiki/Anadan is on uk.wikisko.ru, a Wikipedia "
        "mirror (expected the canonical URL in the cell, with the copy read named beside it, e.g. '(read via mirror "
        "example.org)')")
    assert out[2] == (
        "data/provenance/posts.csv:3: evidence: https://www.urdupoint.com/en/world/x-1.html is on urdupoint.com, an "
        "aggregator or forum that reposts other outlets' reports (expected another source for the same fact in the cell; "
        "if none is found, keep it and name its standing (aggregator) in the row)")


def test_the_shipped_provenance_tables_are_checked_for_copied_urls():
    groups = models.SourceWarningsFile.model_validate(
        yaml.safe_load((DATA_DIR / url_warnings.FILE).read_text(encoding="utf-8"))).warn_domains
    found = url_warnings.provenance_url_warnings(DATA_DIR, lambda path: path.name, groups)
    # every mirror URL was replaced by the canonical one (the copy read named beside it), and every kept
    # aggregator or sanctioned outlet names its standing in the cell
    assert found == []


# phrases of data-entry logs moved from reader-facing text to editor_note for issue 16: none may come back
EDITOR_PHRASES = ("read through", "search excerpt", "stored copy", "archived copy", "facts file", "title derived",
                  "from the url", "not re-read", "page title not recorded", "date not shown", "in the excerpt",
                  "staging host", "read via", "so signed_by", "is left empty", "no month is recorded")


def _reader_texts(value, path=()):
    """Every string in a data file except editor_note values, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "editor_note":
                yield from _reader_texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _reader_texts(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def test_no_reader_facing_text_in_the_data_reads_like_an_editor_note():
    found = []
    for pattern in ("sources.yaml", "events.yaml", "actors.yaml", "agreements/*.yaml"):
        for path in sorted(DATA_DIR.glob(pattern)):
            for where, text in _reader_texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
                found += [(path.name, where, phrase) for phrase in EDITOR_PHRASES if phrase in text.lower()]
    assert found == []


def test_the_editor_phrase_check_can_fail(data_copy):
    _edit(data_copy / "sources.yaml", "    note: Unofficial French translation of points 1-9 of the memorandum.\n",
          "    note: Unofficial French translation. Read through an archived copy (facts file).\n")
    text = yaml.safe_load((data_copy / "sources.yaml").read_text(encoding="utf-8"))
    assert any(p in t.lower() for _, t in _reader_texts(text) for p in EDITOR_PHRASES)


# --- editor notes never reach a report -----------------------------------------------------------
