"""Word lists for synthetic contact-center data: invented people, real region codes and formats.

Kept apart from the generator so the tables can grow without touching its logic. Names come with
pinyin so e-mail addresses look like the names they belong to; every district carries the first
birth year for which its GB/T 2260 code (as python-stdnum's code history records it) already
denoted that district, so generated resident IDs name a place that existed when the person was
born. E-mail domains are reserved example domains (RFC 2606), so no generated address is real.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words; long word lists stay a few lines instead of one per line."""
    return tuple(text.split())


def _pinyin_table(text: str) -> dict[str, str]:
    """'王:wang 李:li' -> {'王': 'wang', '李': 'li'}; keeps long tables compact and readable."""
    return dict(pair.split(":") for pair in _words(text))


# Ordered from most to least common, so the generator can skew towards the front.
SURNAME_PINYIN = _pinyin_table(
    """
    王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou
    徐:xu 孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 林:lin 罗:luo 高:gao
    郑:zheng 梁:liang 谢:xie 宋:song 唐:tang 许:xu 韩:han 冯:feng 邓:deng 曹:cao
    彭:peng 萧:xiao 田:tian 董:dong 袁:yuan 潘:pan 于:yu 蒋:jiang 蔡:cai 余:yu
    杜:du 叶:ye 程:cheng 苏:su 魏:wei 丁:ding 任:ren 沈:shen 姚:yao 卢:lu
    姜:jiang 崔:cui 钟:zhong 谭:tan 陆:lu 汪:wang 范:fan 金:jin 石:shi 廖:liao
    贾:jia 夏:xia 韦:wei 付:fu 方:fang 白:bai 邹:zou 孟:meng 熊:xiong 秦:qin
    邱:qiu 江:jiang 尹:yin 薛:xue 段:duan 雷:lei 侯:hou 龙:long 史:shi 陶:tao
    黎:li 贺:he 顾:gu 毛:mao 郝:hao 龚:gong 邵:shao 万:wan 钱:qian 严:yan
    """
)
COMPOUND_SURNAME_PINYIN = _pinyin_table(
    """
    欧阳:ouyang 司马:sima 诸葛:zhuge 上官:shangguan 皇甫:huangfu
    东方:dongfang 慕容:murong 令狐:linghu 司徒:situ 夏侯:xiahou
    """
)
GIVEN_PINYIN = _pinyin_table(
    """
    伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang
    勇:yong 艳:yan 杰:jie 娟:juan 涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping
    刚:gang 桂:gui 英:ying 华:hua 建:jian 文:wen 玲:ling 晨:chen 宇:yu 欣:xin
    浩:hao 婷:ting 雪:xue 琳:lin 鹏:peng 飞:fei 俊:jun 凯:kai 佳:jia 嘉:jia
    子:zi 梓:zi 涵:han 轩:xuan 睿:rui 博:bo 思:si 雨:yu 萱:xuan 怡:yi
    诗:shi 晓:xiao 志:zhi 海:hai 波:bo 斌:bin 丹:dan 红:hong 燕:yan 琴:qin
    辉:hui 鑫:xin 晶:jing 颖:ying 倩:qian 璐:lu 昊:hao 然:ran 天:tian 一:yi
    安:an 宁:ning 瑶:yao 悦:yue 泽:ze 铭:ming 楠:nan 阳:yang 峰:feng 慧:hui
    """
)
SURNAMES = tuple(SURNAME_PINYIN)
COMPOUND_SURNAMES = tuple(COMPOUND_SURNAME_PINYIN)
GIVEN_CHARS = tuple(GIVEN_PINYIN)

ENGLISH_FIRST = _words(
    """
    James Mary Robert Linda David Susan Daniel Emily Michael Sarah Thomas Laura Kevin Olivia
    Brian Grace William Emma Richard Sophie Peter Hannah Andrew Chloe Mark Alice George Lucy
    """
)
ENGLISH_LAST = _words(
    """
    Smith Johnson Brown Taylor Miller Wilson Moore Clark Walker Hall Young King Wright Scott
    Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Evans Edwards Collins
    """
)


@dataclasses.dataclass(frozen=True, slots=True)
class District:
    """A county-level division: its GB/T 2260 code, where it is, and since when it is so named."""

    code: str
    province: str
    city: str
    name: str
    since: int

    @property
    def place(self) -> str:
        """How an address starts: 北京市朝阳区, 广东省深圳市南山区."""
        if self.province == self.city:
            return f"{self.city}{self.name}"
        return f"{self.province}{self.city}{self.name}"


# province -> city -> "code:district:since ..." (municipalities are their own city).
_REGIONS: Mapping[str, Mapping[str, str]] = {
    "北京市": {
        "北京市": "110101:东城区:1950 110102:西城区:1950 110105:朝阳区:1950 "
        "110106:丰台区:1950 110108:海淀区:1950"
    },
    "天津市": {"天津市": "120101:和平区:1950 120103:河西区:1950"},
    "上海市": {
        "上海市": "310101:黄浦区:1950 310104:徐汇区:1950 310105:长宁区:1950 "
        "310106:静安区:1950 310110:杨浦区:1950 310112:闵行区:1981 310115:浦东新区:1992"
    },
    "重庆市": {"重庆市": "500103:渝中区:1997 500106:沙坪坝区:1997"},
    "河北省": {"石家庄市": "130102:长安区:1983 130104:桥西区:1983"},
    "内蒙古自治区": {"呼和浩特市": "150102:新城区:1983"},
    "辽宁省": {"沈阳市": "210102:和平区:1983 210103:沈河区:1983", "大连市": "210202:中山区:1983"},
    "吉林省": {"长春市": "220102:南关区:1983"},
    "黑龙江省": {"哈尔滨市": "230102:道里区:1983 230103:南岗区:1983"},
    "江苏省": {"南京市": "320102:玄武区:1983 320106:鼓楼区:1983", "苏州市": "320506:吴中区:2000"},
    "浙江省": {
        "杭州市": "330102:上城区:1983 330105:拱墅区:1983 330106:西湖区:1983 330108:滨江区:1996",
        "宁波市": "330203:海曙区:1983",
    },
    "安徽省": {"合肥市": "340103:庐阳区:2002"},
    "福建省": {"福州市": "350102:鼓楼区:1983", "厦门市": "350203:思明区:1983 350206:湖里区:1987"},
    "江西省": {"南昌市": "360102:东湖区:1983"},
    "山东省": {"济南市": "370102:历下区:1983", "青岛市": "370202:市南区:1983 370212:崂山区:1988"},
    "河南省": {"郑州市": "410102:中原区:1983 410105:金水区:1983"},
    "湖北省": {
        "武汉市": "420102:江岸区:1983 420103:江汉区:1983 420106:武昌区:1983 420111:洪山区:1983"
    },
    "湖南省": {"长沙市": "430102:芙蓉区:1996 430104:岳麓区:1996"},
    "广东省": {
        "广州市": "440103:荔湾区:1983 440104:越秀区:1983 440105:海珠区:1983 "
        "440106:天河区:1985 440111:白云区:1987",
        "深圳市": "440303:罗湖区:1990 440304:福田区:1990 440305:南山区:1990 "
        "440306:宝安区:1992 440307:龙岗区:1992",
        "珠海市": "440402:香洲区:1984",
    },
    "广西壮族自治区": {"南宁市": "450102:兴宁区:1983"},
    "四川省": {"成都市": "510104:锦江区:1990 510105:青羊区:1990 510107:武侯区:1990"},
    "贵州省": {"贵阳市": "520102:南明区:1983"},
    "云南省": {"昆明市": "530102:五华区:1983 530103:盘龙区:1983"},
    "陕西省": {"西安市": "610102:新城区:1983 610103:碑林区:1983 610113:雁塔区:1983"},
    "甘肃省": {"兰州市": "620102:城关区:1983"},
    "新疆维吾尔自治区": {"乌鲁木齐市": "650102:天山区:1983"},
}


def _districts(regions: Mapping[str, Mapping[str, str]]) -> tuple[District, ...]:
    out = []
    for province, cities in regions.items():
        for city, entries in cities.items():
            for entry in entries.split():
                code, name, since = entry.split(":")
                out.append(District(code, province, city, name, int(since)))
    return tuple(out)


DISTRICTS = _districts(_REGIONS)

STREETS = _words(
    """
    建设路 中山路 人民路 解放路 和平路 胜利路 新华路 文化路 学府路 朝阳路 长江路 黄河路
    青年路 光明路 幸福路 东风路 工业路 科技路 滨江路 湖滨路 府前街 花园路 团结路 世纪大道
    """
)
COMMUNITIES = _words(
    """
    阳光花园 锦绣家园 翠苑小区 金色家园 枫林苑 碧水湾 世纪城 绿地新城 幸福里 御景湾
    """
)

# Mobile prefixes libphonenumber accepts over their whole subscriber range (1[3-9]x).
MOBILE_PREFIXES = _words(
    """
    130 131 132 133 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159
    166 173 175 176 177 180 181 182 183 185 186 187 188 189 191 198 199
    """
)
EMAIL_DOMAINS = (
    "example.com",
    "example.net",
    "example.org",
    "mail.example.com",
    "qq.example.com",
    "163.example.com",
)
# Service numbers as callers dial them: 400/800 freephone, 955xx banks, 100xx/1010xxxx carriers.
SERVICE_NUMBERS = (
    "4008001234",
    "4006109555",
    "4008208820",
    "8008208820",
    "95588",
    "95533",
    "95555",
    "95566",
    "10086",
    "10010",
    "10109555",
    "10101234",
)

QUEUES = ("billing", "tech_support", "complaints", "sales", "vip")
QUEUE_WEIGHTS = (30, 30, 15, 15, 10)
DISPOSITIONS = ("resolved", "callback", "escalated", "transferred", "abandoned")
DISPOSITION_WEIGHTS = (60, 12, 10, 10, 8)
SATISFACTION_SCORES = (1, 2, 3, 3, 4, 4, 4, 5, 5, 5)
CHANNELS = ("voice", "voice", "voice", "chat", "chat", "email")


@dataclasses.dataclass(frozen=True, slots=True)
class Phrasebook:
    """What is said in one language. `{slot}`s are filled by the generator.

    Slots: system {queue} (the recording notice has none); greetings {agent} {badge};
    customer_details {phone} {id_number} {email} {unionpay} {visa} {address} {name};
    agent_replies {last4}; outcomes {queue}.
    """

    queue_labels: Mapping[str, str]
    system: tuple[str, ...]
    recording_notice: str
    greetings: tuple[str, ...]
    openers: Mapping[str, tuple[str, ...]]
    customer_details: tuple[str, ...]
    agent_replies: tuple[str, ...]
    customer_closings: tuple[str, ...]
    agent_closings: tuple[str, ...]
    resolved: Mapping[str, tuple[str, ...]]
    outcomes: Mapping[str, tuple[str, ...]]


ZH = Phrasebook(
    queue_labels={
        "billing": "账单查询",
        "tech_support": "技术支持",
        "complaints": "投诉建议",
        "sales": "业务办理",
        "vip": "VIP专席",
    },
    system=(
        "会话已接入{queue}队列，请稍候。",
        "客户已完成身份验证，转入{queue}。",
    ),
    recording_notice="本次通话可能会被录音，以便提升服务质量。",
    greetings=(
        "您好，客服{agent}很高兴为您服务，请问有什么可以帮您？",
        "您好，工号{badge}为您服务，请讲。",
        "您好，欢迎联系客服中心，我是{agent}，请问有什么可以帮您？",
    ),
    openers={
        "billing": (
            "我这个月的话费账单比平时多了一百多块，想问一下怎么回事。",
            "我想查一下上个月的账单明细。",
            "自动扣款失败了，是不是要手动缴费？",
        ),
        "tech_support": (
            "家里宽带从昨天开始就断了，一直连不上。",
            "手机APP登录不上，一直提示验证码错误。",
            "路由器一直亮红灯，网速特别慢。",
        ),
        "complaints": (
            "我要投诉，上次说好48小时回电，到现在都没人联系我。",
            "营业厅的工作人员态度太差了，我要反映一下。",
            "你们的营销短信太多了，我要求全部退订。",
        ),
        "sales": (
            "我想办一个新的套餐，有什么优惠吗？",
            "听说现在升级5G套餐有活动？",
            "我想给家里人再加一张副卡。",
        ),
        "vip": (
            "我是你们的VIP客户，想预约一下专属经理。",
            "我的积分快过期了，能兑换什么？",
            "下周出国，要开通国际漫游。",
        ),
    },
    customer_details=(
        "我的手机号是{phone}。",
        "你记一下，号码{phone}，机主就是我。",
        "我叫{name}，手机号{phone}。",
        "我的身份证号是{id_number}。",
        "身份证号码{id_number}，你核对一下。",
        "扣款的那张银行卡是{unionpay}。",
        "我绑定的卡号是{unionpay}，工商银行的。",
        "我还有一张Visa信用卡{visa}，也被扣了一笔。",
        "发票请发到{email}。",
        "我的邮箱是{email}，之前的邮件都没收到。",
        "我现在住在{address}。",
        "新的收货地址是{address}，麻烦更新一下。",
        "好的，稍等我找一下。",
        "对，就是这个问题。",
        "昨天晚上八点左右开始的。",
    ),
    agent_replies=(
        "好的，我帮您查询一下，请稍等。",
        "为了核实身份，请提供一下您的手机号码。",
        "请问尾号{last4}的这个号码是您本人在使用吗？",
        "麻烦提供一下您的身份证号码，我做个核验。",
        "已经为您登记，预计24小时内处理。",
        "抱歉给您带来不便，我们马上处理。",
        "系统显示这笔费用是增值业务产生的。",
        "我已经帮您提交了工单，请保持电话畅通。",
    ),
    customer_closings=(
        "好的，谢谢。",
        "没有别的问题了，再见。",
        "行，那我等通知。",
        "好吧，尽快处理。",
    ),
    agent_closings=(
        "感谢您的来电，祝您生活愉快，再见。",
        "请问还有其他可以帮您的吗？稍后请为我的服务评价，谢谢。",
        "已为您处理完毕，再见。",
    ),
    resolved={
        "billing": ("账单已核对，多扣费用已退回", "已向客户发送账单明细", "已协助客户完成缴费"),
        "tech_support": ("已远程重置线路，客户确认恢复", "已派工程师上门检修", "已重置APP密码"),
        "complaints": ("已向客户致歉并记录投诉", "已为客户退订营销短信", "已补偿话费20元"),
        "sales": ("已办理新套餐，次月生效", "已开通5G升级包", "已办理副卡"),
        "vip": ("已预约专属经理回访", "已兑换积分", "已开通国际漫游"),
    },
    outcomes={
        "callback": ("已预约明天上午回访", "待核实后回电客户"),
        "escalated": ("已升级至二线处理", "已提交投诉工单，主管跟进"),
        "transferred": ("已转接{queue}", "客户要求转接{queue}"),
        "abandoned": ("客户在排队中挂断", "通话中断，未能联系上客户"),
    },
)

EN = Phrasebook(
    queue_labels={
        "billing": "Billing",
        "tech_support": "Technical Support",
        "complaints": "Complaints",
        "sales": "Sales",
        "vip": "VIP Service",
    },
    system=(
        "You are now connected to {queue}. Please wait.",
        "Customer verified, routed to {queue}.",
    ),
    recording_notice="This call may be recorded for quality purposes.",
    greetings=(
        "Hello, this is agent {badge}. How can I help you today?",
        "Hi, thanks for contacting us. How may I help?",
    ),
    openers={
        "billing": (
            "My bill this month is much higher than usual.",
            "I'd like an itemised statement for last month.",
        ),
        "tech_support": (
            "My broadband has been down since yesterday.",
            "I can't log in to the app, it keeps rejecting the code.",
        ),
        "complaints": (
            "I was promised a call back within 48 hours and nobody called.",
            "I keep getting marketing messages, please stop them.",
        ),
        "sales": ("I'd like to switch to a cheaper plan.", "Can I add a second SIM for my family?"),
        "vip": (
            "I'd like to book my account manager.",
            "I'm travelling next week, I need roaming.",
        ),
    },
    customer_details=(
        "My number is {phone}.",
        "You can reach me on {phone}.",
        "I'm {name}, my mobile is {phone}.",
        "My ID number is {id_number}.",
        "The charge was on my UnionPay card {unionpay}.",
        "My Visa card number is {visa}.",
        "Please send it to {email}.",
        "My email is {email}, I never got your reply.",
        "I live at {address}.",
        "Sure, one moment.",
        "Yes, that's the problem.",
    ),
    agent_replies=(
        "Let me check that for you, one moment please.",
        "Could you confirm your phone number for verification?",
        "Is the number ending in {last4} still yours?",
        "I've logged this; someone will follow up within 24 hours.",
        "Sorry for the trouble, I'm fixing it now.",
    ),
    customer_closings=("Thanks, bye.", "Okay, I'll wait for your call.", "That's all, thank you."),
    agent_closings=("Thank you for calling, have a nice day.", "Is there anything else I can do?"),
    resolved={
        "billing": ("Refund issued for duplicate charge", "Itemised bill sent"),
        "tech_support": ("Line reset remotely, customer confirmed", "Engineer visit booked"),
        "complaints": ("Apologised and logged complaint", "Marketing messages stopped"),
        "sales": ("New plan from next month", "Second SIM added"),
        "vip": ("Account manager call booked", "Roaming enabled"),
    },
    outcomes={
        "callback": ("Callback booked for tomorrow morning",),
        "escalated": ("Escalated to second line",),
        "transferred": ("Transferred to {queue}",),
        "abandoned": ("Customer hung up while queueing",),
    },
)

PHRASEBOOKS: Mapping[str, Phrasebook] = {"zh": ZH, "en": EN}
