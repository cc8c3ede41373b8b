"""Declare the periodic jobs in django-celery-beat's tables; safe to run on every deploy.

The schedules live in the database (so an administrator sees them, and can pause one, in the
admin); this command writes the declared ones. To add a job, append a `ScheduledJob` to
`SCHEDULES` (higher apps' tasks are named by their dotted path, so nothing is imported here).
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

# County offices keep Beijing time whatever the server's clock is set to.
SCHEDULE_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class ScheduledJob:
    """One periodic task: a unique display name, the task's dotted path and its crontab."""

    name: str
    task: str
    crontab: dict[str, str] = field(default_factory=dict)
    description: str = ""


SCHEDULES: list[ScheduledJob] = [
    ScheduledJob(
        name="purge expired sessions",
        task="villages.tasks.purge_expired_sessions",
        crontab={"minute": "30", "hour": "2"},
        description="Delete expired login sessions (daily 02:30).",
    ),
    ScheduledJob(
        name="purge old login attempts",
        task="villages.tasks.purge_old_login_attempts",
        crontab={"minute": "0", "hour": "3"},
        description="Delete login attempt records older than AXES_RETENTION_DAYS (daily 03:00).",
    ),
    ScheduledJob(
        name="verify the ledger chains",
        task="ledgers.tasks.check_all_chains",
        crontab={"minute": "0", "hour": "3"},
        description="Verify every village's chain of vouchers against its published heads and "
        "keep the verdicts for the integrity page (daily 03:00).",
    ),
    ScheduledJob(
        name="sign the ledger chain digests",
        task="ledgers.tasks.write_chain_digest",
        crontab={"minute": "30", "hour": "3"},
        description="Sign every village's chain head and write the digest outside the database "
        "(daily 03:30).",
    ),
    # Daily rather than on the 1st of each quarter only: planning is idempotent and cheap when
    # nothing is missing, and a server down on the 1st still plans the quarter the next night.
    ScheduledJob(
        name="plan the supervision periods",
        task="supervision.tasks.plan_current_periods",
        crontab={"minute": "30", "hour": "0"},
        description="Plan the current quarter's, half-year's and year's duties (daily 00:30).",
    ),
    ScheduledJob(
        name="daily supervision cycle",
        task="supervision.tasks.daily_cycle",
        crontab={"minute": "0", "hour": "1"},
        description="Mark overdue duties, escalate problems, evaluate warnings, send reminders "
        "(daily 01:00).",
    ),
    # Monday night: the week (Monday to Sunday, Beijing time) has just ended.
    ScheduledJob(
        name="weekly presence evaluation",
        task="supervision.tasks.weekly_presence",
        crontab={"minute": "30", "hour": "1", "day_of_week": "1"},
        description="Store each contact cadre's shortfall of the presence norm in the week that "
        "ended, then evaluate the warnings (Monday 01:30).",
    ),
    # Catches what the save listeners cannot see (bulk writes, items that enter an inbox by
    # time or by a role given later); a run that finds nothing new sends nothing.
    ScheduledJob(
        name="notify the inbox items",
        task="work.tasks.notify_everyone",
        crontab={"minute": "*/15"},
        description="Notify each user of the new items in their to-do list, by e-mail and by "
        "their township's group robot too (every 15 minutes).",
    ),
    # 述职评议 are held at the year's end and concluded in January: the 1st and the 15th of the
    # first quarter evaluate the year that ended (a card once issued is not issued again).
    ScheduledJob(
        name="yellow cards of the townships",
        task="cadres.tasks.evaluate_yellow_cards",
        crontab={"minute": "15", "hour": "2", "day_of_month": "1,15", "month_of_year": "1,2,3"},
        description="Evaluate the county's yellow-card rule on the secretaries' appraisals of "
        "the year that ended and issue the townships' yellow cards (1st and 15th of Jan-Mar "
        "02:15).",
    ),
    # The 5th rather than the 1st: the last days' records of the quarter are entered late.
    ScheduledJob(
        name="quarterly review reports",
        task="reports.tasks.request_quarterly_reports",
        crontab={"minute": "0", "hour": "2", "day_of_month": "5", "month_of_year": "1,4,7,10"},
        description="Request the closed quarter's review report for the county and every "
        "township (5 Jan/Apr/Jul/Oct 02:00).",
    ),
]

# In the order of a crontab line: minute hour day-of-month month day-of-week.
CRONTAB_DEFAULTS = {
    "minute": "*",
    "hour": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "day_of_week": "*",
}


def crontab_for(job: ScheduledJob) -> CrontabSchedule:
    """Return a crontab row matching the job's schedule, reusing an identical existing one."""
    fields = {**CRONTAB_DEFAULTS, **job.crontab, "timezone": SCHEDULE_TIMEZONE}
    # Not get_or_create: nothing stops an administrator from creating duplicate rows.
    existing = CrontabSchedule.objects.filter(**fields).order_by("pk").first()
    return existing or CrontabSchedule.objects.create(**fields)


def declare(job: ScheduledJob, *, reset: bool = False) -> str:
    """Create the job's PeriodicTask by name if missing; return "created", "kept", "updated" or
    "unchanged".

    An existing job keeps what an administrator set in the admin (its time, its pause) unless
    `reset` asks to restore the declared schedule; `enabled` is never touched on update.
    """
    wanted = {
        "task": job.task,
        "crontab": crontab_for(job),
        # A PeriodicTask must have exactly one kind of schedule.
        "interval": None,
        "solar": None,
        "clocked": None,
        "description": job.description,
    }
    periodic, created = PeriodicTask.objects.get_or_create(name=job.name, defaults=wanted)
    if created:
        return "created"
    changed = [name for name, value in wanted.items() if getattr(periodic, name) != value]
    if not changed:
        # Saving anyway would bump beat's change marker and make it reload for nothing.
        return "unchanged"
    if not reset:
        return "kept"
    for name in changed:
        setattr(periodic, name, wanted[name])
    periodic.save()
    return "updated"


class Command(BaseCommand):
    help = (
        "Create the declared periodic Celery tasks in django-celery-beat (idempotent); "
        "--reset also restores the declared schedule of jobs edited in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="overwrite schedules an administrator changed with the declared ones",
        )

    def handle(self, *args, reset=False, **options):
        with transaction.atomic():
            for job in SCHEDULES:
                outcome = declare(job, reset=reset)
                self.stdout.write(f"{outcome}: {job.name} -> {job.task} ({_describe(job)})")


def _describe(job: ScheduledJob) -> str:
    """Render the job's crontab as the five cron fields and the timezone."""
    fields = {**CRONTAB_DEFAULTS, **job.crontab}
    cron = " ".join(fields[k] for k in CRONTAB_DEFAULTS)
    return f"{cron} {SCHEDULE_TIMEZONE}"
