"""The first step of a county's deployment: its chain province › city › county in the tree.

`region_setup` makes the regions of an official code (or a name of the bundled list) that are
missing, and leaves those already there alone, so running it twice changes nothing. The page
`/setup/` and `manage.py setup_region` both call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.rights import Right, require
from core.types import Actor

from .choices import RegionLevel
from .codes import (
    LEVEL_OF_LENGTH,
    AreaCode,
    divisions,
    find_division,
    full_name,
    level_name,
    official_form,
    parse_area_code,
)
from .models import Region

#: the levels setup makes; townships and villages come with the tree import
SETUP_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


@dataclass
class SetupResult:
    """What `region_setup` did: the regions made and those found already there, top down."""

    region: Region
    created: list[Region] = field(default_factory=list)
    existing: list[Region] = field(default_factory=list)


def tree_is_empty() -> bool:
    """True before the first county exists (the first run of a deployment)."""
    return not Region.objects.counties().exists()


def resolve_area(value: str) -> AreaCode:
    """The code a user typed (6 or 12 digits, or the significant digits) or the name of a
    county, city or province of the bundled list (汶上县, 山东省济宁市汶上县)."""
    value = (value or "").strip()
    if value and not any(c.isdigit() for c in value):
        found = find_division(value)
        if not found:
            raise ValidationError(
                _(
                    "No province, city or county is named %(name)s in the official list; "
                    "enter its code."
                )
                % {"name": value},
                code="unknown_name",
            )
        if len(found) > 1:
            raise ValidationError(
                _("%(name)s names %(n)d places: %(places)s. Enter the code instead.")
                % {
                    "name": value,
                    "n": len(found),
                    "places": "、".join(
                        f"{full_name(d)} {official_form(d.code)}" for d in found[:5]
                    ),
                },
                code="ambiguous",
            )
        return AreaCode(found[0].code, found[0].level)
    return parse_area_code(value)


@transaction.atomic
def region_setup(
    *, actor: Actor | None, code: str, names: dict[str, str] | None = None
) -> SetupResult:
    """Make the province, city and county of `code` that are missing (`actor=None`: the command
    line). `names` gives a name by significant code where the bundled list has none or the
    county's own spelling differs; regions already there keep theirs."""
    area = resolve_area(code)
    if area.level not in SETUP_LEVELS:
        raise ValidationError(
            _(
                "%(code)s is a %(level)s: set up the county (its first 6 digits, %(county)s) "
                "here, then import its townships and villages from Excel."
            )
            % {
                "code": official_form(area.code),
                "level": level_name(area.level),
                "county": official_form(area.code[:6]),
            },
            code="level",
        )
    names = names or {}
    listed = divisions()
    existing = {r.code: r for r in Region.objects.filter(code__in=area.chain())}
    created: list[Region] = []
    found: list[Region] = []
    parent: Region | None = None
    for code_ in area.chain():
        region = existing.get(code_)
        wanted_level = LEVEL_OF_LENGTH[len(code_)]
        if region is not None:
            if region.level != wanted_level:
                raise ValidationError(
                    _("%(code)s is already in the tree as a %(level)s.")
                    % {"code": official_form(code_), "level": region.get_level_display()},
                    code="level_taken",
                )
            found.append(region)
            parent = region
            continue
        name = (names.get(code_) or "").strip() or (listed[code_].name if code_ in listed else "")
        if not name:
            raise ValidationError(
                _("The official list has no %(level)s %(code)s: check the code, or give its name.")
                % {"level": level_name(wanted_level), "code": official_form(code_)},
                code="unknown_code",
            )
        if actor is not None:
            require(actor, Right.EDIT, code_)
        region = Region(code=code_, name=name, level=wanted_level, parent=parent)
        region.full_clean()
        region.save()
        created.append(region)
        parent = region
    assert parent is not None  # the chain holds at least the province
    return SetupResult(region=parent, created=created, existing=found)
