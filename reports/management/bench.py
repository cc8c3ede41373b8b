"""What the benchmark commands share (bench_reports, bench_pdf_memory, load_run)."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection

__all__ = ["database_url"]


def database_url() -> str:
    """The URL of the database this process uses, for the server to use the same."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"
