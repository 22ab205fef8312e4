"""The store's tables, one SQLAlchemy Core ``MetaData`` for SQLite and PostgreSQL alike.

This is the schema the code reads and writes; ``migrations/versions`` build it step by
step, and ``tests/store/test_database.py`` checks that the two never drift apart.
Keys are deterministic (see ``keys.py``), never autoincrement: a rerun after a crash
must produce the same rows as a clean run.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# SQLite stores JSON as text; PostgreSQL gets JSONB so it can be queried and indexed.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("coder_version", sa.Text, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(16), nullable=False),       # running | finished | interrupted
    sa.Column("host", sa.Text),
    sa.Column("pid", sa.Integer),
    sa.Column("inputs", sa.Text),
    sa.Column("n_read", sa.Integer, nullable=False),
    sa.Column("n_new", sa.Integer, nullable=False),
    sa.Column("n_versions", sa.Integer, nullable=False),
    sa.Column("n_unchanged", sa.Integer, nullable=False),
    sa.Column("n_recoded", sa.Integer, nullable=False),
    sa.Column("n_failed", sa.Integer, nullable=False),
    sa.Column("n_mentions", sa.Integer, nullable=False),
    sa.Column("n_incidents", sa.Integer),
)

articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),       # 1, 2, …: a new one when the text changes
    sa.Column("sha256", sa.String(64), nullable=False),       # of the text
    sa.Column("current", sa.Boolean, nullable=False),         # the version incidents are built from
    sa.Column("text", sa.Text, nullable=False),               # as decoded, never modified
    sa.Column("published", sa.Date),
    sa.Column("outlet", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("status", sa.String(16), nullable=False),       # coded | failed
    sa.Column("error_class", sa.Text),
    sa.Column("error_message", sa.Text),
    sa.Column("num_mentions", sa.Integer, nullable=False),
    sa.Column("coder_version", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(32), sa.ForeignKey(runs.c.id)),
    sa.Index(None, "sha256"),
)

actors = sa.Table(
    "actors", metadata,
    sa.Column("id", sa.Text, primary_key=True),               # table entry id, or name:<folded name>
    sa.Column("name", sa.Text, nullable=False),               # as first written
    sa.Column("name_en", sa.Text),
    sa.Column("kind", sa.String(16)),
    sa.Column("inter", sa.Integer),                           # ACLED actor type 1-8
    sa.Column("search", sa.Text, nullable=False),             # folded names and aliases
)

places = sa.Table(
    "places", metadata,
    sa.Column("id", sa.Text, primary_key=True),               # gazetteer entry id, or name:<folded name>
    sa.Column("name_fa", sa.Text, nullable=False),
    sa.Column("name_en", sa.Text),
    sa.Column("kind", sa.String(32)),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("admin1_fa", sa.Text),
    sa.Column("admin1_en", sa.Text),
    sa.Column("country", sa.String(3)),
    sa.Column("population", sa.BigInteger),
)

incidents = sa.Table(
    "incidents", metadata,
    sa.Column("id", sa.String(24), primary_key=True),          # hash of its founding mention's id
    sa.Column("key_date", sa.Date),                            # founder's merge_date (merge replay)
    sa.Column("dirty", sa.Boolean, nullable=False),            # lost a mention; rebuilt by the next merge
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("mode", sa.Text),
    sa.Column("date", sa.String(10)),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("place_id", sa.Text),
    sa.Column("place_name", sa.Text),
    sa.Column("place_name_en", sa.Text),
    sa.Column("place_kind", sa.String(32)),
    sa.Column("admin1", sa.Text),
    sa.Column("country", sa.String(3)),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("geo_precision", sa.Integer),
    sa.Column("participants", JSON, nullable=False),           # role -> [{name, name_en, id, inter, mentions}]
    sa.Column("sources", JSON, nullable=False),                # who the articles cite
    sa.Column("outlets", JSON, nullable=False),
    sa.Column("weapon", sa.Text),
    sa.Column("weapon_count", sa.Integer),
    sa.Column("fatalities", sa.Integer),                       # the most conservative reported value
    sa.Column("fatalities_note", sa.Text),
    sa.Column("injured", sa.Integer),
    sa.Column("modality", sa.String(16), nullable=False),
    sa.Column("optional", sa.Boolean, nullable=False),         # only background mentions
    sa.Column("disputed", sa.Text, nullable=False),            # fields whose sources disagree, comma-separated
    sa.Column("num_mentions", sa.Integer, nullable=False),
    sa.Column("num_articles", sa.Integer, nullable=False),
    sa.Column("num_sources", sa.Integer, nullable=False),
    sa.Column("first_seen", sa.Date),
    sa.Column("last_seen", sa.Date),
    sa.Column("evidence", JSON, nullable=False),               # [{article_id, start, end, quote}]
    sa.Column("search_actors", sa.Text, nullable=False),
    sa.Column("search_place", sa.Text, nullable=False),
    sa.Index(None, "date_start"),
    sa.Index(None, "key_date"),
    sa.Index(None, "country"),
)

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("id", sa.Text, primary_key=True),                # event id (+ ~vN for article version N > 1)
    sa.Column("event_id", sa.Text, nullable=False),
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("article_version", sa.Integer, nullable=False),
    sa.Column("current", sa.Boolean, nullable=False),          # its article version is the current one
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("mode", sa.Text),
    sa.Column("date", sa.String(10)),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("date_start", sa.Date),                          # first and last day the incident can be on
    sa.Column("date_end", sa.Date),
    sa.Column("merge_date", sa.Date),                          # its place in the merge order (incidents.py)
    sa.Column("place_id", sa.Text, sa.ForeignKey(places.c.id)),
    sa.Column("geo_precision", sa.Integer),
    sa.Column("fatalities", sa.Integer),
    sa.Column("injured", sa.Integer),
    sa.Column("weapon", sa.Text),
    sa.Column("weapon_count", sa.Integer),
    sa.Column("modality", sa.String(16), nullable=False),
    sa.Column("optional", sa.Boolean, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("evidence_start", sa.Integer),                   # first evidence span, into articles.text
    sa.Column("evidence_end", sa.Integer),
    sa.Column("record", JSON, nullable=False),                 # serialize.to_dict(event): every span, all provenance
    sa.Column("incident_id", sa.String(24), sa.ForeignKey(incidents.c.id)),  # NULL: waiting for the merge
    sa.ForeignKeyConstraint(["article_id", "article_version"], [articles.c.id, articles.c.version]),
    sa.Index(None, "article_id", "article_version"),
    sa.Index(None, "incident_id"),
    sa.Index(None, "merge_date"),
)

mention_participants = sa.Table(
    "mention_participants", metadata,
    sa.Column("mention_id", sa.Text, sa.ForeignKey(mentions.c.id, ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(16), primary_key=True),        # actor, target, source, attributed, claimed, …
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("actor_id", sa.Text, sa.ForeignKey(actors.c.id), nullable=False),
    sa.Index(None, "actor_id"),
)

incident_values = sa.Table(
    "incident_values", metadata,
    # Every value every mention reported, with who said it: conflicts are kept, not resolved away.
    sa.Column("incident_id", sa.String(24), sa.ForeignKey(incidents.c.id, ondelete="CASCADE"),
              primary_key=True),
    sa.Column("field", sa.String(24), primary_key=True),
    sa.Column("mention_id", sa.Text, primary_key=True),       # not a foreign key: rebuilt by each merge
    sa.Column("value", sa.Text, nullable=False),               # JSON scalar
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("said_by", JSON, nullable=False),                # names of the sources the article cites
)

failures = sa.Table(
    "failures", metadata,
    sa.Column("key", sa.Text, primary_key=True),               # article:<id> or input:<file:line>
    sa.Column("article_id", sa.Text),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("error_class", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(32), sa.ForeignKey(runs.c.id)),
)
