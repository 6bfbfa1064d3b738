"""Getting sources into a case: one importer per format behind one registry, and one import pipeline.

``registry.extract_bytes`` turns an original's bytes into an ``Extraction`` (normalised text, metadata,
page map, attachments); ``pipeline.import_paths`` imports files and folders into a ``CaseStore`` for the
CLI and the GUI alike. Nothing here fetches anything from the network, and no Qt is imported.

This package imports nothing eagerly, so worker processes load only the importers they run.
"""
