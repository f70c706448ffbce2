"""``wenjiuye validate id|uscc VALUE... [--json] [--today YYYY-MM-DD]``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wenjiuye.core.management.commands.validate import Command

VALID_ID = "410402199001011230"
BAD_CHECKSUM_ID = "410402199001011231"
ABOLISHED_ID = "110103201101011237"  # 崇文区, merged in 2010, born 2011
VALID_USCC = "91110302562134916R"


def run(*args: str) -> str:
    out = StringIO()
    call_command("validate", *args, stdout=out)
    return out.getvalue()


def test_id_json_shape() -> None:
    data = json.loads(
        run(
            "id", VALID_ID, BAD_CHECKSUM_ID, "11010519491231002x", "--json", "--today", "2025-06-30"
        )
    )
    assert [d["value"] for d in data] == [VALID_ID, BAD_CHECKSUM_ID, "11010519491231002X"]
    assert data[0] == {
        "value": VALID_ID,
        "valid": True,
        "reason_code": "ok",
        "reason": "有效",
        "birth_date": "1990-01-01",
        "age": 35,
        "gender": "M",
        "region_code": "410402",
        "region_name": "河南省平顶山市新华区",
    }
    assert data[1] == {
        "value": BAD_CHECKSUM_ID,
        "valid": False,
        "reason_code": "checksum",
        "reason": "校验码错误",
        "birth_date": None,
        "age": None,
        "gender": None,
        "region_code": None,
        "region_name": None,
    }
    assert data[2]["valid"] and data[2]["age"] == 75 and data[2]["gender"] == "F"


def test_today_option_changes_the_verdict() -> None:
    before = json.loads(run("id", "410402202506300016", "--today", "2025-06-29", "--json"))
    on_the_day = json.loads(run("id", "410402202506300016", "--today", "2025-06-30", "--json"))
    assert before[0]["reason_code"] == "birth_date_future"
    assert on_the_day[0]["valid"] and on_the_day[0]["age"] == 0


def test_json_may_come_before_the_subcommand() -> None:
    data = json.loads(run("--json", "uscc", VALID_USCC, "91110302562134916A"))
    assert data == [
        {
            "value": VALID_USCC,
            "valid": True,
            "reason_code": "ok",
            "reason": "有效",
            "authority": "工商",
            "org_type": "企业",
            "region_code": "110302",
        },
        {
            "value": "91110302562134916A",
            "valid": False,
            "reason_code": "checksum",
            "reason": "校验码错误",
            "authority": None,
            "org_type": None,
            "region_code": None,
        },
    ]


def test_human_table_in_chinese() -> None:
    out = run("id", VALID_ID, ABOLISHED_ID, "123", "--today", "2025-06-30")
    lines = out.splitlines()
    assert lines[0].split() == ["号码", "结果", "原因", "出生日期", "年龄", "性别", "地区"]
    assert lines[1].split() == [
        VALID_ID,
        "有效",
        "有效",
        "1990-01-01",
        "35",
        "男",
        "410402",
        "河南省平顶山市新华区",
    ]
    assert lines[2].split() == [ABOLISHED_ID, "无效", "地址码在出生年份之前已撤销"]
    assert lines[3].split() == ["123", "无效", "长度或格式错误"]
    assert lines[-1] == "共 3 个，有效 1 个，无效 2 个。"


def test_human_table_for_uscc() -> None:
    out = run("uscc", VALID_USCC, "91110302O62134916R")
    assert "登记管理部门" in out.splitlines()[0]
    assert out.splitlines()[1].split() == [VALID_USCC, "有效", "有效", "工商", "企业", "110302"]
    assert "含有不允许的字母" in out.splitlines()[2]
    assert out.splitlines()[-1] == "共 2 个，有效 1 个，无效 1 个。"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "{id,uscc}"),
        (("id",), "VALUE"),
        (("passport", "E12345678"), "invalid choice"),
        (("id", VALID_ID, "--today", "2025-13-01"), "YYYY-MM-DD"),
        (("uscc", VALID_USCC, "--today", "2025-01-01"), "--today"),
    ],
)
def test_usage_errors(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("{", r"\{").replace("}", r"\}")):
        run(*args)


def test_run_returns_the_results() -> None:
    result = Command().run(what="id", values=[VALID_ID, ABOLISHED_ID], today=date(2025, 6, 30))
    assert [r["valid"] for r in result] == [True, False]
    assert result[1]["reason_code"] == "region_abolished"
    assert Command().run(what="uscc", values=[VALID_USCC])[0]["org_type"] == "企业"


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WENJIUYE_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "wenjiuye.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", "validate", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_exit_status_of_the_real_command(tmp_path: Path) -> None:
    report = _cli(tmp_path, "id", VALID_ID, BAD_CHECKSUM_ID, "--json")
    assert report.returncode == 0, report.stderr
    assert [d["valid"] for d in json.loads(report.stdout)] == [True, False]
    usage = _cli(tmp_path, "id", VALID_ID, "--today", "tomorrow")
    assert usage.returncode == 2
    assert "YYYY-MM-DD" in usage.stderr
    assert usage.stdout == ""
    assert _cli(tmp_path).returncode == 2
