"""Fixtures of the monitoring tests: an empty ``Data``, the Spark session (session-scoped, only
started by the tests marked ``slow``) and a small layoff in the store for the Django side.
The builders are in ``tests/monitoring/factories.py``.
"""

from __future__ import annotations

import ibis
import pytest

from tests.factories import make_id, make_uscc
from tests.monitoring.factories import Data, write_contributions
from wenjiuye.core.reference import reference_load_default
from wenjiuye.intake.services import ingest_file


@pytest.fixture
def data() -> Data:
    return Data()


@pytest.fixture(scope="session")
def spark_session():
    from pyspark.sql import SparkSession  # noqa: PLC0415 (only the slow tests start Spark)

    session = (
        SparkSession.builder.master("local[2]")
        .appName("wenjiuye-monitoring-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_con(spark_session):
    return ibis.pyspark.connect(spark_session)


@pytest.fixture
def layoff(settings, tmp_path, regions):
    """A firm of 40 in 宝丰县 that loses 20 insured in March 2022."""
    settings.WENJIUYE_HOME = tmp_path
    reference_load_default()
    uscc = make_uscc("410421", 77)
    people = [make_id("410421", "19800101", i) for i in range(1, 41)]
    (tmp_path / "e.csv").write_text(
        f"uscc,name,region_code\n{uscc},宝丰丙公司,410421\n", encoding="utf-8"
    )
    ingest_file(path=tmp_path / "e.csv")
    for period, staff in (("202201", people), ("202202", people), ("202203", people[:20])):
        ingest_file(path=write_contributions(tmp_path / f"c{period}.csv", period, uscc, staff))
    return uscc
