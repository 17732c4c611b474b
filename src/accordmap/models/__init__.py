"""The schema of every data file, as strict pydantic models: data files -> validated models.

One module per file family (:mod:`.base` rules and small types, :mod:`.sources` sources, actors and events,
:mod:`.layers` the layer catalog, :mod:`.agreements` agreements and provisions, :mod:`.geography` one module
per geography kind, :mod:`.terms` the open vocabularies, :mod:`.where` layer filters, :mod:`.dates` partial
dates and moments, :mod:`.event_sets` the event catalog, :mod:`.published` and :mod:`.published_areas` the
published figures). The models of the first four are re-exported here, so ``models.Agreement`` is the one name
every layer above uses. Nothing heavier than pydantic is imported.
"""

from __future__ import annotations

from accordmap.models.base import (  # noqa: F401 - the models every layer above names as models.X
    Strict, MAX_NESTING, MAX_DISTANCE_KM, MAX_ACCURACY_KM, FORBIDDEN_CHARACTERS, describe_character, forbidden_character_problem, ID_PATTERN, COLOR_PATTERN, FILE_PATTERN, Id, Text, Distance, AccuracyKm, PartialDate, MomentDate, parse_day_date, DayDate, SourceRefs,
)
from accordmap.models.sources import (  # noqa: F401 - the models every layer above names as models.X
    SourceKind, PublisherKind, EditorNote, Source, SourcesFile, Discrepancy, ActorKind, Side, Person, Statement, RelationKind, Relation, AgreementDescription, Actor, ActorsFile, EventKind, Event, EventsFile, DomainGroup, SourceWarningsFile,
)
from accordmap.models.layers import (  # noqa: F401 - the models every layer above names as models.X
    LayerKind, LayerStyle, LayerLabel, Layer, LayerCatalog, layer_ref_shorthand, WhereCondition, LayerRef, LayerRefField,
)
from accordmap.models.agreements import (  # noqa: F401 - the models every layer above names as models.X
    MAX_PROVISION_NUMBER, ProvisionNumber, ProvisionCategory, ProvisionStatus, StatusChange, Provision, ChangeAction, ProvisionChange, PartyRole, Party, Signer, DocumentRef, Agreement,
)
from accordmap.models.geography.band import BandGeography, Sector  # noqa: F401
from accordmap.models.geography.corridor import CorridorGeography  # noqa: F401
from accordmap.models.geography.features import FeaturesGeography  # noqa: F401
from accordmap.models.geography.registry import Geography  # noqa: F401
