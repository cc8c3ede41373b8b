from django.utils import translation

from core.fields import area_code_field


def test_the_area_code_is_twelve_indexed_digits_never_typed_in():
    field = area_code_field()
    assert (field.max_length, field.editable, field.db_index) == (12, False, True)
    with translation.override("en"):
        assert str(field.verbose_name) == "area code"


def test_a_model_says_where_its_area_code_differs():
    field = area_code_field("county code", max_length=6, unique=True)
    assert (field.max_length, field.unique, field.editable, field.verbose_name) == (
        6,
        True,
        False,
        "county code",
    )
