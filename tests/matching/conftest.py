"""The matching world: four postings (two in 宝丰县, one in 叶县, one in another city) and three
registered unemployed persons."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_id
from wenjiuye.intake.models import ImportBatch, JobPosting, UnemploymentRegistration
from wenjiuye.registry.models import Person


@pytest.fixture
def world(regions, policy):
    batch = ImportBatch.objects.create(
        kind="job_postings", file_name="p.xlsx", sha256="1" * 64, archived_path="x", format="xlsx"
    )
    common = dict(batch=batch, posted_on=date(2022, 11, 1), closes_on=date(2022, 12, 1))
    postings = [
        ("GW1", "宝丰电力有限公司", "电工", "电工", OWN_COUNTY, "", "中专", 45),
        ("GW2", "宝丰饭店", "厨师", "中式烹调师", OWN_COUNTY, "", "", None),
        ("GW3", "叶县电机厂", "电工", "电工", OTHER_COUNTY, "", "初中", 50),
        ("GW4", "绍兴印染有限公司", "印染挡车工", "印染操作人员", "", "绍兴市", "", 50),
    ]
    for n, (pid, employer, title, occ, region, city, edu, age) in enumerate(postings, 2):
        JobPosting.objects.create(
            line=n, posting_id=pid, employer_name=employer, title=title, occupation=occ,
            region_code=region, city=city, education_min=edu, age_max=age, openings=2,
            description=f"负责{title}相关工作", **common,
        )  # fmt: skip
    reg_batch = ImportBatch.objects.create(
        kind="unemployment_registrations", file_name="u.csv", sha256="2" * 64,
        archived_path="x", format="csv",
    )  # fmt: skip
    people = {}
    for n, (name, county, birth, desired, edu, phone) in enumerate(
        [
            ("张电工", OWN_COUNTY, "19800101", "电工", "中专", "13800000001"),
            ("李厨师", OWN_COUNTY, "19900101", "厨师", "初中", ""),
            ("王叶县", OTHER_COUNTY, "19850101", "电工", "高中", "13800000003"),
        ],
        1,
    ):
        id_number = make_id(county, birth, n)
        people[name] = Person.objects.create(
            id_number=id_number, name=name, gender="M", region_id=county,
            birth_date=date(int(birth[:4]), 1, 1), phone=phone,
        )  # fmt: skip
        UnemploymentRegistration.objects.create(
            batch=reg_batch, line=n + 1, person_id=id_number, name=name, region_code=county,
            registered_on=date(2022, 9, 1), education=edu, skills=desired, desired_job=desired,
        )  # fmt: skip
    return people
