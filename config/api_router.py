"""/api/v1/: one router for every app's viewsets."""

from rest_framework.routers import DefaultRouter

from cadres.api.views import (
    CadreViewSet,
    PledgeViewSet,
    PostViewSet,
    QualificationCertificateViewSet,
    ReserveCadreViewSet,
    ResignationAdviceViewSet,
    SecretaryAppraisalViewSet,
    TermChangeViewSet,
    TrainingViewSet,
    YellowCardViewSet,
)
from ledgers.api.decisions import DecisionPolicyViewSet, DecisionViewSet
from ledgers.api.disclosure import DisclosureQuestionViewSet, DisclosureViewSet
from ledgers.api.handover import AuditRecordViewSet, HandoverViewSet
from ledgers.api.imports import LedgerImportViewSet
from ledgers.api.registers import AssetViewSet, ResourceContractViewSet, ResourceViewSet
from ledgers.api.signing import FinancialReviewViewSet, SigningSessionViewSet
from ledgers.api.views import (
    AccountViewSet,
    LedgerReportViewSet,
    VerificationViewSet,
    VoucherViewSet,
)
from reports.api import dashboards as report_dashboards
from reports.api import documents as report_documents
from reports.api import runs as report_runs
from supervision.api import (
    bottomup,
    cycle,
    fivegood,
    links,
    presence,
    problems,
    quarterly,
    rectification,
    topdown,
    warnings,
)
from villages.api.views import RegionViewSet, TreeImportViewSet, VillageViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("villages", VillageViewSet, basename="village")
router.register("tree-imports", TreeImportViewSet, basename="tree-import")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("posts", PostViewSet, basename="post")
router.register("certificates", QualificationCertificateViewSet, basename="certificate")
router.register("pledges", PledgeViewSet, basename="pledge")
router.register("advices", ResignationAdviceViewSet, basename="advice")
router.register("term-changes", TermChangeViewSet, basename="term-change")
router.register("reserve-cadres", ReserveCadreViewSet, basename="reserve-cadre")
router.register("trainings", TrainingViewSet, basename="training")
router.register("appraisals", SecretaryAppraisalViewSet, basename="appraisal")
router.register("yellow-cards", YellowCardViewSet, basename="yellow-card")
router.register("accounts", AccountViewSet, basename="account")
router.register("vouchers", VoucherViewSet, basename="voucher")
router.register("verifications", VerificationViewSet, basename="verification")
router.register("ledger-reports", LedgerReportViewSet, basename="ledger-report")
router.register("handovers", HandoverViewSet, basename="handover")
router.register("audits", AuditRecordViewSet, basename="audit")
router.register("disclosures", DisclosureViewSet, basename="disclosure")
router.register("disclosure-questions", DisclosureQuestionViewSet, basename="disclosure-question")
router.register("assets", AssetViewSet, basename="asset")
router.register("resources", ResourceViewSet, basename="resource")
router.register("contracts", ResourceContractViewSet, basename="contract")
router.register("ledger-imports", LedgerImportViewSet, basename="ledger-import")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("decision-policies", DecisionPolicyViewSet, basename="decision-policy")
router.register("signings", SigningSessionViewSet, basename="signing")
router.register("financial-reviews", FinancialReviewViewSet, basename="financial-review")

for part in (
    cycle,
    topdown,
    bottomup,
    problems,
    warnings,
    rectification,
    presence,
    fivegood,
    quarterly,
    links,
):
    part.register(router)
for part in (report_dashboards, report_runs, report_documents):
    part.register(router)
