"""Storage on SQLite and PostgreSQL: migrations, the audit chain, the job queue, the file store."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, update

from padan.linker.service.audit import ANONYMOUS, Actor, append_entry, verify_chain
from padan.linker.service.database import migrate, new_engine, new_session_factory, transaction
from padan.linker.service.runs import claim_run, complete_run, renew_lease
from padan.linker.service.store import ContentStore
from padan.linker.service.tables import AuditEntry, Base, Project, Run


@pytest.fixture
def factory(database_url: str):
    engine = new_engine(database_url)
    migrate(engine)
    yield new_session_factory(engine)
    engine.dispose()


def test_migrations_create_exactly_the_declared_tables_and_columns(factory):
    engine = factory.kw["bind"]
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        migrated = {column["name"] for column in inspector.get_columns(table.name)}
        assert migrated == set(table.columns.keys()), table.name
    migrate(engine)  # a second upgrade is a no-op, not an error


def _append(factory, count: int) -> None:
    for number in range(count):
        with transaction(factory) as session:
            append_entry(session, Actor("dtks", "agency"), "upload.accept", project_id="p",
                         number=number, note="ñ unicode")


def test_audit_chain_verifies_and_finds_an_edited_entry(factory):
    _append(factory, 5)
    with transaction(factory) as session:
        status = verify_chain(session)
        assert status.ok and status.entries == 5 and status.first_bad_seq is None
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3)
                        .values(details='{"note":"ñ unicode","number":99}'))
    with transaction(factory) as session:
        broken = verify_chain(session)
    assert not broken.ok and broken.first_bad_seq == 3 and "altered" in broken.reason


@pytest.mark.parametrize("column", ["actor", "action", "at", "project_id", "role"])
def test_audit_chain_detects_an_edit_of_any_field(factory, column):
    _append(factory, 3)
    with transaction(factory) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values({column: "x"}))
    with transaction(factory) as session:
        assert verify_chain(session).first_bad_seq == 2


def test_audit_chain_detects_a_deleted_entry(factory):
    _append(factory, 4)
    with transaction(factory) as session:
        session.delete(session.get(AuditEntry, 2))
    with transaction(factory) as session:
        status = verify_chain(session)
    assert not status.ok and status.first_bad_seq == 2 and "missing" in status.reason


def test_audit_chain_detects_a_rewritten_chain_tail(factory):
    """Recomputing one entry's hash is not enough: the next entry's link breaks."""
    _append(factory, 3)
    with transaction(factory) as session:
        entry = session.get(AuditEntry, 2)
        entry.actor, entry.hash = "kjp", "0" * 64
    with transaction(factory) as session:
        assert verify_chain(session).first_bad_seq == 2


def test_concurrent_appends_keep_one_unbroken_chain(factory):
    errors: list[BaseException] = []

    def append_many() -> None:
        try:
            _append(factory, 10)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=append_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(factory) as session:
        status = verify_chain(session)
        assert status.ok and status.entries == 40
        assert session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all() == \
            list(range(1, 41))


def _queue_run(factory) -> int:
    with transaction(factory) as session:
        if session.get(Project, "p") is None:
            session.add(Project(id="p", schema_fingerprint="f", parameters={},
                                result_policy="own_matches", description=""))
            session.flush()
        run = Run(project_id="p", inputs={"a": "0" * 64}, parameters={}, state="queued",
                  progress=0.0, invalidated=False, attempts=0)
        session.add(run)
        session.flush()
        return run.id


def test_a_run_is_claimed_by_one_worker_only(factory):
    run_id = _queue_run(factory)
    claims = []

    def claim(name: str) -> None:
        with transaction(factory) as session:
            claims.append(claim_run(session, name, lease_seconds=60))

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1 and won[0].run_id == run_id and won[0].attempt == 1


def test_a_lapsed_lease_is_claimed_again_and_the_old_worker_cannot_finish(factory):
    run_id = _queue_run(factory)
    # leases of seconds, not tenths: on a loaded machine (tests on every core) a tenth of a
    # second passed between two transactions and the lease lapsed before it was checked
    with transaction(factory) as session:
        assert claim_run(session, "first", lease_seconds=1.5).run_id == run_id
    with transaction(factory) as session:
        assert claim_run(session, "second", lease_seconds=60) is None  # lease still held
    time.sleep(1.6)
    with transaction(factory) as session:
        again = claim_run(session, "second", lease_seconds=60)
    assert again.run_id == run_id and again.attempt == 2
    with transaction(factory) as session:
        assert not renew_lease(session, run_id, "first", 60)
        assert not complete_run(session, run_id, "first", results={}, report_sha256="0" * 64,
                                counts={})
        assert complete_run(session, run_id, "second", results={"a": "1" * 64},
                            report_sha256="2" * 64, counts={})
    with transaction(factory) as session:
        run = session.get(Run, run_id)
        assert (run.state, run.results, run.lease_owner) == ("done", {"a": "1" * 64}, "second")
        actions = session.scalars(select(AuditEntry.action)).all()
        assert actions == ["run.claim", "run.claim", "run.done"]
        assert verify_chain(session).ok


def test_renewing_keeps_the_lease(factory):
    run_id = _queue_run(factory)
    with transaction(factory) as session:
        claim_run(session, "w", lease_seconds=2.0)
    for _ in range(3):   # 2.25 s in all: without the renewals the lease would have lapsed
        time.sleep(0.75)
        with transaction(factory) as session:
            assert renew_lease(session, run_id, "w", 2.0, progress=0.5)
    with transaction(factory) as session:
        assert claim_run(session, "thief", lease_seconds=60) is None
        assert session.get(Run, run_id).progress == 0.5


# -- the file store (no database) -------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=4096))
def test_store_is_content_addressed_and_idempotent(tmp_path_factory, data):
    store = ContentStore(tmp_path_factory.mktemp("store"))
    first = store.put_bytes(data)
    assert store.put_bytes(data) == first
    assert store.read_bytes(first) == data
    assert store.path_of(first).name == first
    assert [p for p in store.root.rglob("*") if p.is_file()] == [store.path_of(first)]


def test_store_put_file_leaves_no_temporaries_and_refuses_bad_digests(tmp_path: Path):
    store = ContentStore(tmp_path / "store")
    source = tmp_path / "in.bin"
    source.write_bytes(b"abc" * 1000)
    digest = store.put_file(source)
    assert store.read_bytes(digest) == source.read_bytes()
    assert not [p for p in store.root.rglob(".tmp-*")]
    with pytest.raises(ValueError):
        store.path_of("../../etc/passwd")
    store.delete(digest)
    assert not store.contains(digest)


def test_anonymous_actor_is_recorded(factory):
    with transaction(factory) as session:
        append_entry(session, ANONYMOUS, "auth.failed", path="/projects")
    with transaction(factory) as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.role, entry.seq) == ("anonymous", "none", 1)


def test_entries_are_written_at_commit_and_dropped_on_rollback(factory):
    with transaction(factory) as session:
        append_entry(session, ANONYMOUS, "auth.failed", path="/a")
        assert session.scalars(select(AuditEntry)).all() == []  # not yet: no lock taken
    try:
        with transaction(factory) as session:
            append_entry(session, ANONYMOUS, "auth.failed", path="/b")
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    with transaction(factory) as session:
        append_entry(session, ANONYMOUS, "auth.failed", path="/c")
        append_entry(session, ANONYMOUS, "auth.failed", path="/d")
    with transaction(factory) as session:
        paths = [e.details for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
        assert verify_chain(session).ok
    assert paths == ['{"path":"/a"}', '{"path":"/c"}', '{"path":"/d"}']
