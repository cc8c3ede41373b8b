"""The one-page form of a meeting (votes on every cadre, outcomes of every promise, review
scores of every cadre): 保存草稿 keeps what was typed, 完成 completes in the same submit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.views import apply_validation_error

from ..services.common import RowErrors


class MeetingFormMixin:
    """For a record's detail view: `save_rows` handles the POST of its one-page form. The view
    renders `formset` and `complete_form` (the errors that belong to no row)."""

    failed_form = None

    def save_rows(self, formset, save, success: str):
        """A meeting's one-page form: `save` gets the typed rows (object id, data) and calls one
        service, all or nothing. A refusal is shown next to its row and at the top, and the page
        comes back with everything that was typed. A POST without the rows (an older page, a
        script) saves none and only completes."""
        complete_form = forms.Form(self.request.POST)
        if f"{formset.prefix}-TOTAL_FORMS" not in self.request.POST:
            formset, valid, rows = None, True, []
        else:
            valid = formset.is_valid()
            rows = formset.filled() if valid else []
        if valid:
            # a view that asks before an irreversible action (core.views.ConfirmMixin) asks
            # once the rows are valid; the confirmation sends them again
            unconfirmed = getattr(self, "unconfirmed", None)
            if unconfirmed is not None and (question := unconfirmed()) is not None:
                return self.ask_confirmation(question)
            try:
                save(rows)
            except RowErrors as e:
                if formset is not None:
                    formset.add_row_errors(e.rows)
                    complete_form.add_error(None, e)
                else:  # no rows on the page that posted: say which at the top
                    complete_form.add_error(None, [m for r in e.rows.values() for m in r.messages])
            except ValidationError as e:
                apply_validation_error(complete_form, e)
            else:
                messages.success(self.request, success)
                return redirect(self.detail_url())
        else:
            complete_form.add_error(
                None,
                formset.non_form_errors() or _("Some rows need correcting; nothing was saved."),
            )
        self.failed_form = complete_form
        return self.render_to_response(
            self.get_context_data(formset=formset, complete_form=complete_form)
        )
