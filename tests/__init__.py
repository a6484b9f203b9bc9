"""The suite, one package a layer (unit, component, e2e, fuzz) and support for shared helpers:
as packages, modules of one name in two layers (unit/ and e2e/test_archive.py) stay apart."""
