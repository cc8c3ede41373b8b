"""Template helpers of the printed documents (reports/print_base.html)."""

import re

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_COUNTER = re.compile("\x00(page|pages)\x00")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@register.simple_tag
def page_counter() -> str:
    """The footer's "page N of M" as a CSS `content` value in the document's language, e.g.
    `"第 " counter(page) " 页 / 共 " counter(pages) " 页"`: the counters are CSS, the words a
    translation."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    parts = _COUNTER.split(text)  # text, counter, text, counter, text
    values = [
        f"counter({part})" if i % 2 else _css_string(part)
        for i, part in enumerate(parts)
        if i % 2 or part
    ]
    return mark_safe(" ".join(values))
