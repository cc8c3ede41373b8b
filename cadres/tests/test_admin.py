import pytest

from cadres.tests.factories import CadreFactory, PostFactory
from villages.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "cadre",
        "post",
        "termchange",
        "qualificationcertificate",
        "pledge",
        "resignationadvice",
        "pledgeclause",
    ],
)
def test_admin_lists_open(admin_client, village, path):
    PostFactory(cadre=CadreFactory(village=village))
    assert admin_client.get(f"/admin/cadres/{path}/").status_code == 200


def test_cadre_admin_never_shows_personal_data(admin_client, village):
    cadre = CadreFactory(village=village)
    html = admin_client.get(f"/admin/cadres/cadre/{cadre.pk}/change/").content.decode()
    assert cadre.id_number not in html and cadre.phone not in html


def test_rule_bound_records_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get("/admin/cadres/post/add/").status_code == 403
