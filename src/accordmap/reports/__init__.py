"""The report objects notebook cells call: one method per section.

:mod:`.agreement` (:class:`Report`: brief, zone map, timeline, stakeholders, compliance), :mod:`.comparison`
(:class:`ComparisonReport`), :mod:`.compliance` (the compliance sections), :mod:`.open` (the factory
``accordmap.report(name, globals())`` that picks the class).
"""
