"""Chinese personal names: surname + one or two given-name characters, or surname + title.

Most two- and three-character strings that start with a surname character are ordinary words
(高兴, 周末, 金额), so a bare surname + given-name match is only reported where the context
says a name is there: a cue before it (我叫, 收件人, 客户) or after it (来电, 反映, 您好).
A surname followed by a title (王女士, 欧阳先生) is a name on its own, labelled with the title.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from anxin.pii.lexicon import load_lines, load_set

TITLES = ("先生", "女士", "小姐", "太太")
# Forms of address that make a name only right after a surname (刘经理, 郑老师, 司马经理): the
# person has no other name in the text, so the title is labelled with the surname. After a full
# name they stay outside the span (李强经理 is 李强), as job titles do.
SURNAME_TITLES = ("老师", "经理")
_ALL_TITLES = TITLES + SURNAME_TITLES

# Said right before a name, and only before a name: these outweigh the stoplist.
STRONG_LEFT_CUES = (
    "我叫", "她叫", "他叫", "叫做", "名叫", "名字是", "名字叫", "姓名", "姓名是", "名为", "联系人",
    "收件人", "收货人", "寄件人", "签收人", "户名", "开户名", "持卡人", "账户名", "中文名",
    "紧急联系人", "受益人", "被保人", "被保险人", "投保人", "领取人", "预订人", "入住人", "乘车人",
    "乘机人", "账户持有人", "法定代表人", "授权人", "代理人", "借款人", "收款人", "付款人",
    "汇款人", "订购人", "下单人", "对接人", "申请人", "称呼", "本人姓名", "真实姓名",
    "订票人", "购票人", "取票人", "取件人", "报案人", "委托人", "监护人", "担保人", "承租人",
    "出租人", "参保人", "就诊人", "学员", "学生姓名", "住户", "投诉人", "来电人", "报修人",
    "反映人", "举报人", "咨询人", "发件人", "发货人",
    "写成", "写上", "名字写", "本人", "全名", "名字", "姓名叫", "联系人姓名", "客户姓名",
    # Mixed texts introduce Chinese names in English too (my name is 王伟, recipient写林建).
    "name is", "Name", "name", "I'm", "I am", "recipient", "Recipient", "contact", "recipient写",
)  # fmt: skip
# May stand between a strong cue and the name (收件人是, 联系人为, recipient写, 本人叫).
LINKS = "是为写填叫"
# Often said before a name, but also before ordinary words. Unlike strong cues they must touch
# the name: after a speaker label (客户：) any word may follow.
LEFT_CUES = (
    "客户", "用户", "快递员", "写", "填", "填写", "您是", "你是", "我是", "找", "员工",
    "乘客", "负责人", "经办人", "坐席", "客服", "业务员", "销售", "工作人员", "送货员",
    "快递小哥", "维修师傅", "安装师傅", "家长", "患者", "业主", "房东", "租客", "买家", "卖家",
    "爱人", "父亲", "母亲", "哥哥", "姐姐", "弟弟", "妹妹", "朋友", "家人", "同学",
    "中心的", "客服的", "公司的", "部的", "店的", "站的", "组的", "工号",
    "师傅", "经理", "同事", "老公", "老婆", "妈妈", "爸爸", "儿子", "女儿", "丈夫", "妻子",
    "转给", "交给", "致", "署名", "叫", "专员", "顾问", "代表", "工程师", "写成", "改成", "抬头",
    "请问是", "是不是", "客户是", "配送员", "骑手", "主管", "班长", "组长", "护士", "医生", "律师",
)  # fmt: skip

# Characters that end a name after a strong cue: particles, pronouns, common verbs.
FUNCTION_CHARS = frozenset(
    "的是在了和与及或就也都还吗呢吧啊呀说来去到给被把让向从对为以等个们这那我你他她它电手"
    "不没很太又再才只已将会能要想老"
)

# Words that, right after a candidate, make it the start of an organisation's name (安捷物流).
ORG_SUFFIXES = (
    "物流", "快递", "速递", "保险", "银行", "公司", "集团", "科技", "电商", "商城", "客服", "中心",
    "门店", "超市", "医院", "学校", "大学", "酒店", "航空", "证券", "基金", "电器", "通信", "移动",
    "联通", "电信", "网络", "信息", "商贸", "贸易", "实业", "传媒", "文化", "教育", "置业", "地产",
    "物业", "汽车", "旅行", "控股", "股份", "有限", "分行", "支行", "营业厅", "app", "App", "APP",
)  # fmt: skip

# Said right after a name.
RIGHT_CUES = (
    "来电", "致电", "反映", "投诉", "您好", "你好", "为您服务", "本人", "的手机", "的电话",
    "的身份证", "的账户", "的账号", "的银行卡", "的地址", "的订单", "的快递", "已签收", "签收",
    "态度", "同学", "申请", "要求", "表示", "说", "反馈", "咨询", "办理", "确认", "留言",
    "询问", "称", "打来", "在吗", "签字", "报修", "就行", "就可以", "收", "代收", "服务", "一直",
    "总是", "告诉", "让", "给", "送", "上门", "联系", "打电话", "是我", "就是我",
    "配送", "派送", "处理", "负责", "跟进", "接待", "回复", "吗",
)  # fmt: skip


# Words that often follow a name straight on (孔德明明天上门, 王志强今天来电) and start with a
# character that could be a given name's: seeing one, the name ends before it.
WORDS_AFTER_NAME = (
    "明天", "今天", "昨天", "后天", "前天", "上午", "下午", "中午", "晚上", "早上", "马上",
    "刚才", "已经", "一直", "现在",
)  # fmt: skip
# Words ending in a surname character (感谢 ends in 谢): no name starts on their last character,
# so 感谢晋先生 is 晋先生, not 谢晋先生.
WORDS_ENDING_IN_SURNAME = frozenset(("感谢", "多谢", "谢谢", "致谢", "答谢", "鸣谢", "道谢"))


@functools.cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(compound, single) surnames."""
    names = load_lines("cn_surnames.txt")
    return frozenset(n for n in names if len(n) == 2), frozenset(n for n in names if len(n) == 1)


@functools.cache
def _surname_start_re() -> re.Pattern[str]:
    """Where a surname may start: one character class, so the regex engine skips the rest.

    Most characters of a text start no surname; testing each position in Python was most of the
    recognizer's time, while the regex engine finds the next candidate position in C.
    """
    compound, single = _surnames()
    chars = sorted(single | {name[0] for name in compound})
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def _stop_words() -> frozenset[str]:
    return load_set("cn_stop_words.txt")


def _given_chars() -> frozenset[str]:
    return load_set("cn_given_chars.txt")


def find_chinese_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, score) of each Chinese name, left to right, never overlapping."""
    surname_start = _surname_start_re()
    i = 0
    while (m := surname_start.search(text, i)) is not None:
        found = match_name_at(text, m.start())
        if found is None:
            i = m.start() + 1
            continue
        yield found
        i = found[1]


def match_name_at(text: str, start: int) -> tuple[int, int, float] | None:
    """The name starting at `start`, if a surname starts there and the context allows one."""
    surname_len = _surname_length(text, start)
    if not surname_len or text[start - 1 : start + 1] in WORDS_ENDING_IN_SURNAME:
        return None
    after = start + surname_len
    if text.startswith(_ALL_TITLES, after):
        title = next(t for t in _ALL_TITLES if text.startswith(t, after))
        return (start, after + len(title), 0.9)
    strong = _has_strong_cue(text, start)
    weak = not strong and _has_weak_cue(text, start)
    given, runs_on = _given_length(text, after, strong=strong, weak=weak)
    if not given:
        return None
    end = after + given
    for title in TITLES:
        if text.startswith(title, end):
            return (start, end + len(title), 0.9)
    if strong:
        return (start, end, 0.85)
    return _judge_weak_context(text, start, end, runs_on=runs_on)


def _has_strong_cue(text: str, start: int) -> bool:
    """A strong cue (我叫, 收件人) ends right before `start`, perhaps with 是/为/a colon between."""
    cue_end = _skip_back(text, start)
    if text.endswith(STRONG_LEFT_CUES, 0, cue_end):
        return True
    linked = cue_end > 0 and text[cue_end - 1] in LINKS
    return linked and text.endswith(STRONG_LEFT_CUES, 0, cue_end - 1)


def _judge_weak_context(
    text: str, start: int, end: int, *, runs_on: bool
) -> tuple[int, int, float] | None:
    """Keep a candidate that only a weak cue vouches for, unless it is a known word.

    A weak cue (客户, 是) or a cue after the name does not outweigh the stoplist, and none
    counts when name characters run on past the given name, since the name's end is then a guess.
    Strong cues (我叫, 收件人) are judged before this: 韩国 can be a name right after 她叫.
    """
    if runs_on or text[start : start + 2] in _stop_words() or text.startswith(ORG_SUFFIXES, end):
        return None
    if _has_weak_cue(text, start):
        return (start, end, 0.85)
    if text.startswith(RIGHT_CUES, end):
        return (start, end, 0.8)
    if _opens_turn(text, start, end):
        return (start, end, 0.75)
    return None


def _opens_turn(text: str, start: int, end: int) -> bool:
    """A full name (surname and two characters) that is the whole first phrase of a turn, right
    after the speaker label and before a comma: 客户：孟凡宇，我上周的退款到了没？"""
    if end - start < 3 or start == 0 or text[start - 1] not in "：:" or end >= len(text):
        return False
    # The line must start at most 6 characters back (the speaker label); looking no further
    # keeps this constant-time.
    lo = max(0, start - 7)
    newline = text.rfind("\n", lo, start)
    return (newline >= 0 or lo == 0) and text[end] in "，,"


def _has_weak_cue(text: str, start: int) -> bool:
    """A weak cue touches `start` (spaces allowed; a colon would make it a speaker label)."""
    cue_end = start
    while cue_end > 0 and text[cue_end - 1] == " ":
        cue_end -= 1
    return text.endswith(LEFT_CUES, 0, cue_end)


def _surname_length(text: str, start: int) -> int:
    compound, single = _surnames()
    if text[start : start + 2] in compound:
        return 2
    return 1 if text[start] in single else 0


def _given_length(text: str, start: int, *, strong: bool, weak: bool) -> tuple[int, bool]:
    """How many given-name characters follow (at most two), and whether more run on after them.

    Held-out names are not all in our character list, so a given name may also be made of any
    Han characters but function words: after a strong cue, which has already said a name comes,
    or after a weak cue touching the name when a boundary (，, 来电, 的) fixes its end.
    """
    known = _known_given_length(text, start)
    if known >= 2:
        # 孔德明明天上门: the third character starts a word (明天), so the name ends before it.
        return 2, known == 3 and not text.startswith(WORDS_AFTER_NAME, start + 2)
    n = known
    while n < 2 and start + n < len(text) and _may_end_name(text, start + n):
        n += 1
    if strong:
        # An unlisted character is only trusted where a boundary follows (李静翀，) and not where
        # the text runs on (李强经理 is 李强 + 经理).
        return (n, False) if n == known or _at_name_boundary(text, start + n) else (known, False)
    bracketed = weak and n > known and _at_name_boundary(text, start + n)
    return (n, False) if bracketed else (known, False)


def _known_given_length(text: str, start: int) -> int:
    """How many characters from our given-name list follow, counting up to three."""
    given = _given_chars()
    n = 0
    while n < 3 and start + n < len(text) and text[start + n] in given:
        n += 1
    return n


def _may_end_name(text: str, pos: int) -> bool:
    """Whether the character at `pos` may still belong to a given name we have no list entry for."""
    char = text[pos]
    if not "\u4e00" <= char <= "\u9fff" or char in FUNCTION_CHARS:
        return False
    return not text.startswith(RIGHT_CUES, pos) and not text.startswith(TITLES, pos)


def _at_name_boundary(text: str, pos: int) -> bool:
    """Whether a name may end right before `pos`: text ends, or no more name could follow."""
    return pos >= len(text) or not _may_end_name(text, pos)


def _skip_back(text: str, start: int) -> int:
    """Where a cue before `start` would end, allowing a colon or spaces between cue and name."""
    j = start
    while j > 0 and text[j - 1] in "：: ":
        j -= 1
    return j
