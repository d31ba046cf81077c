"""The back office's case queue on a demo district of 10 and of 60 visits: the SQL statements one page costs
(full page and htmx swap) and the bytes of the swap against the page's.

    python bench/case_queue.py            # 10 and 60 visits
    python bench/case_queue.py 10 60 300

Each size is a throw-away SQLite instance seeded with `flask demo seed --cases N` (the portal's own operations),
then read in this process through the app's test client as the demo back-office user, every status shown
(`/kasus/?status=`), uncompressed bytes.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, flask, instance_env  # noqa: E402

PASSWORD = "demo-password-1"


def measure(instance: Path, env: dict) -> dict:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from slrt import create_app
    from slrt.extensions import db

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False, SLRT_OUTBOX_DISPATCH="off")
    client = app.test_client()
    assert client.post("/masuk", data={"username": "backoffice", "password": PASSWORD}).status_code == 303
    figures = {}
    with app.app_context():
        engine = db.engine
    for name, headers in (("page", {}), ("rows", {"HX-Request": "true"})):
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        client.get("/kasus/?status=", headers=headers)  # warm: first-request work is not the queue's
        event.listen(engine, "before_cursor_execute", count)
        response = client.get("/kasus/?status=", headers=headers)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        figures[name] = (len(statements), len(response.data))
    return figures


def main(sizes: list[int]) -> None:
    import subprocess
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            instance = Path(tmp)
            env = instance_env(instance, SECRET_KEY="bench-secret-key", SLRT_OUTBOX_DISPATCH="off")
            for args in (("db", "upgrade"), ("regions", "load"), ("reference", "load"),
                         ("demo", "seed", "--cases", str(n))):
                flask(env, *args)
            # A fresh interpreter per size: the app binds its engine to the instance it was made for.
            out = subprocess.run([sys.executable, __file__, "--measure", tmp], env=env, capture_output=True,
                                 text=True, cwd=ROOT)
            if out.returncode:
                sys.exit(out.stderr)
            print(f"{n:4d} visits: {out.stdout.strip()}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        f = measure(Path(sys.argv[2]), {})
        (pq, pb), (rq, rb) = f["page"], f["rows"]
        print(f"page {pq} queries {pb} B; htmx rows {rq} queries {rb} B; rows/page {rb / pb:.1%}")
    else:
        main([int(a) for a in sys.argv[1:]] or [10, 60])
