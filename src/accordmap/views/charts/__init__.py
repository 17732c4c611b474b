"""The SVG charts: :mod:`.axis` (the one time axis the timeline and implementation charts draw),
:mod:`.timeline`, :mod:`.implementation` and :mod:`.months` (the compliance report's events by month).
"""
