from __future__ import annotations

import pytest

from anxin.masking import styles


@pytest.mark.parametrize(
    ("fn", "raw", "masked"),
    [
        (styles.mask_phone, "13812345678", "138****5678"),
        (styles.mask_phone, "1065529988", "106*****88"),
        (styles.mask_phone, "110", "***"),
        (styles.mask_email, "zhang.wei@example.com", "z***@example.com"),
        (styles.mask_id_number, "11010519491231002X", "110105********002X"),
        (styles.mask_name, "张伟", "张*"),
        (styles.mask_name, "欧阳娜娜", "欧***"),
        (styles.mask_name, "Mary Smith", "M*** S***"),
        (styles.mask_address, "北京市朝阳区建国路88号", "北京市朝阳区****"),
        (styles.mask_address, "北京", "****"),
    ],
)
def test_masks(fn, raw: str, masked: str) -> None:
    assert fn(raw) == masked
