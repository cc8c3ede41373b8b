"""The field forms' answers to a phone's sync (issue 21), in one place for the five forms.

A field form carries a hidden `submission_key` (a UUID the phone generated; blank without
JavaScript: the server makes one). A POST with the header `X-Cunjian-Sync: 1` is answered in
JSON instead of a page:

- 201 `{"ok": true, "url": ..., "replayed": false, "next": ...}` when the record was made
  (`next`: where the page itself would have gone);
- 200 `{"ok": true, "url": ..., "replayed": true}` for a key already stored (nothing made);
- 400 `{"ok": false, "errors": {field: [...]}, "form_errors": [...]}` for invalid input;
- 409 `{"ok": false, "conflict": code, "message": ...}` when the record was completed
  meanwhile (`completed`), the checklist changed (`checklist_changed`), the user lost the
  village (`out_of_scope`) or the key is another user's (`key_taken`);
- 401 `{"ok": false, "login": "/accounts/login/?next=..."}` when not signed in.

Without the header the pages behave as before, and a key already stored goes to its record
with the message 已保存，未重复提交.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.dates import today
from core.views import SYNC_HEADER, is_sync_request

from ..choices import RecordState
from ..selectors.field import field_data
from ..services import SubmissionKeyTaken, field_once, stored_submission

KEY_FIELD = "submission_key"
VERSION_FIELD = "checklist_version"


class Conflict(Exception):
    """The record can no longer take this submission: answered 409 (JSON) or as a message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class _Replayed(Exception):
    def __init__(self, url: str):
        self.url = url


def conflict_answer(code: str, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "conflict": code, "message": message}, status=409)


def login_answer(request) -> JsonResponse:
    login = redirect_to_login(request.get_full_path())
    return JsonResponse({"ok": False, "login": login.url}, status=401)


def form_errors(context: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """The errors of every bound form and formset of a page's context: a field's under its
    name as posted (a formset's row: `prefix-N-field`), the rest in a list."""
    fields: dict[str, list[str]] = {}
    others: list[str] = []

    def add_form(form: BaseForm) -> None:
        for name, errors in form.errors.items():
            if name == "__all__":
                others.extend(errors)
            else:
                fields.setdefault(form.add_prefix(name), []).extend(errors)

    for value in context.values():
        if isinstance(value, BaseForm) and value.is_bound:
            add_form(value)
        elif isinstance(value, BaseFormSet) and value.is_bound:
            for form in value.forms:
                add_form(form)
            others.extend(value.non_form_errors())
    return fields, list(dict.fromkeys(others))


class FieldFormMixin:
    """For a field form's view (first among its bases, so that it answers before the login,
    scope and right checks do): the key, the replay, the conflicts and the JSON answers. The
    view saves through `self.once(...)` and may name its conflicts in `field_conflict()`."""

    #: the form's kind (choices.FieldFormKind)
    field_kind = ""
    #: what the views cache of the rows `field_conflict` reads, read again after a refusal
    field_caches = ("_object", "_task", "_checklist")
    _field_result = None

    # ------------------------------------------------------------ hooks for the views

    def field_conflict(self) -> None:
        """Raise `Conflict` if the record can no longer take this submission (called for a
        sync POST once the user is signed in; a scope refusal is `out_of_scope`)."""
        record = self.field_record()
        if record is not None and record.state != RecordState.DRAFT:
            raise Conflict(
                "completed",
                _("This record was completed meanwhile by someone else; nothing was saved."),
            )

    def field_record(self):
        """The draft record the form writes into (None for a form that creates one)."""
        return None

    def field_area_code(self) -> str:
        record = self.field_record()
        return record.area_code if record is not None else ""

    def conflict_url(self) -> str:
        """Where a browser (no sync) is sent back with a conflict's message."""
        return self.request.get_full_path()

    def check_checklist_version(self, current) -> None:
        """`checklist_changed` if the page was made for another version of the checklist."""
        posted = self.request.POST.get(VERSION_FIELD, "").strip()
        if posted and current is not None and posted != str(current):
            raise Conflict(
                "checklist_changed",
                _(
                    "The inspection checklist changed since this form was opened (version "
                    "%(posted)s, now %(current)s); nothing was saved."
                )
                % {"posted": posted, "current": current},
            )

    def once(self, create, *, url, area_code: str | None = None):
        """Run `create` once for the posted key; a replay stops the view (answered by
        dispatch) and a creation returns the record."""
        result = field_once(
            actor=self.request.user,
            key=self.submission_key(),
            kind=self.field_kind,
            area_code=area_code if area_code is not None else self.field_area_code(),
            create=create,
            url=url,
        )
        if result.replayed:
            raise _Replayed(result.url)
        self._field_result = result
        return result.record

    # ------------------------------------------------------------ the machinery

    @property
    def sync(self) -> bool:
        return is_sync_request(self.request)

    def submission_key(self) -> uuid.UUID | None:
        raw = self.request.POST.get(KEY_FIELD, "").strip()
        try:
            return uuid.UUID(raw) if raw else None
        except ValueError:
            return None  # a broken key is as good as none (the sync answer refuses it first)

    def dispatch(self, request, *args, **kwargs):
        sync = self.sync
        if sync and not request.user.is_authenticated:
            return login_answer(request)
        if request.method != "POST" or not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        raw = request.POST.get(KEY_FIELD, "").strip()
        if sync and raw and self.submission_key() is None:
            message = _("The submission key is not valid.")
            return JsonResponse(
                {"ok": False, "errors": {KEY_FIELD: [message]}, "form_errors": []}, status=400
            )
        try:
            if (key := self.submission_key()) is not None:
                if (found := stored_submission(actor=request.user, key=key)) is not None:
                    return self.replayed_answer(found.url)
            if sync:
                self.field_conflict()
            elif request.POST.get(VERSION_FIELD):
                try:
                    self.field_conflict()
                except Conflict as e:  # a page without sync: only the new field's refusal
                    if e.code == "checklist_changed":
                        raise
            response = super().dispatch(request, *args, **kwargs)
        except SubmissionKeyTaken as e:
            if sync:
                return conflict_answer("key_taken", str(e.message))
            return HttpResponse(str(e.message), status=409)
        except Conflict as e:
            if sync:
                return conflict_answer(e.code, e.message)
            messages.error(request, e.message)
            return redirect(self.conflict_url())
        except _Replayed as e:
            return self.replayed_answer(e.url)
        except (PermissionDenied, Http404):
            if not sync:
                raise
            return conflict_answer(
                "out_of_scope",
                _("You no longer organize this village; nothing was saved."),
            )
        if sync and self._field_result is not None:
            # `next`: where the page would have gone (a form opened from a leader's link page
            # returns there); the phone follows it after a submit made with signal
            follow = response.url if isinstance(response, HttpResponseRedirect) else None
            return self.created_answer(self._field_result.url, follow)
        return response

    def render_to_response(self, context, **kwargs):
        if self.sync and self.request.method == "POST":
            # a refusal because someone completed the record while this request waited for
            # it (a concurrent submit) is the conflict, not an input error
            for cached in self.field_caches:
                self.__dict__.pop(cached, None)
            try:
                self.field_conflict()
            except Conflict as e:
                return conflict_answer(e.code, e.message)
            errors, others = form_errors(context)
            return JsonResponse({"ok": False, "errors": errors, "form_errors": others}, status=400)
        return super().render_to_response(context, **kwargs)

    def unconfirmed(self):
        # the phone asked before queueing the form: a sync POST is confirmed
        return None if self.sync else super().unconfirmed()

    def created_answer(self, url: str, follow: str | None = None) -> JsonResponse:
        # the page's own success message is for a browser that follows the redirect
        for _message in messages.get_messages(self.request):
            pass
        answer = {"ok": True, "url": url, "replayed": False, "next": follow or url}
        return JsonResponse(answer, status=201)

    def replayed_answer(self, url: str) -> HttpResponse:
        if self.sync:
            return JsonResponse({"ok": True, "url": url, "replayed": True}, status=200)
        messages.info(self.request, _("Already saved; not submitted twice."))
        return HttpResponseRedirect(url)


class FieldRecordFormMixin(FieldFormMixin):
    """A field form that writes into a draft record (the view's object): a record completed
    meanwhile is the `completed` conflict."""

    def field_record(self):
        return self.get_object()


class FieldDataView(View):
    """GET /field/data/: what the phone caches for the field forms (the user's own villages
    only, no ID numbers or phones) and a fresh CSRF token. JSON only: 401 when signed out."""

    http_method_names = ["get"]

    def get(self, request):
        if not request.user.is_authenticated:
            return login_answer(request)
        user = request.user
        return JsonResponse(
            {
                "ok": True,
                "user": {"id": user.pk, "username": user.get_username()},
                "csrf_token": get_token(request),
                "generated_at": timezone.now().isoformat(),
                "field_forms": {
                    "key_field": KEY_FIELD,
                    "version_field": VERSION_FIELD,
                    "sync_header": SYNC_HEADER,
                },
                **field_data(user, today()),
            },
            json_dumps_params={"ensure_ascii": False},
        )
