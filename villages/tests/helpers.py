"""Helpers shared by the test modules of every app; the shared fixtures are in the root conftest.py.

Each switches a test client to one persona, so a test can try the same request as anonymous,
outsider, insider, supervisor, contact cadre or clerk in turn.
"""

PASSWORD = "correct-horse-9"  # every UserFactory user's


def login(client, user):
    """Log the Django test client in as `user` (None: anonymous); return the client."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def api_login(api, user):
    """Authenticate the DRF test client as `user` (None: anonymous); return the client."""
    api.logout()
    api.force_authenticate(user=None)
    if user is not None:
        api.force_authenticate(user=user)
    return api


def browser_sign_out(page) -> None:
    """Forget the browser's session and CSRF cookie without a race: the last page's own requests
    (offline.js fetches /field/data/ after a load) are let finish and the page is left before the
    cookies go, so no late response sets the old CSRF cookie again over the sign-in form's."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()


def browser_login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form of the live server, as a user would (whoever was signed in
    before is signed out first)."""
    browser_sign_out(page)
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
