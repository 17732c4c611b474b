"""The geography kinds by name -> the ``geography`` type of a provision, and the parameter rules.

Adding a kind: write its module (a :class:`~accordmap.models.geography.common.GeographyBase` subclass with
``kind: Literal["<name>"]``) and add it to :data:`KINDS`.

Report parameters reach a provision's geography in two ways (:func:`provision_values`):

- scoped, ``<provision id>.<parameter>`` (``p3.max_km=25``), applied to that provision only; the
  parameters each kind accepts are its ``PARAMETERS``;
- agreement-wide (``zone_min_km``, ``zone_max_km``, ``corridor_half_width_km``: each kind's
  ``AGREEMENT_WIDE``), applied only when the agreement has exactly one provision of that kind; with
  several, which one is meant is ambiguous and the value is refused with the scoped names to use.
  With none, the value has nothing to change and is ignored (a build of every agreement may set it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, Union
from pydantic import Field
from accordmap.models.geography.band import BandGeography
from accordmap.models.geography.common import GeographyBase
from accordmap.models.geography.corridor import CorridorGeography
from accordmap.models.geography.features import FeaturesGeography
from accordmap.errors import OverrideError  # noqa: F401 - raised here; defined with every other error


KINDS: dict[str, type[GeographyBase]] = {
    "band": BandGeography,
    "corridor": CorridorGeography,
    "features": FeaturesGeography,
}

Geography = Annotated[Union[tuple(KINDS.values())], Field(discriminator="kind")]  # noqa: UP007 - built from KINDS

# every agreement-wide parameter -> (kind, the provision parameter it sets)
AGREEMENT_WIDE: dict[str, tuple[str, str]] = {
    wide: (kind, name) for kind, cls in KINDS.items() for wide, name in cls.AGREEMENT_WIDE.items()
}
SCOPED_PARAMETERS: dict[str, str] = {name: help for cls in KINDS.values() for name, help in cls.PARAMETERS.items()}
_SCOPED = re.compile(r"^([a-z0-9][a-z0-9_-]*)\.([a-z_]+)$")
MAX_DISTANCE_KM = 500.0  # as models.MAX_DISTANCE_KM: the limit of the data applies to parameters


def scoped_names(agreement: Any) -> list[str]:
    """Every ``<provision>.<parameter>`` the agreement's geographies accept, in the agreement's order."""
    return [f"{p.id}.{name}" for p in agreement.provisions if p.geography is not None
            for name in type(p.geography).PARAMETERS]


def check_scoped_name(name: str) -> None:
    """A scoped name of the right form and a known parameter (whether the provision exists is checked
    against the agreement, by :func:`provision_values`)."""
    match = _SCOPED.match(name)
    if not match or match.group(2) not in SCOPED_PARAMETERS:
        known = ", ".join(f"{n} ({h})" for n, h in SCOPED_PARAMETERS.items())
        raise OverrideError(f"parameter {name!r} is not <provision id>.<parameter> (expected e.g. p3.max_km=25; "
                            f"provision parameters: {known})")


def provision_values(agreement: Any, wide: Mapping[str, float | None],
                     scoped: Mapping[str, float] | None = None) -> dict[str, dict[str, float]]:
    """Each provision's parameter values (``{provision id: {parameter: value}}``) from agreement-wide
    and scoped values. Raises OverrideError naming the provisions and the parameters to use instead."""
    title = getattr(agreement, "short_title", agreement.id)
    valid = scoped_names(agreement)
    result: dict[str, dict[str, float]] = {}
    set_by: dict[tuple[str, str], str] = {}
    for name, value in wide.items():
        if value is None:
            continue
        kind, param = AGREEMENT_WIDE[name]
        targets = [p for p in agreement.provisions if p.geography is not None and p.geography.kind == kind]
        if len(targets) > 1:
            names = ", ".join(f"{p.id}.{param}" for p in targets)
            raise OverrideError(
                f"parameter {name} is ambiguous for the {title}: it has {len(targets)} {kind} provisions "
                f"({', '.join(f'{p.id} {p.geography.label!r}' for p in targets)}), which may differ in meaning "
                f"(expected one parameter per provision: {names}; e.g. -p {targets[0].id}.{param}={value:g})")
        for provision in targets:
            result.setdefault(provision.id, {})[param] = value
            set_by[(provision.id, param)] = name
    for name, value in (scoped or {}).items():
        check_scoped_name(name)
        if name not in valid:
            raise OverrideError(f"parameter {name!r} names no provision parameter of the {title} (expected one of: "
                                f"{', '.join(valid) or 'none, since it has no band or corridor'})")
        provision_id, param = name.split(".", 1)
        if (provision_id, param) in set_by:
            raise OverrideError(f"parameters {set_by[(provision_id, param)]} and {name} both set the {param} of "
                                f"provision {provision_id} (expected only one of them)")
        result.setdefault(provision_id, {})[param] = value
        set_by[(provision_id, param)] = name
    for (provision_id, param), name in set_by.items():
        value = result[provision_id][param]
        if not (isinstance(value, (int, float)) and math.isfinite(value) and 0 < value <= MAX_DISTANCE_KM):
            raise OverrideError(f"parameter {name}={value:g} is impossible (expected more than 0 and at most "
                                f"{MAX_DISTANCE_KM:g} km)")
    geographies = {p.id: p.geography for p in agreement.provisions if p.geography is not None}
    for provision_id, values in result.items():
        geography = geographies[provision_id]
        only = sum(g.kind == geography.kind for g in geographies.values()) == 1
        wide_names = {param: wide for wide, param in type(geography).AGREEMENT_WIDE.items()} if only else {}
        # a parameter not set is named as the user named the others: agreement-wide, or scoped
        wide_style = any(set_by[(provision_id, param)] in AGREEMENT_WIDE for param in values)
        names = {param: set_by.get((provision_id, param)) or (wide_style and wide_names.get(param))
                 or f"{provision_id}.{param}" for param in type(geography).PARAMETERS}
        problem = geography.override_problem(values, names)
        if problem:
            raise OverrideError(problem)
    return result


def describe(geography: GeographyBase, layers: Mapping[str, Any], values: Mapping[str, float] | None = None) -> str:
    """The sentence(s) reports show for a geography, every exception included."""
    return geography.describe(layers, values)
