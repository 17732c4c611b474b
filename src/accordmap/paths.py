"""Where things are. Every path the package uses is built here, never from the working directory."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("ACCORDMAP_ROOT", PACKAGE_DIR.parents[1]))
DATA_DIR = Path(os.environ.get("ACCORDMAP_DATA_DIR", PROJECT_ROOT / "data"))
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
