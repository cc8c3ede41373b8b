#!/bin/sh
# Run once by the postgres image when it initialises an empty data directory
# (/docker-entrypoint-initdb.d): the two roles of Cunjian and the database, owned by the owner.
#   cunjian_owner  owns the tables: runs the migrations (the release step) and nothing else
#   cunjian_app    the runtime role of web, worker and beat: rows only, granted by
#                  `manage.py grant_runtime_role` after each migrate; not a superuser, owns no
#                  table, so it can neither disable a trigger nor skip them
# An existing deployment makes them by hand (README, "Database roles").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_password="$CUNJIAN_OWNER_PASSWORD" -v app_password="$CUNJIAN_APP_PASSWORD" <<'SQL'
CREATE ROLE cunjian_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE cunjian_app LOGIN PASSWORD :'app_password';
CREATE DATABASE cunjian OWNER cunjian_owner;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname cunjian <<'SQL'
ALTER SCHEMA public OWNER TO cunjian_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
