"""Cadres, their posts and terms, and the two certificates (两证) that bind them."""

import datetime as dt
from decimal import Decimal
from typing import Self

import pghistory
import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField

from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.triggers import frozen_with_parent
from villages.models import Village, audited

from .choices import (
    RESERVE_POSTS,
    AdviceOutcome,
    AdviceState,
    AppraisalGrade,
    AppraisalState,
    CertificateState,
    Education,
    EndReason,
    Gender,
    PledgeState,
    PostKind,
    PromiseAudience,
    PromiseCategory,
)
from .identity import mask_id_number, mask_phone, validate_id_number

__all__ = [
    "Cadre",
    "TermChange",
    "Post",
    "QualificationCertificate",
    "PledgeClause",
    "Pledge",
    "Promise",
    "ResignationAdvice",
    "ReserveNorm",
    "ReserveCadre",
    "Training",
    "SecretaryAppraisal",
    "YellowCardRule",
    "YellowCard",
]

TERM_YEARS = 5
SEATS = [
    PostKind.SECRETARY,
    PostKind.CHAIR,
    PostKind.SECRETARY_AND_CHAIR,
    PostKind.SUPERVISION_CHAIR,
]
FROZEN_PLEDGE_STATES = [
    PledgeState.SIGNED,
    PledgeState.IN_FORCE,
    PledgeState.SUPERSEDED,
    PledgeState.CLOSED,
]


class CadreQuerySet(ScopedQuerySet):
    def with_open_posts(self):
        return self.prefetch_related(
            models.Prefetch("posts", queryset=Post.objects.filter(end_date__isnull=True))
        )


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Who looked at a full ID number or phone, and when (the lists only show masked values).
    pghistory.ManualEvent("personal_data_viewed"),
    # Someone tried to register this person's ID number again (in another village or county).
    pghistory.ManualEvent("duplicate_id_number"),
    # The ciphertext changes on every encryption; the keyed hash shows when the number changed.
    exclude=["id_number"],
)
class Cadre(models.Model):
    """A person who holds or held posts in a village's two committees."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="cadres"
    )
    name = models.CharField(_("name"), max_length=30)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedCharField(
        _("resident ID number"), max_length=18, validators=[validate_id_number]
    )
    id_number_hash = models.CharField(
        _("resident ID number"), max_length=64, unique=True, editable=False
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    party_joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    education = models.CharField(
        _("education"), max_length=15, choices=Education.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CadreQuerySet.as_manager()

    # The history shows no more than the lists do: the masked ID number and phone, the birth year
    # only (with the birth date, the masked ID number would leave two digits to guess).
    history_masks = {
        "phone": mask_phone,
        "birth_date": lambda value: str(value)[:4] if value else value,
        "id_number_hash": lambda value: _("(not shown)") if value else value,
    }

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["area_code", "name"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cadres:cadre-detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = dt.date.today()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class TermChangeQuerySet(ScopedQuerySet):
    pass


@audited
class TermChange(models.Model):
    """换届: the day a village's committees were re-elected; old posts closed, new ones opened."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="term_changes"
    )
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TermChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("term change")
        verbose_name_plural = _("term changes")
        ordering = ["-held_on"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.village} {self.held_on:%Y-%m-%d}"


class PostQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def certified(self):
        from .choices import CERTIFIED_POSTS

        return self.filter(kind__in=CERTIFIED_POSTS)

    def sitting_on(self, on: dt.date) -> Self:
        """Posts held on the date (started by then, not ended before it)."""
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def two_committees(self) -> Self:
        from .choices import TWO_COMMITTEE_POSTS

        return self.filter(kind__in=TWO_COMMITTEE_POSTS)

    def supervision(self) -> Self:
        """The village affairs supervision committee's posts (村务监督委员会)."""
        from .choices import SUPERVISION_POSTS

        return self.filter(kind__in=SUPERVISION_POSTS)


@audited
class Post(models.Model):
    """A post held by a cadre in a village's party branch or villagers' committee."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="posts"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    start_date = models.DateField(_("start date"))
    term_ends = models.DateField(
        _("term ends"), help_text=_("The planned end of the term (five years by default).")
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=15, choices=EndReason.choices, blank=True
    )
    opened_by_change = models.ForeignKey(
        TermChange,
        verbose_name=_("opened by term change"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_posts",
    )
    closed_by_change = models.ForeignKey(
        TermChange,
        verbose_name=_("closed by term change"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_posts",
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    area_code = area_code_field()

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["area_code", "kind", "-start_date"]
        constraints = [
            area_code_check(),
            # A seat (secretary, chair, or both at once) has one holder at a time.
            models.UniqueConstraint(
                fields=["village", "kind"],
                condition=Q(end_date__isnull=True, kind__in=SEATS),
                name="one_open_seat_per_village",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason="")
                | Q(end_date__isnull=False) & ~Q(end_reason=""),
                name="post_end_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.get_kind_display()} {self.cadre}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    @property
    def is_certified(self) -> bool:
        from .choices import CERTIFIED_POSTS

        return self.kind in CERTIFIED_POSTS


class QualificationCertificateQuerySet(ScopedQuerySet):
    def expiring_within(self, days: int, on: dt.date | None = None):
        on = on or dt.date.today()
        return self.filter(
            state__in=[CertificateState.VALID, CertificateState.SUSPENDED],
            post__term_ends__lte=on + dt.timedelta(days=days),
        )


@audited
class QualificationCertificate(models.Model):
    """任职资格证书: issued once for a secretary's or chair's post, numbered per county and year."""

    post = models.OneToOneField(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    county_code = models.CharField(_("county code"), max_length=6, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"), editable=False)
    issued_on = models.DateField(_("issued on"))
    state = models.CharField(
        _("state"), max_length=10, choices=CertificateState.choices, default=CertificateState.VALID
    )
    state_changed_on = models.DateField(_("state changed on"), null=True, blank=True)
    state_reason = models.TextField(_("reason of the last change"), blank=True)
    area_code = area_code_field()

    objects = QualificationCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification certificate")
        verbose_name_plural = _("qualification certificates")
        ordering = ["-year", "-sequence"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["county_code", "year", "sequence"], name="certificate_sequence_per_county"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("cadres:qualification-certificate-detail", args=[self.pk])


class PledgeClauseQuerySet(ScopedQuerySet):
    pass


@audited
class PledgeClause(models.Model):
    """A standard clause that a county puts into every pledge (accept supervision, ...)."""

    county = models.ForeignKey(
        "villages.Region",
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="pledge_clauses",
        limit_choices_to={"level": "county"},
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("text"))
    area_code = area_code_field()

    objects = PledgeClauseQuerySet.as_manager()

    class Meta:
        verbose_name = _("standard pledge clause")
        verbose_name_plural = _("standard pledge clauses")
        ordering = ["county", "position"]
        constraints = [area_code_check(COUNTY)]

    def __str__(self):
        return self.text[:40]

    def save(self, *args, **kwargs):
        self.area_code = self.county.code
        super().save(*args, **kwargs)


class PledgeQuerySet(ScopedQuerySet):
    def in_force(self):
        return self.filter(state=PledgeState.IN_FORCE)


@audited
@pgtrigger.register(
    # From the cadre's signature on, the pledge's text is frozen: the database refuses to
    # change its clauses or to delete it, whatever the code above it does.
    pgtrigger.Protect(
        name="frozen_pledge_clauses",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(old__state__in=FROZEN_PLEDGE_STATES)
        & pgtrigger.Q(old__clauses__df=pgtrigger.F("new__clauses")),
    ),
    pgtrigger.Protect(
        name="keep_signed_pledges",
        operation=pgtrigger.Delete,
        condition=pgtrigger.Q(old__state__in=FROZEN_PLEDGE_STATES),
    ),
)
class Pledge(models.Model):
    """任职保证书: a cadre's promises for a post, signed and countersigned; amended by new
    versions, never edited once signed."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="pledges"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    amends = models.OneToOneField(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendment",
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=PledgeState.choices, default=PledgeState.DRAFT
    )
    clauses = models.JSONField(_("standard clauses"), default=list)
    drafted_on = models.DateField(_("drafted on"))
    cadre_signed_on = models.DateField(_("signed by the cadre on"), null=True, blank=True)
    party_countersigner = models.CharField(
        _("countersigned for the township party committee by"), max_length=30, blank=True
    )
    party_countersigned_on = models.DateField(
        _("countersigned by the party committee on"), null=True, blank=True
    )
    government_countersigner = models.CharField(
        _("countersigned for the township government by"), max_length=30, blank=True
    )
    government_countersigned_on = models.DateField(
        _("countersigned by the government on"), null=True, blank=True
    )
    in_force_on = models.DateField(_("in force since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["area_code", "-drafted_on", "-version"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["post", "version"], name="one_pledge_version_per_post"),
        ]

    def __str__(self):
        return _("Pledge of %(cadre)s, version %(v)d") % {
            "cadre": self.post.cadre.name,
            "v": self.version,
        }

    def get_absolute_url(self):
        return reverse("cadres:pledge-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.state != PledgeState.DRAFT


class PromiseQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    # A promise belongs to its pledge's text: frozen with it from the first signature.
    frozen_with_parent(
        "cadres_pledge",
        "pledge_id",
        "state <> 'draft'",
        "pledge % is signed: its promises cannot change",
        name="frozen_promises",
    ),
)
class Promise(models.Model):
    """One item of a pledge: a promise to the villagers or a commitment to the organization."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="promises"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    audience = models.CharField(_("made to"), max_length=15, choices=PromiseAudience.choices)
    category = models.CharField(_("category"), max_length=20, choices=PromiseCategory.choices)
    text = models.TextField(_("promise"))
    target = models.CharField(_("measurable target"), max_length=200)
    due_date = models.DateField(_("due date"))
    area_code = area_code_field()

    objects = PromiseQuerySet.as_manager()

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["pledge", "position"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.text[:40]


class ResignationAdviceQuerySet(ScopedQuerySet):
    def undecided(self) -> Self:
        return self.exclude(state=AdviceState.DECIDED)


@audited
class ResignationAdvice(models.Model):
    """劝辞: the township party committee advises a cadre who broke the pledge to resign."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="advices"
    )
    grounds = models.TextField(_("grounds"))
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=AdviceState.choices, default=AdviceState.OPEN
    )
    talk_on = models.DateField(_("talk held on"), null=True, blank=True)
    talk_by = models.CharField(_("talk held by"), max_length=100, blank=True)
    talk_notes = models.TextField(_("record of the talk"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AdviceOutcome.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_notes = models.TextField(_("decision notes"), blank=True)
    area_code = area_code_field()

    objects = ResignationAdviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("advised resignation")
        verbose_name_plural = _("advised resignations")
        ordering = ["-opened_on"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["post"],
                condition=~Q(state=AdviceState.DECIDED),
                name="one_open_advice_per_post",
            ),
        ]

    def __str__(self):
        return f"{self.post} · {self.opened_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("cadres:resignation-advice-detail", args=[self.pk])


# ------------------------------------------------------------------ the cadre pipeline


class ReserveNormQuerySet(ScopedQuerySet):
    pass


@audited
class ReserveNorm(models.Model):
    """The reserve candidates a county asks of each key post in its ordinary villages (backward
    villages always need two: the 1∶2 rule, see selectors.reserve_norm)."""

    county = models.OneToOneField(
        "villages.Region",
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="reserve_norm",
        limit_choices_to={"level": "county"},
    )
    per_post = models.PositiveSmallIntegerField(
        _("reserve candidates per key post in ordinary villages"), default=0
    )
    area_code = area_code_field()

    objects = ReserveNormQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve cadre norm")
        verbose_name_plural = _("reserve cadre norms")
        constraints = [area_code_check(COUNTY)]

    def __str__(self):
        return f"{self.county} {self.per_post}"

    def save(self, *args, **kwargs):
        self.area_code = self.county.code
        super().save(*args, **kwargs)


class ReserveCadreQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)


@audited
class ReserveCadre(models.Model):
    """A reserve candidate (后备干部) for a village's secretary or chair; the person (with the
    ID number and phone) is a Cadre, so that a candidate elected later keeps one record."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="reserves"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("person"), on_delete=models.PROTECT, related_name="reserves"
    )
    post = models.CharField(
        _("reserve for the post of"),
        max_length=20,
        choices=[(k.value, k.label) for k in RESERVE_POSTS],
    )
    since = models.DateField(_("reserve since"))
    notes = models.TextField(_("notes"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReserveCadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["area_code", "post", "since"]
        constraints = [
            area_code_check(),
            # A person is a candidate for a post once at a time (a withdrawn one may come back).
            models.UniqueConstraint(
                fields=["cadre", "post"],
                condition=Q(withdrawn_on__isnull=True),
                name="reserve_once_per_post",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("since")),
                name="reserve_withdrawn_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} ({self.get_post_display()})"

    def get_absolute_url(self):
        return reverse("cadres:reserve-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class TrainingQuerySet(ScopedQuerySet):
    pass


@audited
class Training(models.Model):
    """A course a reserve or sitting cadre attended: what, when and how many hours."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("person"), on_delete=models.PROTECT, related_name="trainings"
    )
    course = models.CharField(_("course"), max_length=100)
    organizer = models.CharField(_("organized by"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    notes = models.TextField(_("notes"), blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date", "pk"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="training_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self):
        return f"{self.cadre} {self.course}"


# ------------------------------------------------------------------ 述职评议 and the yellow card


class SecretaryAppraisalQuerySet(ScopedQuerySet):
    def concluded(self):
        return self.filter(state=AppraisalState.CONCLUDED)

    def current(self):
        """The appraisals that stand: concluded and not corrected by a concluded correction."""
        return self.concluded().exclude(
            pk__in=SecretaryAppraisal.objects.concluded()
            .filter(corrects__isnull=False)
            .values("corrects_id")
        )


@audited
@pgtrigger.register(
    # Concluded is final: the database refuses any change or deletion of it, and a row born
    # concluded (skipping the draft and the service's checks).
    pgtrigger.Protect(
        name="concluded_appraisal_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=AppraisalState.CONCLUDED),
    ),
    pgtrigger.Protect(
        name="appraisal_born_draft",
        operation=pgtrigger.Insert,
        condition=pgtrigger.Q(new__state=AppraisalState.CONCLUDED),
    ),
)
class SecretaryAppraisal(models.Model):
    """述职评议: a village party secretary's yearly report to the township party committee and
    the township's appraisal of it (grade, score, who appraised). Concluded, it is final; a
    correction is a new appraisal that `corrects` it and stands in its place once concluded."""

    post = models.ForeignKey(
        Post,
        verbose_name=_("secretary's post"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000)], db_index=True
    )
    report_date = models.DateField(_("date of the report"))
    report_summary = models.TextField(_("summary of the report"))
    appraised_on = models.DateField(_("date of the appraisal"), null=True, blank=True)
    grade = models.CharField(
        _("grade"), max_length=12, choices=AppraisalGrade.choices, blank=True, db_index=True
    )
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    appraisers = models.TextField(_("appraised by"), blank=True)
    comment = models.TextField(_("the township's comment"), blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.TextField(_("reason of the correction"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AppraisalState.choices,
        default=AppraisalState.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SecretaryAppraisalQuerySet.as_manager()

    class Meta:
        verbose_name = _("secretary's report and appraisal")
        verbose_name_plural = _("secretaries' reports and appraisals")
        ordering = ["-year", "area_code", "pk"]
        constraints = [
            area_code_check(),
            # One original appraisal per secretary and year; corrections reference it.
            models.UniqueConstraint(
                fields=["post", "year"],
                condition=Q(corrects__isnull=True),
                name="one_appraisal_per_secretary_and_year",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="appraisal_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=~Q(state=AppraisalState.CONCLUDED)
                | (
                    ~Q(grade="")
                    & Q(score__isnull=False)
                    & Q(appraised_on__isnull=False)
                    & Q(concluded_at__isnull=False)
                    & Q(concluded_by__isnull=False)
                ),
                name="concluded_appraisal_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="a_correction_gives_its_reason",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year} {self.post.cadre}"

    def get_absolute_url(self):
        return reverse("cadres:appraisal-detail", args=[self.pk])

    @property
    def is_concluded(self) -> bool:
        return self.state == AppraisalState.CONCLUDED


class YellowCardRuleQuerySet(ScopedQuerySet):
    pass


#: the default share of a township's villages whose secretary is graded 差 above which the
#: township gets a yellow card (the county changes it on the pipeline policy page)
DEFAULT_YELLOW_CARD_SHARE = Decimal("20.00")


@audited
class YellowCardRule(models.Model):
    """The county's yellow-card rule (黄牌警告): a township gets a yellow card for a year when
    the share of its villages whose secretary was graded `failing grades` in that year's
    concluded 述职评议 is above `share_threshold` percent."""

    county = models.OneToOneField(
        "villages.Region",
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="yellow_card_rule",
        limit_choices_to={"level": "county"},
    )
    share_threshold = models.DecimalField(
        _("share of villages graded poor above which (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_YELLOW_CARD_SHARE,
        validators=[MinValueValidator(Decimal("0"))],
    )
    count_mediocre = models.BooleanField(
        _("count villages graded mediocre as failing too"), default=False
    )
    area_code = area_code_field()

    objects = YellowCardRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("yellow card rule")
        verbose_name_plural = _("yellow card rules")
        constraints = [
            area_code_check(COUNTY),
            models.CheckConstraint(
                condition=Q(share_threshold__gte=0, share_threshold__lte=100),
                name="yellow_card_share_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.share_threshold}%"

    def save(self, *args, **kwargs):
        self.area_code = self.county.code
        super().save(*args, **kwargs)

    @property
    def failing_grades(self) -> list[str]:
        grades = [AppraisalGrade.POOR.value]
        if self.count_mediocre:
            grades.append(AppraisalGrade.MEDIOCRE.value)
        return grades


class YellowCardQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    pgtrigger.Protect(name="yellow_card_is_final", operation=pgtrigger.Update | pgtrigger.Delete)
)
class YellowCard(models.Model):
    """A township's yellow card (黄牌警告) for a year, issued by the yearly evaluation of the
    county's rule, with the figures and the villages that caused it; final once issued."""

    township = models.ForeignKey(
        "villages.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="yellow_cards",
        limit_choices_to={"level": "township"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    villages = models.PositiveIntegerField(_("villages of the township"))
    failing = models.PositiveIntegerField(_("villages graded failing"))
    share = models.DecimalField(
        _("share of villages graded failing (%)"), max_digits=5, decimal_places=2
    )
    threshold = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    reasons = models.JSONField(_("reasons"), default=list)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    area_code = area_code_field()

    objects = YellowCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("yellow card")
        verbose_name_plural = _("yellow cards")
        ordering = ["-year", "area_code"]
        constraints = [
            area_code_check((9,)),
            models.UniqueConstraint(fields=["township", "year"], name="one_yellow_card_per_year"),
            models.CheckConstraint(
                condition=Q(share__gt=models.F("threshold")), name="yellow_card_above_threshold"
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.year}"

    def get_absolute_url(self):
        return reverse("cadres:yellow-card-detail", args=[self.pk])
