"""Template helpers of the dashboards: rates as percentages and the navigation's link."""

from django import template
from django.urls import reverse

from core.rates import format_percent
from core.rights import Right

register = template.Library()


@register.filter
def percent(rate) -> str:
    """A rate 0-1 as 87.5%; no rate (nothing planned, no vote) as a dash (core.rates)."""
    return format_percent(rate)


@register.simple_tag
def dashboard_link(scope) -> str:
    """The user's dashboard: their county's for a county supervisor, else their township's."""
    if scope is None:
        return ""
    counties = sorted(scope.counties(Right.SUPERVISE))
    if counties:
        return reverse("reports:county-dashboard", args=[counties[0]])
    townships = [p for p in scope.areas(Right.SEE_FIGURES) if len(p) == 9]
    if townships:
        return reverse("reports:township-dashboard", args=[townships[0]])
    return ""
