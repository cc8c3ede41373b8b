"""Steps the browser journeys share."""

from playwright.sync_api import expect


def confirm_in_dialog(page, says):
    """An irreversible action's dialog (core.views.ConfirmMixin, cunjian.js) says `says`;
    确认 sends the form once and the next page loads."""
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(says)
    with page.expect_navigation():
        dialog.get_by_role("button", name="确认").click()
