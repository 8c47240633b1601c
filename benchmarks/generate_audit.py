"""Insert N sealed audit events in bulk, as years of use leave them: the keyed chain, its checkpoints, the anchor file.

    .venv/bin/python -m benchmarks.generate_audit --url URL --events 10000000 --key KEY --anchor PATH

The events continue the chain at its end, with their MACs, a checkpoint per sealer batch (in the table and
in the anchor file), and a verify's mark `--verified-back` events before the end: the next `portal audit
verify` checks only what came after it, as it does in production. Rows go in through the household
generator's bulk insert (COPY on PostgreSQL).
"""
import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func
from sqlmodel import Session, select

from benchmarks.generate_households import _insert
from portal import clock, db
from portal.models import AuditCheckpoint, AuditEvent
from portal.services.audit import BATCH, _chain_end, _write_anchor, checkpoint_line, event_mac, verified_line

CHUNK = 100_000  # events per transaction
ACTIONS = ("family.view", "plan.view", "plan.save", "plan.publish", "plan.answer", "appointment.view",
           "overview.view", "sign_in", "translation.save")


def generate_audit(url: str, events: int, key: bytes, anchor: Path, verified_back: int = 10_000, log=None) -> None:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            seq, mac = _chain_end(session)
            next_id = (session.exec(select(func.max(AuditEvent.id))).one() or 0) + 1
            next_checkpoint = (session.exec(select(func.max(AuditCheckpoint.id))).one() or 0) + 1
        first_seq, last_seq = seq + 1, seq + events
        # The verify mark sits on a checkpoint, as a real verify's does (it seals first).
        mark_seq = max(first_seq - 1, (last_seq - verified_back) // BATCH * BATCH)
        start = clock.now().replace(microsecond=0) - dt.timedelta(days=15 * 365)
        step = dt.timedelta(days=15 * 365) / max(events, 1)
        for chunk_start in range(0, events, CHUNK):
            rows, checkpoints, lines = [], [], []
            for n in range(chunk_start, min(events, chunk_start + CHUNK)):
                seq += 1
                event = SimpleNamespace(
                    id=next_id + n, seq=seq, at=(start + step * n).replace(microsecond=0), actor_id=1 + n % 5000,
                    actor_name=f"Medewerker {n % 5000}", role="worker", action=ACTIONS[n % len(ACTIONS)],
                    object=f"family:{n % 1_000_000}", family_id=n % 1_000_000, result="ok", origin="10.0.0.1")
                mac = event.mac = event_mac(key, mac, event)
                rows.append(vars(event))
                if seq % BATCH == 0 or seq == last_seq:
                    line = checkpoint_line(key, seq, mac, event.at)
                    checkpoints.append({"id": next_checkpoint, "seq": seq, "mac": mac, "at": event.at,
                                        "signature": line["signature"]})
                    next_checkpoint += 1
                    lines.append(line)
            with engine.begin() as connection:
                _insert(connection, AuditEvent, rows)
                _insert(connection, AuditCheckpoint, checkpoints)
            for line in lines:
                _write_anchor(anchor, line)
                if line["checkpoint"] == mark_seq:
                    at = line["at"]
                    _write_anchor(anchor, verified_line(key, mark_seq, line["mac"], anchor.stat().st_size, at))
            if log:
                log(f"  {min(events, chunk_start + CHUNK):>9} audit events")
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                for table in ("auditevent", "auditcheckpoint"):
                    connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE auditevent")
                connection.exec_driver_sql("ANALYZE auditcheckpoint")
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--key", required=True, help="the PORTAL_AUDIT_KEY the portal will verify with")
    parser.add_argument("--anchor", required=True, type=Path, help="the PORTAL_AUDIT_ANCHOR file")
    parser.add_argument("--verified-back", type=int, default=10_000)
    args = parser.parse_args()
    began = time.perf_counter()
    generate_audit(args.url, args.events, args.key.encode(), args.anchor, args.verified_back, log=print)
    print(f"{args.events} audit events in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
