"""The built-in recognizers, as data.

Every regex is linear: each repeat has an upper bound (tests/pii/test_linear_time.py checks this
with regex_bounds), no repeated group contains a repeat over the same characters (so there are
few ways to split a match), and lookbehinds stop a match from starting inside a longer run of
digits or letters; each start position costs a bounded amount of work.
Start guards: not inside a word or number (`(?<![0-9A-Za-z])`), and for phones and cards not
right after a four-digit group (`6225 1381 2345 6789` holds no mobile number).
"""

from __future__ import annotations

from anxin.pii.recognizers import PatternSpec
from anxin.pii.spans import PiiType

_START = r"(?<![0-9A-Za-z])"
# A four-digit group standing on its own (`6225 1381 2345 6789`): what follows is the rest of a
# card, not a phone. `20231125 13812345678` is a date, then a phone.
_NOT_AFTER_GROUP = r"(?<![^\d]\d\d\d\d[ \-])(?<!^\d\d\d\d[ \-])"
# Nor right after a lone digit and a space (`3 2 0 1 0 2 1 9 8 9 …` is one number read digit by
# digit; no phone starts in its middle).
_NOT_AFTER_LONE_DIGIT = r"(?<![^\d]\d[ \-])"
# Between digits: written groups (space, dash, em dash) and spoken pauses (，、); 杠 is a dash
# read aloud. No ASCII comma (15,000,000,000 is an amount) and no dot (179.24.153.218 is an IP
# address): a dotted or slashed mobile number is only 138.1234.5678 or 138/1234/5678, one
# separator throughout, after an optional +86. (or +86/).
_SEP = r"[ \-—，、杠]{0,2}"

# Words that say a number is something else: orders, parcels, serials, codes, versions.
NOT_PERSONAL = (
    "订单", "订单号", "订单号码", "单号", "运单", "快递单", "物流单", "流水", "流水号", "交易号",
    "交易单号", "兑换码", "券码", "优惠码", "激活码", "卡密", "序列号", "编号", "工号", "验证码",
    "校验码", "分机", "型号", "版本", "批次", "发票号", "会员号", "账单号", "合同号", "工单号",
    "order", "order no", "order number", "order id", "tracking", "tracking number",
    "serial", "serial number", "transaction", "transaction id", "reference",
    "reference number", "invoice", "voucher", "coupon", "redeem", "redemption code",
    "otp", "verification code", "model", "version", "firmware", "extension", "ext.",
    "单据", "凭证号", "参考号", "受理号", "申请号", "退款单", "优惠券", "动态码", "短信码",
    "坐席号", "员工号", "取件码", "提货码", "qq号", "waybill", "parcel", "shipment", "case number",
    "case no", "case id", "ticket number", "ticket no", "claim number", "booking reference",
    "confirmation number", "confirmation code", "reservation number", "passcode", "pin code",
    "staff id", "agent id", "employee id", "employee number",
    "代码", "发票代码", "编码", "条码", "税号", "邮编", "批号", "isbn", "sku",
)  # fmt: skip
PHONE_WORDS = (
    "电话", "手机", "号码", "联系", "致电", "回电", "来电", "拨打", "打", "短信", "微信", "座机",
    "热线电话", "phone", "mobile", "cell", "call", "tel", "contact", "reach", "number", "text",
)  # fmt: skip
CARD_WORDS = (
    "卡号", "银行卡", "储蓄卡", "信用卡", "借记卡", "卡", "账号", "账户", "card", "visa",
    "mastercard", "amex", "account",
)  # fmt: skip
ID_WORDS = ("身份证", "证件", "身份", "id card", "id number", "identity", "resident id")

CN_MOBILE = PatternSpec(
    name="cn_mobile",
    starts="+0加8(1",
    type=PiiType.CN_MOBILE,
    regex=(
        _START + r"(?<!\+)" + _NOT_AFTER_GROUP + _NOT_AFTER_LONE_DIGIT
        + r"(?:(?:\+|00|加)[ ]?86(?:" + _SEP + r"|[./])|86[\-—]?|\(\+?86\)[ ]?)?"
        + r"(?:1" + _SEP + r"[3-9](?:" + _SEP + r"\d){9}|1[3-9]\d(?:\.\d{4}\.|/\d{4}/)\d{4})(?!\d)"
    ),
    score=0.85,
    validator="cn_mobile",
    context=PHONE_WORDS,
    negative_context=NOT_PERSONAL,
    spoken=True,
)  # fmt: skip

CN_LANDLINE = PatternSpec(
    name="cn_landline",
    starts="(0+",
    type=PiiType.CN_LANDLINE,
    regex=(
        _START + r"(?:\(0(?:10|2\d|[3-9]\d\d)\)|0(?:10|2\d|[3-9]\d\d)"
        r"|(?:\+|00)86[ \-—]?\(?(?:10|2\d|[3-9]\d\d)\)?)"
        r"(?:[ \-—]{0,2}|[./])[1-9]\d{2,3}[ \-—]?\d{4}(?!\d)"
    ),
    score=0.8,
    validator="cn_landline",
    context=PHONE_WORDS,
    negative_context=NOT_PERSONAL,
    spoken=True,
)

CN_ID = PatternSpec(
    name="cn_id",
    starts=r"\d",
    type=PiiType.CN_ID,
    # After a letter too (`ID440106…`): eighteen characters with a checksum rarely occur by chance.
    regex=r"(?<!\d)\d{6}[ \-]?(?:18|19|20)\d\d[ \-]?[01]\d[0-3]\d[ \-]?\d{3}[\dXx](?!\d)",
    score=0.95,
    validator="cn_id",
    context=ID_WORDS,
    negative_context=NOT_PERSONAL,
    spoken=True,
)

# One card shape for debit and credit cards: 4-4-4-4(-3) groups or plain 13-19 digits, and
# Amex's 4-6-5. The validators tell the networks apart.
_CARD = (
    _START + _NOT_AFTER_GROUP + r"(?:\d{4}[ \-]?\d{6}[ \-]?\d{5}"
    r"|\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,4}(?:[ \-]?\d{1,4})?)(?![ \-]?\d)"
)

BANK_CARD = PatternSpec(
    name="bank_card",
    starts=r"\d",
    type=PiiType.BANK_CARD,
    regex=_CARD,
    score=0.9,
    validator="bank_card",
    context=CARD_WORDS,
    negative_context=NOT_PERSONAL,
    spoken=True,
)

CREDIT_CARD = PatternSpec(
    name="credit_card",
    starts=r"\d",
    type=PiiType.CREDIT_CARD,
    regex=_CARD,
    score=0.9,
    validator="credit_card",
    context=CARD_WORDS,
    negative_context=NOT_PERSONAL,
)

EMAIL = PatternSpec(
    name="email",
    type=PiiType.EMAIL,
    regex=(
        r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
        r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
        r"(?![A-Za-z0-9\-@])"
    ),
    score=0.95,
    requires=("@",),
)

PASSPORT = PatternSpec(
    name="cn_passport",
    starts="EG",
    type=PiiType.PASSPORT,
    regex=_START + r"(?:[EG] ?\d{4} ?\d{4}|E[A-Z]\d{7})(?![0-9A-Za-z])",
    score=0.85,
    context=("护照", "passport", "旅行证件", "travel document", "证件", "签证", "出入境"),
    context_required=True,
    context_window=50,
)

# An address may run on from the word IP (IP2408:8207::1b, ip117.136.45.201); any other letter
# or digit before it means it is part of a longer token.
_AFTER_IP = r"(?<=[Ii][Pp])"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_HEX = r"[0-9A-Fa-f]{1,4}"
_VERSION_WORDS = (
    "版本", "版本号", "固件", "升级", "更新", "version", "firmware", "build", "release", "app",
    "upgrade", "update", "版", "系统", "客户端", "软件", "安卓", "android", "ios", "client",
    "ver.", "ver:",
)  # fmt: skip

IPV4 = PatternSpec(
    name="ipv4",
    starts=r"\d",
    type=PiiType.IP_ADDRESS,
    regex=(
        r"(?:(?<![0-9A-Za-z.])|" + _AFTER_IP + r")(?:" + _OCTET + r"\.){3}" + _OCTET
        + r"(?![0-9A-Za-z]|\.\d)"
    ),
    score=0.85,
    validator="ip_address",
    context=("ip", "地址", "address", "登录", "login", "logged"),
    negative_context=_VERSION_WORDS,
    negative_reach=15,
    negative_after=3,
    requires=(".",),
)  # fmt: skip

# Full, `::`-compressed, and IPv4-mapped (::ffff:192.0.2.128, whose dotted tail is part of it).
IPV6 = PatternSpec(
    name="ipv6",
    starts="0-9A-Fa-f:",
    type=PiiType.IP_ADDRESS,
    regex=(
        r"(?:(?<![0-9A-Za-z:.])|" + _AFTER_IP + r")(?:(?:" + _HEX + r":){7}" + _HEX
        + r"|::[Ff]{4}:(?:" + _OCTET + r"\.){3}" + _OCTET
        + r"|(?:" + _HEX + r"(?::" + _HEX + r"){0,6})?::(?:" + _HEX + r"(?::" + _HEX + r"){0,6})?)"
        + r"(?![0-9A-Za-z:]|\.\d)"
    ),
    score=0.85,
    validator="ip_address",
    context=("ip", "地址", "address", "登录", "login", "logged"),
    requires=(":",),
)  # fmt: skip

US_PHONE = PatternSpec(
    name="us_phone",
    starts=r"+(\d",
    type=PiiType.US_PHONE,
    regex=(
        _START + r"(?:\+?1[ \-.]?)?(?:\(\d{3}\)[ \-.]?|\d{3}[ \-.])\d{3}[ \-.]\d{4}"
        r"(?![0-9A-Za-z]|[ \-.]?\d)"
    ),
    score=0.8,
    validator="us_phone",
    context=PHONE_WORDS,
    negative_context=NOT_PERSONAL,
)

US_SSN = PatternSpec(
    name="us_ssn",
    starts=r"\d",
    type=PiiType.US_SSN,
    regex=r"(?<![0-9A-Za-z\-])\d{3}-\d{2}-\d{4}(?![0-9A-Za-z]|-\d)",
    score=0.85,
    validator="us_ssn",
    context=("ssn", "social security", "社会安全号", "社保号"),
    negative_context=NOT_PERSONAL,
    requires=("-",),
)

US_SSN_SPACED = PatternSpec(
    name="us_ssn_spaced",
    starts=r"\d",
    type=PiiType.US_SSN,
    regex=_START + r"\d{3} \d{2} \d{4}(?![0-9A-Za-z]| \d)",
    score=0.8,
    validator="us_ssn",
    context=("ssn", "social security"),
    context_required=True,
)

US_SSN_PLAIN = PatternSpec(
    name="us_ssn_plain",
    starts=r"\d",
    type=PiiType.US_SSN,
    regex=_START + r"\d{9}(?!\d)",
    score=0.75,
    validator="us_ssn",
    context=("ssn", "social security"),
    context_required=True,
    context_window=30,
)

BUILTIN_SPECS = (
    CN_MOBILE,
    CN_LANDLINE,
    CN_ID,
    BANK_CARD,
    CREDIT_CARD,
    EMAIL,
    PASSPORT,
    IPV4,
    IPV6,
    US_PHONE,
    US_SSN,
    US_SSN_SPACED,
    US_SSN_PLAIN,
)
