"""Feedback comment templates in Chinese and English, and the contact details some carry.

Each :class:`Theme` is an identifiable issue (or praise) tied to a process stage, so a
taxonomy can tag comments and link them to stages. Templates take ``{hours}``,
``{minutes}`` and ``{days}`` from the ticket. Some comments end with contact details a
redactor must mask: mainland mobile numbers (``13912345678``, ``139 1234 5678``),
landlines (``021-12345678``), ``+86`` numbers and e-mail addresses at example.com or
example.cn; a few finance comments quote a card number or an ID number, always the
published test values (Visa test card 4111 1111 1111 1111; the GB 11643-1999 example ID
11010519491231002X), never realistic personal data.

Examples
--------
>>> from svcinsight.demo.comments import THEMES, render_contact
>>> THEMES["qc_delay"].stage, THEMES["qc_delay"].units
('qc result pending', ('ecommerce',))
>>> import numpy as np
>>> sentence = render_contact(np.random.default_rng(1), "en", "ecommerce")
>>> sentence.split()[0] in {"Please", "You", "My"}
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np


@dataclass(frozen=True)
class Theme:
    key: str
    #: The process stage the comment is about (None: the process as a whole).
    stage: str | None
    zh: tuple[str, ...]
    en: tuple[str, ...]
    positive: bool = False
    #: Units whose customers raise it (None: every unit).
    units: tuple[str, ...] | None = None
    #: How strongly the theme is picked when it applies.
    weight: float = 1.0


_THEMES = (
    Theme("slow_first_response", "new",
          ("等了{hours}个小时才有人回复，太慢了。", "发了消息一直没人理，回复太慢。", "客服回复速度太慢，等了大半天。"),
          ("Waited {hours} hours before anyone replied.", "Nobody answered my message for ages.",
           "Far too slow to get a first reply."), weight=1.5),
    Theme("long_phone_hold", "new",
          ("电话排队等了{minutes}分钟才接通。", "热线一直占线，等了好久才有人接。", "打客服电话要等很久，听了{minutes}分钟音乐。"),
          ("I was on hold for {minutes} minutes before someone picked up.",
           "Long hold on the phone line, again.", "Kept on hold forever on the hotline."),
          weight=2.0),
    Theme("repeated_explanation", "awaiting customer",
          ("同一个问题要反复解释好几遍。", "每次换一个客服都要重新说一遍情况。", "问了我好几次同样的信息，很麻烦。"),
          ("I had to explain the same problem again and again.",
           "Every new agent asked me to repeat everything.",
           "Had to repeat my details three times."),
          weight=1.5),
    Theme("not_fixed", "reopened",
          ("说是解决了，其实问题根本没解决。", "工单被关了但问题还在，只好重新联系。"),
          ("They marked it solved but the problem is still there.",
           "Ticket closed without fixing anything, had to reopen it."), weight=3.0),
    Theme("rude_agent", "in progress",
          ("客服态度很差，很不耐烦。", "接待我的客服说话很冲，服务态度恶劣。"),
          ("The agent was rude and impatient.",
           "Very unfriendly agent, made me feel like a nuisance."),
          weight=4.0),
    Theme("slow_resolution", None,
          ("处理太慢了，拖了{days}天才解决。", "整个过程太久了，效率太低。"),
          ("It took {days} days to sort out.", "The whole process took far too long.")),
    Theme("escalation", "escalation",
          ("一定要找主管才有人管，太折腾了。", "投诉升级以后才有人处理。"),
          ("Only got help after I asked for a supervisor.",
           "Nothing happened until I escalated it."),
          weight=1.5),
    Theme("poor_service", None,
          ("服务一般，没有真正解决我的问题。", "体验很差，不会再推荐。"),
          ("Not impressed with the service.", "Poor experience overall, would not recommend."),
          weight=0.4),
    Theme("qc_delay", "qc result pending",
          ("退货质检完了好几天都没人通知我。", "质检结果出来了客服却不知道，一直在等。", "退回的商品质检拖了{days}天。"),
          ("My return passed QC but nobody told customer service for days.",
           "Waiting on the QC result forever.", "The QC check on my return took {days} days."),
          units=("ecommerce",), weight=3.0),
    Theme("slow_refund", "refund",
          ("退款太慢了，{days}天还没到账。", "申请退款一直显示处理中。"),
          ("Still waiting for my refund after {days} days.", "Refund is taking far too long."),
          units=("ecommerce",), weight=2.5),
    Theme("delivery_damage", "carrier investigation",
          ("快递送到的时候包装破了，商品也摔坏了。", "收到的货有破损，快递理赔很麻烦。"),
          ("The parcel arrived damaged.",
           "Item was broken on delivery and the courier claim is a mess."),
          units=("ecommerce",), weight=2.5),
    Theme("loan_documents", "document check",
          ("贷款材料要求反复补交，每次只说一个问题。", "办贷款让我交了好几次材料，太麻烦。"),
          ("They kept asking for more loan documents, one at a time.",
           "Had to resubmit my loan documents several times."), units=("finance",), weight=3.0),
    Theme("review_wait", "agent review",
          ("申请一直显示审核中，人工审核太慢。", "人工审核等了很久才有结果。"),
          ("My application sat 'under review' for hours.", "The manual review takes far too long."),
          units=("finance",), weight=2.5),
    Theme("claim_slow", "claim assessment",
          ("理赔拖了{days}天还没结果。", "保险理赔流程太长了。"),
          ("My insurance claim has taken {days} days.", "The claim process is painfully slow."),
          units=("finance",), weight=2.5),
    Theme("technician_wait", "awaiting visit",
          ("维修师傅迟迟不上门，等了{days}天。", "预约上门维修一直没人来。"),
          ("Waited {days} days for the technician to come.",
           "The repair visit kept getting postponed."),
          units=("manufacturing",), weight=2.5),
    Theme("parts_delay", "spare parts",
          ("配件一直没到货，机器用不了。", "等配件等了一个多星期。"),
          ("Spare parts took forever to arrive.", "Machine down for a week waiting for parts."),
          units=("manufacturing",), weight=2.5),
    Theme("billing_error", "billing review",
          ("账单多扣了钱，退差价很慢。", "账单又算错了，要打电话来改。"),
          ("I was overcharged on my bill.", "Billing mistake again and the correction is slow."),
          units=("consumer_services",), weight=2.5),
    Theme("booking_problem", "booking confirmation",
          ("预约一直没有确认。", "预约的时间被取消了也没人通知我。"),
          ("My booking was never confirmed.", "Appointment cancelled without telling me."),
          units=("consumer_services",), weight=2.5),
    Theme("fast_helpful", None,
          ("客服很专业，很快就解决了。", "一次就解决了问题，效率很高。", "响应很快，点赞！"),
          ("Quick and helpful, solved on the first contact.",
           "Fast response and problem fixed, thanks!",
           "Great service, very efficient."), positive=True, weight=2.0),
    Theme("friendly_agent", "in progress",
          ("客服态度很好，耐心解答。", "工作人员非常耐心细致。"),
          ("The agent was friendly and patient.", "Lovely agent, explained everything clearly."),
          positive=True),
    Theme("quick_refund", "refund", ("退款很快就到账了。",), ("Refund came through quickly.",),
          positive=True, units=("ecommerce",), weight=2.0),
    Theme("quick_approval", "agent review", ("审批比想象中快。",), ("Approval was quicker than expected.",),
          positive=True, units=("finance",), weight=2.0),
    Theme("smooth_repair", "onsite repair",
          ("师傅上门很准时，修得也好。",), ("The technician was on time and fixed it properly.",),
          positive=True, units=("manufacturing",), weight=2.0),
)

#: Comment themes by key.
THEMES = MappingProxyType({theme.key: theme for theme in _THEMES})

_CONTACT = {
    "zh": ("请尽快回电：{phone}", "我的手机号{phone}，请联系我。", "有问题请发邮件到{email}。", "联系电话 {phone}"),
    "en": ("Please call me back on {phone}.", "You can reach me at {email}.",
           "My number is {phone}."),
}
_FINANCE_CONTACT = {
    "zh": ("我的卡号是{card}，被重复扣款了。", "身份证号{id_number}已经提交过了。"),
    "en": ("My card {card} was charged twice.",),
}
_TEST_CARD = "4111 1111 1111 1111"
_EXAMPLE_ID_NUMBER = "11010519491231002X"
_MOBILE_PREFIXES = ("130", "131", "135", "136", "137", "138", "139", "150", "152", "158",
                    "159", "177", "180", "186", "187", "188", "189", "199")
_AREA_CODES = ("010", "021", "020", "0755", "0571", "028", "027", "025")
_EMAIL_NAMES = ("zhang.wei", "li.na", "wang_fang", "chen.jie", "liu.yang", "amy.liu", "j.smith",
                "huang.min", "zhao.lei", "service.fan")


def render_phone(rng: np.random.Generator) -> str:
    """A phone number in one of the ways customers write them."""
    mobile = rng.choice(_MOBILE_PREFIXES) + f"{rng.integers(0, 10**8):08d}"
    style = rng.integers(0, 6)
    if style == 0:
        return f"{rng.choice(_AREA_CODES)}-{rng.integers(0, 10**8):08d}"
    if style == 1:
        return f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    if style == 2:
        return f"+86-{mobile}"
    if style == 3:
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    return mobile


def render_email(rng: np.random.Generator) -> str:
    domain = "example.cn" if rng.random() < 0.5 else "example.com"
    return f"{rng.choice(_EMAIL_NAMES)}{rng.integers(1, 100)}@{domain}"


def render_contact(rng: np.random.Generator, language: str, unit_id: str) -> str:
    """A sentence giving contact details (or, rarely in finance, a card or ID number)."""
    templates = _CONTACT[language]
    if unit_id == "finance" and rng.random() < 0.15:
        templates = _FINANCE_CONTACT[language]
    template = templates[rng.integers(0, len(templates))]
    return template.format(phone=render_phone(rng), email=render_email(rng),
                           card=_TEST_CARD, id_number=_EXAMPLE_ID_NUMBER)


def render(
    themes: list[str], languages: list[str], hours: np.ndarray, minutes: np.ndarray,
    days: np.ndarray, contact: np.ndarray, unit_id: str, rng: np.random.Generator,
) -> list[str]:
    """One comment per row: a template of the theme in the language, filled in."""
    out = []
    for i, (key, language) in enumerate(zip(themes, languages)):
        options = getattr(THEMES[key], language)
        text = options[rng.integers(0, len(options))].format(
            hours=int(hours[i]), minutes=int(minutes[i]), days=int(days[i])
        )
        if contact[i]:
            text += ("" if language == "zh" else " ") + render_contact(rng, language, unit_id)
        out.append(text)
    return out
