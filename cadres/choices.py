"""Enumerations of the cadres app: people, posts, certificates, pledges, advised resignations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school or technical school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Party branch secretary")
    CHAIR = "chair", _("Villagers' committee chair")
    SECRETARY_AND_CHAIR = "secretary_chair", _("Secretary and chair (one person)")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy party secretary")
    VICE_CHAIR = "vice_chair", _("Vice chair of the villagers' committee")
    BRANCH_MEMBER = "branch_member", _("Party branch committee member")
    COMMITTEE_MEMBER = "committee_member", _("Villagers' committee member")
    # 村务监督委员会: elected with the two committees (同步换届) but not part of them.
    SUPERVISION_CHAIR = "supervision_chair", _("Chair of the village affairs supervision committee")
    SUPERVISION_MEMBER = (
        "supervision_member",
        _("Member of the village affairs supervision committee"),
    )


# Posts that hold the party secretary's or the chair's seat; each seat has one holder at a time.
SECRETARY_SEAT = {PostKind.SECRETARY, PostKind.SECRETARY_AND_CHAIR}
CHAIR_SEAT = {PostKind.CHAIR, PostKind.SECRETARY_AND_CHAIR}
# The key posts a village keeps reserve cadres (后备干部) for.
RESERVE_POSTS = (PostKind.SECRETARY, PostKind.CHAIR)

# The village affairs supervision committee (村务监督委员会) and, apart from it, the two committees
# (两委): a count of "the two committees' members" never includes the supervisors.
SUPERVISION_POSTS = {PostKind.SUPERVISION_CHAIR, PostKind.SUPERVISION_MEMBER}
TWO_COMMITTEE_POSTS = set(PostKind) - SUPERVISION_POSTS
# The posts that receive the two certificates (两证).
CERTIFIED_POSTS = SECRETARY_SEAT | CHAIR_SEAT


class EndReason(models.TextChoices):
    TERM_ENDED = "term_ended", _("Term ended")
    RESIGNED = "resigned", _("Resigned")
    ADVISED = "advised", _("Advised to resign")
    RECALLED = "recalled", _("Recalled")
    TRANSFERRED = "transferred", _("Transferred")
    DECEASED = "deceased", _("Deceased")


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class PledgeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed by the cadre")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded by an amendment")
    CLOSED = "closed", _("Ended")


class PromiseAudience(models.TextChoices):
    VILLAGERS = "villagers", _("Promise to the villagers")
    ORGANIZATION = "organization", _("Commitment to the organization")


class PromiseCategory(models.TextChoices):
    DEVELOPMENT = "development", _("Economic development")
    PUBLIC_SERVICES = "public_services", _("Public services and infrastructure")
    VILLAGE_AFFAIRS = "village_affairs", _("Village affairs and openness")
    INTEGRITY = "integrity", _("Integrity and conduct")
    PARTY_BUILDING = "party_building", _("Party building")
    STABILITY = "stability", _("Stability and mediation")
    OTHER = "other", _("Other")


class AdviceOutcome(models.TextChoices):
    RESIGNED = "resigned", _("Resigned")
    WARNED = "warned", _("Retained with a warning")
    RECALL = "recall", _("Passed to the recall procedure")


class AdviceState(models.TextChoices):
    OPEN = "open", _("Opened")
    TALKED = "talked", _("Talk held")
    DECIDED = "decided", _("Decided")


# The standard clauses of every pledge when a county has not configured its own (seed 000).
DEFAULT_CLAUSES = [
    _("I accept the supervision of the party organization and of the villagers."),
    _("I obey the leadership of the township party committee and government."),
    _("I perform the duties of my post faithfully and keep the promises above."),
    _("If I break this pledge, I resign voluntarily."),
]


class AppraisalGrade(models.TextChoices):
    """The grades (考核等次) of a secretary's yearly report and appraisal (述职评议), best first."""

    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    MEDIOCRE = "mediocre", _("Mediocre")
    POOR = "poor", _("Poor")


class AppraisalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONCLUDED = "concluded", _("Concluded")


#: the allowed changes of an appraisal's state (services.appraisal_* check them here)
APPRAISAL_TRANSITIONS = {
    AppraisalState.DRAFT: {AppraisalState.CONCLUDED},
    AppraisalState.CONCLUDED: set(),
}
