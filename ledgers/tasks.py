"""Celery tasks of the ledger (schedules: `manage.py setup_periodic_tasks`)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import digests, services

logger = logging.getLogger(__name__)


@shared_task
def write_chain_digest() -> str:
    """Sign every village's chain head and write the digest outside the database (nightly);
    the path written, or "" when no signing key is configured (said in the log)."""
    if not settings.LEDGER_SIGNING_KEY:
        logger.warning("LEDGER_SIGNING_KEY is not set: no chain digest written (see README)")
        return ""
    return str(digests.write_digest())


@shared_task
def check_all_chains() -> dict[str, int]:
    """Verify every village's chain and keep the verdicts for the county's page (nightly)."""
    return services.chains_check()
