"""Notebooks -> HTML pages -> the published folder.

:mod:`.jobs` (reports x subjects x parameter sets -> self-contained jobs and their input hashes),
:mod:`.runner` (a job -> an executed notebook in a kept kernel; local and Dask executors), :mod:`.page`
(executed notebook -> one offline HTML page), :mod:`.folder` (atomic writes, the lock, leftovers of a
killed build), :mod:`.build` (plan, decide, check, run, publish), :mod:`.index`, :mod:`.progress`.
"""
