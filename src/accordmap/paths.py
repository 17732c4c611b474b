"""Where things are. Every path the package uses is built here, absolute, never from the working
directory at run time (a relative ``ACCORDMAP_ROOT`` or ``ACCORDMAP_DATA_DIR`` is resolved once, on import)."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("ACCORDMAP_ROOT", PACKAGE_DIR.parents[1])).resolve()
DATA_DIR = Path(os.environ.get("ACCORDMAP_DATA_DIR", PROJECT_ROOT / "data")).resolve()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
