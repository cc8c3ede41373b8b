import pytest

from core.triggers import frozen_with_parent


def test_the_trigger_quotes_its_message_and_checks_both_parents():
    trigger = frozen_with_parent(
        "app_record", "record_id", "state = 'done'", "record % can't change", name="frozen"
    )
    assert "'record % can''t change', parent_id" in trigger.func
    assert "WHERE id = ANY($1) AND (state = 'done')" in trigger.func
    assert "USING ARRAY[NEW.record_id, OLD.record_id]" in trigger.func


def test_the_message_takes_the_parents_id_once():
    with pytest.raises(ValueError):
        frozen_with_parent("app_record", "record_id", "true", "final", name="frozen")


def test_the_condition_cannot_end_the_lookups_quote():
    with pytest.raises(ValueError):
        frozen_with_parent("app_record", "record_id", "$lookup$", "record %", name="frozen")
