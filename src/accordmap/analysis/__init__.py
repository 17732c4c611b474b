"""Dataset + geometry -> what a report states: provision states, relevance, conflict events in the zones,
the comparison with an amendment, figures rounded to what the layers' error supports.

One module per question: :mod:`.status`, :mod:`.relevance`, :mod:`.compliance`, :mod:`.comparison`,
:mod:`.figures`. Nothing here writes HTML; :mod:`accordmap.views` shows what these compute.
"""
