"""The schema comes only from the migrations, and it is exactly what the models declare."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from slrt.extensions import db


def test_migrations_produce_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "\n".join(str(d) for d in differences)


def test_database_is_at_the_latest_migration(app):
    from slrt.core.routes import schema_revisions
    current, head = schema_revisions()
    assert current == head is not None


def test_healthz_answers_up_to_date(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["schema"]["up_to_date"] is True
    assert body["schema"]["current"] == body["schema"]["head"]


def test_healthz_is_503_when_the_schema_is_behind(make_app, tmp_path):
    """A private SQLite database migrated to head, then marked as one revision behind: the shared test
    database is never touched."""
    from flask_migrate import upgrade
    behind = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'behind.db'}")
    with behind.app_context():
        upgrade()
        db.session.execute(text("UPDATE alembic_version SET version_num = 'old-revision'"))
        db.session.commit()
    response = behind.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["schema"] == {"current": "old-revision", "head": body["schema"]["head"], "up_to_date": False}
    assert body["status"] == "error"
    with behind.app_context():
        db.session.execute(text("DELETE FROM alembic_version"))
        db.session.commit()
    assert behind.test_client().get("/healthz").status_code == 503
    with behind.app_context():
        db.engine.dispose()


def test_healthz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    gone = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    response = gone.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
