"""Catalog search: what a viewer means, turned into ranked titles that each say why they match.

One module a job: ``parsing`` reads a query into constraints, ``vocabulary`` holds the catalog's names and genres
the parser matches against, ``constraints`` filters and explains, ``lookup`` resolves a title the user names, and
``engine`` retrieves and ranks.
"""
