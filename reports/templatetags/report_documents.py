"""Template helpers of the printed documents for pages of lower apps (which may not import
reports): the verification links of the documents a village's public page lists."""

from django import template

from ..documents import DOCUMENTS
from ..verification import verify_url_of

register = template.Library()


def _urls(kind: str, pks) -> dict[int, str]:
    """{pk: verification path} of the records of `kind` (one query, two for the pledges and
    the hearings: their promises and questions), drafts left out."""
    doc = DOCUMENTS[kind]
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return {}
    return {
        obj.pk: verify_url_of(doc, obj)
        for obj in doc.rows().filter(pk__in=pks)
        if not doc.is_draft(obj)
    }


@register.simple_tag
def attach_verify_urls(certified, hearing_questions) -> str:
    """Give the village page's certificates, pledges and hearings their `verify_url` (the page
    the printed copy's QR code leads to); a constant number of queries. Renders nothing."""
    certificates = [getattr(p, "public_certificate", None) for p in certified]
    pledges = [getattr(p, "public_pledge", None) for p in certified]
    hearings = [q.hearing for q in hearing_questions]
    for kind, objs in (("certificate", certificates), ("pledge", pledges), ("hearing", hearings)):
        urls = _urls(kind, [o.pk for o in objs if o is not None])
        for obj in objs:
            if obj is not None:
                obj.verify_url = urls.get(obj.pk, "")
    return ""
