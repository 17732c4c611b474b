"""Analysis -> what a reader sees: escaping, HTML building blocks, tables, charts (:mod:`.charts`), maps
(:mod:`.maps`), citations, the files published beside a page.

Every piece of text from the data reaches a page through :mod:`.escape` or the :mod:`.markup` builders.
"""
