"""Structural landmine detectors: blame, jibes and contradiction found by sentence shape.

Phrase lists (scoring/lexicons) catch the wordings someone has written down; these rules
catch new wordings of the same move from the shape of the sentence:

- accuse: the caller as the subject of a fault verb in the past ("you forgot to ...",
  "you must have clicked ...", "that's because you ...", "是您自己点了吧");
- retaliate: evaluative remarks aimed at the caller ("you people", "nice try",
  "您可真行"), mocking scare quotes around the caller's own words, and capitals or "!!";
- argue: contradicting the caller's account ("no, that isn't what happened",
  "our records show ..., so ...", "but you did").

Each rule skips the harmless look-alikes named beside it: reassurance ("you didn't do
anything wrong", "不是您的问题"), questions asking for information ("did you receive ...?"),
conditionals ("if you missed it, ..."). All matching is on the normalised text (lowercase,
no apostrophes: "didn't" is "didnt"), except capitals, which need the original reply.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.analysis import Analysis
from scoring.normalise import normalise


@dataclass(frozen=True)
class Found:
    """One structural hit: landmine category, span in the NORMALISED text, reason label."""
    category: str
    start: int
    end: int
    label: str  # a `reasons:` key of the lexicon


# ---------------------------------------------------------------- accuse
# A certainty or guess about what the caller did: turns a neutral verb into blame.
_EN_GUESS = r"(?:must have|mustve|must of|probably|obviously|clearly|evidently|surely|definitely|certainly|likely)"
# Verbs that are a fault on their own: the caller forgot, ignored, failed...
_EN_FAULT = (r"(?:forgot|forgotten|ignored|overlooked|neglected|failed to|didnt (?:read|check|bother|notice|look|"
             r"pay attention|listen|cancel|follow)|never (?:read|checked|bothered|noticed|looked|cancelled|followed))")
# Neutral actions that blame only with a guess before them ("you must have clicked").
_EN_ACT = (r"(?:signed|clicked|agreed|accepted|subscribed|opted|tapped|replied|entered|ticked|left|missed|"
           r"pressed|texted|downloaded|installed|gave|shared|let|chose|ordered|used|activated|paid|switched|turned)")
# Any past participle ("you must have ticked ..."), but not the caller's loss ("been charged").
_EN_PAST = r"(?!been\b|got\b|had\b)(?:[a-z]+ed|given|done|sent|left|made|let|taken|read|lost|forgotten|shown|told|put|set|kept|seen|chosen)"
_EN_ACCUSE = re.compile(
    rf"(?<![a-z])you (?:yourself )?(?:{_EN_FAULT}|(?:{_EN_GUESS} )(?:just |already )?(?:have )?(?:{_EN_ACT}|{_EN_PAST}))(?![a-z])"
    # a conclusion that lands on the caller: "so you did sign up", "that means you've given ..."
    rf"|(?<![a-z])(?:so|which means|that means|meaning|therefore) (?:you did (?!not)[a-z]+|you (?:must|mustve)"
    rf"|you(?:ve| have) {_EN_PAST} (?!to\b)|(?:someone|somebody|anyone) (?:with|using|who had|at|in) your)"
    rf"|(?<![a-z])(?:probably|presumably|most likely|likely|must have been|mustve been|it was) (?:you|yourself)(?= *(?:[.!]|$))"
    rf"|(?<![a-z])(?:because|since|as) it was your [a-z]+ (?:that|which)"
    rf"|(?<![a-z])(?:youre|you are|you were) the one (?:who|that)"
    rf"|(?<![a-z])(?:thats|that is|its|it is|this is|that was|it was|this happened|it happened) "
    rf"(?:only |just |all |simply )?(?:because|since) you(?!r)(?! (?:asked|requested|wanted|called|rang|told|said|mentioned|contacted))"
    rf"|(?<![a-z])(?:it|that|this) was your (?:own )?(?:choice|decision|mistake|call|doing|error)"
    rf"|(?<![a-z])you (?:agreed|consented) to (?:the|our|these|those) (?:terms|conditions|t ?& ?cs?)"
    rf"|(?<![a-z])you (?:chose|decided|opted) to (?:sign|subscribe|click|ignore|skip|accept)")
# "if you forgot your PIN", "I'm not saying you forgot", "sorry you missed": no blame.
_EN_ACCUSE_BEFORE_OK = re.compile(
    r"(?:\bif|\bwhen|\bwhether|\bunless|\bin case|\bnot saying|\bnot suggesting|\bdont think|\bdoesnt mean|"
    r"\bno one thinks|\bnobody thinks|\bsorry|\bshame|\bpity|\bnot that|\bhow|\beven if)\W+(?:\w+\W+){0,2}$")
_EN_REASSURE = re.compile(
    r"not your fault|no fault of yours|(?:didnt|did not|havent|have not) (?:do|done) anything wrong|"
    r"nothing you did|not (?:on|down to) you|not because you|not blaming you|not (?:accusing|saying) you|"
    r"(?:anyone|anybody|easy to|easily) (?:could|would|might|can)? ?(?:miss|make)|happens to (?:everyone|anyone|lots)")

_ZH_YOU = r"(?:您|你)"
# "您自己点了吧", "您肯定是忘了", "您应该是没看短信吧": a guess or 自己 before the act, or 吧/啊 after.
_ZH_ACT = r"(?:没按时|没还|没交|没看|没注意|没留意|没仔细|没取消|没退订|忘了|忘记|点了|点过|同意了|订了|订过|签了|回复了|回过|开通了|操作失误|误操作|手滑|乱点)"
_ZH_ACCUSE = re.compile(
    rf"{_ZH_YOU}(?:自己|当时|之前)?(?:肯定|一定|应该|估计|八成|多半|大概|可能|准是)(?:是)?(?:自己)?{_ZH_ACT}"
    rf"|{_ZH_YOU}自己(?:是)?(?:{_ZH_ACT}|没|不|把|乱)"
    rf"|(?:肯定|一定|准|八成|多半|估计)是{_ZH_YOU}"
    rf"|(?:客户|用户){_ZH_YOU}?自己(?:把|没|点|泄露|操作)"
    rf"|{_ZH_YOU}(?:当时|之前|以前)?{_ZH_ACT}[^，。！？,.!?]{{0,8}}(?:吧|的吧|啊)"
    rf"|是{_ZH_YOU}自己"
    # the records point at the caller: "系统显示就是您手机回复的"
    rf"|(?:系统|后台|记录|数据)(?:上|里)?(?:显示|记录|记着|写着)(?:的)?(?:就是|是){_ZH_YOU}"
    rf"|(?<![不没非])(?:这|那)(?:是|就是|都是)?{_ZH_YOU}(?:自己)?的(?:问题|责任|错|原因|失误)"
    rf"|(?:还)?不(?:就|都)?是因为{_ZH_YOU}"
    rf"|(?:都|就|也)?(?:怪|赖){_ZH_YOU}")
_ZH_REASSURE = re.compile(r"不是(?:您|你)的(?:问题|责任|错)|(?:您|你)没(?:有)?(?:做错|错)|不怪(?:您|你)|不能怪|怪不得(?:您|你)|不赖(?:您|你)")


# ---------------------------------------------------------------- retaliate
_EN_JIBE = re.compile(
    r"(?<![a-z])you people(?![a-z])"
    r"|(?<![a-z])you (?:clearly|obviously|just|simply) (?:dont|do not|cant|cannot|wont|arent) "
    r"(?:understand|get it|get that|listen|listening|read|follow|seem to)"
    r"|(?<![a-z])(?:with (?:all )?due respect|no offen[cs]e),? (?:but )?(?:you|your|youre|if you)"
    r"|(?<![a-z])(?:congratulations|congrats|bravo|genius|einstein|sherlock|nice try|good luck with that|"
    r"yeah,? right|thanks for nothing|if you say so|whatever you say|"
    r"heaven forbid|poor you|boo ?hoo|news flash|newsflash|shocker|big shock)(?![a-z])(?! on )"
    r"|(?<![a-z])(?:are|do|can|could|did|have|were) you even(?![a-z])"
    r"|(?<![a-z])(?:shall|should|do you want|would you like) (?:i|me to)? ?(?:throw in|give you|get you|send you|award you) "
    r"(?:a |an )?(?:medal|trophy|prize|award|cookie|gold star|round of applause|standing ovation)"
    r"|(?<![a-z])try (?:to|and) (?:spell|read|listen|keep up|follow|understand|pay attention)[a-z ]{0,20}"
    r"(?:right|properly|this time|for once|carefully)"
    r"|(?<![a-z])(?:must be nice|some of us (?:have|actually|work)|if only (?:it|life|things) (?:worked|were|was))"
    r"|(?:^ *|(?:oh|yeah|ah),? )sure you (?:did|didnt|were|have)(?![a-z])"
    r"|(?<![a-z])(?:sweetheart|sweetie|darling|honey|princess)(?![a-z])")
_ZH_JIBE = re.compile(
    # 呵呵 beside "you" is a sneer; a warm 哈哈 ("哈哈，您太客气了") is not.
    rf"呵呵[^。！？.!?]{{0,12}}{_ZH_YOU}|{_ZH_YOU}[^。！？.!?]{{0,12}}呵呵"
    rf"|{_ZH_YOU}[^，。！？,.!?]{{0,6}}真够[^，。！？,.!?]{{1,4}}的"  # 您这要求也真够可以的
    rf"|{_ZH_YOU}(?:可|还|也)?真(?:行|会|能|厉害|有意思|逗|是个人才|幽默)"
    rf"|{_ZH_YOU}[^，。！？,.!?]{{0,4}}(?:也|可)太[^，。！？,.!?]{{1,6}}了吧"
    rf"|就{_ZH_YOU}(?:这样|这种|这态度|这水平)|{_ZH_YOU}这(?:种|样的)人|你们这(?:种|些)人"
    rf"|(?:恭喜|佩服)(?:{_ZH_YOU}|了)|真是(?:服|佩服)了|(?:至于吗|至于嘛|装什么|少来)")
# Scare quotes: a short lowercase phrase in quotes that echoes the caller's own words.
_QUOTED = re.compile(r"(?<![a-z])(?:this|that|your|these|those|such|so called|so-called|my) ['\"‘“]([^'\"‘’“”\n]{2,30})['\"’”](?![A-Za-z])")
_QUOTE_REPORTED = re.compile(r"(?:you said|you called|you mentioned|you described|in your words|you wrote|"
                             r"as you put it|the word|the phrase|says|called|named|reads|labelled|labeled|"
                             r"marked|listed as|shows as|appears as|under|reply|text|type|send)\W*$")
# Capitals: one word of 4+ letters in capitals is raised voice; acronyms are not.
_CAPS4 = re.compile(r"(?<![A-Za-z])[A-Z]{4,}(?![A-Za-z])")
_ACRONYMS = {"STOP", "IPTV", "PSMS", "ASAP", "VOLTE", "HTML", "HTTP", "HTTPS", "WIFI", "GDPR", "USSD", "SIMS",
             "PINS", "NHS", "BACS", "CHAPS", "IBAN", "SWIFT", "IMEI", "MMS", "UTC", "AMEX", "VISA", "OFCOM",
             "FAQS", "ATMS", "ISBN", "NASA", "IKEA", "HSBC", "INFO", "HELP", "FREE", "UNSUB", "CANCEL", "END",
             "QUIT", "OPTOUT", "YES", "STOPALL", "COVID", "NOTE", "TXT"}
_BANGS = re.compile(r"[!！]{2,}")
_BANGS3 = re.compile(r"[!！]{3,}")


# ---------------------------------------------------------------- argue
_NUM = r"(?:\d+(?:st|nd|rd|th)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
_EN_CORRECTION = re.compile(rf"(?<![a-z])(?:{_NUM}|[a-z]+day)(?: [a-z]+)?,? not (?:on |at |the |day )*{_NUM}(?![a-z0-9])")
_EN_NO = re.compile(r"^ *no[,.!] +(?!problem|worries|need|charge|fee|cost|trouble|rush|way i|i (?:can|will|ll)|thank|thats fine)")
_EN_CONTRA = re.compile(
    r"(?:^|[.!?,] *)(?:no|nope|actually|in fact|well),? (?:that|this|it) (?:is not|isnt|was not|wasnt|"
    r"s not|is simply not) (?:right|true|correct|what happened|how it (?:works|happened|went)|the case|accurate)"
    r"|(?<![a-z])(?:thats|that is|this is) not what (?:happened|(?:our|the) (?:records|system|logs?) (?:says?|shows?))"
    r"|(?<![a-z])(?:but|yes|oh) you (?:did|have|had|were|do)(?: (?:though|actually|sign|signed|agree|agreed|"
    r"subscribe|subscribed|reply|replied|click|clicked|order|ordered|use|used|receive|received|call|called))?"
    r"(?= *(?:[.!,;]|$|though|it|that|this|sir|madam))"
    r"|(?<![a-z])you did(?: so)?,? (?:though|actually|sir|madam)")
_EN_RECORDS = re.compile(r"(?<![a-z])(?:tracking|gps|records?|logs?) (?:shows?|says?|confirms?|puts?)|"
                         r"(?<![a-z])(?:our|the|my|your|[a-z]+s) (?:records?|system|logs?|notes|data|screen|network|meter|"
                         r"account|account history|history|usage|tracking|gps|readings?|report|photos?) (?:clearly |definitely )?(?:shows?|says?|indicates?|confirms?|states?)"
                         r"|(?<![a-z])(?:was|were|been) (?:confirmed|verified|authori[sz]ed|logged|recorded) (?:with|by|on|from)")
_EN_RECORDS_SO = re.compile(r"(?<![a-z])(?:so|which means|meaning|therefore|that means|which proves|proving) (?!i |we |ill |well |lets |youre right|you are right|you were right|it was our|thats our|that was our|you (?:didnt|did not|werent|never))"
                            r"|(?<![a-z])you (?:did|definitely|clearly|actually)(?![a-z])")
_CUSTOMER_DENIES = re.compile(r"(?<![a-z])(?:never|didnt|did not|havent|have not|not me|no way|i (?:switched|turned|cancelled|paid|sent|returned|already|did|had|was|checked|told))(?![a-z])|没|从来|不是我")
_ZH_CONTRA = re.compile(
    rf"(?:系统|记录|后台|数据)(?:上|里)?(?:明明|清楚地?|确实)?(?:显示|写着|记着)[^。！？.!?]{{0,16}}(?:所以|说明|就是|可见)"
    rf"|(?:可是|但是|但|可)?{_ZH_YOU}(?:明明|确实|分明)(?:就)?(?:是|有|订|点|回|同意|签|用)"
    rf"|(?:事实上|实际上|其实)(?:根本)?不是(?:这样|那样|这么回事)"
    rf"|(?:系统|后台|记录|数据|电表|表|物流|监控)(?:上|里)?(?:明明|清楚地?|确实)?(?:显示|记录|记着|写着)(?:的)?[^。！？.!?]{{0,20}}(?:那就是|说明{_ZH_YOU})"
    rf"|{_ZH_YOU}(?:肯定|一定|应该)?(?:记|说|看|听|理解|搞|弄)(?:错|岔|反)了"
    rf"|(?:这|您这|你这)(?:话|说法)[^，。！？,.!?]{{0,4}}不(?:对|准确|属实)"
    rf"|(?:系统|电表|表|机器|后台|记录|数据|计费)(?:是)?(?:不会|不可能|从来不会?)(?:错|坏|出错|乱)")


def detect(a: Analysis) -> list[Found]:
    """All structural hits in the reply (normalised-text spans)."""
    found: list[Found] = []
    text = a.text
    customer = normalise(a.ctx.customer or "", a.lex.typos).text  # same form as the reply text
    caller_asked = "?" in customer or "吗" in customer
    for s, e in a.sentences:
        sent = text[s:e]
        question = "?" in sent
        # accuse
        if not _EN_REASSURE.search(sent) and not _ZH_REASSURE.search(sent):
            for m in _EN_ACCUSE.finditer(sent):
                if question or _EN_ACCUSE_BEFORE_OK.search(sent[:m.start()]):
                    continue
                found.append(Found("accuse", s + m.start(), s + m.end(), "accuse_shape"))
                break
            for m in _ZH_ACCUSE.finditer(sent):
                if "吗" in sent[m.end():] or "有没有" in sent[max(0, m.start() - 2):m.end()]:
                    continue
                found.append(Found("accuse", s + m.start(), s + m.end(), "accuse_shape"))
                break
        # retaliate (words)
        for pattern in (_EN_JIBE, _ZH_JIBE):
            m = pattern.search(sent)
            if m:
                found.append(Found("retaliate", s + m.start(), s + m.end(), "retaliate_shape"))
        # argue
        m = _EN_CONTRA.search(sent) or _ZH_CONTRA.search(sent) or _EN_CORRECTION.search(sent)
        if not m and not caller_asked:
            m = _EN_NO.search(sent)  # "No, you cancelled on day 16": only a claim, not a question, is contradicted
        if m:
            found.append(Found("argue", s + m.start() + (len(m.group()) - len(m.group().lstrip(".!?, "))),
                               s + m.end(), "argue_shape"))
        else:
            r = _EN_RECORDS.search(sent)
            if r and _CUSTOMER_DENIES.search(customer) and _EN_RECORDS_SO.search(sent, r.end()):
                found.append(Found("argue", s + r.start(), s + r.end(), "argue_records"))
    found.extend(_scare_quotes(a, customer))
    return found


def _scare_quotes(a: Analysis, customer: str) -> list[Found]:
    """A lowercase phrase in quotes that repeats the caller's own words mocks them ("this 'little puppet'")."""
    out: list[Found] = []
    text = a.text
    for m in _QUOTED.finditer(text):
        inner = m.group(1).strip()
        original = a.original(m.start(1), m.end(1))
        if not inner or original[:1].isupper() or len(inner.split()) > 4:
            continue  # a product or service name ('Daily Stars') is quoted to name it
        if inner not in customer or _QUOTE_REPORTED.search(text[max(0, m.start() - 20):m.start()]):
            continue
        out.append(Found("retaliate", m.start(1) - 1, m.end(1) + 1, "scare_quotes"))
    return out


def shouting(reply: str) -> list[tuple[int, int]]:
    """Raised voice in the ORIGINAL reply: a sustained one, not one word of emphasis.

    Shouting is two or more capitalised words (4+ letters), "!!!", or capitals together with
    "!!". One emphasised word ("You are VERY welcome") or a cheerful "Thanks!!" is not.
    Acronyms and SMS keywords ("STOP", "IPTV", "HELP") never count.
    """
    caps = [m.span() for m in _CAPS4.finditer(reply) if m.group() not in _ACRONYMS]
    bangs = [m.span() for m in _BANGS.finditer(reply)]
    found = list(_BANGS3.finditer(reply))
    out = [m.span() for m in found]
    if len(caps) >= 2 or (caps and bangs):
        out += caps + [b for b in bangs if b not in out]
    return sorted(set(out))
