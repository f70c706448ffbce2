"""The two baselines of ``monitor.py`` for the reported month: (b) hand-written DuckDB SQL and
(a) plain pandas, computing the same five results as the engine (their row counts are compared)."""

from __future__ import annotations

import time
from pathlib import Path

from monitor_lake import label, month_end, month_start

COUNTED = ("enterprise_month", "layoff_suspected", "si_break", "rbc", "bwc")


HAND_SQL = """
CREATE TEMP TABLE pe AS
SELECT uscc, person_id, period,
       max((status = 'paid')::INT) AS paid, max((status = 'arrears')::INT) AS arrears
FROM read_parquet({files}, hive_partitioning = true, hive_types_autocast = false)
GROUP BY ALL;

CREATE TEMP TABLE em AS
WITH present AS (
  SELECT bool_or(period = '{prev}') AS prev_present, bool_or(period = '{back}') AS k_present
  FROM (SELECT DISTINCT period FROM pe)
), cur AS (
  SELECT uscc, count(*) AS hc, sum(arrears) AS ar, sum(paid) AS pd
  FROM pe WHERE period = '{period}' GROUP BY uscc
), prv AS (
  SELECT uscc, count(*) AS hc, sum(paid) AS pd FROM pe WHERE period = '{prev}' GROUP BY uscc
), stay AS (
  SELECT c.uscc, count(*) AS n
  FROM pe c JOIN pe p ON c.uscc = p.uscc AND c.person_id = p.person_id
  WHERE c.period = '{period}' AND p.period = '{prev}' GROUP BY c.uscc
), kb AS (
  SELECT uscc, count(*) AS kh FROM pe WHERE period = '{back}' GROUP BY uscc
), keys AS (
  SELECT coalesce(cur.uscc, prv.uscc) AS uscc, coalesce(cur.hc, 0) AS hc, coalesce(prv.hc, 0) AS ph,
         coalesce(cur.ar, 0) AS ar, coalesce(cur.pd, 0) AS pd, coalesce(prv.pd, 0) AS ppd
  FROM cur FULL OUTER JOIN prv ON cur.uscc = prv.uscc
)
SELECT keys.uscc, hc AS headcount,
       CASE WHEN prev_present THEN ph END AS prev_headcount,
       CASE WHEN prev_present THEN hc - coalesce(stay.n, 0) END AS joiners,
       CASE WHEN prev_present THEN ph - coalesce(stay.n, 0) END AS leavers,
       ar AS arrears_persons, pd AS paid_persons,
       CASE WHEN prev_present THEN ppd END AS prev_paid_persons,
       CASE WHEN k_present THEN coalesce(kb.kh, 0) END AS headcount_k_before
FROM keys CROSS JOIN present
LEFT JOIN stay ON stay.uscc = keys.uscc
LEFT JOIN kb ON kb.uscc = keys.uscc
WHERE hc > 0 OR (prev_present AND ph > 0);

CREATE TEMP TABLE layoff_suspected AS
WITH d AS (
  SELECT *, prev_headcount - headcount AS dec, headcount_k_before - headcount AS dec_k FROM em
), m AS (
  SELECT *,
    coalesce(dec >= {min_people} OR (dec >= {small_people}
             AND dec / nullif(prev_headcount, 0) >= {min_share} - 1e-9), false) AS monthly,
    coalesce(dec_k >= {min_people} OR (dec_k >= {small_people}
             AND dec_k / nullif(headcount_k_before, 0) >= {min_share} - 1e-9), false)
      AND coalesce(dec > 0, false) AS rolling
  FROM d
)
SELECT uscc, CASE WHEN monthly AND rolling THEN greatest(dec, dec_k) WHEN monthly THEN dec
                  ELSE dec_k END AS people
FROM m WHERE monthly OR rolling;

CREATE TEMP TABLE si_break AS
SELECT uscc, prev_headcount AS people FROM em
WHERE prev_headcount >= {break_min} AND prev_paid_persons > 0 AND paid_persons = 0;

CREATE TEMP TABLE paid AS
SELECT person_id, min(uscc) AS paid_uscc, count(DISTINCT uscc) AS paid_employers
FROM pe WHERE period = '{period}' AND paid = 1 GROUP BY person_id;

CREATE TEMP TABLE rbc AS
SELECT r.person_id, r.registered_on, r.region_code, p.paid_uscc, p.paid_employers
FROM (
  SELECT person_id, max(registered_on) AS registered_on, max(region_code) AS region_code
  FROM read_parquet('{root}/unemployment_registrations/*.parquet')
  WHERE registered_on <= DATE '{start}' AND (ended_on IS NULL OR ended_on >= DATE '{end}')
  GROUP BY person_id
) r JOIN paid p USING (person_id);

CREATE TEMP TABLE bwc AS
SELECT b.person_id, b.kind, b.kinds, b.amount, p.paid_uscc, e.region_code
FROM (
  SELECT person_id, min(kind) AS kind, count(DISTINCT kind) AS kinds, sum(amount) AS amount
  FROM read_parquet('{root}/benefit_payments/period={period}/*.parquet')
  WHERE person_id IS NOT NULL GROUP BY person_id
) b JOIN paid p USING (person_id)
LEFT JOIN (SELECT uscc, max(region_code) AS region_code
           FROM read_parquet('{root}/enterprises/*.parquet') GROUP BY uscc) e
  ON e.uscc = p.paid_uscc;
"""


def _months_needed(period: str) -> tuple[str, str, str, int]:
    from wenjiuye.core.periods import period_to_index  # noqa: PLC0415
    from wenjiuye.monitoring.params import RuleParams  # noqa: PLC0415

    pidx = period_to_index(period)
    k = RuleParams().layoff_rolling_months
    return label(pidx), label(pidx - 1), label(pidx - k), pidx


def phase_hand(root: Path, period: str, limit: str) -> dict:
    import duckdb  # noqa: PLC0415

    from wenjiuye.monitoring.params import RuleParams  # noqa: PLC0415

    p = RuleParams()
    period, prev, back, pidx = _months_needed(period)
    lake = root / "lake"
    folders = [lake / "si_contributions" / f"period={x}" for x in (period, prev, back)]
    files = [str(f / "*.parquet") for f in folders if f.is_dir()]
    sql = HAND_SQL.format(
        files="[" + ", ".join(f"'{f}'" for f in files) + "]",
        root=lake,
        period=period,
        prev=prev,
        back=back,
        start=month_start(pidx),
        end=month_end(pidx),
        min_people=p.layoff_min_people,
        small_people=p.layoff_small_firm_min_people,
        min_share=p.layoff_min_share,
        break_min=p.si_break_min_insured,
    )
    t0 = time.perf_counter()
    con = duckdb.connect()
    if limit:
        con.execute(f"SET memory_limit = '{limit}'")
    con.execute(f"SET temp_directory = '{root.parent / 'duckdb-tmp'}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(sql)
    # fetch the results as the engine does (Arrow tables)
    tables = {name: con.table(name).to_arrow_table() for name in ("em", *COUNTED[1:])}
    seconds = time.perf_counter() - t0
    counts = {"enterprise_month": tables["em"].num_rows}
    counts.update({name: tables[name].num_rows for name in COUNTED[1:]})
    return {"seconds": seconds, "counts": counts}


def phase_pandas(root: Path, period: str) -> dict:
    import pandas as pd  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from wenjiuye.monitoring.params import RuleParams  # noqa: PLC0415

    p = RuleParams()
    period, prev, back, pidx = _months_needed(period)
    lake = root / "lake"
    t0 = time.perf_counter()
    frames = []
    for x in (period, prev, back):
        folder = lake / "si_contributions" / f"period={x}"
        if folder.is_dir():
            df = pq.read_table(folder, columns=["uscc", "person_id", "status"]).to_pandas()
            df["period"] = x
            frames.append(df)
    c = pd.concat(frames, ignore_index=True)
    c["paid"] = (c["status"] == "paid").astype("int64")
    c["arrears"] = (c["status"] == "arrears").astype("int64")
    pe = c.groupby(["uscc", "person_id", "period"], as_index=False, sort=False)[
        ["paid", "arrears"]
    ].max()
    del c
    present = set(pe["period"].unique())
    prev_present, k_present = prev in present, back in present
    cur_pe, prv_pe = pe[pe["period"] == period], pe[pe["period"] == prev]
    cur = cur_pe.groupby("uscc").agg(hc=("person_id", "size"), ar=("arrears", "sum"))
    cur["pd"] = cur_pe.groupby("uscc")["paid"].sum()
    prv = prv_pe.groupby("uscc").agg(ph=("person_id", "size"), ppd=("paid", "sum"))
    stay = (
        cur_pe[["uscc", "person_id"]]
        .merge(prv_pe[["uscc", "person_id"]], on=["uscc", "person_id"])
        .groupby("uscc")
        .size()
        .rename("stay")
    )
    kb = pe[pe["period"] == back].groupby("uscc").size().rename("kb")
    em = cur.join(prv, how="outer").join(stay).join(kb)
    em = em.fillna(0).astype("int64")
    em = em[(em["hc"] > 0) | (prev_present & (em["ph"] > 0))]
    em["joiners"] = em["hc"] - em["stay"]
    em["leavers"] = em["ph"] - em["stay"]

    def meets(d: pd.Series, base: pd.Series) -> pd.Series:
        share = d / base.where(base != 0)
        return (d >= p.layoff_min_people) | (
            (d >= p.layoff_small_firm_min_people) & (share >= p.layoff_min_share - 1e-9)
        )

    dec = em["ph"] - em["hc"]
    monthly = meets(dec, em["ph"]) if prev_present else pd.Series(False, index=em.index)
    rolling = (
        meets(em["kb"] - em["hc"], em["kb"]) & (dec > 0) & prev_present
        if k_present
        else pd.Series(False, index=em.index)
    )
    layoff = em[monthly | rolling]
    si_break = (
        em[(em["ph"] >= p.si_break_min_insured) & (em["ppd"] > 0) & (em["pd"] == 0)]
        if prev_present
        else em.iloc[:0]
    )
    paid = (
        cur_pe[cur_pe["paid"] == 1]
        .groupby("person_id")["uscc"]
        .agg(paid_uscc="min", paid_employers="nunique")
    )
    regs = pq.read_table(lake / "unemployment_registrations").to_pandas()
    start, end = pd.Timestamp(month_start(pidx)), pd.Timestamp(month_end(pidx))
    reg_on, ended = pd.to_datetime(regs["registered_on"]), pd.to_datetime(regs["ended_on"])
    regs = regs[(reg_on <= start) & (ended.isna() | (ended >= end))]
    regs = regs.groupby("person_id").agg(
        registered_on=("registered_on", "max"), region_code=("region_code", "max")
    )
    rbc = regs.join(paid, how="inner")
    bp = pq.read_table(lake / "benefit_payments" / f"period={period}").to_pandas()
    bp = (
        bp[bp["person_id"].notna()]
        .groupby("person_id")
        .agg(kind=("kind", "min"), kinds=("kind", "nunique"), amount=("amount", "sum"))
    )
    ent = pq.read_table(lake / "enterprises", columns=["uscc", "region_code"]).to_pandas()
    ent = ent.groupby("uscc")["region_code"].max()
    bwc = bp.join(paid, how="inner")
    bwc = bwc.merge(ent, left_on="paid_uscc", right_index=True, how="left")
    seconds = time.perf_counter() - t0
    counts = {
        "enterprise_month": len(em),
        "layoff_suspected": len(layoff),
        "si_break": len(si_break),
        "rbc": len(rbc),
        "bwc": len(bwc),
    }
    return {"seconds": seconds, "counts": counts, "loaded_rows": int(len(pe))}
