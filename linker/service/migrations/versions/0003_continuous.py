"""Continuous linkage: projects.continuous, upload kinds (whole or delta with a removed list),
uploads brought into the standing state, and run kinds with their plan and per-party changes.

Existing rows read as before: projects are not continuous, uploads whole, runs one-off links.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("continuous", sa.Boolean, nullable=False,
                                        server_default=sa.false()))
    op.add_column("uploads", sa.Column("kind", sa.String(8), nullable=False,
                                       server_default="whole"))
    op.add_column("uploads", sa.Column("removed_sha256", sa.String(64), nullable=True))
    op.add_column("uploads", sa.Column("linked", sa.Boolean, nullable=False,
                                       server_default=sa.false()))
    op.add_column("upload_sessions", sa.Column("kind", sa.String(8), nullable=False,
                                               server_default="whole"))
    op.add_column("runs", sa.Column("kind", sa.String(16), nullable=False,
                                    server_default="link"))
    op.add_column("runs", sa.Column("plan", sa.JSON, nullable=True))
    op.add_column("runs", sa.Column("changes", sa.JSON, nullable=True))


def downgrade() -> None:
    for table, columns in (("runs", ("changes", "plan", "kind")),
                           ("upload_sessions", ("kind",)),
                           ("uploads", ("linked", "removed_sha256", "kind")),
                           ("projects", ("continuous",))):
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
