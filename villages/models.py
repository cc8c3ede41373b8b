"""The administrative tree (regions and villages), staff roles and contact-cadre assignments."""

from decimal import Decimal
from functools import reduce
from operator import or_

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.fields import COUNTY, VILLAGE, area_code_check, area_code_field, area_code_pattern
from core.masking import mask_phone
from core.querysets import ScopedQuerySet, prefix_q
from core.rights import Right, scope_for

from .choices import CODE_LENGTH, PARENT_LEVEL, ROLE_REGION_LEVEL, RegionLevel, RoleKind

__all__ = [
    "Region",
    "Village",
    "StaffRole",
    "ContactAssignment",
    "StaffAccount",
    "StaffProfile",
    "ChangeEvent",
]

digits_only = RegexValidator(r"^\d+$", _("An area code consists of digits only."))


# Every domain model records inserts, updates and deletes through database triggers, so bulk
# and raw-SQL writes are logged too; the request's user comes from pghistory's middleware.
def audited(model):
    """Track inserts, updates and deletes of `model` (fresh trackers: they keep per-model state)."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )(model)


def audited_in_bulk(model):
    """Like `audited`, with statement-level triggers for tables written tens of thousands of
    rows at a time (planning a quarter): the same events, one trigger call per statement
    instead of one per row."""
    level = pghistory.Statement
    return pghistory.track(
        pghistory.InsertEvent(level=level),
        pghistory.UpdateEvent(level=level),
        pghistory.DeleteEvent(level=level),
    )(model)


class RegionQuerySet(ScopedQuerySet):
    scope_field = "code"

    def visible_to(self, user):
        """Regions inside the scope, plus the regions above it (for breadcrumbs)."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(prefix_q("code", scope.areas(Right.SEE)) | Q(code__in=scope.ancestors()))

    def townships(self):
        return self.filter(level=RegionLevel.TOWNSHIP)

    def counties(self):
        return self.filter(level=RegionLevel.COUNTY)


@audited
class Region(models.Model):
    """A province, city, county or township, keyed by the significant digits of its area code."""

    code = models.CharField(
        _("area code"),
        max_length=9,
        unique=True,
        validators=[digits_only],
        help_text=_("2 digits for a province, 4 for a city, 6 for a county, 9 for a township."),
    )
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["code"], name="region_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            # A region's code is every scope's prefix: its length is its level's.
            models.CheckConstraint(
                condition=reduce(
                    or_,
                    (
                        Q(level=level, code__regex=area_code_pattern((n,)))
                        for level, n in CODE_LENGTH.items()
                    ),
                ),
                name="region_code_fits_level",
                violation_error_message=_("The region's code does not match its level."),
            ),
            # Only a province stands alone: a county without its city and province would sit
            # outside the tree (breadcrumbs, the upper levels of every report).
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=RegionLevel.PROVINCE) & Q(parent__isnull=False)),
                name="region_parent_fits_level",
                violation_error_message=_("Every region but a province needs its parent region."),
            ),
        ]
        triggers = [
            # What clean() says, held by the database for every writer (a script, a bulk load):
            # the parent is of the level just above, and its code is a prefix of the region's.
            pgtrigger.Trigger(
                name="region_code_extends_parent",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                declare=[("parent_code", "varchar(9)"), ("parent_level", "varchar(10)")],
                func="""
                    IF NEW.parent_id IS NULL THEN RETURN NEW; END IF;
                    SELECT code, level INTO parent_code, parent_level
                        FROM villages_region WHERE id = NEW.parent_id;
                    IF parent_level IS DISTINCT FROM (CASE NEW.level
                            WHEN 'city' THEN 'province' WHEN 'county' THEN 'city'
                            WHEN 'township' THEN 'county' END)
                        OR left(NEW.code, length(parent_code)) <> parent_code THEN
                        RAISE EXCEPTION 'region % does not lie inside its parent %',
                            NEW.code, parent_code USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                """,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("villages:region-detail", args=[self.code])

    def clean(self):
        expected = CODE_LENGTH.get(self.level)
        if expected and len(self.code or "") != expected:
            raise ValidationError(
                {
                    "code": _("A %(level)s code has %(n)d digits.")
                    % {"level": self.get_level_display(), "n": expected}
                }
            )
        parent_level = PARENT_LEVEL.get(self.level)
        # The parent object, saved or not: an import builds the chain province › city › county
        # in memory and checks every new region before it saves the first one.
        parent = self.parent
        if parent_level and parent is None:
            # Named in words, never as a right: the missing level is what the user must make.
            raise ValidationError(
                {
                    "parent": _("Create the %(level)s %(code)s first: a %(this)s sits inside it.")
                    % {
                        "level": RegionLevel(parent_level).label,
                        "code": (self.code or "")[: CODE_LENGTH[parent_level]].ljust(6, "0"),
                        "this": self.get_level_display(),
                    }
                }
            )
        if self.level == RegionLevel.PROVINCE and parent is not None:
            raise ValidationError({"parent": _("A province has no parent region.")})
        if parent is not None:
            if parent.level != parent_level:
                raise ValidationError({"parent": _("The parent region is at the wrong level.")})
            if not self.code.startswith(parent.code):
                raise ValidationError(
                    {
                        "code": _("The code must begin with the parent's code %(code)s.")
                        % {"code": parent.code}
                    }
                )


class VillageQuerySet(ScopedQuerySet):
    scope_field = "code"

    def with_township(self):
        return self.select_related("township", "township__parent")


# Statement-level: a county's tree import writes tens of thousands of villages at once, and a row
# trigger cost more than the rest of the import (2.8 s of 3 s for 10,000 rows).
@audited_in_bulk
class Village(models.Model):
    """An administrative village (行政村), keyed by its 12-digit statistical area code."""

    code = models.CharField(
        _("area code"),
        max_length=12,
        unique=True,
        validators=[digits_only, RegexValidator(r"^\d{12}$", _("A village code has 12 digits."))],
    )
    name = models.CharField(_("name"), max_length=50)
    township = models.ForeignKey(
        Region,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"level": RegionLevel.TOWNSHIP},
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    collective_income = models.DecimalField(
        _("collective income of last year (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_backward = models.BooleanField(_("designated backward village"), default=False)
    # An office line published on purpose on every statement (监督电话): not personal data, so
    # it is shown in full and kept out of the phone masking.
    supervision_phone = models.CharField(
        _("supervision committee phone"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 \-]{5,18}[0-9]$",
                _("Enter a phone number of digits (and dashes) only."),
            )
        ],
        help_text=_("The village affairs supervision committee's public phone (监督电话)."),
    )
    # 联签: the village's own signing day of the month (empty: the county's).
    signing_day = models.PositiveSmallIntegerField(
        _("signing day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Empty: the county's day. In a shorter month, its last day."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["code"], name="village_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["name"], name="village_name"),
        ]
        constraints = [
            area_code_check(VILLAGE, field="code"),
            models.CheckConstraint(
                condition=Q(signing_day__isnull=True) | Q(signing_day__gte=1, signing_day__lte=31),
                name="village_signing_day",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("villages:village-detail", args=[self.code])

    def clean(self):
        if self.township_id and self.code and not self.code.startswith(self.township.code):
            raise ValidationError(
                {
                    "code": _("The village code must begin with its township's code %(code)s.")
                    % {"code": self.township.code}
                }
            )

    @property
    def county_code(self) -> str:
        return self.code[:6]


class StaffRoleQuerySet(ScopedQuerySet):
    pass


@audited
class StaffRole(models.Model):
    """A role held by a staff account, scoped to a county, a township or one village."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    # The scope's area code, copied from the region or village so scoping needs no join.
    area_code = area_code_field()

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["user_id", "kind"]
        constraints = [
            area_code_check((6, 9, 12)),
            # The scope's code has the length of the role's level: a county supervisor's 6
            # digits, a township's 9, a village clerk's 12; never "", which is every prefix.
            models.CheckConstraint(
                condition=Q(
                    kind=RoleKind.COUNTY_SUPERVISOR, area_code__regex=area_code_pattern(COUNTY)
                )
                | Q(
                    kind__in=[RoleKind.TOWNSHIP_STAFF, RoleKind.CONTACT_CADRE],
                    area_code__regex=area_code_pattern((9,)),
                )
                | Q(kind=RoleKind.VILLAGE_CLERK, area_code__regex=area_code_pattern(VILLAGE)),
                name="staff_role_area_code_fits_kind",
                violation_error_message=_("The role's area code does not match its level."),
            ),
            models.UniqueConstraint(fields=["user", "kind", "area_code"], name="unique_staff_role"),
            models.CheckConstraint(
                condition=(
                    Q(kind=RoleKind.VILLAGE_CLERK, village__isnull=False, region__isnull=True)
                    | (
                        ~Q(kind=RoleKind.VILLAGE_CLERK)
                        & Q(region__isnull=False, village__isnull=True)
                    )
                ),
                name="staff_role_scope_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.scope_name}"

    def save(self, *args, **kwargs):
        # The scope's code comes from the village or region, whoever saves the role (a script,
        # the admin, a fixture), not only from clean(): a role with no code would see nothing
        # (scoping ignores it) and the database refuses one whose code misfits its level.
        if self.village_id:
            self.area_code = self.village.code
        elif self.region_id:
            self.area_code = self.region.code
        super().save(*args, **kwargs)

    @property
    def scope_name(self) -> str:
        return str(self.village or self.region or "")

    def clean(self):
        if self.kind == RoleKind.VILLAGE_CLERK:
            if not self.village_id or self.region_id:
                raise ValidationError({"village": _("A village clerk is scoped to one village.")})
            self.area_code = self.village.code
            return
        level = ROLE_REGION_LEVEL.get(self.kind)
        if not self.region_id or self.village_id:
            raise ValidationError({"region": _("This role is scoped to a region.")})
        if self.region.level != level:
            raise ValidationError(
                {
                    "region": _("This role is scoped to a %(level)s.")
                    % {"level": RegionLevel(level).label}
                }
            )
        self.area_code = self.region.code


class ContactAssignmentQuerySet(ScopedQuerySet):
    def active(self, on=None):
        on = on or today()
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


@audited
class ContactAssignment(models.Model):
    """A township official assigned as village-contact cadre (包村干部) to a village."""

    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact cadre"),
        on_delete=models.PROTECT,
        related_name="contact_assignments",
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="contact_assignments",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    area_code = area_code_field()

    objects = ContactAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact-cadre assignment")
        verbose_name_plural = _("contact-cadre assignments")
        ordering = ["village__code", "-start_date"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="contact_assignment_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.village} · {self.cadre}"

    @property
    def is_active(self) -> bool:
        on = today()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.village_id:
            self.area_code = self.village.code


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
    model_name="StaffAccountEvent",
)
class StaffAccount(User):
    """Staff accounts, audited (created, renamed, deactivated, made staff) through this proxy so
    the triggers live in our migrations; password hashes and the last-login stamp that every
    login rewrites stay out of the log."""

    class Meta:
        proxy = True
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")


class ChangeEvent(pghistory.models.MiddlewareEvents):
    """The change log across every audited model, with the area code used for scoping."""

    class Meta:
        proxy = True
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    @property
    def code(self) -> str | None:
        """The area code of the region or village the event is about."""
        return (self.pgh_data or {}).get("code")

    @property
    def area_code(self) -> str | None:
        """The area code carried by records attached to a region or village."""
        return (self.pgh_data or {}).get("area_code")


@audited
class StaffProfile(models.Model):
    """What an account holds besides Django's user: the phone, and whether the password was
    generated for it (an import's initial password must be changed at the first login)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("must change the password"), default=False)

    # The history shows the phone as the lists do.
    history_masks = {"phone": mask_phone}

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
