"""The ``wenjiuye`` command answers a refusal a command lets through once: its reason, exit 2."""

from __future__ import annotations

import json

import django.core.management
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wenjiuye import cli
from wenjiuye.core.errors import DomainError, PolicyNotInForce


def raising(exc: BaseException):
    def run(argv: list[str]) -> None:
        raise exc

    return run


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (DomainError("月工资不能为负"), "月工资不能为负"),
        (PolicyNotInForce("参数 x 在 2000-01-01 没有生效的版本"), "没有生效的版本"),
        (PermissionDenied("没有权限"), "没有权限"),
        (ValidationError({"county": ["区划不存在"]}), "区划不存在"),
    ],
)
def test_a_refusal_prints_its_reason_and_exits_2(monkeypatch, capsys, exc, reason):
    monkeypatch.setattr(django.core.management, "execute_from_command_line", raising(exc))
    with pytest.raises(SystemExit) as done:
        cli.main(["anything"])
    assert done.value.code == 2
    out, err = capsys.readouterr()
    assert reason in err and "Traceback" not in err
    assert out == ""


def test_with_json_the_refusal_is_one_json_document(monkeypatch, capsys):
    monkeypatch.setattr(
        django.core.management, "execute_from_command_line", raising(DomainError("人数不能为负"))
    )
    with pytest.raises(SystemExit) as done:
        cli.main(["anything", "--json"])
    assert done.value.code == 2
    out, err = capsys.readouterr()
    assert json.loads(out) == {"error": "人数不能为负"}
    assert "人数不能为负" in err


def test_a_bug_keeps_its_traceback(monkeypatch):
    monkeypatch.setattr(
        django.core.management, "execute_from_command_line", raising(ValueError("a bug"))
    )
    with pytest.raises(ValueError, match="a bug"):
        cli.main(["anything", "--json"])


def test_traceback_shows_a_refusal_too(monkeypatch):
    monkeypatch.setattr(
        django.core.management, "execute_from_command_line", raising(DomainError("x"))
    )
    with pytest.raises(DomainError):
        cli.main(["anything", "--traceback"])
