"""Every stored row at a moment: a request that must change nothing is compared before and after."""
from sqlalchemy import select as sql_select
from sqlmodel import SQLModel


def every_row(app) -> dict[str, set]:
    """Every row of every table but the audit log (checked on its own) and the idle time of sessions."""
    rows = {}
    with app.extensions["engine"].connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name != "auditevent":
                columns = [c for c in table.columns if (table.name, c.name) != ("usersession", "last_seen_at")]
                rows[table.name] = set(connection.execute(sql_select(*columns)).all())
    return rows
