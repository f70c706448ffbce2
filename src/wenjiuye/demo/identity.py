"""Synthetic but valid identifiers: resident ID numbers (GB 11643), credit codes (GB 32100)."""

from __future__ import annotations

import random
from datetime import date

from wenjiuye.core.identifiers import resident_id_check_char, uscc_check_char

#: Characters allowed in a credit code (no I, O, Z, S, V); also used for new-style organisation codes.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_uscc(rng: random.Random, *, org_type: str, division: str, new_style: bool) -> str:
    """A credit code registered by 市场监管 (authority ``9``) in ``division``.

    ``new_style`` codes carry an organisation code of the ``MA…`` series issued since 2015; the
    others an old all-digit organisation code.
    """
    if new_style:
        body = "MA" + "".join(rng.choice(USCC_CHARS[:10] * 3 + USCC_CHARS[10:]) for _ in range(6))
    else:
        body = str(rng.choice((0, 1, 3, 5, 6, 7))) + f"{rng.randrange(10**7):07d}"
    first17 = f"9{org_type}{division}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


def make_resident_id(address_code: str, birth: date, sequence: int) -> str:
    """``sequence`` is 0..999; odd for men, even for women (GB 11643 §5.3)."""
    first17 = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)
