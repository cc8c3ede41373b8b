"""Enumerations of the administrative tree and of staff roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.rights import RoleKind


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


# Significant digits of the statistical area code at each level (2 province, 2 city,
# 2 county, 3 township, 3 village): a region's code is the prefix of everything under it.
CODE_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
}
VILLAGE_CODE_LENGTH = 12
PARENT_LEVEL = {
    RegionLevel.CITY: RegionLevel.PROVINCE,
    RegionLevel.COUNTY: RegionLevel.CITY,
    RegionLevel.TOWNSHIP: RegionLevel.COUNTY,
}


# The region level each role is scoped to; a village clerk is scoped to one village.
ROLE_REGION_LEVEL = {
    RoleKind.COUNTY_SUPERVISOR: RegionLevel.COUNTY,
    RoleKind.TOWNSHIP_STAFF: RegionLevel.TOWNSHIP,
    RoleKind.CONTACT_CADRE: RegionLevel.TOWNSHIP,
}
