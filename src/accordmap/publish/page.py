"""Executed notebook -> one self-contained, offline HTML page (the index page: :mod:`accordmap.publish.index`).

nbconvert's own templates pull require.js, MathJax and ~250 kB of JupyterLab CSS; the
``accordmap`` template (``templates/accordmap``) keeps lab's cell markup but supplies its own
head, stylesheet and footer, so a report requests nothing from the network.
"""

from __future__ import annotations

import functools
from typing import Any
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from accordmap import __version__
from accordmap.paths import TEMPLATES_DIR


@functools.cache
def report_css() -> str:
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def render_report(nb: nbformat.NotebookNode, meta: dict[str, Any]) -> str:
    """HTML of an executed report notebook; code hidden, intro cells (tag ``remove-cell``) dropped.

    ``meta``: title, generated, parameters, data_version, command, siblings (list of {href, title}).
    """
    exporter = HTMLExporter(
        template_name="accordmap",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell"}), enabled=True)
    resources = {"accordmap": {"css": report_css(), "version": __version__, "siblings": [], **meta}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body
