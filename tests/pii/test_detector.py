"""Each structured type is found in its written and spoken forms, with original offsets, and
the look-alikes the corpus README lists are left alone."""

from __future__ import annotations

import pytest

from anxin.pii.detector import Detector, default_detector
from anxin.pii.overlap import resolve_overlaps
from anxin.pii.spans import PiiType, Span

DETECTOR = default_detector()

# (text, value that must be found exactly, type)
FOUND = [
    ("电话15239736758也打不通", "15239736758", PiiType.CN_MOBILE),
    ("电话138 1234 5678也打不通", "138 1234 5678", PiiType.CN_MOBILE),
    ("电话138-1234-5678。", "138-1234-5678", PiiType.CN_MOBILE),
    ("手机+86 13812345678", "+86 13812345678", PiiType.CN_MOBILE),
    ("手机+86-138-1234-5678", "+86-138-1234-5678", PiiType.CN_MOBILE),
    ("手机+8613812345678", "+8613812345678", PiiType.CN_MOBILE),
    ("手机0086 13812345678", "0086 13812345678", PiiType.CN_MOBILE),
    ("号码是１３８１２３４５６７８吗", "１３８１２３４５６７８", PiiType.CN_MOBILE),
    ("我的手机号是幺三八一二三四五六七八，", "幺三八一二三四五六七八", PiiType.CN_MOBILE),
    ("我的手机号是一三八一二三四五六七八", "一三八一二三四五六七八", PiiType.CN_MOBILE),
    ("号码幺三八，两三四洞，五六拐八。", "幺三八，两三四洞，五六拐八", PiiType.CN_MOBILE),
    ("号码是幺三八 〇〇〇〇 零零零零", "幺三八 〇〇〇〇 零零零零", PiiType.CN_MOBILE),
    ("号码是幺三八 1234 5678", "幺三八 1234 5678", PiiType.CN_MOBILE),
    ("公司座机是0512-5846953，", "0512-5846953", PiiType.CN_LANDLINE),
    ("座机010-12345678", "010-12345678", PiiType.CN_LANDLINE),
    ("座机(021)6123 4567", "(021)6123 4567", PiiType.CN_LANDLINE),
    ("座机（021）6123 4567", "（021）6123 4567", PiiType.CN_LANDLINE),
    ("座机0755-8765432转8021", "0755-8765432", PiiType.CN_LANDLINE),
    ("座机02112345678", "02112345678", PiiType.CN_LANDLINE),
    ("身份证号440106196403030005，", "440106196403030005", PiiType.CN_ID),
    ("身份证号11010519491231002X", "11010519491231002X", PiiType.CN_ID),
    ("身份证号11010519491231002x", "11010519491231002x", PiiType.CN_ID),
    ("身份证110105 19491231 002X。", "110105 19491231 002X", PiiType.CN_ID),
    ("收款卡号6230582240707196，", "6230582240707196", PiiType.BANK_CARD),
    ("卡号6222 0297 1661 9008 966的", "6222 0297 1661 9008 966", PiiType.BANK_CARD),
    ("my card 4611 7945 6678 8585.", "4611 7945 6678 8585", PiiType.CREDIT_CARD),
    ("card 5555555555554444 keeps", "5555555555554444", PiiType.CREDIT_CARD),
    ("card 2223003122003222 keeps", "2223003122003222", PiiType.CREDIT_CARD),
    ("on card 3469 813501 38180; refund", "3469 813501 38180", PiiType.CREDIT_CARD),
    ("邮箱linhuang1985@hotmail.com回复", "linhuang1985@hotmail.com", PiiType.EMAIL),
    ("sent to a.b+c@mail.example.com.cn.", "a.b+c@mail.example.com.cn", PiiType.EMAIL),
    ("护照号是E98838236。", "E98838236", PiiType.PASSPORT),
    ("passport number is EU8138030.", "EU8138030", PiiType.PASSPORT),
    ("passport号是G65707049", "G65707049", PiiType.PASSPORT),
    ("IP地址153.244.213.50登录过", "153.244.213.50", PiiType.IP_ADDRESS),
    ("from 10.0.0.1:8080 at", "10.0.0.1", PiiType.IP_ADDRESS),
    ("IP为2409:5cc5:abe5:9017:edca:b0c6:be87:de12，", "2409:5cc5:abe5:9017:edca:b0c6:be87:de12",
     PiiType.IP_ADDRESS),
    ("login from 2001:db8::8a2e:370:7334; pass", "2001:db8::8a2e:370:7334", PiiType.IP_ADDRESS),
    ("on file to 206-555-0194.", "206-555-0194", PiiType.US_PHONE),
    ("reach me at (415) 555-0123 any time", "(415) 555-0123", PiiType.US_PHONE),
    ("Social Security number is 551-77-6014.", "551-77-6014", PiiType.US_SSN),
]  # fmt: skip

# Look-alikes from the labelling rules: none of these texts holds personal data.
NOT_FOUND = [
    "请拨打400-820-8820或800-174-8761咨询",
    "我已经拨打过95588，也打了10086、12315、110和10109999",
    "订单号2023112512345678，麻烦帮我查",
    "您的订单DD20231125000123已经发出",
    "运单号SF1234567890123，快递单号YT4122482447577",
    "退款¥1,288.00，共1288元，RMB 3,500，$49.99",
    "2023年11月25日 下午3点，2023-11-25 14:30，20231125",
    "交易流水号785957489068288360，状态：处理中",
    "交易流水号440305197003305963，状态：处理中",
    "兑换码6260452461416389发给我",
    "兑换码6230582240707196发给我",
    "您尾号5915的银行卡，card ending in 4321",
    "转571，分机9429，工号57592，验证码061622",
    "设备型号SM-G9980，KFR-35GW",
    "App版本3.1.0.12，firmware 10.0.26.187 on the router",
    "客户反映App在4.6.10.172版本频繁闪退",
    "身份证号440106196403030006",
    "卡号6230582240707197",
    "SSN 666-12-3456, 000-12-3456, 123-00-4567, 123-45-0000",
    "号码E98838236",
    "一共一二三件",
    "退款单号13812345678已受理，case number 6230582240707196",
    "取件码 4111111111111111，confirmation number 440106196403030005",
]


@pytest.mark.parametrize(("text", "value", "kind"), FOUND)
def test_when_a_value_is_written_in_a_known_form_then_its_exact_span_is_found(
    text: str, value: str, kind: PiiType
):
    spans = DETECTOR.detect(text)
    assert [(text[s.start : s.end], s.type) for s in spans] == [(value, kind)]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_when_a_number_only_looks_personal_then_nothing_is_flagged(text: str):
    assert DETECTOR.detect(text) == []


def test_when_the_text_mixes_types_then_spans_are_sorted_and_typed():
    text = "客户：手机幺三八一二三四五六七八，邮箱abc@qq.com，身份证440106196403030005"
    spans = DETECTOR.detect(text)
    assert [s.type for s in spans] == [PiiType.CN_MOBILE, PiiType.EMAIL, PiiType.CN_ID]
    assert spans[0].start == text.index("幺")


def test_when_a_nearer_word_says_phone_then_an_earlier_order_word_does_not_suppress():
    text = "订单号DD20231125000123，联系电话13812345678"
    assert [text[s.start : s.end] for s in DETECTOR.detect(text)] == ["13812345678"]


def test_when_candidates_overlap_then_higher_score_then_longer_wins():
    low, high = Span(0, 10, PiiType.CN_MOBILE, 0.5), Span(5, 12, PiiType.CN_ID, 0.9)
    short, long = Span(20, 22, PiiType.EMAIL, 0.7), Span(20, 25, PiiType.EMAIL, 0.7)
    assert resolve_overlaps([low, high, short, long]) == [high, long]


class _Fixed:
    """A stand-in for the PERSON recognizer another module provides."""

    name = "fixed"
    types = (PiiType.PERSON,)

    def find(self, text: str) -> list[Span]:
        return [Span(0, 2, PiiType.PERSON, 0.9)] if text.startswith("王磊") else []


def test_when_extra_recognizers_are_given_then_their_spans_join_the_result():
    detector = default_detector(extra=[_Fixed()])
    spans = detector.detect("王磊的手机13812345678")
    assert [s.type for s in spans] == [PiiType.PERSON, PiiType.CN_MOBILE]
    assert Detector([_Fixed()]).detect("王磊") == [Span(0, 2, PiiType.PERSON, 0.9)]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("手机86-13812345678", "86-13812345678", PiiType.CN_MOBILE),
        ("号码幺三八、幺二三四、五六七八", "幺三八、幺二三四、五六七八", PiiType.CN_MOBILE),
        ("电话 +86-21-6123-4567 转 8", "+86-21-6123-4567", PiiType.CN_LANDLINE),
        ("座机0571—87654321", "0571—87654321", PiiType.CN_LANDLINE),
        ("身份证110105 1949 1231 002X", "110105 1949 1231 002X", PiiType.CN_ID),
        ("SSN: 551776014.", "551776014", PiiType.US_SSN),
        ("my SSN 551 77 6014", "551 77 6014", PiiType.US_SSN),
    ],
)
def test_when_a_less_common_form_is_used_then_it_is_still_found(
    text: str, value: str, kind: PiiType
):
    assert [(text[s.start : s.end], s.type) for s in DETECTOR.detect(text)] == [(value, kind)]


def test_when_an_amount_has_thousands_commas_then_it_is_not_a_mobile():
    assert DETECTOR.detect("共15,000,000,000元") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20231125 13812345678", ["13812345678"]),
        ("号码幺三八杠幺二三四杠五六七八", ["幺三八杠幺二三四杠五六七八"]),
        ("证件号码G12345678", ["G12345678"]),
        ("坐席：请提供护照号码。\n客户：E12345678", ["E12345678"]),
        ("客户：订单号我忘了。\n客户：我的手机13812345678", ["13812345678"]),
        ("客户：这是订单号。\n13812345678", ["13812345678"]),
        ("客户来电咨询。异常登录IP为179.24.153.218，已冻结", ["179.24.153.218"]),
        ("号码是 3 2 0 1 0 2 1 9 8 9 0 1 2 0 7 6 5 8", []),
        ("护照号码：E 1234 5678", ["E 1234 5678"]),
        ("升级到3.1.0.12后闪退", []),
        ("卡号6225 1381 2345 6789 1", []),
        ("号码是幺38 1234 5678", ["幺38 1234 5678"]),
        ("我的ID440106196403030005", ["440106196403030005"]),
        ("系统 8.1.0.2 有bug", []),
        ("3.1.0.12版有bug", []),
        ("一一对应，一二三四五", []),
        ("手机壹叁捌壹贰叁肆伍陆柒捌", ["壹叁捌壹贰叁肆伍陆柒捌"]),
        ("号码是加八六，幺三八，幺二三四，五六七八", ["加八六，幺三八，幺二三四，五六七八"]),
        ("号码是零零八六 幺三八幺二三四五六七八", ["零零八六 幺三八幺二三四五六七八"]),
        ("金额壹仟贰佰叁拾肆元", []),
        ("身份证幺幺零幺零五幺九四九幺二三幺零零二叉", ["幺幺零幺零五幺九四九幺二三幺零零二叉"]),
        ("server 10.1.2.3 is down, firmware ver. 1.2.3.4", ["10.1.2.3"]),
    ],
)
def test_when_groups_dates_or_versions_border_a_value_then_only_the_value_is_found(
    text: str, expected: list[str]
):
    assert [text[s.start : s.end] for s in DETECTOR.detect(text)] == expected
