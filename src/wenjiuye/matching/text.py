"""The text side of matching: Chinese words of a desired job, skills or a posting (jieba search
mode without punctuation, numbers, single characters and the postings' boilerplate), the two
documents compared, and the TF-IDF vectoriser that weighs their words.

A person's document is the desired job ×2 and the skills; a posting's is the title ×3, the
occupation ×2 and the description.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from wenjiuye.matching.cells import as_text

# Boilerplate of postings and registrations that says nothing about the job.
_STOP_TEXT = """负责 包吃 要求 待遇 以下 以上 周岁 学历 不限 及以上 身体健康 工作 地点 工作地点 缴纳
五险 一金 五险一金 包吃住 提供 宿舍 工作餐 节日 福利 带薪 年假 定期 体检 月休 岗前 培训 劳务 协作
岗位 人社 部门 统一 组织 输送 免费 乘车 由 和 与 及 的 等 或 无 有 在 对 并 人员 日常 相关"""
STOPWORDS = frozenset(_STOP_TEXT.split())
_PUNCT = re.compile(r"^[\W_\d]+$")


def _jieba() -> Any:
    import jieba  # noqa: PLC0415 (slow import, only when text is needed)

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=500_000)
def _tokens(text: str) -> tuple[str, ...]:
    out = []
    for tok in _jieba().cut_for_search(text):
        tok = tok.strip()
        if len(tok) < 2 or tok in STOPWORDS or _PUNCT.match(tok):
            continue
        out.append(tok)
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """jieba search-mode words of ``text`` without punctuation, numbers, single characters
    and the postings' boilerplate (:data:`STOPWORDS`)."""
    # Clauses are cached one by one: postings share most of their sentences.
    out: list[str] = []
    for part in re.split(r"[,,。;;、\s]+", text or ""):
        if part:
            out.extend(_tokens(part))
    return out


def person_document(desired_job: Any, skills: Any) -> str:
    desired = as_text(desired_job)
    return f"{desired} {desired} {as_text(skills)}"


def vacancy_document(title: Any, occupation: Any, description: Any) -> str:
    t, o = as_text(title), as_text(occupation)
    return f"{t} {t} {t} {o} {o} {as_text(description)}"


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=tokenize,
        preprocessor=None,
        lowercase=False,
        token_pattern=None,
        sublinear_tf=True,
        dtype=np.float32,
    )
