"""Enumerations of the ledgers app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountClass(models.TextChoices):
    ASSET = "asset", _("Asset accounts")
    LIABILITY = "liability", _("Liabilities")
    EQUITY = "equity", _("Owners' equity")
    COST = "cost", _("Costs")
    INCOME = "income", _("Income and expenses")


class NormalSide(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


class VerificationState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    CONFIRMED = "confirmed", _("Confirmed by the township")


class VoucherState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class AssetCategory(models.TextChoices):
    BUILDING = "building", _("Buildings and structures")
    MACHINERY = "machinery", _("Machinery and equipment")
    VEHICLE = "vehicle", _("Vehicles")
    WATER = "water", _("Water works")
    ROAD = "road", _("Roads and bridges")
    PUBLIC = "public", _("Public welfare facilities")
    BIOLOGICAL = "biological", _("Biological assets")
    OTHER = "other", _("Other assets")


class FundingSource(models.TextChoices):
    COLLECTIVE = "collective", _("Collective funds")
    GRANT = "grant", _("Government grant")
    ONE_MATTER = "one_matter", _("One matter, one discussion (一事一议)")
    DONATION = "donation", _("Donation")
    OTHER = "other", _("Other")


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    LEASED = "leased", _("Leased out")
    IDLE = "idle", _("Idle")
    DISPOSED = "disposed", _("Disposed")


class AssetMovementKind(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition")
    LEASE = "lease", _("Lease out")
    RETURN = "return", _("Back from lease")
    TRANSFER = "transfer", _("Transfer of custody")
    IDLE = "idle", _("Laid idle")
    DISPOSAL = "disposal", _("Disposal")
    WRITE_OFF = "write_off", _("Write-off")


# GB/T 21010-2017 土地利用现状分类: first-level classes and the second-level codes villages use.
LAND_CLASSES = [
    ("01", _("Cultivated land")),
    ("02", _("Garden land")),
    ("03", _("Forest land")),
    ("04", _("Grassland")),
    ("05", _("Commercial and service land")),
    ("06", _("Industrial, mining and storage land")),
    ("07", _("Residential land")),
    ("08", _("Public administration and service land")),
    ("09", _("Special land")),
    ("10", _("Transport land")),
    ("11", _("Water and water-conservancy land")),
    ("12", _("Other land")),
]


class LandKind(models.TextChoices):
    PADDY = "0101", _("0101 Paddy field")
    IRRIGATED = "0102", _("0102 Irrigated land")
    DRY = "0103", _("0103 Dry land")
    ORCHARD = "0201", _("0201 Orchard")
    TEA = "0202", _("0202 Tea garden")
    RUBBER = "0203", _("0203 Rubber plantation")
    OTHER_GARDEN = "0204", _("0204 Other garden land")
    ARBOR = "0301", _("0301 Arbor forest land")
    BAMBOO = "0302", _("0302 Bamboo forest land")
    MANGROVE = "0303", _("0303 Mangrove land")
    FOREST_SWAMP = "0304", _("0304 Forest swamp")
    SHRUB = "0305", _("0305 Shrub forest land")
    SHRUB_SWAMP = "0306", _("0306 Shrub swamp")
    OTHER_FOREST = "0307", _("0307 Other forest land")
    NATURAL_PASTURE = "0401", _("0401 Natural pasture")
    SWAMP_GRASS = "0402", _("0402 Swamp grassland")
    ARTIFICIAL_PASTURE = "0403", _("0403 Artificial pasture")
    OTHER_GRASS = "0404", _("0404 Other grassland")
    HOMESTEAD = "0702", _("0702 Rural homestead")
    RURAL_ROAD = "1006", _("1006 Rural road")
    POND = "1104", _("1104 Pond water surface")
    DITCH = "1107", _("1107 Ditch")
    VACANT = "1201", _("1201 Vacant land")
    FACILITY_FARM = "1202", _("1202 Facility agricultural land")
    RIDGE = "1203", _("1203 Field ridge")
    SALINE = "1204", _("1204 Saline-alkali land")
    SAND = "1205", _("1205 Sandy land")
    BARE_SOIL = "1206", _("1206 Bare soil")
    BARE_ROCK = "1207", _("1207 Bare rock and gravel")


class ResourceStatus(models.TextChoices):
    SELF_OPERATED = "self", _("Self-operated")
    CONTRACTED = "contracted", _("Contracted out")
    LEASED = "leased", _("Leased")
    IDLE = "idle", _("Idle")


class PaymentSchedule(models.TextChoices):
    ANNUAL = "annual", _("Once a year")
    HALF_YEARLY = "half_yearly", _("Twice a year")
    QUARTERLY = "quarterly", _("Every quarter")
    ONE_OFF = "one_off", _("In one payment")


class DisclosureKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class DisclosureState(models.TextChoices):
    DRAFT = "draft", _("Generated, under review")
    APPROVED = "approved", _("Approved by the township")
    PUBLISHED = "published", _("Published")


class HandoverState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SIGNED = "signed", _("Signed by all three")


class AuditKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic audit")
    LEAVING = "leaving", _("Audit on leaving office (离任审计)")
    SPECIAL = "special", _("Special audit")


class FindingCategory(models.TextChoices):
    IRREGULAR_SPENDING = "spending", _("Irregular spending")
    MISSING_VOUCHERS = "vouchers", _("Missing or improper vouchers")
    ASSET_LOSS = "asset_loss", _("Loss of collective assets")
    CONTRACT = "contract", _("Contract irregularities")
    ARREARS = "arrears", _("Unpaid fees and arrears")
    OTHER = "other", _("Other")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    RECTIFYING = "rectifying", _("Being rectified")
    RESOLVED = "resolved", _("Resolved")


# ------------------------------------------------------------------ 四议两公开 decisions


class DecisionKind(models.TextChoices):
    PROJECT = "project", _("Project")
    FUNDS = "funds", _("Use of funds")
    CONTRACT = "contract", _("Contract of collective resources")
    DISPOSAL = "disposal", _("Disposal or lease of assets")
    BORROWING = "borrowing", _("Borrowing")
    OTHER = "other", _("Other matter")


#: the kinds a county's policy can enforce, each on its own record of the books: a voucher
#: (any decision kind may cover a payment), a resource contract, an asset's disposal or lease
ENFORCED_KINDS = (DecisionKind.FUNDS, DecisionKind.CONTRACT, DecisionKind.DISPOSAL)


class DecisionState(models.TextChoices):
    DRAFTED = "drafted", _("Awaiting the party branch's proposal")
    PROPOSED = "proposed", _("Proposed by the party branch")
    DISCUSSED = "discussed", _("Discussed by the two committees")
    REVIEWED = "reviewed", _("Reviewed by the party members' meeting")
    RESOLVED = "resolved", _("Resolution passed")
    PUBLISHED = "published", _("Resolution made public")
    DONE = "done", _("Result made public")
    FAILED = "failed", _("Not passed")


class DecisionStepKind(models.TextChoices):
    """The four steps (四议), in their order."""

    PROPOSAL = "proposal", _("Party branch proposes (提议)")
    DISCUSSION = "discussion", _("Two committees discuss (商议)")
    REVIEW = "review", _("Party members' meeting reviews (审议)")
    RESOLUTION = "resolution", _("Villagers resolve (决议)")


class Assembly(models.TextChoices):
    """Who resolves at the fourth step, which sets its quorum (村民委员会组织法 §22, §26)."""

    REPRESENTATIVES = "representatives", _("Villager representatives' meeting")
    VILLAGERS = "villagers", _("Villagers' meeting (adult villagers)")
    HOUSEHOLDS = "households", _("Villagers' meeting (households)")
