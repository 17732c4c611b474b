"""Geography kinds: one module per kind -> the registry :mod:`.registry` (the only list of kinds).

Each kind (:mod:`.band`, :mod:`.corridor`, :mod:`.features`) holds, in one module, its data model (the
``geography:`` mapping of a provision), its checks, how its zones are computed, which report parameters
apply to it and how they override its distances, and the words reports describe it with. :mod:`.common`
holds what the kinds share (layer references, the zone, cutting to ``within`` and ``except``). The kinds
build on :mod:`accordmap.models.base` and :mod:`accordmap.models.layers`; :mod:`accordmap.models.agreements`
imports the registry.
"""
