"""PII redaction: generated valid IDs, phones, cards and e-mails inside Chinese text are
masked; look-alikes (order numbers, timestamps, prices, invalid IDs and cards) stay.

Valid values are generated here from their rules (GB 11643 check character, Luhn), so
the tests do not share code with the checks they test.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from svcinsight import privacy
from svcinsight.privacy import find_pii, luhn_valid, redact, valid_id_number

PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
             46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
# Chinese sentence frames: the value sits between Chinese characters with no spaces.
FRAMES = ["我的号码是{}请尽快联系", "身份证{}已提交。", "{}", "卡号：{}，谢谢", "联系方式{}！",
          "请打{}找我", "（{}）", "邮箱{}收"]


def id_check_char(first17: str) -> str:
    # GB 11643-1999: weights 2^(17-i) mod 11, check code table "10X98765432".
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def make_id(rng) -> str:
    region = f"{rng.choice(PROVINCES)}{rng.integers(1, 100):02d}{rng.integers(1, 100):02d}"
    born = dt.date(1930, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 90)))
    first17 = region + born.strftime("%Y%m%d") + f"{rng.integers(0, 1000):03d}"
    return first17 + id_check_char(first17)


def luhn_complete(partial: str) -> str:
    # The digit that makes partial + digit pass Luhn.
    for d in "0123456789":
        digits = [int(c) for c in partial + d][::-1]
        total = sum(x if i % 2 == 0 else (x * 2 - 9 if x * 2 > 9 else x * 2)
                    for i, x in enumerate(digits))
        if total % 10 == 0:
            return partial + d
    raise AssertionError("unreachable")


def make_card(rng) -> str:
    prefix, length = [("4", 16), ("51", 16), ("55", 16), ("62", 16), ("62", 19), ("37", 15),
                      ("35", 16), ("2221", 16), ("6011", 16)][rng.integers(0, 9)]
    body = prefix + "".join(str(d) for d in rng.integers(0, 10, length - len(prefix) - 1))
    return luhn_complete(body)


def spaced(number: str, rng) -> str:
    if len(number) == 15:  # Amex 4-6-5
        parts = [number[:4], number[4:10], number[10:]]
    else:
        parts = [number[i:i + 4] for i in range(0, len(number), 4)]
    return [" ", "-", ""][rng.integers(0, 3)].join(parts)


def make_mobile(rng) -> str:
    mobile = f"1{rng.integers(3, 10)}{rng.integers(0, 10**9):09d}"
    shapes = [
        mobile,
        f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
        f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        f"+86{mobile}",
        f"+86-{mobile}",
        f"0086-{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
        f"(+86){mobile}",
        f"86{mobile}",
    ]
    return shapes[rng.integers(0, len(shapes))]


def make_landline(rng) -> str:
    # 010 and 02x carry 8-digit numbers; four-digit area codes 7 or 8 digits.
    if rng.random() < 0.5:
        area, length = str(rng.choice(["010", "020", "021", "025", "027", "028"])), 8
    else:
        area, length = str(rng.choice(["0755", "0571", "0311", "0594", "0898"])), int(rng.integers(7, 9))
    number = "".join(str(d) for d in rng.integers(0, 10, length))
    shapes = [f"{area}-{number}", f"({area}){number}", f"（{area}）{number}",
              f"{area} {number}", f"+86 {area[1:]} {number}", f"+86-{area[1:]}-{number}",
              f"{area}{number}"]
    return shapes[rng.integers(0, len(shapes))]


def make_email(rng) -> str:
    user = rng.choice(["zhang.wei", "li_na", "amy.liu+cs", "w123", "service-fan"])
    domain = rng.choice(["example.com", "example.cn", "mail.example.com.cn", "qq.example.org"])
    return f"{user}{rng.integers(1, 1000)}@{domain}"


def embedded(value: str, rng) -> str:
    return FRAMES[rng.integers(0, len(FRAMES))].format(value)


@pytest.mark.parametrize(("maker", "kind"), [
    (make_id, "id"), (make_mobile, "phone"), (make_landline, "phone"), (make_email, "email"),
])
def test_generated_values_in_chinese_sentences_are_masked(rng, maker, kind):
    for _ in range(300):
        value = maker(rng)
        text = embedded(value, rng)
        out = redact(text)
        assert value not in out and f"[{kind}]" in out, (text, out)
        # Nothing but the value changed.
        assert out == text.replace(value, f"[{kind}]"), (text, out)


def test_generated_cards_with_and_without_separators_are_masked(rng):
    for _ in range(300):
        number = make_card(rng)
        value = spaced(number, rng) if rng.random() < 0.5 else number
        text = embedded(value, rng)
        assert redact(text) == text.replace(value, "[card]"), text


def test_generated_ids_pass_the_validator_and_one_wrong_character_fails(rng):
    for _ in range(500):
        number = make_id(rng)
        assert valid_id_number(number)
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        assert not valid_id_number(wrong)
        assert redact(f"证件号{wrong}已提交") == f"证件号{wrong}已提交"


@pytest.mark.parametrize("text", [
    "手机+86 138 0013 8000请回电", "13800138000", "电话0086-138-0013-8000",
    "座机021-12345678转人工", "北京(010)12345678", "深圳0755-1234567", "我是13800138000，谢谢",
    "call me on +86 21 1234 5678 please", "号码１３８００１３８０００", "电话：138-0013-8000。",
])
def test_phone_shapes_from_the_brief(text):
    out = redact(text)
    assert "[phone]" in out
    assert not any(ch.isdigit() for ch in out.replace("[phone]", "")), out


@pytest.mark.parametrize("text", [
    "订单号2024050112345678已发货",          # 16 digits, no card prefix
    "订单号202405011234567890",              # 18 digits, 20 is no province
    "下单时间2026-05-01 12:30:45",
    "流水20260501123045",                    # 14-digit timestamp
    "时间戳1714550400000",                   # 13-digit epoch ms: card length, no card prefix
    "价格¥1,299.00，优惠￥50",
    "共计12,345,678.90元",
    "身份证110105194912310021",              # wrong check character
    "身份证110105194902300027",              # 30 February
    "卡号4111 1111 1111 1112",               # Luhn fails
    "卡号6222020200000000001",               # Luhn fails (19 digits)
    "工单号1380013800012",                   # 13 digits: a mobile inside a longer run
    "快递单号SF1234567890123",
    "订单号4111111111111111",                # Luhn-valid but labelled as an order
    "order #5555555555554444 shipped",
    "版本 2.13.8001.38000",
    "2024年5月1日 10:30",
    "编号0123456789",                        # 012 is no area code
])
def test_look_alikes_stay(text):
    assert redact(text) == text
    assert find_pii(text) == []


def test_demo_test_values_are_masked():
    text = "我的卡号是4111 1111 1111 1111，被重复扣款了。身份证号11010519491231002X已经提交过了。"
    assert redact(text) == "我的卡号是[card]，被重复扣款了。身份证号[id]已经提交过了。"


def test_find_pii_reports_kind_and_span():
    text = "邮箱a.b@example.cn电话13912345678身份证11010519491231002X"
    found = find_pii(text)
    assert [(m.kind, text[m.start:m.end]) for m in found] == [
        ("email", "a.b@example.cn"), ("phone", "13912345678"), ("id", "11010519491231002X")]


def test_masks_and_kinds_are_configurable():
    text = "电话13912345678，邮箱a@example.com"
    assert redact(text, mask={"phone": "[手机号]"}) == "电话[手机号]，邮箱[email]"
    assert redact(text, mask="***") == "电话***，邮箱***"
    assert redact(text, kinds=("email",)) == "电话13912345678，邮箱[email]"
    with pytest.raises(ValueError, match="unknown kind"):
        redact(text, kinds=("address",))
    with pytest.raises(ValueError, match="unknown kind"):
        redact(text, mask={"adress": "x"})


def test_series_in_series_out_same_as_one_by_one(rng):
    texts = [embedded(f(rng), rng) for f in (make_id, make_mobile, make_landline, make_email,
                                              make_card) for _ in range(40)]
    texts += ["订单号2024050112345678", "价格¥1,299.00", None, ""]
    series = pd.Series(texts, index=np.arange(len(texts)) * 2, name="comment", dtype="string")
    out = redact(series)
    assert isinstance(out, pd.Series)
    assert out.index.equals(series.index) and out.name == "comment"
    expected = [None if t is None else redact(t) for t in texts]
    assert [None if pd.isna(v) else v for v in out] == expected


def test_missing_passes_through():
    assert redact(None) is None
    assert redact("") == ""
    with pytest.raises(TypeError):
        redact(12345)


def test_real_reviews_fake_contacts_are_masked(shared_data):
    reviews = pd.read_csv(shared_data / "chnsenticorp_hotel_reviews.csv")["review"]
    out = redact(reviews)
    # The data README names someone@example.com, but this copy has no such address; its
    # one e-mail is written without the domain ending ("...@163"), masked as an address.
    fakes = ("13800000000", "0311-00000000", "0594-0000000", "0791-0000000", "0888-0000000",
             "yang-hu-@163")
    for fake in fakes:
        assert reviews.str.contains(fake, regex=False).any(), fake
        assert not out.str.contains(fake, regex=False).any(), fake
    assert out.str.count(r"\[phone\]").sum() == 10
    assert out.str.count(r"\[email\]").sum() == 1
    changed = out.fillna("") != reviews.fillna("")
    # Only those rows change; hotlines (400-820-6666), dates and room numbers stay.
    assert changed.sum() == reviews[changed].str.contains("|".join(fakes), regex=True).sum()
    assert out.str.contains("400-820-6666", regex=False).any()


def test_kinds_constant_matches_default_masks():
    assert set(privacy.KINDS) == set(privacy.MASKS)
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
