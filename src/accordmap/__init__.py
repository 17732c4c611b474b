"""accordmap: agreement terms and geographic layers -> offline HTML reports.

The data flow, one module per arrow:

    data files --load--> validated models --geometry--> zones, corridors, figures (metric CRS)
      --maps / timeline / tables (via sections)--> notebook sections
      --render--> one offline HTML per report --build--> reports/ and its index
"""

__version__ = "0.1.0"
