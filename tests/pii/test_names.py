"""PersonRecognizer: Chinese and English names with exact offsets, look-alikes left alone."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.pii.timing import LIMIT, growth_ratio

from anxin.pii.names import PersonRecognizer
from anxin.pii.spans import PiiType

RECOGNIZER = PersonRecognizer()


def names_in(text: str) -> list[str]:
    return [text[s.start : s.end] for s in RECOGNIZER.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户：我叫赵磊艳，手机号一会儿发你。", ["赵磊艳"]),
        ("客户：我帮我妈妈问的，她叫陈涵，手机15589。", ["陈涵"]),
        ("用户：地址没错，收件人梁兰，电话157。", ["梁兰"]),
        ("工单描述：客户胡红涵来电反映，订单未到。", ["胡红涵"]),
        ("用户：你们快递员梁琳婷态度很差。", ["梁琳婷"]),
        ("用户：名字是陈鹏。", ["陈鹏"]),
        ("工单：开户名马晨超。", ["马晨超"]),
        ("工单：持卡人赵敏反馈卡片被盗刷。", ["赵敏"]),
        ("坐席：您好，我是客服专员刘洋，请问有什么可以帮您？", ["刘洋"]),
    ],
)
def test_when_a_cue_introduces_a_chinese_name_then_exactly_the_name_is_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户：她叫欧阳秀文，是我姐姐。", ["欧阳秀文"]),
        ("客户：收件人写上官婉儿就行。", ["上官婉儿"]),
        ("坐席：请问您是司马女士吗？", ["司马女士"]),
        ("客户：联系人：诸葛先生。", ["诸葛先生"]),
    ],
)
def test_when_the_surname_is_compound_then_both_characters_are_in_the_span(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("坐席：请问您是王女士吗？", ["王女士"]),
        ("客服：李先生您好，请问您的联系电话是多少？", ["李先生"]),
        ("联系人：张小姐。", ["张小姐"]),
        ("坐席：请问是李娜女士本人吗？", ["李娜女士"]),
    ],
)
def test_when_a_title_follows_the_name_then_the_title_is_part_of_the_span(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


def test_offsets_point_at_the_name_in_the_original_text():
    text = "坐席：您好。\n客户：我叫张伟，电话稍后给你。"
    [span] = RECOGNIZER.find(text)
    assert (span.start, span.end, span.type) == (12, 14, PiiType.PERSON)
    assert 0.0 < span.score <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "客户：我今天很高兴，周末方便的话安排一下。",
        "客户：王者荣耀的充值金额不对，文件也没有收到。",
        "客户：黄色的那件衣服，马上帮我退了，白色的留着。",
        "坐席：何时到账？任何问题请联系我们，于是我们问了林业局。",
        "客户：钱包丢了，常见问题里也没写。",
        "客户：张贴的告示我看到了。",
        "坐席：您好，这里是平顺保险客服中心。\n客户：好的。",
        "客户：我在北京工作。",
    ],
)
def test_when_common_words_start_with_a_surname_character_then_nothing_is_found(text: str):
    assert names_in(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Agent: Thank you, my name is Kevin Brooks, how can I help?", ["Kevin Brooks"]),
        ("Caller: Hi, this is Brian Perry, I'm calling about my card.", ["Brian Perry"]),
        ("Summary: Customer Ashley Griffin reports a double charge.", ["Ashley Griffin"]),
        ("Customer: The name on the account is Robert Johnson.", ["Robert Johnson"]),
        ("Agent: Hello Mr. Brown, is this Sarah Miller's account?", ["Brown", "Sarah Miller"]),
        ("用户：我叫Jessica Jenkins，中文名林婷红。", ["Jessica Jenkins", "林婷红"]),
    ],
)
def test_when_an_english_name_appears_then_it_is_found(text: str, expected: list[str]):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Agent: Thanks Mr. Coleman, I've updated it.", "Coleman"),
        ("Agent: Noted, Ms. Perry.", "Perry"),
        ("Agent: Dear Mrs. Foster, your refund is on its way.", "Foster"),
        ("Agent: Dr. Garcia will call you back.", "Garcia"),
    ],
)
def test_when_a_title_precedes_an_english_surname_then_the_title_is_left_out(
    text: str, expected: str
):
    [span] = RECOGNIZER.find(text)
    assert text[span.start : span.end] == expected
    assert text[span.start - 1] == " "


@pytest.mark.parametrize(
    "text",
    [
        "Agent: Thank you for calling Northwind Bank.",
        "Customer: My iPhone and my Apple Watch both stopped syncing.",
        "Customer: Please check. Thanks for the help.",
        "Agent: This is Customer Service, how can I help?",
        "Agent: Hello.\nCustomer: Hi.",
    ],
)
def test_when_capitalized_words_are_companies_products_or_labels_then_nothing_is_found(
    text: str,
):
    assert names_in(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("王李欧阳先生女士叫我是客户收件人，。： \nMr.DanielHayes")))
def test_spans_are_inside_the_text_sorted_and_never_overlap(text: str):
    spans = list(RECOGNIZER.find(text))
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize(
    "unit",
    ["王" * 50, "王女士", "我叫王伟，", "Mr. " * 20, "Daniel Hayes ", "欧阳" * 30, "a" * 50],
)
def test_time_grows_linearly_on_adversarial_input(unit: str):
    assert growth_ratio(RECOGNIZER.find, unit, 10_000 // len(unit) + 1) < LIMIT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户：收件人是王芳芳，电话等下发你。", ["王芳芳"]),
        ("客户：联系人为张三，麻烦尽快。", ["张三"]),
        ("客户：持卡人姓名：李强。", ["李强"]),
        ("客户：名字是韩梅梅。", ["韩梅梅"]),
        ("客户：她叫韩国，手机173。", ["韩国"]),
        ("客户：我叫了外卖，结果没送到。", []),
    ],
)
def test_when_a_strong_cue_precedes_then_unlisted_given_names_and_stop_words_still_count(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Agent: Contoso Electronics, this is Jaylen Okafor.", ["Jaylen Okafor"]),
        ("Customer: Hi, my name is Xiomara Delacruz-Vance.", ["Xiomara Delacruz-Vance"]),
        ("Customer: Thanks, Linda.", ["Linda"]),
        ("Agent: May I have your name?", []),
        ("Customer: I'm Calling about my bill.", []),
        ("Agent: Dear Customer Service Team,", []),
    ],
)
def test_when_an_english_cue_precedes_then_unlisted_names_count_and_labels_do_not(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工单：客户Daniel Hayes来电反映订单未到。", ["Daniel Hayes"]),
        ("客户：我叫Sarah Wang，中文名王小燕。", ["Sarah Wang", "王小燕"]),
        ("用户：Mr.Chen已经处理了。", ["Chen"]),
    ],
)
def test_when_chinese_runs_straight_into_an_english_name_then_its_edges_are_still_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工单：客户阎翀来电反映网络故障。", ["阎翀"]),
        ("工单：客户王静翀来电反映网络故障。", ["王静翀"]),
        ("客户：客户那天来电说过。", []),
        ("客户：客户要求退款。", []),
    ],
)
def test_when_a_weak_cue_and_a_right_cue_bracket_unlisted_characters_then_they_are_a_name(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Customer: Hi, my name is 王伟, I need help.", ["王伟"]),
        ("用户：我的name是李娜，please帮我查一下。", ["李娜"]),
        ("用户：recipient是欧阳娜娜，phone稍后发。", ["欧阳娜娜"]),
    ],
)
def test_when_an_english_cue_introduces_a_chinese_name_then_it_is_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户：我叫李静翀，电话等下发。", ["李静翀"]),
        ("客户：联系人张伟先生。", ["张伟先生"]),
        ("客户：收件人林建就行。", ["林建"]),
        ("客户：收件人王芳电话13800000000。", ["王芳"]),
        ("客户：收件人王芳的电话是多少？", ["王芳"]),
        ("客户：联系人李强经理。", ["李强"]),
    ],
)
def test_when_a_name_ends_before_a_particle_verb_or_title_then_the_span_ends_there(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("用户：你好，本人叫邹昶泓，上周在你们店买了手机。", ["邹昶泓"]),
        ("用户：你们配送员金漪服务不好。", ["金漪"]),
        ("用户：recipient填邓艳秀就行。", ["邓艳秀"]),
        ("Agent: Thanks for calling, my name's Logan Okafor, how can I help?", ["Logan Okafor"]),
        ("Summary: Client Noah Petrov reports a duplicate charge.", ["Noah Petrov"]),
        ("Customer: Send it to 2952 Magnolia Street, Austin, TX 78701.", []),
        ("客户：易碎品，小心轻放。", []),
    ],
)
def test_when_the_phrasing_or_the_name_lists_differ_then_names_are_still_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


def test_when_a_name_is_part_of_an_address_then_only_the_address_is_reported():
    text = "Customer: Ship to 123 Martin Luther King Jr Blvd, Atlanta, GA 30303, attn Daniel Hayes."
    assert names_in(text) == ["Daniel Hayes"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("坐席：您好，我是安捷物流的客服。", []),
        ("客户：我是金盛保险的客户。", []),
        ("坐席：您好，我是平顺保险客服中心的王芳。", ["王芳"]),
        ("坐席：您好，我是客服部的刘洋，工号1234。", ["刘洋"]),
    ],
)
def test_when_a_company_or_an_agent_introduces_itself_then_only_the_agent_is_a_name(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize("text", ["Agent: This is Apple.", "Customer: It's Apple, not Samsung."])
def test_when_a_cue_precedes_one_word_that_is_only_a_surname_then_it_is_not_a_name(text: str):
    assert names_in(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Caller: Hi, it's Thomas J. Whitfield, my number changed.", ["Thomas J. Whitfield"]),
        ("Ticket: customer Rebecca O'Donnell was notified.", ["Rebecca O'Donnell"]),
        ("Customer: hello, Siobhan McAllister here.", ["Siobhan McAllister"]),
        ("Ticket: Fatima Al-Sayed from Acme Logistics called.", ["Fatima Al-Sayed"]),
        ("Ticket: caller identified as Gregory P. Lindqvist.", ["Gregory P. Lindqvist"]),
        ("Ticket: customer Linda Park asked for a refund.", ["Linda Park"]),
        ("Agent: Dr. Ngozi Okonjo-Iweala, your appointment is confirmed.", ["Ngozi Okonjo-Iweala"]),
        ("坐席：请问是Mr. Thompson吗？\n客户：yes，我是Thompson。", ["Thompson", "Thompson"]),
    ],
)
def test_when_english_names_have_initials_prefixes_or_unlisted_surnames_then_they_are_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Customer: I'm at 612 Calle Del Sol, Santa Fe, NM 87501.",
        "Customer: we met in Santa Fe, NM last year.",
        "Customer: I flew in from Austin Texas last week.",
        "Customer: my Chase Sapphire card was declined.",
        "用户：我是房东的朋友，帮他问一下。",
        "用户：我想找王老吉的客服。",
    ],
)
def test_when_place_brand_or_role_words_look_like_names_then_nothing_is_found(text: str):
    assert names_in(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("坐席：郑老师您好，课程已退款。", ["郑老师"]),
        ("用户：请转告司马经理，合同签好了。", ["司马经理"]),
        ("工单：客户宓雨桐办公电话已登记。", ["宓雨桐"]),
        ("用户：欧阳娜娜是我，我要改地址。", ["欧阳娜娜"]),
    ],
)
def test_when_a_surname_is_rare_or_takes_a_form_of_address_then_the_name_is_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Agent: name on card: Wei Zhang?", ["Wei Zhang"]),
        ("Ticket: contact person: Ravi Shankar, phone on file.", ["Ravi Shankar"]),
        ("Agent: Thanks for waiting.\nCustomer: Sure.", []),
        ("用户：订票人温子仁，手机稍后发。", ["温子仁"]),
        ("客服：您的外卖由骑手常乐配送。", ["常乐"]),
        ("用户：你好，是苏晴晴吗？快递到了。", ["苏晴晴"]),
    ],
)
def test_when_a_cue_has_a_colon_or_a_role_noun_then_the_name_is_found(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工单：已安排工程师孔德明明天上门。", ["孔德明"]),
        ("坐席：感谢晋先生的耐心等待。", ["晋先生"]),
        ("工单：投诉人：晏菲，投诉内容：配送超时。", ["晏菲"]),
    ],
)
def test_when_a_word_touches_the_name_on_either_side_then_the_name_keeps_its_edges(
    text: str, expected: list[str]
):
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("用户：发件人：贝雨辰，收件人：凤兰兰。", ["贝雨辰", "凤兰兰"]),
        ("用户：我是杭州的客户。", []),
        ("客户：孟凡宇，我上周的退款到了没？", ["孟凡宇"]),
        ("客户：明白了，谢谢。", []),
    ],
)
def test_when_a_surname_is_added_then_names_are_found_and_its_words_are_not(
    text: str, expected: list[str]
):
    assert names_in(text) == expected
