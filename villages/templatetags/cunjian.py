"""Template helpers shared by every app: sortable headers, money, form fields."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str):
    """A column header that sorts by `field`, toggling the direction on the current column."""
    current = context.get("current_ordering", "")
    base = context.get("sort_query_string", "")
    if current == field:
        target, arrow = f"-{field}", " ▲"
    elif current == f"-{field}":
        target, arrow = field, " ▼"
    else:
        target, arrow = field, ""
    query = f"{base}&ordering={target}" if base else f"ordering={target}"
    return format_html('<a class="sort-link" href="?{}">{}{}</a>', query, label, arrow)


@register.filter
def yuan(value) -> str:
    """Money in yuan with two decimals and thousands separators: 1,234.50 元."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def yesno_cn(value) -> str:
    return _("Yes") if value else _("No")


@register.inclusion_tag("includes/field.html")
def field(bound_field):
    """A Bootstrap-styled form field with its label, help text and errors."""
    input_type = getattr(bound_field.field.widget, "input_type", "")
    css = {"checkbox": "form-check-input", "select": "form-select"}.get(input_type, "form-control")
    if bound_field.errors:
        css += " is-invalid"
    return {"field": bound_field, "css": css, "is_checkbox": input_type == "checkbox"}


@register.filter
def add_class(bound_field, css: str):
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def record_type(label: str) -> str:
    """The verbose name of a model from its label ('villages.Village' → 村)."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except LookupError:  # a model removed since the event was written
        return label


@register.filter
def person_name(user) -> str:
    """A person's name the Chinese way (family name first, no space), else the username."""
    if user is None:
        return ""
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    if not (family or given):
        return user.get_username()
    if (family + given).isascii():
        return f"{given} {family}".strip()
    return f"{family}{given}"


@register.simple_tag(takes_context=True)
def main_menu(context, dashboard_url: str = "") -> str:
    """The menu of the navigation bar. It depends only on the language and on what the user's
    roles open, so each combination is rendered once per process (every page would otherwise
    resolve some 25 URLs and 30 translations for it); with DEBUG on it is rendered each time, so
    an edited template shows at once."""
    user = context.get("user")
    key = (
        get_language(),
        get_script_prefix(),
        dashboard_url,
        bool(context.get("nav_can_manage")),
        bool(context.get("nav_is_supervisor")),
        bool(user is not None and user.is_superuser),
    )
    if settings.DEBUG:
        return _render_menu(*key)
    return _menu(*key)


def _render_menu(language, prefix, dashboard_url, can_manage, is_supervisor, is_superuser):
    # `language` and `prefix` are the active ones: they are parameters to key the cache.
    context = {
        "nav_dashboard": dashboard_url,
        "nav_can_manage": can_manage,
        "nav_is_supervisor": is_supervisor,
        "is_superuser": is_superuser,
    }
    return mark_safe(render_to_string("includes/main_menu.html", context))


_menu = lru_cache(maxsize=256)(_render_menu)
