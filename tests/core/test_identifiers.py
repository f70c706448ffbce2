"""Resident identity card numbers (GB 11643) and unified social credit codes (GB 32100).

Pure tests: no database. Numbers are built with the check-character helper, so each test states
exactly which part of a number is under test.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import random
from datetime import date
from pathlib import Path

import pytest
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from wenjiuye.core import identifiers
from wenjiuye.core.identifiers import (
    MIN_BIRTH_DATE,
    IdCheck,
    UsccCheck,
    check_resident_id,
    check_uscc,
    division_exists,
    division_name,
    is_valid_resident_id,
    is_valid_uscc,
    mask_id,
    mask_phone,
    normalise_resident_id,
    resident_id_check_char,
    uscc_check_char,
)

TODAY = date(2025, 6, 30)
REPO = Path(__file__).resolve().parents[2]
PINGDINGSHAN = [
    "410402",
    "410403",
    "410404",
    "410411",
    "410421",
    "410422",
    "410423",
    "410425",
    "410481",
    "410482",
]


def make_id(region: str, birth: str, seq: str = "123") -> str:
    body = f"{region}{birth}{seq}"
    return body + resident_id_check_char(body)


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def check(number: str, today: date = TODAY) -> IdCheck:
    return check_resident_id(number, today=today)


# --- the check character ------------------------------------------------------------------------


def test_the_standards_own_examples_are_valid() -> None:
    """GB 11643-1999 §5 gives 11010519491231002X and 440524188001010014 as examples."""
    first = check("11010519491231002X")
    assert first.valid, first
    assert (first.birth_date, first.gender, first.region_code) == (
        date(1949, 12, 31),
        "F",
        "110105",
    )
    assert first.region_name == "北京市朝阳区"
    second = check("440524188001010014")
    assert second.valid, second  # born 1880: an earliest-birth bound of 1890 would reject it
    assert second.birth_date == date(1880, 1, 1)
    assert second.gender == "M"
    assert second.region_name == "广东省汕头市潮阳县"  # 440524 was abolished in 1993: kept for life


def test_check_char_agrees_with_stdnum_on_random_bodies() -> None:
    rnd = random.Random(11643)
    seen = set()
    for _ in range(5000):
        body = "".join(rnd.choice("0123456789") for _ in range(17))
        char = resident_id_check_char(body)
        assert char == stdnum_ric.calc_check_digit(body + "0")
        seen.add(char)
    assert seen == set("0123456789X")


def test_check_char_known_values() -> None:
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44052418800101001") == "4"
    assert resident_id_check_char("36042619910101007") == "1"  # stdnum's doctest number


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "1234567890123456",
        "123456789012345678",
        "1101051949123100X",
        "１１０１０５１９４９１２３１００２",
    ],
)
def test_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        resident_id_check_char(bad)


# --- valid numbers and what is derived ----------------------------------------------------------


@pytest.mark.parametrize("region", PINGDINGSHAN)
@pytest.mark.parametrize("birth", ["19900101", "20200229", "20250630"])
def test_pingdingshan_codes_are_valid_today(region: str, birth: str) -> None:
    result = check(make_id(region, birth))
    assert result.valid, result
    assert result.region_code == region
    assert result.region_name is not None
    assert result.region_name.startswith("河南省平顶山市")
    assert division_exists(region, 2025)


def test_derived_fields() -> None:
    result = check(make_id("410421", "19900701", "123"))
    assert result == IdCheck(
        value="410421199007011230",
        valid=True,
        reason_code="ok",
        reason="有效",
        birth_date=date(1990, 7, 1),
        age=34,  # turns 35 the day after TODAY
        gender="M",
        region_code="410421",
        region_name="河南省平顶山市宝丰县",
    )
    assert check(make_id("410421", "19900630", "124")).age == 35
    assert check(make_id("410421", "19900630", "124")).gender == "F"


@pytest.mark.parametrize(
    ("seq", "gender"), [("001", "M"), ("002", "F"), ("999", "M"), ("000", "F"), ("010", "F")]
)
def test_gender_is_the_parity_of_the_17th_digit(seq: str, gender: str) -> None:
    assert check(make_id("410402", "19800101", seq)).gender == gender


def test_lower_case_x_and_whitespace_are_normalised() -> None:
    number = "11010519491231002X"
    for variant in ["11010519491231002x", "  11010519491231002x\n", "\t11010519491231002X "]:
        result = check(variant)
        assert result.valid
        assert result.value == number
    assert normalise_resident_id(" 11010519491231002x\n") == number
    assert normalise_resident_id("abc") == "ABC"  # normalising does not validate


def test_full_width_digits_typed_with_an_ime_are_normalised() -> None:
    result = check("１１０１０５１９４９１２３１００２ｘ")
    assert result.valid
    assert result.value == "11010519491231002X"


def test_as_dict_is_json_ready() -> None:
    data = check(make_id("410402", "19900101", "123")).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "value": "410402199001011230",
        "valid": True,
        "reason_code": "ok",
        "reason": "有效",
        "birth_date": "1990-01-01",
        "age": 35,
        "gender": "M",
        "region_code": "410402",
        "region_name": "河南省平顶山市新华区",
    }
    bad = check("410402199001011231").as_dict()
    assert bad["valid"] is False
    assert bad["birth_date"] is None
    assert set(bad) == set(data)


def test_results_are_frozen() -> None:
    result = check("11010519491231002X")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.valid = False  # type: ignore[misc]


def test_today_defaults_to_the_current_date() -> None:
    result = check_resident_id(make_id("410402", "19900101"))
    assert result.valid
    assert result.age is not None and result.age >= 35
    assert is_valid_resident_id(make_id("410402", "19900101"))
    # A date far in the future is rejected without giving today.
    assert check_resident_id(make_id("410402", "29990101")).reason_code == "birth_date_future"


# --- every reason for rejection -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "11010519491231002",  # 17
        "11010519491231002X1",  # 19
        "110105194912310",  # a first-generation 15-digit number is not an 18-character one
        "1101051949123100AX",
        "11010519491231002Y",
        "1101051949 1231002X",
        "X10105194912310021",
        None,
    ],
)
def test_format(value) -> None:
    result = check(value)
    assert (result.valid, result.reason_code, result.reason) == (False, "format", "长度或格式错误")
    assert result.birth_date is None and result.region_code is None


def test_checksum() -> None:
    good = make_id("410402", "19900101", "123")
    for char in "0123456789X":
        if char != good[-1]:
            result = check(good[:-1] + char)
            assert (result.valid, result.reason_code, result.reason) == (
                False,
                "checksum",
                "校验码错误",
            )
    # a single mistyped digit is caught by the check character
    assert check(good[:10] + "2" + good[11:]).reason_code == "checksum"


@pytest.mark.parametrize(
    "birth",
    [
        "19900230",
        "19900431",
        "19901301",
        "19900001",
        "19900100",
        "19000229",
        "20010229",
        "20230229",
    ],
)
def test_birth_date_not_a_calendar_date(birth: str) -> None:
    result = check(make_id("410402", birth))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "birth_date_invalid",
        "出生日期无效",
    )


@pytest.mark.parametrize("birth", ["20000229", "19960229", "20240229", "19040229"])
def test_february_29_in_leap_years(birth: str) -> None:
    assert check(make_id("410402", birth)).valid


def test_age_of_a_leap_day_birth() -> None:
    number = make_id("410402", "20000229")
    assert check(number, date(2025, 2, 28)).age == 24
    assert check(number, date(2025, 3, 1)).age == 25
    assert check(number, date(2024, 2, 29)).age == 24
    assert check(number, date(2024, 2, 28)).age == 23


def test_birth_date_in_the_future() -> None:
    result = check(make_id("410402", "20250701"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "birth_date_future",
        "出生日期晚于今天",
    )
    born_today = check(make_id("410402", "20250630"))
    assert born_today.valid and born_today.age == 0
    # the same number becomes valid once the day has come
    assert check(make_id("410402", "20250701"), date(2025, 7, 1)).valid


def test_oldest_birth_date() -> None:
    """Bound: 1860-01-01. Numbers were first issued in 1984; nobody verified lived past 122.

    A 1890 bound would reject real people: a resident of 疏勒县 (653122) registered as born on
    1886-06-25 was publicly reported alive in 2013–2021, and GB 11643's own example is born 1880.
    """
    assert date(1860, 1, 1) == MIN_BIRTH_DATE
    assert check(make_id("653122", "18860625")).valid
    assert check(make_id("410402", "18600101")).valid
    result = check(make_id("410402", "18591231"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "birth_date_too_early",
        "出生日期早于1860年",
    )
    assert check(make_id("410402", "00010101")).reason_code == "birth_date_too_early"


@pytest.mark.parametrize(
    "region",
    [
        "999999",
        "000000",
        "410471",  # 平顶山高新区: a statistical zone code (NBS), never a GB/T 2260 code
        "410472",
        "410499",
        "110199",
        "190000",  # no province 19
    ],
)
def test_region_not_in_gb2260(region: str) -> None:
    result = check(make_id(region, "19900101"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "region_unknown",
        "地址码不存在",
    )
    assert not division_exists(region)


# --- the address code and the birth year --------------------------------------------------------


def test_code_created_after_the_birth_year_is_valid() -> None:
    """GB 11643 §5.2 (地址码): the address code is where the holder lived when the number was issued.

    通州区 (110112) was created in 1997; a person born in 1970 and living there when the number
    was issued carries it. 石龙区 (410404) was also created in 1997.
    """
    assert division_exists("110112", 1997) and not division_exists("110112", 1996)
    for number in [
        make_id("110112", "19700501"),
        make_id("110112", "19961231"),
        make_id("410404", "19600101"),
    ]:
        assert check(number).valid, number
    assert check(make_id("110112", "19700501")).region_name == "北京市通州区"


def test_stdnum_reads_the_code_as_birthplace_and_the_law_wins() -> None:
    """python-stdnum disagrees with GB 11643 here; GB 11643 wins.

    ``stdnum.cn.ric.get_birth_place`` rejects a number whose address code did not exist in the
    birth year, as if the code were the birthplace. GB 11643-1999 §5.2 says the address code is the
    county of permanent residence *when the number is issued*. stdnum also accepts a birth date in
    the future, which no issued number can carry.
    """
    moved_later = [
        make_id("110112", "19700501"),  # 通州区, created 1997
        make_id("429004", "19900101"),  # 仙桃市, code from 1994
        make_id("810000", "19900101"),  # 港澳台居民居住证 (2018) of a Hong Kong resident
    ]
    for number in moved_later:
        assert not stdnum_ric.is_valid(number), number
        assert check(number).valid, number
    future = make_id("410402", "20990101")
    assert stdnum_ric.is_valid(future)
    assert check(future).reason_code == "birth_date_future"
    # where the two agree: an ordinary number, a checksum error, a code abolished before birth
    assert stdnum_ric.is_valid(make_id("410402", "19900101"))
    assert not stdnum_ric.is_valid(make_id("410412", "19950101"))
    assert check(make_id("410412", "19950101")).reason_code == "region_abolished"


def test_code_abolished_before_the_birth_year_is_invalid() -> None:
    """崇文区 (110103) was merged into 东城区 in 2010: nobody born 2011 or later can carry it."""
    result = check(make_id("110103", "20110101"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "region_abolished",
        "地址码在出生年份之前已撤销",
    )
    assert check(make_id("110103", "20120615")).reason_code == "region_abolished"


def test_code_abolished_in_the_birth_year_is_valid() -> None:
    """Decision: a code abolished in the birth year is accepted.

    The data has only years: a child born early in 2010 was registered in 崇文区 before the merger
    took effect (July 2010). Rejecting would reject real people; accepting admits at most a few
    numbers issued in the months after a merger.
    """
    assert check(make_id("110103", "20100101")).valid
    assert check(make_id("110103", "20101231")).valid
    assert division_exists("110103", 2010) and not division_exists("110103", 2011)


def test_code_abolished_after_the_birth_year_is_valid_for_life() -> None:
    result = check(make_id("110103", "19700101"))
    assert result.valid
    assert result.region_name == "北京市崇文区"


@pytest.mark.parametrize(
    ("region", "last_year", "name"),
    [
        ("410412", 1990, "舞钢区"),  # became 舞钢市 (410481) in 1990
        ("410424", 1988, "临汝县"),  # became 汝州市 (410482) in 1988
        ("410426", 1997, "襄城县"),  # moved to 许昌市 (411025) in 1997
    ],
)
def test_historic_pingdingshan_codes_by_year(region: str, last_year: int, name: str) -> None:
    assert check(make_id(region, f"{last_year - 30}0101")).valid
    assert check(make_id(region, f"{last_year}1231")).valid  # abolished in the birth year
    assert (
        check(make_id(region, f"{last_year + 1}0101")).reason_code == "region_abolished"
    )  # the year after
    assert division_exists(region, last_year)
    assert not division_exists(region, last_year + 1)
    assert not division_exists(region, 2025)
    assert division_exists(region)
    assert check(make_id(region, f"{last_year}0601")).region_name == f"河南省平顶山市{name}"


def test_renamed_code_keeps_one_history() -> None:
    """410411 was 郊区 until 1994 and is 湛河区 since: one code, valid throughout."""
    assert check(make_id("410411", "19800101")).region_name == "河南省平顶山市郊区"
    assert check(make_id("410411", "20000101")).region_name == "河南省平顶山市湛河区"
    assert division_name("410411") == "河南省平顶山市湛河区"
    assert division_exists("410411", 1985) and division_exists("410411", 2025)


def test_code_created_the_year_after_birth_is_valid() -> None:
    """舞钢市 (410481) and 汝州市 (410482) codes date from 1990 and 1989."""
    assert not division_exists("410481", 1989) and division_exists("410481", 1990)
    assert check(make_id("410481", "19891231")).valid
    assert check(make_id("410482", "19880101")).valid


def test_aggregate_codes_are_accepted() -> None:
    """Decision: GB/T 2260 aggregate codes are accepted on identity numbers; the address code
    is "a GB/T 2260 code" and we could not prove any aggregate was never issued.

    - prefecture codes such as 410400 平顶山市 and 110100 (北京市市辖区) were used by city-level
      public security bureaus, and python-stdnum's ``cn/loc.dat`` lists them too;
    - 市辖区 codes (410401) exist on real first-generation numbers; 410401 dates from 1983, so a
      number born 1980 carrying it was issued later, which is valid;
    - province codes (410000) and 810000/820000/830000 (港澳台居民居住证, same GB 11643 format).
    """
    for region, name in [
        ("410400", "河南省平顶山市"),
        ("410401", "河南省平顶山市市辖区"),
        ("110100", "北京市市辖区"),
        ("410000", "河南省"),
        ("810000", "香港特别行政区"),
        ("820000", "澳门特别行政区"),
        ("830000", "台湾省"),
    ]:
        result = check(make_id(region, "19800101"))
        assert result.valid, result
        assert result.region_name == name
        assert stdnum_ric.is_valid(make_id(region, "20000101")) == (region != "830000")
    assert not division_exists("410401", 1982) and division_exists("410401", 1983)


def test_every_county_of_the_city_reference_data_is_valid_today() -> None:
    """The county rows of reference/pingdingshan/regions.csv must all pass (zones are NBS codes)."""
    path = REPO / "src" / "wenjiuye" / "reference" / "pingdingshan" / "regions.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] in {"province", "city", "county"}]
    assert {r["code"] for r in rows if r["level"] == "county"} == set(PINGDINGSHAN)
    for row in rows:
        result = check(make_id(row["code"], "20240101"))
        assert result.valid, row
        assert result.region_name is not None and result.region_name.endswith(row["name"])


# --- the division history -----------------------------------------------------------------------


def test_division_exists() -> None:
    assert division_exists("410402")
    assert division_exists(" 410402 ")
    assert division_exists("410402", 1980)
    assert division_exists("410402", 2025)
    assert not division_exists("410402", 1979)  # before the first edition of GB 2260
    assert not division_exists("410471")
    assert not division_exists("")
    assert not division_exists("4104")


def test_division_name() -> None:
    assert division_name("410402") == "河南省平顶山市新华区"
    assert division_name("110101") == "北京市东城区"  # 110100 市辖区 is a heading, not a place
    assert division_name("429004") == "湖北省仙桃市"  # nor is 429000 省直辖县级行政单位
    assert division_name("410000") == "河南省"
    assert division_name("410471") is None


def test_data_file_is_well_formed() -> None:
    path = REPO / "src" / "wenjiuye" / "core" / "data" / "gb2260_history.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["code", "name", "first_year", "last_year", "sources"]
        rows = list(reader)
    assert len(rows) > 7000
    for row in rows:
        assert len(row["code"]) == 6 and row["code"].isdigit(), row
        assert row["name"], row
        first = int(row["first_year"])
        assert 1980 <= first <= 2100, row
        if row["last_year"]:
            assert first <= int(row["last_year"]) <= 2100, row
        assert row["sources"] and set(row["sources"]) <= set("MWS"), row


def test_data_is_loaded_once() -> None:
    first = identifiers._load()
    check(make_id("410402", "19900101"))
    assert identifiers._load()[0] is first[0]


def test_a_hundred_thousand_generated_numbers_are_all_valid() -> None:
    """A bulk check (speed is a benchmark's business, not a test's: about 0.3 s here)."""
    rnd = random.Random(32100)
    numbers = [
        make_id(
            rnd.choice(PINGDINGSHAN),
            f"{rnd.randint(1940, 2020)}0{rnd.randint(1, 9)}1{rnd.randint(0, 9)}",
            f"{rnd.randint(0, 999):03d}",
        )
        for _ in range(100_000)
    ]
    valid = sum(1 for n in numbers if is_valid_resident_id(n, today=TODAY))
    assert valid == len(numbers)


# --- unified social credit codes ----------------------------------------------------------------

REAL_USCC = [
    # (code, region): public registrations; 110302 and 320594 are development-zone authorities'
    # codes that are not GB/T 2260 codes, which shows that GB 32100 positions 3-8 go beyond it.
    ("91110302562134916R", "110302"),  # 北京京东世纪信息技术有限公司, 北京经济技术开发区
    ("91320594780268314T", "320594"),  # 苏州工业园区
    ("91110000600037341L", "110000"),  # python-stdnum's doctest example
]


@pytest.mark.parametrize(("code", "region"), REAL_USCC)
def test_real_uscc_are_valid(code: str, region: str) -> None:
    result = check_uscc(code)
    assert result == UsccCheck(code, True, "ok", "有效", "工商", "企业", region)
    assert is_valid_uscc(code)


def test_uscc_check_char_agrees_with_stdnum() -> None:
    rnd = random.Random(17710)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for _ in range(2000):
        first17 = "".join(rnd.choice(alphabet) for _ in range(17))
        assert uscc_check_char(first17) == stdnum_uscc.calc_check_digit(first17)
    assert uscc_check_char("91110302562134916") == "R"
    for bad in ["", "9111030256213491", "9111030256213491I", "911103025621349160"]:
        with pytest.raises(ValueError):
            uscc_check_char(bad)


@pytest.mark.parametrize(
    ("prefix", "authority", "org_type"),
    [
        ("11", "机构编制", "机关"),
        ("12", "机构编制", "事业单位"),
        ("13", "机构编制", "中央编办直接管理机构编制的群众团体"),
        ("21", "外交", "外国常驻新闻机构"),
        ("31", "司法行政", "律师执业机构"),
        ("35", "司法行政", "仲裁委员会"),
        ("41", "文化", "外国在华文化中心"),
        ("51", "民政", "社会团体"),
        ("52", "民政", "民办非企业单位"),
        ("53", "民政", "基金会"),
        ("62", "旅游", "港澳台地区旅游部门常驻内地（大陆）代表机构"),
        ("71", "宗教", "宗教活动场所"),
        ("81", "工会", "基层工会"),
        ("91", "工商", "企业"),
        ("92", "工商", "个体工商户"),
        ("93", "工商", "农民专业合作社"),
        ("A1", "中央军委改革和编制办公室", "军队事业单位"),
        ("N2", "农业", "村级集体经济组织"),
        ("Y1", "其他", "其他"),
    ],
)
def test_uscc_authority_and_org_type(prefix: str, authority: str, org_type: str) -> None:
    code = make_uscc(prefix + "410402" + "MA44XXXX0")
    result = check_uscc(code)
    assert (result.valid, result.authority, result.org_type, result.region_code) == (
        True,
        authority,
        org_type,
        "410402",
    )


def test_stdnum_rejects_letter_authorities_and_the_law_wins() -> None:
    """python-stdnum disagrees with GB 32100 here; GB 32100 wins.

    ``stdnum.cn.uscc.validate`` requires digits in positions 1-8, but the registration authority
    and organisation type codes are "阿拉伯数字或大写英文字母" (GB 32100-2015 §4, 代码结构): codes
    beginning N1/N2/N3 (rural collective economic organisations) or Y1 are real.
    """
    for prefix in ["N2", "A1", "Y1"]:
        code = make_uscc(prefix + "410421" + "MA9UTKXX1")
        assert not stdnum_uscc.is_valid(code)
        assert check_uscc(code).valid


def test_uscc_national_level_registration() -> None:
    code = make_uscc("12100000" + "400000000")
    assert check_uscc(code) == UsccCheck(code, True, "ok", "有效", "机构编制", "事业单位", "100000")


def test_uscc_normalisation() -> None:
    assert check_uscc(" 91110302562134916r ").value == "91110302562134916R"
    assert check_uscc("9 1110302 562134916R").valid  # separators, as stdnum allows
    assert check_uscc("91-110302-562134916R").valid
    assert check_uscc("９１１１０３０２５６２１３４９１６Ｒ").valid


@pytest.mark.parametrize(
    "value",
    [
        "",
        "9111030256213491",
        "91110302562134916R1",
        "911103025621349*6R",
        "91A10302562134916R",
        "91110302-5621349_6R",
        None,
    ],
)
def test_uscc_format(value) -> None:
    result = check_uscc(value)
    assert (result.valid, result.reason_code, result.reason) == (False, "format", "长度或格式错误")
    assert result.authority is None


@pytest.mark.parametrize("bad_char", ["I", "O", "Z", "S", "V"])
def test_uscc_charset(bad_char: str) -> None:
    result = check_uscc("91110302" + bad_char + "62134916R")
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "charset",
        "含有不允许的字母（I、O、Z、S、V）",
    )


def test_uscc_checksum() -> None:
    result = check_uscc("91110302562134916A")
    assert (result.valid, result.reason_code, result.reason) == (False, "checksum", "校验码错误")


@pytest.mark.parametrize("prefix", ["B1", "C1", "01", "M1", "G1"])
def test_uscc_unknown_authority(prefix: str) -> None:
    result = check_uscc(make_uscc(prefix + "410402" + "MA44XXXX0"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "authority_unknown",
        "登记管理部门代码无效",
    )


@pytest.mark.parametrize("prefix", ["94", "99", "10", "Y2", "A2", "N4", "22", "36"])
def test_uscc_unknown_org_type(prefix: str) -> None:
    result = check_uscc(make_uscc(prefix + "410402" + "MA44XXXX0"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "org_type_unknown",
        "机构类别代码无效",
    )


@pytest.mark.parametrize("region", ["000000", "990000", "190101", "200000", "100100"])
def test_uscc_unknown_registration_region(region: str) -> None:
    result = check_uscc(make_uscc("91" + region + "MA44XXXX0"))
    assert (result.valid, result.reason_code, result.reason) == (
        False,
        "registration_region_unknown",
        "登记管理机关行政区划码无效",
    )


@pytest.mark.parametrize("region", ["410402", "410412", "410471", "110103", "100000", "440000"])
def test_uscc_registration_region_accepts_historic_and_zone_codes(region: str) -> None:
    assert check_uscc(make_uscc("91" + region + "MA44XXXX0")).valid


def test_uscc_as_dict() -> None:
    data = check_uscc("91110302562134916R").as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "value": "91110302562134916R",
        "valid": True,
        "reason_code": "ok",
        "reason": "有效",
        "authority": "工商",
        "org_type": "企业",
        "region_code": "110302",
    }


# --- masking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        # 18 characters: the city (4) and the check character (1) only, see mask_id
        ("410402199001011234", "4104*************4"),
        ("11010519491231002X", "1101*************X"),
        (" 410402199001011234 ", "4104*************4"),
        ("410402900101123", "4104**********3"),
        ("123456789012", "1234*******2"),
        ("12345678901", "1*********1"),
        ("12345", "1***5"),
        ("123", "1*3"),
        ("12", "**"),
        ("1", "*"),
        ("", ""),
        (None, ""),
        (41040219900101, "4104*********1"),
    ],
)
def test_mask_id(value, masked: str) -> None:
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 13812345678 ", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("0375-1234567", "037*****4567"),
        ("1234567", "12***67"),
        ("12345", "1***5"),
        ("12", "**"),
        ("", ""),
        (None, ""),
        (13812345678, "138****5678"),
    ],
)
def test_mask_phone(value, masked: str) -> None:
    assert mask_phone(value) == masked
