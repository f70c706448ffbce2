"""The event table is append-only: in the model, the queryset and the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from wenjiuye.core.audit import diff, events_for, record_event
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role


@pytest.fixture
def event(users):
    return record_event(
        actor=users[Role.ADMIN], action="update", obj=users[Role.LEADER], changes={"x": [1, 2]}
    )


def test_record_event_fields(event, users):
    assert event.actor_name == "admin" and event.object_type == "core.user"
    assert event.object_id == str(users[Role.LEADER].pk)
    assert list(events_for(users[Role.LEADER])) == [event]


def test_model_refuses_update_and_delete(event):
    event.note = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(PermissionError):
        Event.objects.all().delete()


@pytest.mark.parametrize("sql", ["UPDATE core_event SET note = 'x'", "DELETE FROM core_event"])
def test_database_refuses_update_and_delete(event, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Event.objects.get(pk=event.pk).note == ""


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
