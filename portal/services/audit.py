"""Record audit events in the transaction of the change they record; seal them into a keyed chain; verify it."""
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask import Flask
from sqlalchemy import func, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal import clock
from portal.models import AuditCheckpoint, AuditEvent

GENESIS = "0" * 64
SEAL_LOCK = 7531  # PostgreSQL advisory lock id: held by the sealer only, never by a writer of events
BATCH = 500  # events per seal transaction (and per checkpoint)

log = logging.getLogger(__name__)


# --- recording ---------------------------------------------------------------------------------

def append(db: Session, *, action: str, result: str, object: str = "", family_id: int | None = None,
           actor_id: int | None = None, actor_name: str = "", role: str = "", origin: str = "") -> AuditEvent:
    """Add one event to `db`; the caller's commit writes it together with the change it records."""
    event = AuditEvent(at=clock.now(), actor_id=actor_id, actor_name=actor_name, role=role, action=action,
                       object=object, family_id=family_id, result=result, origin=origin)
    db.add(event)
    return event


# --- the keyed chain ---------------------------------------------------------------------------

def _mac(key: bytes, kind: str, *parts) -> str:
    return hmac.new(key, json.dumps([kind, *parts], ensure_ascii=False).encode(), hashlib.sha256).hexdigest()


def event_mac(key: bytes, previous: str, event: AuditEvent) -> str:
    """HMAC-SHA256 over the previous MAC, the event's place in the chain and every field."""
    return _mac(key, "event", previous, event.seq, event.id, event.at.isoformat(), event.actor_id,
                event.actor_name, event.role, event.action, event.object, event.family_id, event.result,
                event.origin)


def checkpoint_mac(key: bytes, seq: int, mac: str, at: dt.datetime) -> str:
    return _mac(key, "checkpoint", seq, mac, at.isoformat())


def _mark_mac(key: bytes, seq: int, mac: str, offset: int, at: str) -> str:
    return _mac(key, "verified", seq, mac, offset, at)


def checkpoint_line(key: bytes, seq: int, mac: str, at: dt.datetime) -> dict:
    """The anchor file's copy of a checkpoint."""
    return {"checkpoint": seq, "mac": mac, "at": at.isoformat(), "signature": checkpoint_mac(key, seq, mac, at)}


def verified_line(key: bytes, seq: int, mac: str, offset: int, at: str) -> dict:
    """The anchor file's mark of a verify that found the chain whole up to `seq`; the next starts there."""
    return {"verified": seq, "mac": mac, "offset": offset, "at": at, "signature": _mark_mac(key, seq, mac, offset, at)}


def _key(app: Flask) -> bytes:
    return app.config["AUDIT_KEY"].encode()


def _anchor_path(app: Flask) -> Path:
    return Path(app.config["AUDIT_ANCHOR"])


def _write_anchor(anchor: Path, entry: dict) -> None:
    anchor.parent.mkdir(parents=True, exist_ok=True)
    with open(anchor, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")
        out.flush()
        os.fsync(out.fileno())


@dataclass
class ChainEnd:
    """Where the chain ends after a seal: its last seq and MAC, and the anchor file's size then."""
    seq: int
    mac: str
    anchor_size: int
    sealed: int = 0  # events this seal chained


@contextmanager
def _sealer_lock(engine: Engine, anchor: Path, wait: bool) -> Iterator[Connection | None]:
    """One sealer at a time, held until its anchor line is written, so the anchor keeps seal order.
    Yields None when another sealer holds it and `wait` is False."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": SEAL_LOCK})
            elif not connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": SEAL_LOCK}).scalar():
                yield None
                return
            connection.commit()  # a session-level lock: it outlives the seal's commits
            try:
                yield connection
            finally:
                try:
                    connection.rollback()
                    connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": SEAL_LOCK})
                    connection.commit()
                except Exception:
                    connection.invalidate()  # closing it ends the lock; back in the pool it would stay held
                    raise
            return
        # SQLite has one writer on one host: a lock file beside the anchor orders its processes' sealers.
        anchor.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{anchor}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield None
                return
            yield connection


def _seal_locked(connection: Connection, key: bytes, anchor: Path) -> ChainEnd:
    """Chain the unsealed events in id order after the last sealed one; a checkpoint per batch.

    Chained by seal order, not by id: on PostgreSQL a lower id may commit later, and is then sealed later."""
    sealed = 0
    with Session(bind=connection, expire_on_commit=False) as db:
        seq, mac = _chain_end(db)
        while batch := db.exec(select(AuditEvent).where(col(AuditEvent.seq).is_(None))
                               .order_by(col(AuditEvent.id)).limit(BATCH)).all():
            for event in batch:
                seq += 1
                event.seq = seq
                mac = event.mac = event_mac(key, mac, event)
            line = checkpoint_line(key, seq, mac, clock.now())
            db.add(AuditCheckpoint(seq=seq, mac=mac, at=dt.datetime.fromisoformat(line["at"]),
                                   signature=line["signature"]))
            try:
                db.commit()
            except IntegrityError:
                # A checkpoint already holds this seq: the chain's end was cut off. Extending it would
                # hide that; leave the events unsealed for `portal audit verify` to report.
                db.rollback()
                log.error("Audit events were not sealed: the chain ends before its checkpoint at seq %s", seq)
                seq, mac = _chain_end(db)
                break
            # After the commit: an anchor line always names a checkpoint that exists.
            _write_anchor(anchor, line)
            db.expunge_all()
            sealed += len(batch)
    return ChainEnd(seq, mac, anchor.stat().st_size if anchor.exists() else 0, sealed)


def _chain_end(db: Session) -> tuple[int, str]:
    last = db.exec(select(AuditEvent.seq, AuditEvent.mac).where(col(AuditEvent.seq).is_not(None))
                   .order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    if not last:
        return 0, GENESIS
    seq, mac = last
    assert seq is not None  # the query reads sealed events only
    return seq, mac or ""


def _has_unsealed(engine: Engine) -> bool:
    with Session(engine) as db:
        return db.exec(select(AuditEvent.id).where(col(AuditEvent.seq).is_(None)).limit(1)).first() is not None


def seal(app: Flask, wait: bool = False) -> ChainEnd | None:
    """Chain every committed event that is not sealed yet. Without `wait`, another sealer at work
    means nothing to do here (None): it, or the next seal, takes these events."""
    engine, key, anchor = app.extensions["engine"], _key(app), _anchor_path(app)
    end = None
    while True:
        with _sealer_lock(engine, anchor, wait) as connection:
            if connection is None:
                return end
            found = _seal_locked(connection, key, anchor)
            end = replace(found, sealed=found.sealed + (end.sealed if end else 0))
        # An event committed while this sealer held the lock found it taken and was left: take it now.
        if not _has_unsealed(engine):
            return end


# --- verifying ---------------------------------------------------------------------------------

@dataclass
class Break:
    seq: int
    event_id: int | None
    reason: str


@dataclass
class Report:
    start: int  # the check began after this seq (0: from the beginning)
    end: int  # the chain's last seq after sealing
    sealed: int = 0  # events the seal before the check chained
    examined: int = 0  # event rows read
    checkpoints: int = 0  # checkpoint rows checked
    anchored: int = 0  # checkpoint lines of the anchor file checked
    unsealed: int = 0  # events committed after the seal, waiting for the next one
    breaks: list[Break] = field(default_factory=list)

    @property
    def first(self) -> Break | None:
        return min(self.breaks, key=lambda found: found.seq) if self.breaks else None


def _read_lines(anchor: Path, start: int, end: int) -> list[dict]:
    with open(anchor, "rb") as source:
        source.seek(start)
        return [json.loads(line) for line in source.read(end - start).splitlines() if line.strip()]


def _last_mark(anchor: Path, end: int, chunk: int = 65536) -> dict | None:
    """The newest 'verified' line before byte `end`, read from the back: cost grows with what came since."""
    if end == 0:
        return None
    with open(anchor, "rb") as source:
        position, tail = end, b""
        while position > 0:
            step = min(chunk, position)
            position -= step
            source.seek(position)
            tail = source.read(step) + tail
            lines = tail.split(b"\n")
            complete = lines if position == 0 else lines[1:]  # the first piece may be cut
            for line in reversed(complete):
                if b'"verified"' in line:
                    return json.loads(line)
            tail = lines[0] if position else b""
    return None


def verify(app: Flask, full: bool = False) -> Report:
    """Seal, then check the chain from the last point a verify recorded in the anchor file (or, with
    `full`, from the start) to its end: every event's MAC and seq, every checkpoint row, every anchor line."""
    engine, key, anchor = app.extensions["engine"], _key(app), _anchor_path(app)
    with _sealer_lock(engine, anchor, wait=True) as connection:
        assert connection is not None  # a sealer that waits for the lock gets it
        end = _seal_locked(connection, key, anchor)
    mark = None if full else _last_mark(anchor, end.anchor_size)
    if mark is not None and mark.get("signature") != _mark_mac(key, mark["verified"], mark["mac"], mark["offset"],
                                                                mark["at"]):
        mark = None  # a line the key did not sign vouches for nothing: check everything
    start, previous = (mark["verified"], mark["mac"]) if mark else (0, GENESIS)
    lines = _read_lines(anchor, mark["offset"] if mark else 0, end.anchor_size) if end.anchor_size else []
    report = Report(start=start, end=end.seq, sealed=end.sealed)
    with Session(engine) as db:
        macs: dict[int, tuple[int, str | None]] = {}  # seq -> (event id, MAC) where a checkpoint points
        if start > end.seq:
            report.breaks.append(Break(end.seq + 1, None, f"the log ends at seq {end.seq}, but an earlier verify "
                                                          f"checked it up to seq {start}: the newest events were "
                                                          f"deleted"))
        elif start:
            report.examined += 1
            row = db.exec(select(AuditEvent).where(AuditEvent.seq == start)).first()
            if row is None or row.mac != previous:
                report.breaks.append(Break(start, row.id if row else None, "changed or deleted after an earlier "
                                           "verify checked it (the anchor file keeps its MAC)"))
        checkpoints = {c.seq: c for c in db.exec(select(AuditCheckpoint).where(
            AuditCheckpoint.seq > start, AuditCheckpoint.seq <= end.seq))}
        pointed = set(checkpoints) | {line["checkpoint"] for line in lines if "checkpoint" in line}
        expected = start + 1
        events = select(AuditEvent).where(col(AuditEvent.seq) > start, col(AuditEvent.seq) <= end.seq) \
            .order_by(col(AuditEvent.seq)).execution_options(yield_per=1000)
        for event in db.exec(events):
            assert event.seq is not None and event.id is not None  # sealed events, read from the table
            report.examined += 1
            if event.seq != expected:
                report.breaks.append(Break(event.seq, event.id, f"{_seqs(expected, event.seq - 1)} missing: "
                                                                f"the events before this one were deleted"))
            elif event.mac != event_mac(key, previous, event):
                report.breaks.append(Break(event.seq, event.id, "changed after it was sealed (its MAC does not "
                                                                "match)"))
            if event.seq in pointed:
                macs[event.seq] = (event.id, event.mac)
            previous, expected = event.mac or "", event.seq + 1
        if expected <= end.seq:  # rows at the end went while this check ran
            report.breaks.append(Break(expected, None, f"{_seqs(expected, end.seq)} missing: the newest events "
                                                       f"were deleted"))
        for seq, checkpoint in sorted(checkpoints.items()):
            report.checkpoints += 1
            event_id, mac = macs.get(seq, (None, None))
            if checkpoint.signature != checkpoint_mac(key, seq, checkpoint.mac, checkpoint.at):
                report.breaks.append(Break(seq, event_id, f"the checkpoint at seq {seq} was altered"))
            elif event_id is not None and mac != checkpoint.mac:  # a missing event is reported as a gap
                report.breaks.append(Break(seq, event_id, f"the chain differs from the checkpoint at seq {seq}"))
        for line in lines:
            if "checkpoint" in line:
                report.anchored += 1
                _check_anchored(key, line, checkpoints, macs, end.seq, report)
        report.unsealed = db.exec(select(func.count()).select_from(AuditEvent)
                                  .where(col(AuditEvent.seq).is_(None))).one()
    if not report.breaks:
        at = clock.now().isoformat()
        _write_anchor(anchor, verified_line(key, end.seq, end.mac, end.anchor_size, at))
    return report


def _seqs(first: int, last: int) -> str:
    return f"seq {first} is" if first == last else f"seq {first} to {last} are"


def _check_anchored(key: bytes, line: dict, checkpoints: dict, macs: dict, last_seq: int, report: Report) -> None:
    """One checkpoint as the anchor file keeps it, against the table and the chain."""
    seq, at = line["checkpoint"], dt.datetime.fromisoformat(line["at"])
    event_id, mac = macs.get(seq, (None, None))
    row = checkpoints.get(seq)
    if line.get("signature") != checkpoint_mac(key, seq, line["mac"], at):
        report.breaks.append(Break(seq, event_id, f"the anchor file's line for seq {seq} is not signed by the key"))
    elif seq > last_seq:
        report.breaks.append(Break(last_seq + 1, None, f"the log ends at seq {last_seq}, but the anchor file holds "
                                                       f"a checkpoint at seq {seq}: the newest events were deleted"))
    elif row is None:
        report.breaks.append(Break(seq, event_id, f"the checkpoint at seq {seq} was deleted from the table"))
    elif (row.mac, row.at, row.signature) != (line["mac"], at, line["signature"]):
        report.breaks.append(Break(seq, event_id, f"the checkpoint at seq {seq} differs from the anchor file"))
    elif event_id is not None and mac != line["mac"]:  # a missing event is reported as a gap
        report.breaks.append(Break(seq, event_id, f"the chain differs from the anchored checkpoint at seq {seq}"))
