"""An object's change history as sentences: "状态:待处置 → 跟进中".

Events keep ``changes`` as ``{field: [old, new]}`` with raw stored values (choice codes, foreign
keys, JSON). :func:`event_sentences` turns each into the field's Chinese name and the values'
names: choices by their label, foreign keys to users and regions by name, booleans as 是/否, dates
as dates, and lists of codes through the label kind registered for the field
(:func:`register_field`). A value no rule can name (a JSON object) is summarised, never printed as
a Python repr.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from wenjiuye.core import labels

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

#: (model label, field name) → label kind of the field's values (or of each item of a list)
_FIELD_KINDS: dict[tuple[str, str], str] = {}
#: (model label, key) → the Chinese name of a key an event records that is not a model field
_FIELD_NAMES: dict[tuple[str, str], Any] = {}


def register_field(model_label: str, field: str, kind: str = "", name: Any = "") -> None:
    """Name the values of ``model_label.field`` in histories with the label ``kind``, and the
    field itself ``name`` when it is not a model field (a step an event records, say)."""
    if kind:
        _FIELD_KINDS[(model_label.lower(), field)] = kind
    if name:
        _FIELD_NAMES[(model_label.lower(), field)] = name


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        try:  # "region_id" → region
            field = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            return None
    return field if isinstance(field, models.Field) else None


def _value(object_type: str, name: str, field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return _("空")
    kind = _FIELD_KINDS.get((object_type, name))
    if kind:
        if isinstance(value, list):
            return "、".join(labels.labels(kind, value))
        return labels.label(kind, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str) and _ISO_TIME.match(value):  # a time an event recorded as text
        return value[:16].replace("T", " ")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    target = _related(field)
    if target is not None and isinstance(value, list):  # many-to-many: each linked record
        return "、".join(_value(object_type, name, field, v) for v in value) or _("空")
    if target is not None:
        related = target._meta.label_lower
        if related == "core.user":
            from wenjiuye.core.models import User

            username = User.objects.filter(pk=value).values_list("username", flat=True).first()
            return labels.label("user", username) if username else _("已删除的用户")
        if related == "core.region":
            return labels.label("region", value)
        obj = target._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else str(value)
    if isinstance(value, dict):
        return _("(%(n)s 项内容)") % {"n": len(value)}
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) for v in value):
            return "、".join(str(v) for v in value)
        return _("(%(n)s 项内容)") % {"n": len(value)}
    return str(value)


def _related(field: models.Field[Any, Any] | None) -> type[models.Model] | None:
    """The model a relation field links to (``None`` for any other field)."""
    if field is None or not field.is_relation:
        return None
    model = field.related_model
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


def _technical(field: models.Field[Any, Any]) -> bool:
    """A field no sentence is about: the record's key (the page names the record), a time
    stamped automatically, or one with no Chinese name (an ordering number)."""
    if (
        field.primary_key
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    ):
        return True
    return not field.is_relation and str(field.verbose_name).isascii()


def _field_name(field: models.Field[Any, Any] | None, name: str, object_type: str = "") -> str:
    named = _FIELD_NAMES.get((object_type, name))
    if named:
        return str(named)
    if field is not None:
        verbose = str(field.verbose_name)
        target = _related(field)
        if verbose.isascii() and target is not None:  # an unnamed link: what it links to
            return str(target._meta.verbose_name)
        return verbose
    return _("其他信息")


def event_sentences(event: Any, *, created: bool = False) -> list[str]:
    """One sentence per changed field of ``event`` (an ``Event``, usually masked). A record's
    creation has none unless ``created`` (the audit log: there, what was created is the news; on
    the record's own page its fields are shown above)."""
    if event.action == "create" and not created:
        return []
    changes = event.changes if isinstance(event.changes, dict) else {}
    object_type = (event.object_type or "").lower()
    model = _model(object_type)
    out = []
    for name, pair in changes.items():
        field = _field(model, name)
        if field is not None and _technical(field):
            continue
        if isinstance(pair, list) and len(pair) == 2:
            old, new = pair
            if old is None and field is None:
                out.append(
                    f"{_field_name(field, name, object_type)}:{_value(object_type, name, field, new)}"
                )
            else:
                out.append(
                    f"{_field_name(field, name, object_type)}:{_value(object_type, name, field, old)}"
                    f" → {_value(object_type, name, field, new)}"
                )
        else:  # an event that records facts, not a change ({"tier": "city_office", …})
            out.append(
                f"{_field_name(field, name, object_type)}:{_value(object_type, name, field, pair)}"
            )
    return out
