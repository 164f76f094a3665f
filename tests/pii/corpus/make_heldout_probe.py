"""Writes heldout_probe.jsonl: hand-written texts in the held-out corpus's style (see README.md).

Each line of TEXTS below is `lang|channel|text`, `\\n` between turns. Entities are marked
`[[TYPE:value]]`, hard negatives `<<KIND:value>>`; the markup is removed and the offsets computed,
so they are exact. Tokens such as `@ID@` or `@VISA@` are replaced with generated values (valid
GB 11643 IDs, Luhn-valid cards; `@BADID@` and `@BADLUHN@` fail their checks), from a fixed seed
so the file is reproducible: `python tests/pii/corpus/make_heldout_probe.py`.
The sentences, names, streets and companies are not those of dev.jsonl, and the surface forms
(separators, spoken digits, address forms, number formats) are deliberately ones dev does not use.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

OUT = Path(__file__).parent / "heldout_probe.jsonl"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_REGIONS = ("450103", "150102", "530102", "650102", "540102", "640104", "632801", "460105",
            "220104", "230103", "340104", "360102", "370202", "410105", "520102", "620102")  # fmt: skip
rng = random.Random(20261130)


def _check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def cn_id(*, want_x: bool = False) -> str:
    while True:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
        first = rng.choice(_REGIONS) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
        check = _check(first)
        if want_x == (check == "X"):
            return first + check


def bad_id() -> str:
    valid = cn_id()
    wrong = str((int(valid[-1]) + 1) % 10) if valid[-1] != "X" else "0"
    return valid[:-1] + wrong


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def card(prefix: str, length: int) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + _luhn_digit(body)


def bad_luhn(prefix: str, length: int) -> str:
    good = card(prefix, length)
    return good[:-1] + str((int(good[-1]) + 3) % 10)


def group4(digits: str, sep: str = " ") -> str:
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


TOKENS = {
    "@ID@": cn_id,
    "@IDX@": lambda: cn_id(want_x=True),
    "@IDx@": lambda: cn_id(want_x=True)[:-1] + "x",
    "@IDG@": lambda: (lambda v: f"{v[:6]} {v[6:14]} {v[14:]}")(cn_id()),
    "@IDD@": lambda: (lambda v: f"{v[:6]}-{v[6:14]}-{v[14:]}")(cn_id()),
    "@BADID@": bad_id,
    "@BANK16@": lambda: card(rng.choice(("6217", "6228", "6259", "6212", "6282")), 16),
    "@BANK19@": lambda: card(rng.choice(("6217", "6228", "6214")), 19),
    "@BANK16G@": lambda: group4(card("6225", 16)),
    "@BANK19G@": lambda: group4(card("6222", 19)),
    "@BANK16D@": lambda: group4(card("6236", 16), "-"),
    "@VISA@": lambda: card("4", 16),
    "@VISAG@": lambda: group4(card("4", 16)),
    "@VISAD@": lambda: group4(card("4", 16), "-"),
    "@MC@": lambda: card(rng.choice(("51", "53", "55")), 16),
    "@MCG@": lambda: group4(card("2" + str(rng.randrange(223, 272)), 16)),
    "@AMEX@": lambda: (lambda v: f"{v[:4]} {v[4:10]} {v[10:]}")(card("37", 15)),
    "@AMEXD@": lambda: (lambda v: f"{v[:4]}-{v[4:10]}-{v[10:]}")(card("34", 15)),
    "@AMEXP@": lambda: card("34", 15),
    "@BADLUHN@": lambda: bad_luhn(rng.choice(("62", "4", "5", "9")), 16),
    "@BADLUHNG@": lambda: group4(bad_luhn("62", 16)),
    "@BANKSPOKEN@": lambda: group4(card("6217", 16)).translate(str.maketrans("0123456789", "零一二三四五六七八九")),
    "@IDSPOKEN@": lambda: cn_id().translate(str.maketrans("0123456789", "零幺二三四五六七八九")),
    "@IDWIDE@": lambda: cn_id().translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "@BANK19D@": lambda: group4(card("6217", 19), "-"),
    "@BANKORDER@": lambda: card("6217", 16),
    "@ID6444@": lambda: (lambda v: f"{v[:6]} {v[6:10]} {v[10:14]} {v[14:]}")(cn_id()),
    "@LUHNORDERG@": lambda: group4(card("8800", 16)),
    "@BANKWIDE@": lambda: card("6228", 19).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "@LUHNORDER@": lambda: card("2024", 16),
}

TEXTS = r"""
zh|call|坐席：您好，这里是鼎盛财险，请问是[[PERSON:诸葛女士]]吗？\n客户：对，我手机号是[[CN_MOBILE:139.2871.0456]]，之前那个停用了。
zh|call|客户：我的电话是[[CN_MOBILE:幺八六，幺二三四，五六七八]]。\n坐席：好的，已为您登记。
zh|call|客户：号码是[[CN_MOBILE:一五九 零二八七 六六三一]]，白天都能打通。
zh|call|坐席：请问联系电话？\n客户：[[CN_MOBILE:幺三洞 两两八七 四五九幺]]。
zh|call|客户：手机[[CN_MOBILE:1三8两6七4五0九1]]，您记一下。
zh|call|客户：我手机号[[CN_MOBILE:壹叁玖捌捌柒陆伍肆叁贰]]。\n坐席：收到。
zh|chat|用户：新手机号[[CN_MOBILE:138/2046/7719]]，麻烦改一下。
zh|chat|用户：电话：[[CN_MOBILE:１５８－２２１３－６６０７]]（全角输入法打的）
zh|chat|用户：手机号[[CN_MOBILE:0086 135 1024 8863]]，我人在国外。
zh|chat|用户：联系方式[[CN_MOBILE:+86 186-0211-3478]]，谢谢。
zh|chat|用户：你们可以打[[CN_MOBILE:(+86)13311457720]]找我。
zh|ticket|工单备注：客户[[PERSON:上官宇航]]反映无法登录，预留手机[[CN_MOBILE:+86.136.5518.2290]]，请尽快回电。
zh|ticket|工单：用户手机[[CN_MOBILE:137 6655 0912]]无法接收验证码<<OTP:482913>>，已重置。
zh|call|客户：我电话[[CN_MOBILE:一八九零零一二三四五六]]，下午三点以后打。\n坐席：好的[[PERSON:慕容先生]]。
zh|call|坐席：您的来电号码是[[CN_MOBILE:幺五幺 洞七二八 三三四幺]]对吗？\n客户：对。
zh|chat|用户：我老公手机[[CN_MOBILE:15936017742]]，收件人写他，叫[[PERSON:司徒嘉豪]]。
zh|ticket|客户[[PERSON:蔺晓彤]]致电称银行卡[[BANK_CARD:@BANK16@]]被冻结，联系电话[[CN_MOBILE:177-0101-2296]]。
zh|call|坐席：好的，我们的客服热线是<<HOTLINE:4006-888-999>>，有问题随时打。\n客户：行，我号码[[CN_MOBILE:18811032457]]。
zh|call|坐席：如需挂失请拨打<<SERVICE_NUMBER:95555>>或<<SERVICE_NUMBER:12306>>。\n客户：知道了。
zh|chat|客服：本店售后电话<<HOTLINE:400 820 6688>>，工作时间<<TIME:9:00>>-<<TIME:18:00>>。
zh|chat|客服：您也可以拨打移动客服<<SERVICE_NUMBER:10086>>或联通<<SERVICE_NUMBER:10010>>查询。
zh|ticket|工单：客户反映拨打<<HOTLINE:800-830-1118>>无人接听，已转技术部处理，预计<<DATE:2024/06/18>>前回复。
zh|call|客户：公司座机[[CN_LANDLINE:0571 8802 3316]]，转<<EXTENSION:806>>。
zh|call|客户：办公室电话是[[CN_LANDLINE:（010）6552 7781]]。
zh|chat|用户：座机[[CN_LANDLINE:+86-21-5098 7731]]，工作日都在。
zh|chat|用户：家里电话[[CN_LANDLINE:0898-66321457]]，我父母在家。
zh|ticket|工单：用户留有座机[[CN_LANDLINE:0086 755 2688 1903]]，分机<<EXTENSION:2231>>。
zh|call|客户：座机是[[CN_LANDLINE:零二七 八七六五 四三二一]]。\n坐席：好的。
zh|chat|用户：固话[[CN_LANDLINE:0351/7025588]]，手机[[CN_MOBILE:13700351122]]。
zh|ticket|工单：客户[[PERSON:宓雨桐]]办公电话[[CN_LANDLINE:0931.8865421]]，请上午联系。
zh|chat|用户：身份证号码[[CN_ID:@IDX@]]，麻烦核对。
zh|chat|用户：身份证：[[CN_ID:@IDx@]]
zh|call|客户：身份证号是[[CN_ID:@IDD@]]。\n坐席：好的，我核对一下。
zh|ticket|工单：实名认证失败，证件号[[CN_ID:@ID@]]与姓名[[PERSON:皇甫晴]]不符，请人工复核。
zh|chat|用户：我的身份证 [[CN_ID:@IDG@]] 能不能帮我查下。
zh|ticket|工单：流水号<<BAD_CHECKSUM_ID:@BADID@>>对应的退款已到账，客户[[PERSON:禹凯]]确认无误。
zh|chat|客服：您的交易凭证号<<BAD_CHECKSUM_ID:@BADID@>>，请保存。
zh|chat|用户：我查了合同编号<<BAD_CHECKSUM_ID:@BADID@>>，没问题。
zh|ticket|工单：证件号<<BAD_CHECKSUM_ID:@BADID@>>校验失败，已请客户重新提交。
zh|chat|用户：工资卡卡号[[BANK_CARD:@BANK19@]]，开户行是建行。
zh|chat|用户：银行卡号[[BANK_CARD:@BANK16D@]]，收款人[[PERSON:滕子墨]]。
zh|call|客户：储蓄卡[[BANK_CARD:@BANK19G@]]，退到这张上面。
zh|ticket|工单：客户要求退款至尾号<<CARD_TAIL:6631>>的借记卡，金额<<AMOUNT:￥2,380.50>>，已审批。
zh|chat|用户：兑换码<<BAD_LUHN:@BADLUHN@>>提示无效。
zh|chat|用户：卡号<<BAD_LUHN:@BADLUHNG@>>好像不对，我再看看。
zh|ticket|工单：订单号<<ORDER_NO:@LUHNORDER@>>已发货，快递单号<<TRACKING_NO:JD0098213457761>>。
zh|chat|客服：您的包裹由中通配送，运单号<<TRACKING_NO:78451236987452>>，预计<<DATE:6月12日>>送达。
zh|chat|客服：退款<<AMOUNT:3,299元>>已原路返回，订单编号<<ORDER_NO:JD202405160031>>。
zh|ticket|工单：<<DATE:2024-05-16>> <<TIME:14:32:07>> 用户在IP[[IP_ADDRESS:2408:8207:2c41::1b]]登录异常。
zh|chat|客服：检测到您的账号在[[IP_ADDRESS:fe80::9c2e:41ff:fe3a:7d01]]登录，是本人吗？
zh|chat|用户：我的IP是[[IP_ADDRESS:117.136.45.201]]:<<EXTENSION:8080>>，帮我加白名单。
zh|ticket|工单：异常登录IP地址[[IP_ADDRESS:240e:3a1:4c52:90f0::2]]，已冻结账号。
zh|chat|用户：App版本<<VERSION:10.2.0.135>>，还是登录不上。
zh|chat|用户：固件是<<VERSION:V2.1.33.8>>吗？手机型号<<PRODUCT_MODEL:PJZ110>>。
zh|ticket|工单：系统升级到<<VERSION:4.10.2.1>>后客户端闪退，客户[[PERSON:缪思远]]要求回退。
zh|chat|用户：登录地址显示[[IP_ADDRESS:36.112.8.77]]，不是我。
zh|call|客户：我的护照号码是[[PASSPORT:EJ2038516]]。\n坐席：好的。
zh|chat|用户：护照：[[PASSPORT:G 3018 2746]]，签证被拒了。
zh|ticket|工单：客户出境需核验护照，护照号[[PASSPORT:E 70381954]]，姓名[[PERSON:令狐安琪]]。
zh|chat|坐席：请提供您的护照号码。\n用户：[[PASSPORT:E61239087]]
zh|chat|用户：我的邮箱是[[EMAIL:Zhou.Wen-Bo@corp.example.cn]]，结果发这里。
zh|chat|用户：发到[[EMAIL:a_bing+refund@yeah.net]]就行
zh|ticket|工单：客户要求发票寄送至邮箱[[EMAIL:xiaoyu.2019@sohu.com]]（已核实）。
zh|chat|用户：邮箱：[[EMAIL:LIHUA88@139.com]]，谢谢！
zh|call|客户：邮件发[[EMAIL:wang-lei_77@aliyun.com]]吧。
zh|chat|用户：邮箱<[[EMAIL:tian.ye@mail.tsinghua.edu.cn]]>
zh|chat|用户：地址是[[ADDRESS:广西壮族自治区南宁市青秀区民族大道136号]]，收件人[[PERSON:覃海燕]]。
zh|chat|用户：收货地址改成[[ADDRESS:内蒙古自治区呼和浩特市赛罕区大学东街88号内大南校区7号楼302室]]。
zh|ticket|工单：寄送地址[[ADDRESS:浙江省湖州市安吉县递铺镇胜利西路18号]]，收件人[[PERSON:俞佳]]。
zh|chat|用户：我住[[ADDRESS:湖南省长沙市长沙县星沙街道开元东路66号]]，快递放门卫。
zh|chat|用户：新地址：[[ADDRESS:上海市黄浦区瑞金二路148弄6号502室]]
zh|ticket|工单：客户地址[[ADDRESS:北京市西城区百花深处胡同23号]]，要求上门取件。
zh|chat|用户：麻烦寄到[[ADDRESS:福建省泉州市鲤城区金鱼巷12号]]，谢谢。
zh|chat|用户：地址[[ADDRESS:江苏省苏州市吴江区震泽镇新乐村五组31号]]，农村地址请送到家。
zh|ticket|工单：上门维修地址[[ADDRESS:重庆市渝北区龙溪街道金紫山路3号龙湖花园12栋2单元1801室]]。
zh|chat|用户：我家在[[ADDRESS:新疆维吾尔自治区乌鲁木齐市天山区解放南路215号]]，能配送吗？
zh|chat|用户：地址：[[ADDRESS:云南省昆明市五华区翠湖南路２号]]
zh|call|客户：地址是[[ADDRESS:河北省保定市莲池区裕华西路1020号]]。\n坐席：好的，[[PERSON:郗先生]]。
zh|ticket|工单：客户[[PERSON:阚雪]]地址[[ADDRESS:安徽省合肥市蜀山区黄山路459号]]，已派单。
zh|chat|用户：寄到[[ADDRESS:海南省三亚市吉阳区迎宾路360号]]，收货人[[PERSON:符晓东]]。
zh|chat|用户：我在[[ADDRESS:西藏自治区拉萨市城关区北京中路46号]]，偏远地区能发吗？
zh|chat|用户：地址：[[ADDRESS:山东省青岛市市南区香港中路8号]]，电话[[CN_MOBILE:13969888123]]。
zh|ticket|工单：收件地址[[ADDRESS:广东省佛山市顺德区大良街道凤山中路10号]]，派送失败。
zh|chat|用户：地址写[[ADDRESS:宁夏回族自治区银川市兴庆区文化东街11号3栋1单元602]]。
zh|chat|用户：我在北京工作，但是快递寄到上海。
zh|chat|用户：我们在杭州和苏州都有门店。
zh|ticket|工单：客户反映在深圳南山区的门店购买的手机有问题，已转门店处理。
zh|call|坐席：您好，我是客服[[PERSON:欧阳菲]]，工号<<STAFF_ID:30218>>，请问怎么称呼？\n客户：叫我[[PERSON:钟离先生]]就行。
zh|call|坐席：请问是[[PERSON:端木小姐]]吗？\n客户：是我。
zh|call|客户：你找[[PERSON:刘经理]]就行，他负责这块。
zh|call|坐席：[[PERSON:郑老师]]您好，您孩子的课程订单已退款。
zh|chat|用户：收件人：[[PERSON:甘雨萱]]，电话[[CN_MOBILE:18607713385]]。
zh|chat|用户：我是[[PERSON:蒯晓明]]，上次投诉的那个。
zh|ticket|工单：投保人[[PERSON:单于飞]]申请退保，金额<<AMOUNT:RMB 12,000>>。
zh|chat|用户：持卡人姓名[[PERSON:阙志远]]，卡号[[BANK_CARD:@BANK16G@]]。
zh|call|坐席：[[PERSON:骆太太]]，您的退款已经处理好了。
zh|call|客户：我叫[[PERSON:仇晓峰]]，仇恨的仇。
zh|chat|用户：联系人[[PERSON:东方明月]]，手机[[CN_MOBILE:15107128846]]。
zh|ticket|工单：客户[[PERSON:尉迟恒]]反映扣费异常，金额<<AMOUNT:88.80元>>，已退款。
zh|chat|用户：快递员[[PERSON:黎耀文]]态度很差。
zh|chat|用户：请把发票抬头写成个人，名字[[PERSON:栾欣然]]。
zh|chat|用户：账户名[[PERSON:夏侯瑾]]，开户行工商银行。
zh|call|客户：我是[[PERSON:芮女士]]。\n坐席：好的[[PERSON:芮女士]]，请稍等。
zh|chat|用户：今天天气不错，我想问下周末能送货吗？
zh|chat|用户：你们的客服态度太差了，我要投诉到<<SERVICE_NUMBER:12315>>。
zh|ticket|工单：<<DATE:2024年7月3日>><<TIME:下午4点>>客户来电咨询分期，金额<<AMOUNT:¥15,600>>，已告知利率。
zh|chat|用户：订单<<ORDER_NO:202406151234567890>>什么时候发货？
zh|chat|用户：物流单号<<TRACKING_NO:YD4302981745531>>一直没更新。
zh|chat|客服：您好，您的工单号<<ORDER_NO:GD2024061800452>>已受理。
zh|ticket|工单：时间戳<<TIME:1718700000>>的请求失败，错误码<<PRODUCT_MODEL:E1024>>，已修复。
zh|chat|用户：验证码<<OTP:730215>>收到了，谢谢。
zh|chat|用户：这个月账单<<AMOUNT:1,288.00>>元对不上。
zh|call|坐席：请拨打<<SERVICE_NUMBER:95511>>转人工，或者拨<<HOTLINE:4008 123 123>>。
zh|chat|用户：我的QQ号<<STAFF_ID:1045879632>>，加我一下。
zh|ticket|工单：商品编号<<ORDER_NO:100038562147>>，规格<<PRODUCT_MODEL:XL-2024>>，客户要求换货。
zh|chat|客服：我们会在<<DATE:2024.06.20>>之前给您回复。
zh|chat|用户：发票号码<<ORDER_NO:24442000000123456789>>，请核对。
en|call|Agent: Thank you for calling Bluewater Telecom, this is [[PERSON:Priya Raman]].\nCaller: Hi, it's [[PERSON:Thomas J. Whitfield]], my number is [[US_PHONE:415.555.0142]].
en|call|Caller: You can reach me at [[US_PHONE:+1 312 555 0176]] after five.
en|call|Agent: Is [[US_PHONE:1-646-555-0133]] still the best number?\nCaller: Yes it is.
en|chat|Customer: my cell is [[US_PHONE:(206)555-0108]], text me please
en|chat|Customer: Phone: [[US_PHONE:+1 (702) 555-0191]]
en|ticket|Ticket: caller [[PERSON:Anne-Marie Kowalczyk]] requested a callback at [[US_PHONE:303 555 0127]] regarding a disputed charge of <<AMOUNT:$1,249.99>>.
en|chat|Customer: the number on my account is [[US_PHONE:713-555-0150]], please update it to [[US_PHONE:832.555.0164]]
en|call|Agent: Our support line is <<HOTLINE:1-800-555-0199>>, available 24/7.\nCaller: OK, thanks.
en|chat|Agent: For billing call <<HOTLINE:(888) 555-0112>>.
en|ticket|Ticket: order <<ORDER_NO:#A7731942>> shipped via UPS, tracking <<TRACKING_NO:1Z999AA10123456784>>, customer [[PERSON:Rebecca O'Donnell]] notified.
en|call|Caller: My SSN is [[US_SSN:219-09-9999]].\nAgent: Thank you, Mr. [[PERSON:Okafor]].
en|chat|Customer: social security number [[US_SSN:078 05 1120]] for the verification
en|ticket|Ticket: SSN on file [[US_SSN:412-67-3309]] does not match the applicant [[PERSON:Marcus Delgado-Reyes]].
en|call|Agent: Can I get the last four of your social?\nCaller: It's <<CARD_TAIL:4471>>.
en|chat|Customer: my visa is [[CREDIT_CARD:@VISAD@]], it was declined
en|chat|Customer: card number [[CREDIT_CARD:@MCG@]] exp <<DATE:08/27>>
en|ticket|Ticket: customer's Amex [[CREDIT_CARD:@AMEXD@]] was charged twice, amount <<AMOUNT:$89.00>>.
en|call|Caller: The card is [[CREDIT_CARD:@AMEXP@]].\nAgent: Thanks, I see the charge.
en|chat|Customer: my card [[CREDIT_CARD:@VISA@]] keeps failing on your site
en|chat|Customer: mastercard [[CREDIT_CARD:@MC@]]
en|ticket|Ticket: gift card code <<BAD_LUHN:@BADLUHN@>> rejected; customer [[PERSON:Linda Park]] asked for a refund.
en|chat|Customer: the promo code <<BAD_LUHN:@BADLUHN@>> doesn't work
en|ticket|Ticket: refund for order number <<ORDER_NO:@LUHNORDER@>> approved.
en|chat|Customer: my email is [[EMAIL:J.Whitfield+billing@Outlook.com]]
en|chat|Customer: send it to [[EMAIL:kim_s-lee@uni.example.edu]] thanks
en|ticket|Ticket: confirmation sent to [[EMAIL:noah.fitzgerald@protonmail.com]]; customer [[PERSON:Noah Fitzgerald]] to reply within 48 hours.
en|call|Agent: I have your email as [[EMAIL:m.chen1987@icloud.com]], correct?\nCaller: Yes.
en|chat|Customer: ship it to [[ADDRESS:4120 Oakridge Boulevard Apt 7C, Sacramento, CA 95820]] please
en|ticket|Ticket: new billing address [[ADDRESS:77 Juniper Hollow Lane, Suite 210, Boise, ID 83702]].
en|chat|Customer: I moved to [[ADDRESS:1509 W Cortland Ave Unit 3, Chicago, IL 60622]]
en|call|Caller: The address is [[ADDRESS:230 Riverside Drive #14, New York, NY 10025-6214]].\nAgent: Got it.
en|chat|Customer: deliver to [[ADDRESS:9 Saint Claire Court, San Antonio, TX 78209]]
en|ticket|Ticket: package returned from [[ADDRESS:18 Old Mill Road, Burlington, VT 05401]], customer [[PERSON:Dana Whitcombe]] unreachable.
en|chat|Customer: address: [[ADDRESS:5501 Northeast 23rd Street, Portland, OR 97211]]
en|call|Caller: I'm at [[ADDRESS:612 Calle Del Sol, Santa Fe, NM 87501]].
en|chat|Customer: my address is [[ADDRESS:88 Bayview Terrace, Apartment 5, Honolulu, HI 96815]]
en|chat|Customer: I live in Seattle, near the waterfront.
en|ticket|Ticket: customer visited the Denver store on Colfax to return a blender.
en|call|Agent: You're speaking with [[PERSON:Keisha Abernathy]].\nCaller: Hi [[PERSON:Keisha]], I'm [[PERSON:Rajesh Venkataraman]].
en|chat|Customer: hello, [[PERSON:Siobhan McAllister]] here, I need help
en|call|Caller: This is [[PERSON:Mary-Kate Olsen-Brown]] calling about my bill.
en|ticket|Ticket: Ms. [[PERSON:Yolanda Pruitt]] reported a double charge.
en|chat|Agent: Thanks Mrs. [[PERSON:Takahashi]], anything else?
en|call|Agent: Good morning Dr. [[PERSON:Oyelaran]], how can I help?
en|ticket|Ticket: caller identified as [[PERSON:Gregory P. Lindqvist]], account holder.
en|chat|Customer: the account is under [[PERSON:Beatriz Castillo]]
en|chat|Agent: Hi, my name is [[PERSON:Declan Murphy]] and I'll be helping you today.
en|ticket|Ticket: IP [[IP_ADDRESS:2001:db8:85a3::8a2e:370:7334]] attempted 12 logins.
en|chat|Agent: we saw a login from [[IP_ADDRESS:203.0.113.45]]:<<EXTENSION:443>> yesterday
en|ticket|Ticket: login from [[IP_ADDRESS:2607:f8b0:4005:80b::200e]] flagged as suspicious.
en|chat|Customer: the app is version <<VERSION:5.12.0.4>>, still crashing
en|ticket|Ticket: firmware <<VERSION:2.4.11.102>> installed, router model <<PRODUCT_MODEL:RT-AX86U>>.
en|chat|Customer: build <<VERSION:10.0.19045.3803>> on Windows
en|call|Agent: Could you give me your passport number?\nCaller: Sure, it's [[PASSPORT:E48205713]].
en|ticket|Ticket: traveller's Chinese passport no. [[PASSPORT:EK3920174]] verified.
en|chat|Customer: passport [[PASSPORT:G40918237]], visa appointment on <<DATE:June 4>>
en|chat|Customer: my order <<ORDER_NO:114-3941689-8772232>> never arrived
en|ticket|Ticket: case number <<ORDER_NO:00458123>> escalated on <<DATE:2024-06-18>> at <<TIME:09:45>>.
en|chat|Customer: I was charged <<AMOUNT:USD 2,150.00>> instead of <<AMOUNT:$215.00>>
en|call|Agent: Your confirmation code is <<ORDER_NO:8XK2QP>>.\nCaller: Great.
en|chat|Customer: the sale ends <<DATE:12/31/2024>>, right?
en|ticket|Ticket: timestamp <<TIME:2024-06-18T14:22:05Z>> error on checkout, version <<VERSION:3.4.1>>.
en|chat|Customer: can you call me back, I'm [[PERSON:Olivia Nguyen]], number [[US_PHONE:(415) 555-0187]]
en|call|Caller: My name's [[PERSON:Hamish Fraser]] and my SSN is [[US_SSN:523-41-7788]].
mixed|chat|用户：我的英文名[[PERSON:Kevin Zhao]]，中文名[[PERSON:赵凯文]]，email是[[EMAIL:kevin.zhao@gmail.com]]。
mixed|chat|用户：my phone是[[CN_MOBILE:+86 139 1682 0475]]，please call me。
mixed|call|客户：我的passport number是[[PASSPORT:EH1938205]]，请帮我check一下。
mixed|ticket|工单：customer [[PERSON:Lucas Weber]] 的 shipping address 是[[ADDRESS:上海市浦东新区张杨路1600弄12号801室]]。
mixed|chat|用户：IP address显示[[IP_ADDRESS:2409:8a1e:6d20::5]]，不是我login的。
mixed|chat|用户：我的card number是[[CREDIT_CARD:@VISAG@]]，visa卡。
mixed|chat|用户：银行卡[[BANK_CARD:@BANK16@]]，please refund到这张卡。
mixed|call|坐席：Hello，请问是Mr. [[PERSON:Thompson]]吗？\n客户：yes，我是[[PERSON:Thompson]]。
mixed|ticket|工单：客户[[PERSON:Emily Sato]]在US的电话[[US_PHONE:+1-917-555-0138]]，中国手机[[CN_MOBILE:13816675520]]。
mixed|chat|用户：我住在[[ADDRESS:广东省广州市天河区体育西路103号维多利广场B座2305]]，office在这里。
mixed|chat|用户：order number <<ORDER_NO:DD2024061509231>>，还没发货，hotline <<HOTLINE:400-100-5678>>打不通。
mixed|ticket|工单：app version <<VERSION:8.0.3.12>>，用户[[PERSON:何嘉怡]]反馈crash。
mixed|chat|用户：email [[EMAIL:huang_ying@163.com]]，收件人写[[PERSON:黄莹]]。
mixed|call|客户：我身份证number是[[CN_ID:@ID@]]。\n坐席：OK收到。
mixed|chat|用户：SSN是[[US_SSN:301-58-2290]]，我在美国工作过。
mixed|ticket|工单：客户[[PERSON:聂文]]的美国地址[[ADDRESS:2100 Hillside Ave, Pasadena, CA 91104]]，需国际邮寄。
mixed|chat|用户：我叫[[PERSON:Chloe Lin]]，电话[[CN_MOBILE:186 2133 7854]]。
mixed|chat|客服：refund <<AMOUNT:¥499>>已处理，transaction id <<ORDER_NO:4200001234202406181234567890>>。
zh|call|坐席：您好，请问您贵姓？\n客户：我叫[[PERSON:闫思琪]]。
zh|chat|用户：我是房东的朋友，帮他问一下。
zh|chat|用户：李子柒的视频里那个产品有卖吗？
zh|ticket|工单：客户在黄山路门店购买的电视机故障，已安排师傅上门。
zh|chat|用户：我想找王老吉的客服。
zh|call|客户：我是[[PERSON:祁玉洁]]，上周订的机票要改签。\n坐席：好的[[PERSON:祁女士]]，您的护照号是？\n客户：[[PASSPORT:E90236184]]。
zh|ticket|工单：客户[[PERSON:柏静]]，手机[[CN_MOBILE:147 3320 8816]]，邮箱[[EMAIL:bojing_0612@qq.com]]，身份证[[CN_ID:@ID@]]，要求注销账户。
zh|chat|用户：您好，我手机号[[CN_MOBILE:19145226708]]，身份证后四位<<CARD_TAIL:2035>>。
zh|call|客户：卡号是[[BANK_CARD:@BANKSPOKEN@]]。
zh|chat|用户：我的工号是<<STAFF_ID:A20931>>，员工号<<STAFF_ID:883021>>，不是手机号。
zh|chat|用户：快递柜取件码<<OTP:6-2-8-3>>，打不开。
zh|ticket|工单：客户反馈在<<TIME:2024-06-18 09:12:33>>收到扣款短信，金额<<AMOUNT:5,000.00元>>。
zh|chat|用户：座机号码[[CN_LANDLINE:021-6432 8870]]转<<EXTENSION:312>>找我。
zh|chat|用户：我的手机[[CN_MOBILE:13３1２8６6７7０]]
zh|chat|用户：我的地址在[[ADDRESS:吉林省长春市朝阳区西安大路1006号]]，[[PERSON:苗晓丽]]收。
zh|chat|用户：寄到[[ADDRESS:甘肃省兰州市城关区张掖路步行街126号3楼]]，谢谢。
zh|ticket|工单：客户[[PERSON:项梓涵]]地址：[[ADDRESS:四川省凉山彝族自治州西昌市长安中路55号]]。
zh|chat|用户：我在[[ADDRESS:黑龙江省哈尔滨市道里区中央大街118号]]附近。
zh|chat|用户：地址：[[ADDRESS:贵州省贵阳市南明区花果园R1区3栋2单元15楼1502]]
zh|chat|用户：地址：[[ADDRESS:天津市和平区五大道睦南道20号]]，电话[[CN_LANDLINE:022-2331 5508]]。
zh|call|客户：我的地址是[[ADDRESS:辽宁省大连市中山区人民路五十六号]]。
zh|chat|用户：帮我改成[[ADDRESS:江西省南昌市东湖区八一大道三百号]]。
en|chat|Customer: hi it's [[PERSON:Carlos Mendoza]], card [[CREDIT_CARD:@MC@]] got charged twice for order <<ORDER_NO:55120983>>
en|call|Agent: I'll send a text to [[US_PHONE:(503) 555-0119]] with the code.\nCaller: My code is <<OTP:903421>>.
en|ticket|Ticket: [[PERSON:Fatima Al-Sayed]] from Acme Logistics called about a late delivery to [[ADDRESS:300 E Pine St, Seattle, WA 98122]].
en|chat|Customer: please contact my husband [[PERSON:Brian Kowalski]] at [[US_PHONE:608-555-0145]]
en|chat|Customer: Northwind Bank froze my account, support at <<HOTLINE:877-555-0100>> isn't answering
en|ticket|Ticket: refund of <<AMOUNT:$34.50>> for SKU <<PRODUCT_MODEL:B07XJ8C8F5>> issued on <<DATE:June 3, 2024>>.
en|chat|Customer: version <<VERSION:1.2.3.4>> has a bug
en|chat|Customer: my IPv6 is [[IP_ADDRESS:2a02:6b8::feed:0ff]], and IPv4 [[IP_ADDRESS:91.198.174.192]]
en|call|Caller: I'm [[PERSON:Jean-Luc Moreau]], calling from Montreal.
en|ticket|Ticket: Agent [[PERSON:Tanisha Greene]] escalated case <<ORDER_NO:CS-882341>> to tier 2.
zh|chat|用户：电话[[CN_MOBILE:138　2210　5567]]（微信同号）
zh|chat|用户：Tel/微信：[[CN_MOBILE:15601328874]]
zh|call|客户：手机尾号<<CARD_TAIL:7721>>的那个号码已经不用了。
zh|chat|用户：我的电话（[[CN_MOBILE:13520087613]]）一直收不到短信。
zh|ticket|工单：订单号<<ORDER_NO:13800138000>>的商品缺货，已通知客户。
zh|chat|用户：座机[[CN_LANDLINE:(0755)26881903]]，手机[[CN_MOBILE:18926013347]]。
zh|chat|用户：办公室[[CN_LANDLINE:+86 755 2688 1903]]，找前台转我。
zh|call|客户：座机[[CN_LANDLINE:0755—8832 1190]]，转<<EXTENSION:6012>>。
zh|call|客户：身份证号[[CN_ID:@IDSPOKEN@]]。\n坐席：好的，已核对。
zh|chat|用户：身份证[[CN_ID:@IDWIDE@]]
zh|chat|用户：身份证尾号<<CARD_TAIL:3516>>，名字[[PERSON:翟一鸣]]。
zh|ticket|工单：订单号<<ORDER_NO:@BANKORDER@>>退款失败，客户[[PERSON:岳清]]要求人工处理。
zh|chat|用户：卡号[[BANK_CARD:@BANK19D@]]，建设银行。
zh|chat|用户：邮箱[[EMAIL:ZHANG.MIN@QQ.COM]]，大写的。
zh|chat|用户：邮箱是[[EMAIL:liyan_hz@yahoo.com.cn]]。
zh|ticket|工单：IP [[[IP_ADDRESS:2001:da8:8000::15]]]:<<EXTENSION:443>> 多次尝试登录失败。
zh|chat|用户：护照号码：[[PASSPORT:EA3851206]]，出境用。
zh|call|客户：我叫[[PERSON:张翀]]，翀是羽毛的羽上面一个中。
zh|chat|用户：收件人[[PERSON:李旻昊]]，放门口。
zh|call|坐席：您好，[[PERSON:冼女士]]，我是售后专员[[PERSON:邝志强]]。
zh|chat|用户：请转告[[PERSON:司马经理]]，合同我签好了。
zh|chat|用户：地址[[ADDRESS:北京市朝阳区望京街道阜通东大街6号院3号楼1单元1203]]。
zh|chat|用户：寄到[[ADDRESS:广东省东莞市长安镇乌沙社区兴发南路22号]]，谢谢。
zh|ticket|工单：客户地址[[ADDRESS:陕西省西安市雁塔区科技路48号创业广场B座1105室]]，需上门。
zh|chat|用户：公司地址[[ADDRESS:上海市静安区南京西路1266号恒隆广场45楼]]。
zh|chat|用户：地址是[[ADDRESS:湖北省武汉市洪山区珞喻路1037号]]，学校里面。
zh|chat|用户：送到[[ADDRESS:朝阳区建国路93号万达广场8号楼2单元1701]]，北京的。
zh|chat|用户：地址：[[ADDRESS:河南省周口市郸城县宁平镇李庄村118号]]
zh|ticket|工单：<<DATE:20240618>>批次退款已完成，共<<AMOUNT:¥13,812,345.00>>。
zh|chat|用户：学号<<STAFF_ID:2019214501>>，学生认证失败。
zh|chat|用户：车牌<<PRODUCT_MODEL:粤B12345>>，停车费<<AMOUNT:35元>>。
zh|chat|用户：安卓<<VERSION:14.0.0.1>>系统，打不开。
zh|chat|客服：请您在<<DATE:2024年06月18日>><<TIME:18:30>>前完成支付。
zh|chat|客服：您可以拨打<<SERVICE_NUMBER:12345>>政务热线，或<<SERVICE_NUMBER:114>>查号。
en|chat|Customer: my number is [[US_PHONE:(415)-555-0102]] ext. <<EXTENSION:22>>
en|call|Caller: It's [[US_PHONE:+1.650.555.0177]].\nAgent: Thanks.
en|chat|Customer: SSN [[US_SSN:512448877]] for the form
en|ticket|Ticket: social security no. [[US_SSN:268-31-5527]] updated for [[PERSON:Victor Hale]].
en|chat|Customer: ship to [[ADDRESS:1600 Amphitheatre Pkwy, Mountain View, CA 94043]]
en|ticket|Ticket: billing address [[ADDRESS:350 Fifth Avenue, Ste 300, New York, NY 10118]].
en|chat|Customer: my address is [[ADDRESS:44 Harbor View Rd., Apt. 4B, Bar Harbor, ME 04609]]
en|ticket|Ticket: email from [[PERSON:Nadia Rahman]] <[[EMAIL:nadia.rahman@fastmail.fm]]> about a refund.
en|chat|Agent: Dear Ms. [[PERSON:Huang]], your refund has been processed.
en|ticket|Ticket: Regards, [[PERSON:Michael Chen]]; cc [[PERSON:Anna Li]].
en|chat|Customer: Thanks, [[PERSON:Emily]]! That fixed it.
en|chat|Customer: routing number <<ORDER_NO:021000021>> is the bank's, not mine
en|chat|Customer: the ZIP is 94105, I'm in San Francisco
en|ticket|Ticket: order <<ORDER_NO:@LUHNORDER@>> refunded <<AMOUNT:$2,399.00>> to card ending <<CARD_TAIL:0044>>.
mixed|chat|用户：我的US number是[[US_PHONE:212.555.0146]]，中国号码[[CN_MOBILE:+86 15910235566]]。
mixed|chat|用户：email是[[EMAIL:chen_xiao@outlook.com]]，name写[[PERSON:Xiao Chen]]。
mixed|ticket|工单：customer [[PERSON:Priya Nair]]的visa卡[[CREDIT_CARD:@VISAG@]]被盗刷<<AMOUNT:$560>>。
"""


# Second batch, written after the first round of fixes to the detector, so that it measures what
# those fixes did not anticipate.
TEXTS_2 = r"""
zh|chat|用户：手机: [[CN_MOBILE:186 1234 5678]]，有事打我。
zh|chat|用户：手机号码为 [[CN_MOBILE:+86 186 0755 2231]]。
zh|chat|用户：[[CN_MOBILE:18612345678]]/微信同号
zh|call|客户：手机号[[CN_MOBILE:1 3 8 0 0 1 3 9 5 2 7]]，您慢点记。
zh|call|客户：号码是[[CN_MOBILE:幺三五 洞洞幺二 三四五六]]。
zh|chat|用户：电话[[CN_MOBILE:+8613912345678]]，短信也行。
zh|chat|用户：号码[[CN_MOBILE:８６－１３８０２２１６６７８]]
en|chat|Customer: my Chinese mobile is [[CN_MOBILE:135-0000-1234]], call me there
zh|chat|用户：座机[[CN_LANDLINE:(0571)-88023316]]，白天有人。
zh|chat|用户：办公电话[[CN_LANDLINE:021—64328870]]。
zh|ticket|工单：客户座机[[CN_LANDLINE:010-8888 6666]]，手机关机。
zh|chat|用户：身份证号：[[CN_ID:@ID6444@]]
zh|chat|用户：身份证号码是 [[CN_ID:@IDX@]] 。
zh|call|客户：身份证[[CN_ID:@IDSPOKEN@]]，叉是大写的。
zh|chat|用户：卡号[[BANK_CARD:@BANK19G@]]，农行的。
en|chat|Customer: visa ending <<CARD_TAIL:1234>>, not the whole number
en|chat|Customer: card [[CREDIT_CARD:@VISAD@]], billing zip 94105
zh|chat|用户：邮箱：[[EMAIL:wang@sina.cn]]。
en|ticket|Ticket: customer e-mail [[EMAIL:first.last@sub.domain.co.uk]] bounced.
zh|chat|用户：E-mail：[[EMAIL:ABC-123@Foxmail.com]]
zh|chat|用户：IP：[[IP_ADDRESS:10.0.0.12]]，内网的。
zh|ticket|工单：IPv6 地址 [[IP_ADDRESS:2409:8900:1f2::a3]] 频繁请求。
en|ticket|Ticket: request from [[IP_ADDRESS:::ffff:192.0.2.128]] blocked.
en|chat|Customer: passport No. [[PASSPORT:E83302167]] for the booking
zh|chat|用户：护照（[[PASSPORT:G18820456]]）已过期。
zh|chat|用户：护照号码为[[PASSPORT:G1234 5678]]。
en|call|Caller: call me at [[US_PHONE:(212) 555 0199]].
en|chat|Customer: SSN#: [[US_SSN:123-45-6789]]
en|chat|Customer: last 4 of SSN: <<CARD_TAIL:6789>>
zh|chat|用户：收件人：[[PERSON:申屠娜娜]]，电话[[CN_MOBILE:13305717788]]。
zh|chat|用户：联系人 [[PERSON:王先生]]，电话[[CN_MOBILE:15968812345]]。
zh|chat|客户：[[PERSON:孟凡宇]]，我上周的退款到了没？
zh|chat|用户：帮我转给[[PERSON:齐悦]]的主管。
zh|chat|用户：我老婆叫[[PERSON:宁静]]，她会去取。
zh|ticket|工单：顾客[[PERSON:金女士]]反映空调不制冷。
zh|call|坐席：您好，[[PERSON:呼延女士]]，我是[[PERSON:闻人杰]]。
zh|chat|用户：[[PERSON:欧阳娜娜]]是我，我要改地址。
en|ticket|Ticket: Ms. [[PERSON:Jane O'Neil]] asked about her bill.
en|ticket|Ticket: Sincerely, [[PERSON:Laura Kim]]
en|chat|Agent: Dr. [[PERSON:Ngozi Okonjo-Iweala]], your appointment is confirmed.
en|chat|Customer: hi, [[PERSON:Jose Hernandez]] here, my package is late
en|call|Agent: Agent [[PERSON:Lisa Wong]] speaking, how can I help?
en|ticket|Ticket: Customer [[PERSON:Hiroshi Tanaka]] requested a refund; approved by [[PERSON:Megan Brooks]].
zh|chat|用户：地址：[[ADDRESS:上海市闵行区七宝镇漕宝路3366号]]
zh|chat|用户：寄到[[ADDRESS:北京市丰台区方庄芳城园一区15号楼3单元402]]。
zh|ticket|工单：地址[[ADDRESS:广州市越秀区东风中路437号越秀城市广场北塔26楼]]。
zh|chat|用户：公司在[[ADDRESS:杭州市拱墅区莫干山路100号耀江国际大厦A座18层1801]]。
zh|chat|用户：地址[[ADDRESS:浙江省温州市乐清市柳市镇长虹路18号]]
zh|chat|用户：寄到[[ADDRESS:四川省甘孜藏族自治州康定市炉城镇东大街12号]]，谢谢。
zh|ticket|工单：客户地址[[ADDRESS:湖南省湘西土家族苗族自治州吉首市人民北路8号]]。
zh|chat|用户：我家[[ADDRESS:北京市昌平区回龙观镇龙跃苑三区12号楼5单元202]]。
zh|chat|用户：地址是[[ADDRESS:辽宁省沈阳市和平区南京北街206号]]。
zh|chat|用户：地址：[[ADDRESS:北京市 海淀区 中关村大街 1号]]
en|chat|Customer: ship to [[ADDRESS:500 W 2nd St, Austin, TX 78701]]
en|ticket|Ticket: office at [[ADDRESS:2 Penn Plaza, New York, NY 10121]].
en|chat|Customer: I'm at [[ADDRESS:4059 Mt Lee Dr, Hollywood, CA 90068]]
en|chat|Customer: address [[ADDRESS:1060 W Addison St, Chicago, IL 60613]], thanks
en|ticket|Ticket: deliver to [[ADDRESS:88 Colin P Kelly Jr St, San Francisco, CA 94107]].
en|chat|Customer: my address is [[ADDRESS:17 Elm St Apt #5, Dover, DE 19901]]
zh|ticket|工单：<<TIME:2024-06-18 10:00:00>>系统自动退款<<AMOUNT:100>>元。
zh|chat|用户：邮编<<ORDER_NO:100020>>，这个对吗？
zh|chat|用户：ISBN <<ORDER_NO:978-7-111-54742-6>>的书缺货。
zh|chat|用户：发票代码<<ORDER_NO:044031900111>>，发票号码<<ORDER_NO:12345678>>。
zh|chat|用户：我1990年3月7日出生，生日<<DATE:19900307>>。
zh|chat|客服：如需帮助请拨打<<HOTLINE:400-6677-888>>或<<SERVICE_NUMBER:96777>>。
en|chat|Customer: MAC address <<PRODUCT_MODEL:00:1A:2B:3C:4D:5E>> can't connect
en|chat|Customer: the router firmware is <<VERSION:v1.0.0.1>>
zh|chat|用户：订单号：<<ORDER_NO:@LUHNORDERG@>>，什么时候到？
zh|chat|用户：充值卡密<<BAD_LUHN:@BADLUHN@>>用不了。
zh|ticket|工单：客户在<<TIME:10:30>>-<<TIME:12:00>>之间可以接电话，手机[[CN_MOBILE:13912340000]]。
en|chat|Customer: reference <<ORDER_NO:REF-2024-0618-7731>>, amount <<AMOUNT:$1,050>>
"""


# Third batch, written after the second round of fixes, for the same reason.
TEXTS_3 = r"""
zh|call|客户：麻烦叫一下你们的[[PERSON:柴经理]]。\n坐席：好的，请稍等。
zh|chat|用户：我是业主[[PERSON:武红梅]]，物业费交过了。
zh|call|坐席：谢谢您，[[PERSON:鲍女士]]，祝您生活愉快。
zh|chat|用户：你好，是[[PERSON:苏晴晴]]吗？快递到了。
zh|ticket|工单：请转给售后部的[[PERSON:邢涛]]处理。
zh|call|客户：我爸叫[[PERSON:郝建国]]，卡是他的。
zh|ticket|工单：申请人：[[PERSON:左丘明]]，申请退款<<AMOUNT:￥560>>。
zh|chat|用户：订票人[[PERSON:温子仁]]，手机[[CN_MOBILE:135 0000 1234]]。
zh|chat|用户：这是送给母亲[[PERSON:谷秀兰]]的礼物。
zh|ticket|工单：客户 [[PERSON:章子涵]] 来电反映网络卡顿。
zh|chat|用户：本人[[PERSON:夏雪]]，身份证[[CN_ID:@ID@]]。
zh|call|坐席：请找一下财务部的[[PERSON:殷小姐]]。
zh|ticket|工单：寄件人：[[PERSON:卜凡]]，寄件地址[[ADDRESS:广西壮族自治区桂林市秀峰区解放西路2号]]。
zh|chat|客服：您的外卖由骑手[[PERSON:常乐]]配送。
en|ticket|Ticket: thanks for your patience, Ms. [[PERSON:Adeyemi-Clarke]].
en|ticket|Ticket: Account holder: [[PERSON:Brandon T. Ellis]]
en|chat|Agent: Customer name: [[PERSON:Sofia Marquez]]
en|call|Agent: Hello Mr [[PERSON:Lopez]], how are you today?
en|ticket|Ticket: spoke with [[PERSON:Tom]] from billing about the credit.
en|ticket|Ticket: Signed, [[PERSON:Harold Finch]]
en|chat|Agent: name on card: [[PERSON:Wei Zhang]]?
en|ticket|Ticket: contact person: [[PERSON:Ravi Shankar]], phone [[US_PHONE:650-555-0111]] x204
zh|chat|用户：地址[[ADDRESS:广东省深圳市宝安区西乡街道宝源路168号]]。
zh|chat|用户：寄到[[ADDRESS:海南省海口市美兰区海甸岛人民大道58号]]。
zh|chat|用户：地址：[[ADDRESS:内蒙古包头市昆都仑区钢铁大街12号]]
zh|ticket|工单：客户地址[[ADDRESS:新疆乌鲁木齐市沙依巴克区友好南路668号]]。
zh|chat|用户：我在[[ADDRESS:江苏省南通市如东县掘港镇青园路1号]]。
zh|chat|用户：民宿地址[[ADDRESS:安徽省黄山市黟县宏村镇宏村2号]]。
zh|chat|用户：地址[[ADDRESS:上海市长宁区愚园路1088弄3号]]，谢谢。
zh|chat|用户：寄到[[ADDRESS:天津市南开区鞍山西道 192 号]]。
zh|chat|用户：店铺在[[ADDRESS:福建省厦门市思明区鼓浪屿龙头路28号]]。
zh|ticket|工单：地址[[ADDRESS:山西省太原市小店区长治路 111 号 A 座 1203 室]]。
zh|chat|用户：公司[[ADDRESS:深圳市南山区粤海街道科苑路15号科兴科学园B栋4单元1001]]。
en|chat|Customer: address is [[ADDRESS:1234 Pine St., Apt. 5, Seattle, WA 98101]]
en|ticket|Ticket: office [[ADDRESS:600 Congress Ave Suite 1400, Austin, TX 78701]].
en|chat|Customer: ship to [[ADDRESS:12 S Michigan Ave, Chicago, IL 60603]] please
en|ticket|Ticket: mail to [[ADDRESS:3400 N Charles Street, Baltimore, Maryland 21218]].
zh|chat|用户：手机号：[[CN_MOBILE:135 0000 1234]] / [[CN_MOBILE:138 0000 5678]]
zh|chat|用户：电话 [[CN_MOBILE:+86 138-0013-8000]]
zh|chat|用户：tel:[[CN_LANDLINE:+86-10-65529988]]
zh|chat|用户：座机[[CN_LANDLINE:０２１－６４３２８８７０]]
zh|chat|用户：座机[[CN_LANDLINE:0755-2688-1903]]
en|ticket|Ticket: ID number: [[CN_ID:@IDX@]] verified.
zh|chat|用户：卡号[[BANK_CARD:@BANK19G@]]，帮我退这里。
zh|chat|用户：IP为[[IP_ADDRESS:192.168.1.1]]:<<EXTENSION:8080>>
en|ticket|Ticket: login from [[IP_ADDRESS:2001:0db8:0000:0000:0000:ff00:0042:8329]].
zh|chat|用户：系统版本号<<VERSION:2.0.1.3>>，Build <<VERSION:22631.3447>>。
zh|chat|用户：价格<<AMOUNT:¥1,380>>，<<DATE:2024/6/18>> <<TIME:14:30>>下单的。
zh|chat|用户：订单尾号<<CARD_TAIL:6789>>，还没发货。
zh|chat|用户：邮编<<ORDER_NO:518057>>，地址没变。
zh|chat|用户：会员卡号<<STAFF_ID:88001234>>，积分没到账。
zh|ticket|工单：交易单号<<ORDER_NO:4200002024061812345678901>>，退款处理中。
zh|chat|用户：我坐<<PRODUCT_MODEL:G1234>>次高铁，座位<<PRODUCT_MODEL:12F>>。
zh|chat|用户：序列号<<PRODUCT_MODEL:E12345678>>的耳机坏了。
zh|chat|用户：航班<<PRODUCT_MODEL:CA1831>>延误了，能退吗？
zh|chat|用户：预约号<<ORDER_NO:A0618-023>>，几点能到？
mixed|chat|用户：order <<ORDER_NO:#20240618-0001>>，still没到。
mixed|ticket|工单：客户[[PERSON:Grace Liu]]，email [[EMAIL:grace.liu@hku.hk]]，手机暂缺。
"""


# Fourth batch, written after the third round of fixes.
TEXTS_4 = r"""
zh|call|坐席：请问您是[[PERSON:耿佳怡女士]]吗？\n客户：对。
zh|chat|用户：这单是帮同事[[PERSON:蒋雯雯]]买的。
zh|ticket|工单：已安排工程师[[PERSON:孔德明]]明天上门。
zh|chat|用户：收货人是[[PERSON:邬佳佳]]，电话[[CN_MOBILE:13800001111]]。
zh|chat|用户：我家孩子叫[[PERSON:戚晨阳]]，报的是周末班。
zh|call|客户：他叫[[PERSON:隋东]]，是我们的司机。
zh|ticket|工单：投诉人：[[PERSON:晏菲]]，投诉内容：配送超时。
zh|chat|用户：持卡人为[[PERSON:闵浩然]]，卡号[[BANK_CARD:@BANK16@]]。
zh|chat|用户：乘机人 [[PERSON:屈文博]]，护照[[PASSPORT:E57302186]]。
zh|call|坐席：感谢[[PERSON:晋先生]]的耐心等待。
zh|chat|用户：把发票开给[[PERSON:卫小宝]]就行。
zh|chat|用户：账户名：[[PERSON:米雪]]
en|ticket|Ticket: per my conversation with [[PERSON:Aaron Goldberg]], the fee is waived.
en|ticket|Ticket: refund approved for [[PERSON:Maria Gonzalez-Ruiz]].
en|chat|Agent: The caller, [[PERSON:Devon Whitaker]], said the parcel was damaged.
en|ticket|Ticket: Patient: [[PERSON:Ethan Cole]], callback requested.
en|chat|Customer: I spoke to a rep named [[PERSON:Jasmine]] yesterday.
en|ticket|Ticket: From: [[PERSON:Olivia Bennett]] <[[EMAIL:olivia.b@gmail.com]]>
en|chat|Agent: Hey [[PERSON:Sam]], your order <<ORDER_NO:W2281934>> is on its way.
zh|chat|用户：地址[[ADDRESS:北京市通州区梨园镇云景东路1号院7号楼2单元]]。
zh|chat|用户：寄到[[ADDRESS:江苏省无锡市滨湖区蠡湖大道1800号]]。
zh|ticket|工单：地址[[ADDRESS:浙江省宁波市鄞州区首南街道天童南路588号宁波文化广场]]。
zh|chat|用户：地址：[[ADDRESS:青海省西宁市城西区五四大街39号]]
zh|chat|用户：寄到[[ADDRESS:吉林省延边朝鲜族自治州延吉市光明街168号]]。
zh|chat|用户：公司在[[ADDRESS:河北省石家庄市长安区中山东路39号勒泰中心A座2808]]。
zh|chat|用户：地址[[ADDRESS:福建省福州市鼓楼区五四路158号环球广场12层]]。
zh|chat|用户：送到[[ADDRESS:重庆市江北区观音桥步行街9号]]。
zh|chat|用户：地址是[[ADDRESS:湖南省长沙市岳麓区麓山南路932号]]，湖南大学里面。
zh|ticket|工单：地址[[ADDRESS:上海市浦东新区陆家嘴环路1000号恒生银行大厦]]。
zh|chat|用户：地址[[ADDRESS:贵州省黔东南苗族侗族自治州凯里市北京东路1号]]。
zh|chat|用户：我在[[ADDRESS:西藏日喀则市桑珠孜区上海中路8号]]。
en|chat|Customer: ship to [[ADDRESS:2211 N First St, San Jose, CA 95131]]
en|ticket|Ticket: address [[ADDRESS:700 Pennsylvania Ave SE, Washington, DC 20003]].
en|chat|Customer: I'm at [[ADDRESS:1 Main St Unit 4B, Boston, MA 02129]]
en|chat|Customer: the venue is [[ADDRESS:501 Broadway, Nashville, TN 37203]]
zh|chat|用户：手机号码:[[CN_MOBILE:13800001111]]，座机 [[CN_LANDLINE:010-6123-4567]]。
zh|chat|用户：Tel: [[CN_LANDLINE:+86 (21) 6432 8870]]
zh|call|客户：电话号码是[[CN_MOBILE:一八八一二三四五六七八]]，对。
en|chat|Customer: Phone: [[US_PHONE:1 (415) 555-0100]]
en|chat|Customer: SSN: [[US_SSN:123456789]]
en|chat|Customer: amex [[CREDIT_CARD:3782 822463 10005]]
en|chat|Customer: card [[CREDIT_CARD:5555 5555 5555 4444]]
zh|chat|用户：邮箱[[EMAIL:li-ming@my-company.com.cn]]。
zh|ticket|工单：工单号<<ORDER_NO:INC0012345>>，保单号<<ORDER_NO:P2024061800001>>。
zh|chat|用户：快递单<<TRACKING_NO:75312345678901>>到哪了？
zh|chat|用户：还款金额<<AMOUNT:3,456.78>>元，年费<<AMOUNT:¥688>>/年。
zh|chat|用户：手机是<<PRODUCT_MODEL:IP68>>防水的吗？型号<<PRODUCT_MODEL:iPhone 15 Pro Max>>。
en|ticket|Ticket: Case #: <<ORDER_NO:12-345-6789>> opened.
en|chat|Agent: Toll-free <<HOTLINE:1-888-555-0155>>, open 24/7.
en|chat|Customer: USPS tracking <<TRACKING_NO:9400 1000 0000 0000 0000 00>>
en|chat|Customer: routing <<ORDER_NO:121000248>>, account ending <<CARD_TAIL:3321>>
zh|chat|用户：版本<<VERSION:v15.2.1.0>>（build <<VERSION:1234>>）还是闪退。
"""


# Fifth batch, written after the fourth round of fixes: the less-tested types, mixed texts,
# masked values.
TEXTS_5 = r"""
zh|chat|用户：护照号码是[[PASSPORT:G３８２１０４６７]]。
en|chat|Customer: Passport number [[PASSPORT:E 1234 5678]], issued in Beijing.
zh|ticket|工单：旅行证件号[[PASSPORT:EA2390187]]，客户[[PERSON:汤子琪]]申请改签。
zh|chat|用户：护照号后四位<<CARD_TAIL:1234>>，其他的不方便说。
zh|chat|用户：产品编号<<PRODUCT_MODEL:G12345678>>的耳机有杂音。
en|chat|Customer: SSN ending in <<CARD_TAIL:4421>>
en|chat|Customer: ssn: [[US_SSN:532 12 9087]]
en|ticket|Ticket: Social Security No. [[US_SSN:321-54-9876]] on the W-9.
en|chat|Customer: my ITIN is <<BAD_CHECKSUM_ID:912-78-1234>>, not an SSN
en|chat|Customer: contact me at [[EMAIL:JANE_DOE99@YAHOO.COM]]
zh|chat|用户：邮箱[[EMAIL:abc@qq.com]];[[EMAIL:def_1@163.com]]，两个都行。
en|ticket|Ticket: reply-to [[EMAIL:x.y-z@sub-domain.example.org]] per customer.
en|chat|Customer: Visa [[CREDIT_CARD:4111 1111 1111 1111]] exp <<DATE:12/26>> CVV <<OTP:123>>
en|chat|Customer: MC [[CREDIT_CARD:5105-1051-0510-5100]]
en|chat|Customer: Amex [[CREDIT_CARD:3714-496353-98431]]
en|ticket|Ticket: card no. [[CREDIT_CARD:4012888888881881]] flagged for fraud.
zh|chat|用户：身份证：[[CN_ID:11010519491231002X]]（末位是X）
en|ticket|Ticket: ID: [[CN_ID:@ID@]] (PRC resident ID) verified.
zh|chat|用户：银行卡号：[[BANK_CARD:@BANKWIDE@]]
mixed|chat|用户：我的Alipay账号是[[CN_MOBILE:13912345678]]。
mixed|chat|用户：call我 at [[CN_MOBILE:138 1234 5678]]，after 6pm。
mixed|chat|用户：WeChat号<<STAFF_ID:wxid_abc123>>，加我。
mixed|ticket|工单：客户Ms. [[PERSON:Li]]（[[PERSON:李女士]]）反馈app闪退，version <<VERSION:6.2.0.11>>。
mixed|call|坐席：请问您的email？\n客户：[[EMAIL:tom.wu@126.com]]，tom点wu。
mixed|chat|用户：我的IP是[[IP_ADDRESS:180.101.49.12]]，VPN关了。
mixed|chat|用户：我叫[[PERSON:Anna Schmidt]]，德国人，passport [[PASSPORT:EC1234567]]是中国签发的。
zh|chat|用户：座机[[CN_LANDLINE:010-62345678]]-<<EXTENSION:801>>。
en|chat|Customer: office line [[CN_LANDLINE:0755 8888 6666]] ext <<EXTENSION:123>>
zh|chat|用户：电话[[CN_MOBILE:13812345678]]（本人）。
zh|chat|用户：工号<<STAFF_ID:A1234>>的坐席态度不好。
zh|ticket|工单：物流单号<<TRACKING_NO:JT5012345678901>>，SN码<<PRODUCT_MODEL:C02XK0ABJGH5>>。
zh|chat|用户：手机IMEI <<PRODUCT_MODEL:356938035643809>>，被锁了。
zh|chat|用户：SIM卡ICCID <<PRODUCT_MODEL:89860012345678901234>>。
zh|chat|用户：手机号<<MASKED:138****5678>>是我的。
zh|chat|用户：身份证<<MASKED:4401**********0005>>，我核对过了。
zh|chat|用户：卡号<<MASKED:6222 **** **** 1234>>。
zh|chat|用户：身份证后6位<<CARD_TAIL:123456>>。
zh|chat|用户：房间号<<CARD_TAIL:1203>>，在18楼。
zh|ticket|工单：<<TIME:2000-01-01 00:00:00>>系统默认时间，批次号<<ORDER_NO:20240618001>>。
zh|chat|用户：充了<<AMOUNT:100元>>话费没到账，拨<<SERVICE_NUMBER:10086>>也没用。
zh|call|客户：你好，我是[[PERSON:穆晓丹]]，我的手机号[[CN_MOBILE:幺五零 幺二三四 五六七八]]。
zh|chat|用户：发件人：[[PERSON:贝雨辰]]，收件人：[[PERSON:凤兰兰]]。
en|call|Agent: Am I speaking with Mrs. [[PERSON:Ortiz]]?\nCaller: Yes.
en|ticket|Ticket: [[PERSON:Jonathan Ashby-Clarke]] called twice about card [[CREDIT_CARD:@VISAG@]].
"""


_MARK = re.compile(r"\[\[([A-Z_]+):(.*?)\]\]|<<([A-Z_]+):(.*?)>>")


def build() -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    lines = (TEXTS + TEXTS_2 + TEXTS_3 + TEXTS_4 + TEXTS_5).strip().splitlines()
    for n, line in enumerate(ln for ln in lines if ln.strip()):
        lang, channel, marked = line.split("|", 2)
        marked = marked.replace("\\n", "\n")
        for token, make in TOKENS.items():
            while token in marked:
                marked = marked.replace(token, make(), 1)
        text, entities, negatives, pos = "", [], [], 0
        for m in _MARK.finditer(marked):
            text += marked[pos : m.start()]
            value = m.group(2) if m.group(1) else m.group(4)
            start = len(text)
            text += value
            if m.group(1):
                entities.append({"start": start, "end": len(text), "type": m.group(1)})
            else:
                negatives.append({"start": start, "end": len(text), "kind": m.group(3)})
            pos = m.end()
        text += marked[pos:]
        records.append({
            "id": f"probe-{n + 1:04d}", "lang": lang, "channel": channel, "text": text,
            "entities": entities, "negatives": negatives,
        })  # fmt: skip
    return records


if __name__ == "__main__":
    with OUT.open("w", encoding="utf-8") as out:
        for record in build():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
