"""The SVG charts: :mod:`.axis` (the time axis both charts draw), :mod:`.timeline`, :mod:`.implementation`.
"""
