"""AddressRecognizer: Chinese and US addresses with exact boundaries; a city alone is no address."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.pii.timing import LIMIT, growth_ratio

from anxin.pii.addresses import AddressRecognizer
from anxin.pii.spans import PiiType

RECOGNIZER = AddressRecognizer()


def addresses_in(text: str) -> list[str]:
    return [text[s.start : s.end] for s in RECOGNIZER.find(text)]


@pytest.mark.parametrize(
    "address",
    [
        "南京市鼓楼区天府大道958号",
        "广东省深圳市南山区科技园路88号3栋2单元501室",
        "广东省深圳市南山区中山路174号华润城25栋3单元1102室",
        "江苏省南京市建邺区绿城桂花园9栋1102室",
        "北京市朝阳区解放路73号创新大厦8楼",
        "上海市浦东新区建设路836号",
        "浙江省杭州市余杭区五常街道文一西路969号",
        "北京市海淀区中关村大街27号院3号楼5层501",
        "新疆维吾尔自治区乌鲁木齐市天山区解放北路88号",
        "上海市黄浦区南京东路100号",
        "河北省石家庄市长安区中山东路39号勒泰中心写字楼A座18层",
    ],
)
def test_when_a_chinese_address_is_embedded_then_its_exact_span_is_found(address: str):
    text = f"客户：快递送错了，我的地址是{address}，收件人梁兰。"
    assert addresses_in(text) == [address]


def test_offsets_point_at_the_address_in_the_original_text():
    text = "用户：对，收货地址改成广州市海珠区学院路997号，麻烦帮我更新一下。"
    [span] = RECOGNIZER.find(text)
    assert (span.start, span.end, span.type) == (11, 24, PiiType.ADDRESS)


@pytest.mark.parametrize(
    "address",
    [
        "1234 Oak Street, Springfield, IL 62704",
        "55 Elm Ave Apt 3B, Austin, TX 78701",
        "3745 Sunset Lane Apt 21, Springfield, IL 47402",
        "900 N. Michigan Avenue, Suite 1400, Chicago, Illinois 60611",
        "742 Evergreen Terrace",
    ],
)
def test_when_a_us_address_is_embedded_then_it_runs_from_house_number_to_zip(address: str):
    text = f"Customer: Please send the replacement to {address}. Thanks."
    assert addresses_in(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "客户：他在北京工作，上海也去过。",
        "客户：他在南京市鼓楼区上班。",
        "坐席：我们在深圳市有门店。",
        "客户：我上周买了3件衣服，订单号DD20231125144269。",
        "Customer: I moved to Austin, TX last year.",
        "Customer: I bought 2 Apple Watches and 3 iPhones.",
    ],
)
def test_when_only_a_place_or_a_count_is_mentioned_then_nothing_is_found(text: str):
    assert addresses_in(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("北京市朝阳区南京路88号3栋2单元501室 ,1234OakStreetIL")))
def test_spans_are_inside_the_text_sorted_and_never_overlap(text: str):
    spans = list(RECOGNIZER.find(text))
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize(
    "unit",
    [
        "北京市朝阳区",
        "北京市 ",
        "北京市" + "中" * 40,
        "南京市鼓楼区天府大道958号",
        "路1号" * 10,
        "1栋" * 20,
        "1234 Oak " * 5,
        "12 Main Street, " * 3,
    ],
)
def test_time_grows_linearly_on_adversarial_input(unit: str):
    assert growth_ratio(RECOGNIZER.find, unit, 10_000 // len(unit) + 1) < LIMIT


@pytest.mark.parametrize(
    "address",
    [
        "1234 Oak St, Springfield IL 62704",
        "77 Massachusetts Ave NW, Washington, DC 20001",
        "12 5th Avenue Apt. 4B, New York, NY 10011",
        "4410 W. Lakeview Blvd, Unit 12, Denver, CO 80202-1234",
    ],
)
def test_when_a_us_address_has_other_separators_then_it_is_still_whole(address: str):
    assert addresses_in(f"My address is {address}.") == [address]


@pytest.mark.parametrize(
    "address",
    [
        "湖南省长沙市岳麓区麓山南路932号中南大学新校区8舍",
        "山东省济南市历下区泉城路188号恒隆广场三楼",
        "河南省郑州市金水区花园路一号院二单元三楼",
        "四川省绵阳市三台县芦溪镇新华村3组15号",
        "重庆市渝北区龙溪街道金山路18号金山大厦B栋1702室",
        "辽宁省大连市中山区人民路68号宏誉大厦2804",
        "深圳南山区后海大道2388号怡化金融科技大厦",
        "长沙市天心区芙蓉中路三段569号湖南商会大厦西塔27楼",
        "广西壮族自治区南宁市青秀区民族大道100号",
    ],
)
def test_when_a_chinese_address_takes_another_form_then_it_is_still_whole(address: str):
    assert addresses_in(f"客户：地址是{address}。") == [address]


def test_when_an_estate_is_only_described_nearby_then_the_description_is_left_out():
    assert addresses_in("客户：送到南京市鼓楼区中山路88号附近的小区。") == [
        "南京市鼓楼区中山路88号"
    ]


def test_when_chinese_runs_straight_into_a_us_address_then_it_is_found():
    text = "用户：快递寄到1234 Oak Street, Springfield, IL 62704，谢谢。"
    assert addresses_in(text) == ["1234 Oak Street, Springfield, IL 62704"]


@pytest.mark.parametrize(
    "address",
    [
        "北京市 朝阳区 建国路 88号 SOHO现代城5号楼",
        "上海市\u3000浦东新区\u3000世纪大道100号",
        "广州市天河区体育西路１２３号４栋５０１",
    ],
)
def test_when_parts_are_spaced_or_digits_full_width_then_the_address_is_still_whole(address: str):
    assert addresses_in(f"客户：地址是{address}，谢谢。") == [address]


@pytest.mark.parametrize(
    "address",
    [
        "12-14 O'Connell Street, St. Louis, MO 63101",
        "123A Martin Luther King Jr Blvd, Winston-Salem, NC 27101",
        "PO Box 4521, Austin, TX 78701",
    ],
)
def test_when_a_us_address_has_a_ranged_number_a_saint_or_a_po_box_then_it_is_whole(
    address: str,
):
    assert addresses_in(f"Customer: Mail it to {address}.") == [address]


def test_when_a_po_box_has_no_town_then_it_is_not_an_address():
    assert addresses_in("Customer: My PO Box 12 is closed.") == []


@pytest.mark.parametrize(
    "address",
    [
        "山西省太原市小店区长治路 111 号 A 座 1203 室",
        "天津市南开区鞍山西道 192 号",
        "612 Calle Del Sol, Santa Fe, NM 87501",
        "88 Colin P Kelly Jr St, San Francisco, CA 94107",
        "501 Broadway, Nashville, TN 37203",
    ],
)
def test_when_numbers_are_spaced_or_the_street_word_leads_then_the_address_is_whole(address: str):
    assert addresses_in(f"用户：寄到{address}，谢谢。") == [address]
