"""Structural landmine detectors: blame, jibes and contradiction found by sentence shape.

Phrase lists (scoring/lexicons) catch the wordings someone has written down; these rules
catch new wordings of the same move from the shape of the sentence:

- accuse: the caller as the subject of a fault verb in the past ("you forgot to ...",
  "you must have clicked ...", "that's because you ...", "是您自己点了吧");
- retaliate: evaluative remarks aimed at the caller ("you people", "nice try",
  "您可真行"), mocking scare quotes around the caller's own words, and capitals or "!!";
- argue: contradicting the caller's account ("no, that isn't what happened",
  "our records show ..., so ...", "but you did", "I'm afraid you're mistaken");
- deflect, dismiss, defy, threaten (`detect_moves`): pointing the caller at another party,
  minimising their loss, refusing with no way forward or daring them, and consequences
  "if you carry on" — each skipped when the reply offers a step of its own.

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
    found.extend(detect_moves(a))
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


# ======================================================================================
# deflect / dismiss / defy / threaten / argue (broadened): the same move in new wordings.
# Each detector is a sentence-shape rule with its own look-alikes; `detect_moves` runs them.

# A step the agent commits to ("I'll contact them for you", "我帮您联系"), whatever it is. Not the
# offer detector (scoring/offers.py finds which policy action is offered and checks it); here it
# only tells a move rule that the reply does not leave the caller empty-handed.
_EN_STEP = re.compile(
    r"(?<![a-z])(?:ill|i will|let me|i can|i could|ive|i have (?:already|just)|weve (?:already|just)?|we will|we can|"
    r"im going to|i am going to|happy to|glad to|shall i|id be happy|"
    r"well (?:get|send|sort|refund|cancel|arrange|call|look|pass|contact|chase|fix|credit|waive|check|book|process|"
    r"escalate|raise|make|do|have|be|put|take))(?![a-z])")
_ZH_STEP = re.compile(r"我(?:来|帮|可以|马上|这就|先|会|现在|立刻|替|已经|们(?:来|帮|马上|会|可以|已经))|帮您|为您|替您"
                       r"|给您(?:办|处理|退|申请|转|联系|查|登记|安排|发|打|补|换|催)")

@dataclass
class _Reply:
    """What the move rules need to know about the whole reply, and where the current sentence starts."""
    steps: list[tuple[int, int]]  # spans where the agent commits to a step
    sides_with_caller: bool
    at: int = 0


# ---------------------------------------------------------------- deflect
# Another party the agent can point at: a team, the system, the bank, the courier ...
_EN_PARTY = (r"(?:(?:the|your|our|their|that|a|an) )?(?:other |separate |another |relevant |right )?"
             r"(?:team|department|dept|system|bank|courier|delivery (?:company|firm|driver)|carrier|head office|"
             r"provider|partner|it (?:team|department|desk)|billing(?: team| department)?|manufacturer|supplier|"
             r"third[ -]party(?: company| provider| merchant| seller)?|merchant|retailer|store|shop|branch|landlord|"
             r"insurer|warehouse|post office|network|engineers?|[a-z]+ (?:team|department|company|provider|office))")
_EN_DEFLECT = re.compile(
    rf"(?<![a-z])(?:thats|that is|this is|its|it is|that was|it was) (?:a |an |really |entirely |purely )?"
    rf"(?:{_EN_PARTY}(?: side)? (?:issue|problem|matter|decision|policy|fault|thing|responsibility|call|error)"
    rf"|(?:down to|up to|with|for|on|one for|a matter for) {_EN_PARTY}(?: to (?:sort|fix|answer|decide|deal with))?(?=[ ,.!;]|$))"
    rf"|(?<![a-z])(?<!we )(?<!i )(?:the|our|your|their) (?:[a-z]+ )?(?:team|department|system|bank|courier|head office|"
    rf"provider|partner|manufacturer|supplier|billing|warehouse|branch) "
    rf"(?:handles?|is responsible for|are responsible for|deals? with|sets?|decides?|controls?|looks after|is in charge of) "
    rf"(?:that|this|those|these|it|all|the|your|refunds?|compensation|claims?|prices?|charges?|deliver)"
    rf"|(?<![a-z])you(?:ll| will|d| would)? (?:need|have|has|must|should|got) to (?:contact|call|ring|phone|speak to|talk to|"
    rf"take (?:it|that|this) up with|get in touch with|go (?:to|through)|email|write to|chase|raise (?:it|that|this) with|deal with) "
    rf"(?!us\b|me\b|back\b|our (?:team|helpline|number)|this number)[a-z]")
_ZH_PARTY = (r"(?:那边|那头|其他部门|别的部门|相关部门|对应部门|技术部门?|财务(?:部门?)?|系统|银行|快递(?:公司|员)?|物流(?:公司)?|"
             r"厂家|厂商|生产商|第三方|总部|合作方|商家|门店|店里|供应商|运营商|代理商|维修点|售后|他们)")
_ZH_DEFLECT = re.compile(
    rf"(?:这|那)(?:个|事|件事)?(?:是|属于|归|得找|要找|该找)?{_ZH_PARTY}(?:的事|的问题|定的|负责的?|管的?|的规定|的责任|那边的事)"
    rf"|{_ZH_YOU}(?:得|要|需要|只能|还是|最好|应该)?(?:自己)?(?:去|到)?[^，。！？,.!?]{{0,4}}?(?:找|联系|问)(?:一下|下)?{_ZH_PARTY}"
    rf"|跟我们(?:这边|客服)?(?:没关系|无关|没有关系|没什么关系)"
    rf"|(?:不归|不是)我们(?:这边|客服)?(?:管|负责|的事)")


def _deflect(r: _Reply, sent: str, customer: str) -> re.Match[str] | None:
    """Pointing the caller at another party with no offer to take it up for them."""
    if r.steps:
        return None  # "the courier handles claims, I'll open one for you" takes ownership
    return _EN_DEFLECT.search(sent) or _ZH_DEFLECT.search(sent)


# ---------------------------------------------------------------- dismiss
_EN_SMALL = (r"(?:[£$€]\s?\d+(?:\.\d+)?(?:p)?|\d+(?:\.\d+)?p|(?:a |one |two |three |a few |a couple of )?(?:\d+ )?(?:pounds?|quid|pence|"
             r"dollars?|minutes?|mins?|hours?|days?|weeks?|texts?|messages?|calls?)|{num}|"
             r"(?:a )?(?:small|little|minor|tiny|trivial|few) (?:thing|amount|charge|fee|delay|issue|inconvenience|problem|"
             r"scratch|dent|quid|pounds|bucks|days|hours|minutes)|(?:a )?(?:scratch|dent|fiver|tenner|few quid|couple of quid))")
_EN_DISMISS = re.compile(
    rf"(?<![a-z])(?:its|thats|it is|that is|this is|it was|that was) (?:only|just|merely|barely|hardly|nothing but) "
    rf"(?:a |an |the )?(?:few |couple of )?(?:{_EN_SMALL.replace('{num}', _NUM)})(?![a-z])"
    rf"|(?<![a-z])(?:(?:its|thats|it is|that is|this is|it was|that was|its really) (?:not|hardly) (?:a |such a |that )?"
    rf"(?:big deal|huge deal|end of the world|disaster|catastrophe|tragedy|that (?:much|bad|serious|big|expensive|long|important))"
    rf"|(?:no|not a|hardly a) (?:big|huge) deal|not the end of the world"
    rf"|(?:nothing|not|hardly) worth (?:getting )?(?:upset|worked up|angry|stressed|fussing|the fuss|(?:all )?this fuss|a complaint))"
    rf"|(?<![a-z])(?:get|getting|be|being) (?:so )?(?:upset|worked up|angry|stressed|het up) (?:about|over) "
    rf"(?:a |such a |something )?(?:so )?(?:small|little|minor|trivial|tiny|few)"
    rf"|(?<![a-z])(?:everyone|everybody|lots of people|loads of people|most people|many people|plenty of people|"
    rf"all our customers|half our customers|thousands of customers) "
    rf"(?:has|have|gets?|deals? with|goes through|go through|experiences?|puts? up with|is in the same|are in the same|waits?) "
    rf"(?:this|that|it|the same|these|those|delays?|charges?|problems?|issues?|boat)(?![a-z])")
_ZH_DISMISS = re.compile(
    r"(?:不就|才|只是|只不过|不过|就)(?:是)?(?:这么点|这点|那么点|一点点?|几|几十|十几|两三|一两)(?:个)?(?:块|元|毛|天|分钟|小时|次)?"
    r"(?:钱|的事|小事|事儿?)"
    r"|不至于(?:吧|嘛|啊|呀)?(?=[，。！？,.!?]|$)|多大(?:点|的)?(?:儿)?事|至于(?:这么|那么)"
    r"|没(?:必要|什么好)(?:这么|那么)?[^，。！？,.!?]{0,8}(?:生气|激动|着急|较真|上火|发火|计较|在意)"
    r"|(?:大家|很多人|好多人|谁都|人人|别人)(?:都)?(?:是这样|遇到过|这样|碰到过|会遇到)")
_DISMISS_ASIDE = re.compile(r"(?<![a-z])(?:if|even if|i know|i understand|not that)(?![a-z])|如果|要是|虽然")


def _dismiss(r: _Reply, sent: str, customer: str) -> re.Match[str] | None:
    """Minimising the caller's loss or feelings; reassurance after a done action is not dismissal."""
    m = _EN_DISMISS.search(sent) or _ZH_DISMISS.search(sent)
    if not m or _DISMISS_ASIDE.search(sent[:m.start()]):
        return None
    if _EN_STEP.search(sent) or _ZH_STEP.search(sent):
        return None  # "it's only £4, and I've refunded it" reassures after acting
    return m


# ---------------------------------------------------------------- defy
_CALLER_ESCALATES = re.compile(r"complain|regulator|ombudsman|report|review|lawyer|solicitor|court|press|newspaper|"
                               r"trading standards|ofcom|leave|leaving|switch|cancel|take (?:this|it) further|"
                               r"投诉|举报|曝光|12315|工信部|告你|起诉|换(?:一家|别家)|不用了")
_EN_DEFY = re.compile(
    r"(?<![a-z])(?:(?:theres|there is) )?(?:nothing|not (?:a thing|anything)) (?:more |else |further )?(?:i|we) can do"
    r"(?: (?:about|with) (?:it|that|this))?(?: for you)?(?= *(?:[.!;,]|$))"
    r"|(?<![a-z])(?:complain|write|go|talk|take it|speak|report (?:it|me|us)|ring|call) (?:to )?(?:whoever|wherever|anyone|anywhere) you (?:like|want|please|wish)"
    r"|(?<![a-z])(?:it|that|complaining) (?:wont|will not|isnt going to|is not going to) change (?:anything|a thing|the outcome|the answer|the decision|my answer)"
    r"|(?<![a-z])(?:thats|that is) (?:the|my|our) (?:answer|final answer|end of it)(?= *(?:[.!]|$))|(?<![a-z])(?:full stop|end of story|take it or leave it)(?![a-z])"
    r"|(?<![a-z])(?:go ahead|feel free|youre (?:welcome|free)|you are (?:welcome|free)|by all means|be my guest)"
    r"(?: and| to)? (?:complain|report|call|ring|write|escalate|contact|take|go|leave|cancel|switch|review)"
    r"|(?<![a-z])(?:thats|that is|its|it is) (?:your|the customers) (?:problem|lookout|funeral|own problem)")
_EN_DEFY_INDIFFERENT = re.compile(r"(?<![a-z])(?:fine by me|suit yourself|up to you|your (?:choice|call|decision|prerogative)|"
                                  r"(?:i|we) (?:dont|do not) mind)(?![a-z])")
_ZH_DEFY = re.compile(
    rf"爱[^，。！？,.!?]{{1,6}}就[^，。！？,.!?]{{1,6}}|随便(?:{_ZH_YOU}|吧)|{_ZH_YOU}随便|随(?:您|你)(?:吧|的便)"
    rf"|我(?:们)?(?:也)?没(?:有)?(?:办法|辙)(?:了)?(?=[，。！？,.!?]|$)"
    rf"|{_ZH_YOU}?(?:想|要|爱)?怎么投诉都(?:行|可以|随便|没用)|投诉(?:也)?没用"
    rf"|(?:那|这)是{_ZH_YOU}的(?:事|选择|问题)"
    rf"|(谁|哪儿|哪里|哪)就?[找投告去]\1|(?:都|也|投诉)?随便(?:吧|了)?(?=[，。！？,.!?]|$)"
    rf"|结果(?:都|也)?不会变|(?:都|也)改变不了"
    rf"|(没有|不行|不能|退不了|给不了|赔不了)就是\2")


def _defy(r: _Reply, sent: str, customer: str) -> re.Match[str] | None:
    """Refusing with nothing offered, daring the caller, or shrugging at their threat to escalate."""
    m = _EN_DEFY.search(sent) or _ZH_DEFY.search(sent)
    if not m and _CALLER_ESCALATES.search(customer):
        m = _EN_DEFY_INDIFFERENT.search(sent)
    if not m:
        return None
    if any(not (r.at + m.start() <= s < r.at + m.end()) for s, _ in r.steps):  # "nothing more we can do" is no offer
        return None  # "there's nothing more I can do on the bill, but I'll log a complaint" gives a way on
    return m


# ---------------------------------------------------------------- threaten
_EN_THREAT = re.compile(
    r"(?<![a-z])if you (?:keep|continue|carry on|persist|refuse|fail to|swear|raise|(?:dont|do not|wont|will not|cant|cannot|use)"
    r"(?! (?:want|need|like|prefer|mind|agree|get|receive|see|hear|have|know|recognise|use it)))"
    r"(?! (?:getting|receiving|seeing|hearing|having))"  # "if you keep getting these texts" happens TO the caller
    r"[^.!?]{0,60}?(?:we|i|the system|our system|youll|you will|your (?:account|line|card|service|policy))"
    r"(?:ll| will| can| may| might| shall| must| would| have to| are going to| am going to| is going to|m going to|re going to|"
    r" be| get)(?: have to| be forced to| need to| be)?"
    r" (?:end (?:this|the)|terminate|close (?:this|the|your)|suspend|block (?:you|your)|blacklist|report (?:you|this|your)|"
    r"refer (?:you|your|this)|flag(?:ged)? |charge you|pass (?:you|your|this)|disconnect|cut (?:you|it) off|hang up|"
    r"cancel your|ban|restrict|freeze|frozen|suspended|terminated|closed|blocked|flagged|involve|call the police|"
    r"take (?:legal |further )?action|put a (?:note|marker|flag)|mark your|add a (?:note|marker))"
    r"|(?<![a-z])(?:calls?|conversations?|this call|this conversation) (?:are|is) (?:being )?(?:recorded|monitored)"
    r"[^.!?]{0,40}(?:so|and) (?:watch|mind|be careful|think|consider|choose)"
    # a rule about "people like you": accounts that ... get flagged
    r"|(?<![a-z])(?:accounts|customers|callers|people|anyone|those|policyholders) (?:who|that|with|making|which)[^.!?]{0,40}"
    r"(?:can|may|will|do|does|get|gets|could|might) (?:get |be |have )?(?:flagged|restricted|blacklisted|suspended|closed|reported|"
    r"referred|voided|terminated|banned|cut off|their [a-z]+ (?:restricted|closed|suspended|cancelled|voided))"
    r"|(?<![a-z])(?:our |the )?legal (?:team|department|people) (?:will|does|do|is|are|keeps?|watch|monitor)"
    r"|(?<![a-z])(?:any more|one more|anymore|more) (?:of that|of this|swearing|language)[^.!?]{0,20}(?:ill|im|i will|i am|well|we will) (?:be )?"
    r"(?:end|ending|terminate|terminating|hang|hanging|disconnect|disconnecting)")
_ZH_THREAT = re.compile(
    rf"(?:如果|要是|假如)?{_ZH_YOU}(?:再|继续|还)(?!收到|接到|遇到|碰到|被|有|需要|想)[^。！？.!?]{{0,16}}?(?:我们|我|系统)?"
    rf"(?:就|只能|只好|会|将)[^。！？.!?]{{0,6}}?(?:挂|停|封|拉黑|上报|起诉|报警|冻结|暂停|终止|结束|列入|限制|追究|记录在案)"
    rf"|{_ZH_YOU}再这样[^。！？.!?]{{0,10}}(?:就|我就|我们就)"
    rf"|(?<![不没])再(?:骂|吵|闹|喊|这样|辱骂)[^。！？.!?]{{0,8}}(?:我|我们)?就"
    rf"|(?:录音|骂人的话|说的话)[^。！？.!?]{{0,10}}(?:都)?(?:留着|保留着|存着)|{_ZH_YOU}(?:自己)?(?:掂量|看着办)"
    rf"|(?:我们|法务|公司|我们公司|法务部)[^。！？.!?]{{0,4}}(?:是)?(?:会|将|可以|要)(?:依法)?(?:追究|走法律|报警|起诉)|只能报警")


def _threaten(r: _Reply, sent: str, customer: str) -> re.Match[str] | None:
    """A consequence aimed at the caller if they go on ("if you keep ..., we'll end the call")."""
    m = _EN_THREAT.search(sent) or _ZH_THREAT.search(sent)
    if not m:
        return None
    if re.search(r"帮您|给您|为您|替您|if you(?:d| would) like|if you want", m.group()):
        return None  # "要是您再收到，我们就帮您拉黑": an offer, not a threat
    if re.search(r"record|录音|monitor", customer):
        return None  # the caller asked about recording: telling them is information
    return m


# ---------------------------------------------------------------- argue (broader)
_EN_ARGUE_MORE = re.compile(
    r"(?<![a-z])(?:thats|that is|this is|that was) (?:simply |just |completely |totally )?"
    r"(?:not (?:true|correct|accurate|so|the case|what happened|how it works|how it happened)|incorrect|inaccurate|untrue|false|wrong)(?![a-z])"
    r"|(?<![a-z])(?:youre|you are|youve got it|you have got it|you have it|youre quite|you are quite) (?:simply |completely )?"
    r"(?:mistaken|wrong|incorrect|misremembering|misinformed|confused)(?![a-z])"
    r"|(?<![a-z])(?:the|our|my) (?:records?|system|logs?|notes|account history|history) (?:clearly |definitely |actually )?"
    r"(?:shows?|says?|indicates?|suggests?|tells? (?:a different story|us otherwise)) (?:otherwise|differently|something different|a different)"
    r"|(?<![a-z])(?:just )?(?:to correct you|let me correct you|let me be clear,? (?:you|it|that|there))"
    r"|(?<![a-z])(?:its|it is|thats|that is) (?:simply )?not (?:true|the case) that"
    r"|(?<![a-z])(?:so|then) (?:he|she|they|it|we|the [a-z]+) (?:cant|cannot|couldnt|could not) have(?![a-z])")
_EN_ARGUE_YOU_DID = re.compile(
    r"(?<![a-z])(?:the|our|my) (?:records?|system|logs?|notes|account history|history) (?:clearly |definitely |actually )?"
    r"(?:shows?|says?|indicates?) (?:that )?you (?:did|have|had|were|signed|agreed|received|used|made|called|paid|ordered|"
    r"opted|replied|subscribed|accepted|activated|requested)(?![a-z])")
_ZH_ARGUE_MORE = re.compile(
    rf"不是这样的(?!话)|不是这么回事|{_ZH_YOU}说的(?:不对|不是事实|不属实|有误|不准确)|{_ZH_YOU}说得不对"
    rf"|{_ZH_YOU}(?:搞|弄)错了|不存在[^。！？.!?]{{0,12}}这(?:回|种)事|(?:不会|不可能)(?:凭空|无缘无故|平白无故)"
    rf"|(?:事实上|实际上)[^。！？.!?，,]{{0,12}}?(?:并没有|并不是|并没|根本没|从来没|不是)")
_SIDES_WITH_CALLER = re.compile(r"(?<![a-z])(?:sorry|apologi[sz]e|youre right|you are right|our mistake|our error|"
                                r"we got it wrong|shouldnt have|should not have)(?![a-z])|抱歉|对不起|您说得对|是我们的(?:错|问题)|不是您的")


def _argue(r: _Reply, sent: str, customer: str) -> re.Match[str] | None:
    """Contradicting what the caller stated; not when the reply sides with them or answers a question."""
    if r.sides_with_caller or re.search(r"[?？]|吗|为什么|怎么", customer):
        return None  # "that's not right, I'm sorry" agrees with the caller; a question has no account to contradict
    m = _EN_ARGUE_MORE.search(sent) or _ZH_ARGUE_MORE.search(sent)
    if m and _EN_ACCUSE_BEFORE_OK.search(sent[:m.start()]):
        return None  # "if you're mistaken about the date, ..." is not a contradiction
    if not m and _CUSTOMER_DENIES.search(customer):
        m = _EN_ARGUE_YOU_DID.search(sent)
    return m


# category -> (rule, reason label); the measure script may switch rules off by editing this mapping.
MOVES = {
    "deflect": (_deflect, "deflect_shape"),
    "dismiss": (_dismiss, "dismiss_shape"),
    "defy": (_defy, "defy_shape"),
    "threaten": (_threaten, "threaten_shape"),
    "argue": (_argue, "argue_shape"),
}


def detect_moves(a: Analysis) -> list[Found]:
    """Deflect, dismiss, defy, threaten and broader argue hits by sentence shape (normalised spans)."""
    customer = normalise(a.ctx.customer or "", a.lex.typos).text
    # Reply-wide facts found once (per-sentence searches of the whole reply would be quadratic).
    r = _Reply(steps=[m.span() for p in (_EN_STEP, _ZH_STEP) for m in p.finditer(a.text)],
               sides_with_caller=bool(_SIDES_WITH_CALLER.search(a.text)))
    found: list[Found] = []
    for category, (rule, label) in MOVES.items():
        for s, e in a.sentences:
            r.at = s
            m = rule(r, a.text[s:e], customer)
            if m:
                found.append(Found(category, s + m.start(), s + m.end(), label))
    return found
