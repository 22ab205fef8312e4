"""The dataset layer: articles, mentions and merged incidents in SQLite or PostgreSQL.

``database.open_store(url)`` opens (and migrates) a store; ``ingest.ingest`` codes and
stores articles; ``incidents.merge_pending`` merges mentions across articles;
``query.find_incidents`` and ``export.write_export`` read the result back out.
"""
