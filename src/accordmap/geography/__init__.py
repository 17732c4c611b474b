"""Geography kinds: one module per kind -> the registry :mod:`accordmap.geography.registry`.

Each kind (:mod:`.band`, :mod:`.corridor`, :mod:`.features`) holds, in one module, its data model
(the ``geography:`` mapping of a provision), its checks, how its zones are computed, which report
parameters apply to it and how they override its distances, and the words reports describe it with.
:mod:`.common` holds what the kinds share (layer references, the zone, cutting to ``within`` and
``except``). Adding a kind is one new module and one line in :mod:`.registry`.

:mod:`accordmap.models` imports the kinds at its end (a provision's ``geography`` is one of them),
and the kinds build on its base types, so models is imported first, whichever is imported first.
"""

from accordmap import models  # noqa: F401 - see above: models first, it imports the kinds at its end
