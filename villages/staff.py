"""Staff accounts from Excel: a county's township staff and contact cadres in one step.

One row per account: name, phone, username, role, the area code of the role (the county for a
county supervisor, the township for township staff and contact cadres, the village for a village
clerk) and, for a contact cadre, the villages assigned (包村). Every row is checked first; one
error and nothing is written. Each account gets a generated password, returned once to the
caller, and must change it at its first login (`StaffProfile.must_change_password`, enforced by
`villages.middleware.PasswordChangeRequiredMiddleware`).

The roles are the rights model's own (`StaffRole`, `ContactAssignment`): an importer may create
accounts only over the areas they may administer (`Right.EDIT`), so no one makes an account
with more reach than their own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from core.cells import CellError, Choice, blank, code_text, text
from core.dates import today
from core.excel import (
    Column,
    ImportRowError,
    WorkbookImportError,
    column_letter,
    format_codes,
    new_workbook,
    read_workbook,
    workbook_bytes,
    write_header,
    write_help_sheet,
    write_row,
)
from core.masking import mask_phone
from core.rights import Right, Scope, forget_scope, scope_for
from core.types import Actor

from .choices import RoleKind
from .codes import VILLAGE, level_name, parse_area_code
from .models import ContactAssignment, Region, StaffProfile, StaffRole, Village

SHEET = pgettext_lazy("staff import", "Staff")
COLUMNS = (
    Column(
        "name",
        pgettext_lazy("staff import", "Name"),
        gettext_lazy("Required. The person's full name, family name first (e.g. 王志强)."),
        12,
    ),
    Column(
        "phone",
        pgettext_lazy("staff import", "Phone"),
        gettext_lazy("Mobile (11 digits) or landline with area code; may be left empty."),
        16,
        is_code=True,
    ),
    Column(
        "username",
        pgettext_lazy("staff import", "Username"),
        gettext_lazy(
            "Required. The name the person signs in with: letters, digits and @ . + - _ only, "
            "unique in the system (e.g. nanwang_wzq)."
        ),
        18,
    ),
    Column(
        "role",
        pgettext_lazy("staff import", "Role"),
        gettext_lazy("Required. One of: %(roles)s."),
        16,
    ),
    Column(
        "area",
        pgettext_lazy("staff import", "Area code"),
        gettext_lazy(
            "Required. The official code of the role's area: the county (370830) for a county "
            "supervisor, the township (370830102 or 370830102000) for township staff and contact "
            "cadres, the village (12 digits) for a village clerk."
        ),
        18,
        is_code=True,
    ),
    Column(
        "villages",
        pgettext_lazy("staff import", "Contact villages"),
        gettext_lazy(
            "Contact cadres only: the 12-digit codes of the villages assigned (包村), separated "
            "by 、 or commas; villages of the township in the area column."
        ),
        36,
        is_code=True,
    ),
)

#: words people type for the roles besides the dropdown's labels
ROLE = Choice(
    RoleKind,
    synonyms={
        "县级督查人员": RoleKind.COUNTY_SUPERVISOR,
        "县委组织部": RoleKind.COUNTY_SUPERVISOR,
        "乡镇干部": RoleKind.TOWNSHIP_STAFF,
        "乡镇": RoleKind.TOWNSHIP_STAFF,
        "包村": RoleKind.CONTACT_CADRE,
        "村文书": RoleKind.VILLAGE_CLERK,
        "文书": RoleKind.VILLAGE_CLERK,
        "报账员": RoleKind.VILLAGE_CLERK,
    },
)
#: the level of the area each role is scoped to
ROLE_AREA_LEVEL: dict[str, str] = {
    RoleKind.COUNTY_SUPERVISOR: "county",
    RoleKind.TOWNSHIP_STAFF: "township",
    RoleKind.CONTACT_CADRE: "township",
    RoleKind.VILLAGE_CLERK: VILLAGE,
}
_SEPARATORS = re.compile(r"[、,，;；\s]+")
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
# Unambiguous characters only: an initial password is read off a screen or a printout.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 12


class StaffImportError(WorkbookImportError):
    """The staff workbook was refused; nothing was written. `errors` lists every problem."""


@dataclass
class NewAccount:
    """An account the import made, with its initial password (shown once, never stored)."""

    username: str
    name: str
    role: str  # the role's label
    area_code: str
    area_name: str
    phone: str
    password: str
    villages: list[str] = field(default_factory=list)

    def shown_phone(self, user: Any) -> str:
        """The phone as `user` may see it: whole for those who may reveal personal data."""
        if scope_for(user).allows(Right.REVEAL, self.area_code):
            return self.phone
        return mask_phone(self.phone)


@dataclass
class _Row:
    number: int
    name: str = ""
    phone: str = ""
    username: str = ""
    role: str = ""
    region: Region | None = None
    village: Village | None = None
    villages: list[Village] = field(default_factory=list)


# ---------------------------------------------------------------------------- passwords


def generate_password(user: User | None = None) -> str:
    """A random password that Django's validators accept (12 characters, about 70 bits)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def flag_password_change_at_login(
    sender: Any, request: HttpRequest, user: User, **kwargs: Any
) -> None:
    """At login (user_logged_in): remember in the session that the password must change."""
    from .middleware import PasswordChangeRequiredMiddleware

    profile = StaffProfile.objects.filter(user=user, must_change_password=True).first()
    if profile is not None and hasattr(request, "session"):
        request.session[PasswordChangeRequiredMiddleware.SESSION_KEY] = True


def password_changed(*, user: User, request: HttpRequest | None = None) -> None:
    """The account chose its own password: the generated one no longer binds it."""
    from .middleware import PasswordChangeRequiredMiddleware

    StaffProfile.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    if request is not None and hasattr(request, "session"):
        request.session.pop(PasswordChangeRequiredMiddleware.SESSION_KEY, None)


# ---------------------------------------------------------------------------- handing them out

#: how long the result page's download of the initial passwords stays possible
HANDOUT_SECONDS = 3600


def _handout_key() -> Fernet:
    digest = hashlib.sha256(f"cunjian-staff-handout:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_accounts(accounts: list[NewAccount]) -> str:
    """The new accounts with their passwords, encrypted for the session between the result page
    and the one download: the session table never holds a password in clear."""
    return _handout_key().encrypt(json.dumps([asdict(a) for a in accounts]).encode()).decode()


def open_accounts(sealed: str) -> list[NewAccount] | None:
    """The accounts `seal_accounts` sealed, or None once HANDOUT_SECONDS have passed."""
    try:
        data = _handout_key().decrypt(sealed.encode(), ttl=HANDOUT_SECONDS)
    except InvalidToken:
        return None
    return [NewAccount(**a) for a in json.loads(data)]


# ---------------------------------------------------------------------------- the template


def build_staff_template() -> bytes:
    """The empty staff workbook with its 说明 sheet."""
    roles = "、".join(str(label) for label in RoleKind.labels)
    wb = new_workbook()
    ws = wb.active
    ws.title = str(SHEET)
    write_header(ws, COLUMNS, explain=lambda c: c.explain(roles=roles))
    format_codes(ws, COLUMNS)
    write_help_sheet(
        wb.create_sheet(pgettext("tree import", "Instructions")),
        [
            _(
                "One row per account. Every row is checked first; if any has an error, no "
                "account is created."
            ),
            _(
                "Each account gets a generated password, shown once after the import and "
                "downloadable once; it must be changed at the first login."
            ),
        ],
        [(SHEET, [(str(c.label), c.explain(roles=roles)) for c in COLUMNS])],
        label_width=18,
    )
    return workbook_bytes(wb)


# ---------------------------------------------------------------------------- the import


def import_staff(*, actor: Actor | None, file: IO[bytes] | bytes) -> list[NewAccount]:
    """Create every account of the workbook, or none: StaffImportError lists every problem.
    `actor=None`: the command line (an operator of the machine, who may do anything)."""
    (sheet,) = read_workbook(file, [(SHEET, COLUMNS)], error=StaffImportError)
    errors: list[ImportRowError] = []
    rows: list[_Row] = []

    def fail(number: int, key: str, message: str) -> None:
        label = next(str(c.label) for c in COLUMNS if c.key == key)
        errors.append(
            ImportRowError(
                str(SHEET), number, f"{column_letter(COLUMNS, key)} {label}", str(message)
            )
        )

    # Areas and villages named anywhere in the file, fetched in two queries.
    wanted_codes: set[str] = set()
    for _number, cells in sheet.rows:
        for key in ("area", "villages"):
            for part in _SEPARATORS.split(_code_cell(cells.get(key))):
                try:
                    wanted_codes.add(parse_area_code(part).code)
                except ValidationError:
                    pass
    regions = {r.code: r for r in Region.objects.filter(code__in=wanted_codes)}
    villages = {
        v.code: v for v in Village.objects.filter(code__in=wanted_codes).select_related("township")
    }
    scope = scope_for(actor) if actor is not None else None
    seen_usernames: dict[str, int] = {}

    for number, cells in sheet.rows:
        row = _Row(number)
        # name
        try:
            row.name = text(cells.get("name"))
        except CellError as e:
            fail(number, "name", str(e))
        else:
            if not row.name:
                fail(number, "name", _("This cell is required."))
            elif len(row.name) > 30:
                fail(number, "name", _("A name has at most 30 characters."))
        # phone
        phone = _code_cell(cells.get("phone"))
        if phone:
            if not _PHONE.match(phone):
                fail(
                    number,
                    "phone",
                    _("Enter a mobile number of 11 digits or a landline such as 0537-7212345."),
                )
            row.phone = phone
        # username
        try:
            row.username = text(cells.get("username"))
        except CellError as e:
            fail(number, "username", str(e))
        else:
            if not row.username:
                fail(number, "username", _("This cell is required."))
            else:
                try:
                    UnicodeUsernameValidator()(row.username)
                    if len(row.username) > 150:
                        raise ValidationError(_("A username has at most 150 characters."))
                except ValidationError as e:
                    fail(number, "username", " ".join(e.messages))
                else:
                    key = row.username.casefold()
                    if key in seen_usernames:
                        fail(
                            number,
                            "username",
                            _("The username %(name)s is already used on row %(row)d.")
                            % {"name": row.username, "row": seen_usernames[key]},
                        )
                    else:
                        seen_usernames[key] = number
        # role
        try:
            row.role = ROLE(cells.get("role"))
        except CellError as e:
            fail(number, "role", str(e))
        # area
        if blank(cells.get("area")):
            fail(number, "area", _("This cell is required."))
        elif row.role:
            _read_area(row, _code_cell(cells.get("area")), regions, villages, scope, fail)
        # contact villages
        listed = [p for p in _SEPARATORS.split(_code_cell(cells.get("villages"))) if p]
        if listed and row.role != RoleKind.CONTACT_CADRE:
            if row.role:
                fail(number, "villages", _("Only a contact cadre is assigned villages."))
        elif listed and row.region is not None:
            for part in listed:
                try:
                    code = parse_area_code(part).code
                except ValidationError as e:
                    fail(number, "villages", f"{part}: {' '.join(e.messages)}")
                    continue
                village = villages.get(code)
                if village is None:
                    fail(
                        number,
                        "villages",
                        _("There is no village %(code)s in the tree.") % {"code": part},
                    )
                elif village.township_id != row.region.pk:
                    fail(
                        number,
                        "villages",
                        _("The village %(code)s is not in %(township)s.")
                        % {"code": code, "township": row.region.name},
                    )
                else:
                    row.villages.append(village)
        rows.append(row)

    taken = set(
        get_user_model()
        .objects.filter(username__in=[r.username for r in rows if r.username])
        .values_list("username", flat=True)
    )
    for row in rows:
        if row.username in taken:
            fail(
                row.number,
                "username",
                _("An account named %(name)s already exists.") % {"name": row.username},
            )
    if errors:
        raise StaffImportError(sorted(errors, key=lambda e: (e.row or 0, e.column)))
    return _write(rows)


def _code_cell(value: Any) -> str:
    if blank(value):
        return ""
    try:
        return code_text(value)
    except CellError:
        return str(value).strip()


def _read_area(
    row: _Row,
    typed: str,
    regions: dict[str, Region],
    villages: dict[str, Village],
    scope: Scope | None,
    fail: Callable[[int, str, str], None],
) -> None:
    """Find the role's area, check its level and the importer's right over it."""
    try:
        area = parse_area_code(typed)
    except ValidationError as e:
        fail(row.number, "area", " ".join(e.messages))
        return
    wanted = ROLE_AREA_LEVEL[row.role]
    if area.level != wanted:
        fail(
            row.number,
            "area",
            _("A %(role)s is scoped to a %(level)s; %(code)s is a %(found)s.")
            % {
                "role": RoleKind(row.role).label,
                "level": level_name(wanted),
                "code": typed,
                "found": level_name(area.level),
            },
        )
        return
    village = villages.get(area.code) if wanted == VILLAGE else None
    region = regions.get(area.code) if wanted != VILLAGE else None
    found = village or region
    if found is None:
        fail(
            row.number,
            "area",
            _("There is no %(level)s %(code)s in the tree: create it first.")
            % {"level": level_name(wanted), "code": typed},
        )
        return
    if scope is not None and not scope.allows(Right.EDIT, area.code):
        fail(
            row.number,
            "area",
            _("You may not create accounts for %(name)s: it lies outside the areas you manage.")
            % {"name": found.name},
        )
        return
    row.village, row.region = village, region


@transaction.atomic
def _write(rows: list[_Row]) -> list[NewAccount]:
    created: list[NewAccount] = []
    on = today()
    for row in rows:
        # Chinese names: the family name is the first character (compound ones are rare, and
        # the full name stays readable either way).
        user = get_user_model()(
            username=row.username, last_name=row.name[:1], first_name=row.name[1:]
        )
        password = generate_password(user)
        user.set_password(password)
        user.full_clean()
        user.save()
        StaffProfile.objects.create(user=user, phone=row.phone, must_change_password=True)
        role = StaffRole(user=user, kind=row.role, region=row.region, village=row.village)
        role.full_clean()
        role.save()
        for village in row.villages:
            assignment = ContactAssignment(cadre=user, village=village, start_date=on)
            assignment.full_clean()
            assignment.save()
        forget_scope(user)
        area = row.village or row.region
        assert area is not None
        created.append(
            NewAccount(
                username=user.username,
                name=row.name,
                role=str(RoleKind(row.role).label),
                area_code=area.code,
                area_name=area.name,
                phone=row.phone,
                password=password,
                villages=[v.name for v in row.villages],
            )
        )
    return created


def accounts_workbook(accounts: list[NewAccount], *, viewer: Any) -> bytes:
    """The new accounts with their initial passwords, for handing out (phones as `viewer` may
    see them)."""
    wb = new_workbook()
    ws = wb.active
    ws.title = str(SHEET)
    headers = [
        pgettext("staff import", "Name"),
        pgettext("staff import", "Username"),
        pgettext("staff import", "Initial password"),
        pgettext("staff import", "Role"),
        pgettext("staff import", "Area"),
        pgettext("staff import", "Phone"),
        pgettext("staff import", "Contact villages"),
    ]
    write_row(ws, headers)
    for a in accounts:
        write_row(
            ws,
            [
                a.name,
                a.username,
                a.password,
                a.role,
                a.area_name,
                a.shown_phone(viewer),
                "、".join(a.villages),
            ],
        )
    return workbook_bytes(wb)
