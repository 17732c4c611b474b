"""The documentation: a short README, relative links that resolve, and a parameters page equal to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accordmap.params import PARAMETERS

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *DOCS]

_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def _relative_links(page: Path) -> list[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    # a link's text may be code ([`x.py`](x.py)); code outside links holds no links
    links = _LINK.findall(text)
    return [t for t in links if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I) and not t.startswith("#")]


def test_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 300, f"README.md has {len(lines)} lines (expected under 300; move reference to docs/)"


def test_the_docs_exist():
    names = {p.name for p in DOCS}
    assert {"reports.md", "parameters.md", "commands.md", "publishing.md", "notebooks.md", "data.md",
            "method.md"} <= names
    assert (ROOT / "CONTRIBUTING.md").is_file()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_a_file(page):
    broken = []
    for target in _relative_links(page):
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        if not (page.parent / path).exists():
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: links to missing files: {', '.join(broken)}"


def _parameter_rows() -> list[str]:
    """The first column of the parameters table: `name` of each row (the scoped-form row excluded)."""
    names = []
    for line in (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if match and "<" not in match.group(1):
            names.append(match.group(1))
    return names


def test_parameters_page_names_every_parameter_and_no_other():
    rows = _parameter_rows()
    assert len(rows) == len(set(rows)), f"a parameter has two rows: {rows}"
    missing = sorted(set(PARAMETERS) - set(rows))
    unknown = sorted(set(rows) - set(PARAMETERS))
    assert not missing, f"docs/parameters.md has no row for {missing}"
    assert not unknown, f"docs/parameters.md documents parameters the code lacks: {unknown}"
