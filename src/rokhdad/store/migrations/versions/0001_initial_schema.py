"""Initial schema: runs, articles, mentions, incidents, actors, places, values, failures.

Revision ID: 0001
Revises: (none)

Frozen history: this file must not import ``schema.py``, which moves on.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('inter', sa.Integer(), nullable=True),
    sa.Column('search', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors'))
    )
    op.create_table('incidents',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('key_date', sa.Date(), nullable=True),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.Text(), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=8), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('place_id', sa.Text(), nullable=True),
    sa.Column('place_name', sa.Text(), nullable=True),
    sa.Column('place_name_en', sa.Text(), nullable=True),
    sa.Column('place_kind', sa.String(length=32), nullable=True),
    sa.Column('admin1', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.Integer(), nullable=True),
    sa.Column('participants', JSON, nullable=False),
    sa.Column('sources', JSON, nullable=False),
    sa.Column('outlets', JSON, nullable=False),
    sa.Column('weapon', sa.Text(), nullable=True),
    sa.Column('weapon_count', sa.Integer(), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('fatalities_note', sa.Text(), nullable=True),
    sa.Column('injured', sa.Integer(), nullable=True),
    sa.Column('modality', sa.String(length=16), nullable=False),
    sa.Column('optional', sa.Boolean(), nullable=False),
    sa.Column('disputed', sa.Text(), nullable=False),
    sa.Column('num_mentions', sa.Integer(), nullable=False),
    sa.Column('num_articles', sa.Integer(), nullable=False),
    sa.Column('num_sources', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.Date(), nullable=True),
    sa.Column('last_seen', sa.Date(), nullable=True),
    sa.Column('evidence', JSON, nullable=False),
    sa.Column('search_actors', sa.Text(), nullable=False),
    sa.Column('search_place', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents'))
    )
    op.create_index(op.f('ix_incidents_country'), 'incidents', ['country'])
    op.create_index(op.f('ix_incidents_date_start'), 'incidents', ['date_start'])
    op.create_index(op.f('ix_incidents_key_date'), 'incidents', ['key_date'])

    op.create_table('places',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name_fa', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('admin1_fa', sa.Text(), nullable=True),
    sa.Column('admin1_en', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('population', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places'))
    )
    op.create_table('runs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('coder_version', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('host', sa.Text(), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('inputs', sa.Text(), nullable=True),
    sa.Column('n_read', sa.Integer(), nullable=False),
    sa.Column('n_new', sa.Integer(), nullable=False),
    sa.Column('n_versions', sa.Integer(), nullable=False),
    sa.Column('n_unchanged', sa.Integer(), nullable=False),
    sa.Column('n_recoded', sa.Integer(), nullable=False),
    sa.Column('n_failed', sa.Integer(), nullable=False),
    sa.Column('n_mentions', sa.Integer(), nullable=False),
    sa.Column('n_incidents', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('outlet', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error_class', sa.Text(), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('num_mentions', sa.Integer(), nullable=False),
    sa.Column('coder_version', sa.Text(), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_articles_run_id_runs')),
    sa.PrimaryKeyConstraint('id', 'version', name=op.f('pk_articles'))
    )
    op.create_index(op.f('ix_articles_sha256'), 'articles', ['sha256'])

    op.create_table('failures',
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('article_id', sa.Text(), nullable=True),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('error_class', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_failures_run_id_runs')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_failures'))
    )
    op.create_table('incident_values',
    sa.Column('incident_id', sa.String(length=24), nullable=False),
    sa.Column('field', sa.String(length=24), nullable=False),
    sa.Column('mention_id', sa.Text(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('article_id', sa.Text(), nullable=False),
    sa.Column('outlet', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('said_by', JSON, nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_values_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'field', 'mention_id', name=op.f('pk_incident_values'))
    )
    op.create_table('mentions',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('event_id', sa.Text(), nullable=False),
    sa.Column('article_id', sa.Text(), nullable=False),
    sa.Column('article_version', sa.Integer(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.Text(), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=8), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('merge_date', sa.Date(), nullable=True),
    sa.Column('place_id', sa.Text(), nullable=True),
    sa.Column('geo_precision', sa.Integer(), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('injured', sa.Integer(), nullable=True),
    sa.Column('weapon', sa.Text(), nullable=True),
    sa.Column('weapon_count', sa.Integer(), nullable=True),
    sa.Column('modality', sa.String(length=16), nullable=False),
    sa.Column('optional', sa.Boolean(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence_start', sa.Integer(), nullable=True),
    sa.Column('evidence_end', sa.Integer(), nullable=True),
    sa.Column('record', JSON, nullable=False),
    sa.Column('incident_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['article_id', 'article_version'], ['articles.id', 'articles.version'], name=op.f('fk_mentions_article_id_article_version_articles')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_mentions_incident_id_incidents')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_mentions_place_id_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions'))
    )
    op.create_index(op.f('ix_mentions_article_id_article_version'), 'mentions', ['article_id', 'article_version'])
    op.create_index(op.f('ix_mentions_incident_id'), 'mentions', ['incident_id'])
    op.create_index(op.f('ix_mentions_merge_date'), 'mentions', ['merge_date'])

    op.create_table('mention_participants',
    sa.Column('mention_id', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_mention_participants_actor_id_actors')),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_mention_participants_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mention_id', 'role', 'position', name=op.f('pk_mention_participants'))
    )
    op.create_index(op.f('ix_mention_participants_actor_id'), 'mention_participants', ['actor_id'])



def downgrade() -> None:
    op.drop_index(op.f('ix_mention_participants_actor_id'), table_name='mention_participants')

    op.drop_table('mention_participants')
    op.drop_index(op.f('ix_mentions_merge_date'), table_name='mentions')
    op.drop_index(op.f('ix_mentions_incident_id'), table_name='mentions')
    op.drop_index(op.f('ix_mentions_article_id_article_version'), table_name='mentions')

    op.drop_table('mentions')
    op.drop_table('incident_values')
    op.drop_table('failures')
    op.drop_index(op.f('ix_articles_sha256'), table_name='articles')

    op.drop_table('articles')
    op.drop_table('runs')
    op.drop_table('places')
    op.drop_index(op.f('ix_incidents_key_date'), table_name='incidents')
    op.drop_index(op.f('ix_incidents_date_start'), table_name='incidents')
    op.drop_index(op.f('ix_incidents_country'), table_name='incidents')

    op.drop_table('incidents')
    op.drop_table('actors')
