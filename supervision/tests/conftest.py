"""Fixtures of the supervision app: a village's sitting cadres with certificates and pledges in
force, and the county's inspection checklist in use."""

import datetime as dt
from decimal import Decimal

import pytest

from cadres import services as cadres_services
from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory, promise_data
from supervision.choices import TemplateState
from supervision.models import InspectionTemplate, InspectionTemplateItem

D = dt.date


def sitting_post(actor, village, kind, name, pledge=True):
    """A sitting cadre's post; a secretary's or chair's also gets a certificate and a pledge in
    force (signed by the cadre, countersigned by the township party committee and government)."""
    post = PostFactory(cadre=CadreFactory(village=village, name=name), village=village, kind=kind)
    if kind in (PostKind.SECRETARY, PostKind.CHAIR, PostKind.SECRETARY_AND_CHAIR):
        cadres_services.certificate_issue(actor=actor, post=post, issued_on=D(2024, 1, 10))
        if pledge:
            p = cadres_services.pledge_draft(
                actor=actor, post=post, drafted_on=D(2024, 1, 5), promises=promise_data(3)
            )
            cadres_services.pledge_sign(actor=actor, pledge=p, signed_on=D(2024, 1, 6))
            for body in ("party", "government"):
                cadres_services.pledge_countersign(
                    actor=actor, pledge=p, body=body, signer="王镇长", signed_on=D(2024, 1, 7)
                )
    return post


@pytest.fixture
def sitting(insider, village):
    """The village's secretary, chair and one committee member."""
    return {
        "secretary": sitting_post(insider, village, PostKind.SECRETARY, "李书记"),
        "chair": sitting_post(insider, village, PostKind.CHAIR, "赵主任"),
        "member": sitting_post(insider, village, PostKind.COMMITTEE_MEMBER, "孙委员"),
    }


@pytest.fixture
def checklist(supervisor, county):
    """The county's checklist in use: three items weighing 40, 30 and 30 points."""
    template = InspectionTemplate.objects.create(
        area_code=county.code, version=1, name="季度巡查清单", created_by=supervisor
    )
    for position, (text, weight) in enumerate(
        [("组织生活按期开展", "40"), ("村务财务按季公开", "30"), ("矛盾纠纷及时化解", "30")], 1
    ):
        InspectionTemplateItem.objects.create(
            template=template,
            position=position,
            text=text,
            weight=Decimal(weight),
            area_code=county.code,
        )
    InspectionTemplate.objects.filter(pk=template.pk).update(state=TemplateState.ACTIVE)
    template.refresh_from_db()
    return template
