"""NoStoreMiddleware: no copy of a page with personal data is kept by a browser or a proxy."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def stored(response) -> bool:
    return "no-store" not in response.get("Cache-Control", "")


def test_every_page_of_a_signed_in_user_is_no_store(client, insider, village):
    client.force_login(insider)
    for url in (
        reverse("home"),
        reverse("villages:village-detail", args=[village.code]),
        reverse("password_change"),
        reverse("public:village", args=[village.code]),  # public, but the user is signed in
        "/no-such-page/",
    ):
        response = client.get(url)
        assert not stored(response), url
        assert "private" in response["Cache-Control"]


def test_the_login_page_is_no_store(client):
    assert not stored(client.get(reverse("login")))
    assert not stored(client.post(reverse("login"), {"username": "x", "password": "y"}))


def test_api_answers_are_no_store_with_a_token_or_a_session(client, api, insider):
    token = Token.objects.create(user=insider)
    with_token = api.get("/api/v1/villages/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert with_token.status_code == 200 and not stored(with_token)
    client.force_login(insider)
    assert not stored(client.get("/api/v1/villages/"))
    assert not stored(api.get("/api/v1/villages/"))  # anonymous: 403, still no-store


def test_public_pages_seen_anonymously_may_be_stored(client, village):
    response = client.get(reverse("public:village", args=[village.code]))
    assert response.status_code == 200 and stored(response)
