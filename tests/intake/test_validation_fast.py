"""The fast paths of row validation (values checked once per distinct text, the resident-ID check by
its check digit and a verdict per address code + birth date) give exactly the slow checks' answers."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import make_id, make_uscc
from wenjiuye.core.identifiers import check_resident_id, check_uscc
from wenjiuye.intake.validation import MEMO_MAX, Reject, RowValidator

TODAY = date(2026, 6, 30)


def _flip_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def _ids() -> list[str]:
    good = make_id("410421", "19900101", 11)
    same_prefix = make_id("410421", "19900101", 12)  # same address code + birth date
    future = make_id("410421", "20300101", 1)
    early = make_id("410421", "18500101", 1)
    unknown_region = make_id("999999", "19900101", 1)
    bad_date = make_id("410421", "19900230", 1)
    return [
        good,
        same_prefix,
        good.lower(),
        " " + good + " ",
        _flip_check(good),
        _flip_check(same_prefix),
        future,
        early,
        unknown_region,
        bad_date,
        good[:17],
        good[:16] + "X" + good[17],
        "４１０４２１" + good[6:],  # full-width digits typed with a Chinese IME
        make_id("410421", "19851231", 5)[:17] + "X",
    ]


@pytest.mark.parametrize("raw", _ids())
def test_person_id_fast_path_answers_as_check_resident_id(raw):
    validator = RowValidator("si_contributions", regions={"410421"}, today=TODAY)
    for _ in range(2):  # the second time answers from the remembered verdict
        slow = check_resident_id(raw.strip(), today=TODAY)
        if slow.valid:
            assert validator._person_id(raw.strip()) == slow.value
        else:
            with pytest.raises(ValueError) as exc:
                validator._person_id(raw.strip())
            assert str(exc.value) == slow.reason


def test_repeated_values_are_reported_on_every_line_with_the_same_reason():
    validator = RowValidator("si_contributions", regions={"410421"}, today=TODAY)
    good_uscc = make_uscc("410421", 7)
    bad_uscc = good_uscc[:-1] + ("0" if good_uscc[-1] != "0" else "1")
    person = make_id("410421", "19900101", 11)
    rows = []
    for line in range(2, 8):
        rows.append(
            {
                "period": "202413" if line % 3 == 0 else "202401",
                "uscc": bad_uscc if line % 2 == 0 else good_uscc,
                "person_id": person,
                "base": "4000",
                "status": "已缴" if line != 5 else "unknown",
            }
        )
    results = [validator.validate(line, raw) for line, raw in enumerate(rows, start=2)]
    reason_uscc = check_uscc(bad_uscc).reason
    rejects = [r for _row, rs in results for r in rs]
    assert [(r.line, r.column) for r in rejects] == [
        (2, "uscc"),
        (3, "period"),
        (4, "uscc"),
        (5, "status"),
        (6, "period"),
        (6, "uscc"),
    ]
    assert {r.reason for r in rejects if r.column == "uscc"} == {reason_uscc}
    assert {r.reason for r in rejects if r.column == "period"} == {"期间格式应为 YYYYMM 或 YYYY-MM"}
    assert rejects[0] == Reject(2, "uscc", bad_uscc, reason_uscc)
    row, none = results[5]
    assert none == [] and row is not None
    assert (row["period"], row["uscc"], row["status"]) == ("202401", good_uscc, "paid")


def test_the_memo_is_bounded():
    validator = RowValidator("si_contributions", regions={"410421"}, today=TODAY)
    memo = validator._parsers["base"]
    for i in range(MEMO_MAX + 5):
        memo(str(i))
    assert len(memo.seen) <= MEMO_MAX  # type: ignore[attr-defined]
