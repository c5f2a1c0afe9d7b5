"""The wording checks: retraction demands, conditional help, robotic placeholders,
and which private data is really the brand's own published contact.

The patterns are the ones a social care lead writes in a style guide. Each
finding carries the span of the words that triggered it, so an editor can
underline them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

#: Only this many characters are read by the wording checks, so cost stays bounded.
MAX_SCAN = 65_536

# --- sentences -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|(?<=[.!?])(?=[A-Z@])")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence (good enough for short social replies)."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield (start, m.start())
        start = m.end()
    if start < len(text):
        yield (start, len(text))


#: How far around a finding the checks look for context (a long reply is many sentences).
_REACH = 240


class _Sentences:
    """The sentence around any position, found by bisection."""

    def __init__(self, text: str) -> None:
        self._spans = list(sentences(text))
        self._starts = [start for start, _ in self._spans]
        self._length = len(text)

    def around(self, position: int) -> tuple[int, int]:
        """``(start, end)`` of the sentence holding ``position``, at most ``_REACH`` each way."""
        index = bisect.bisect_right(self._starts, position) - 1
        start, end = self._spans[index] if index >= 0 else (0, self._length)
        if not start <= position < end:
            start, end = position, position
        return (max(start, position - _REACH), min(end, position + _REACH))


# --- the customer's own posts ------------------------------------------------------------

# What the customer published about the brand; an app, a card or a cache is not.
_POST = (
    r"(?:tweets?|posts?|reviews?|comments?|ratings?|videos?|threads?|toots?|skeets?|"
    r"blog(?:\s+post)?|article|feedback|complaint)"
)
# "your", "the", "this" ... then up to three describing words ("negative 1-star").
_THEIR_POST = (
    r"(?:your|ur|their|the|this|that|these|those|said)\s+(?:[\w'*-]+\s+){0,3}?" + _POST + r"\b"
)
_REMOVE_VERBS = (
    r"(?:delete|remove|take\s+down|pull\s+down|pull|retract|withdraw|"
    r"edit|amend|change|update|revise|modify|tone\s+down)"
)
_REMOVE_GERUNDS = (
    r"(?:deleting|removing|taking\s+down|pulling\s+down|pulling|retracting|withdrawing|"
    r"editing|amending|changing|updating|revising|modifying|toning\s+down)"
)
_REMOVED = (
    r"(?:deleted|removed|taken\s+down|pulled(?:\s+down)?|retracted|withdrawn|edited|"
    r"amended|changed|updated|revised|modified|toned\s+down)"
)
_PRONOUN = r"(?:it|this|that|them|these|those)"
_MUST_BE = r"(?:must|needs?\s+to|has\s+to|have\s+to|should|will\s+have\s+to|ought\s+to)\s+be"

_RETRACTION = re.compile(
    r"\b(?:"
    + rf"{_REMOVE_VERBS}\s+{_THEIR_POST}"
    + rf"|{_REMOVE_GERUNDS}\s+{_THEIR_POST}"
    + rf"|(?:take|taking)\s+(?:{_THEIR_POST}|{_PRONOUN})\s+down"
    + r"|(?:please|kindly|could\s+you|can\s+you|would\s+you|we\s+need\s+you\s+to|"
    r"we\s+ask\s+(?:that\s+)?you(?:\s+to)?|you\s+(?:must|need\s+to|have\s+to|should))"
    rf"\s+(?:\w+\s+){{0,2}}?(?<!\bun\s)(?:delete|remove|retract|withdraw)\s+{_PRONOUN}\b"
    + rf"|{_POST}\b[^.!?\n]{{0,40}}?\b{_MUST_BE}\s+{_REMOVED}"
    + r")",
    re.IGNORECASE,
)

# Words before the verb that make it not a demand: the brand cannot, the
# customer may, or the text explains how.
_NOT_A_DEMAND = re.compile(
    r"\b(?:can't|cannot|can\s+not|unable|not\s+able|won't|will\s+not|don't|do\s+not|"
    r"never|you\s+can|you\s+may|you're\s+welcome\s+to|how\s+(?:to|do|can)|option\s+to|"
    r"choose\s+to|decide\s+to|if\s+you\s+(?:want|wish|'d\s+like|would\s+like|prefer)|"
    r"feel\s+free|up\s+to\s+you|your\s+(?:call|choice|decision)|we\s+(?:have|'ve)|"
    r"we\s+(?:removed|deleted)|no\s+need\s+to|not\s+(?:asking|going\s+to\s+ask)|"
    r"whether\s+or\s+not|regardless\s+of|even\s+if)\b",
    re.IGNORECASE,
)

# A request to delete a post *because it exposes the customer's own data* is care,
# not censorship ("please delete the tweet: it shows your order number").
_PRIVACY_REASON = re.compile(
    r"\b(?:privacy|security|protect(?:ion)?|safety|personal|private|sensitive|"
    r"(?:account|order|card|booking|contact|phone|email|e-mail|address|tracking)\s+"
    r"(?:info(?:rmation)?|details|number|data)|"
    r"(?:shows?|contains?|includes?|included|posted|shared|has|with)\s+(?:your|the)\s+"
    r"(?:home\s+|full\s+|e-?mail\s+)?(?:address|phone|number|email|e-mail|card|"
    r"barcode|boarding\s+pass|details|reference)|"
    r"(?:from|in)\s+public|publicly|visible\s+to\s+(?:everyone|others|the\s+public))\b",
    re.IGNORECASE,
)

_CONDITION = (
    r"(?:if|once|when|as\s+soon\s+as|after|provided(?:\s+that)?|on\s+condition\s+that|"
    r"only\s+if|unless|until|so\s+long\s+as|as\s+long\s+as|in\s+(?:exchange|return)\s+for)"
)
# "We'd appreciate it if you could ...": a polite request, not a condition.
_POLITE_IF = re.compile(
    r"\b(?:appreciate(?:\s+it)?|grateful|great|good|nice|kind|helpful|mind)\s*$",
    re.IGNORECASE,
)
_ACTION_ON_POST = (
    rf"(?:{_REMOVE_VERBS}|{_REMOVE_GERUNDS}|{_REMOVED})\s+{_THEIR_POST}"
    rf"|(?:take|taking|taken)\s+(?:{_THEIR_POST}|{_PRONOUN})\s+down"
    rf"|{_THEIR_POST}\s+(?:is|are|has\s+been|have\s+been|was|were|gets?|get)\s+"
    rf"(?:{_REMOVED}|gone|down|offline)"
    r"|removal|deletion"
)
_PRAISE_FOR_HIRE = (
    r"(?:leave|leaving|post|posting|write|writing|give|giving|rate|rating|tweet|tweeting|"
    r"share|sharing)\s+(?:us\s+)?(?:a\s+|an\s+)?(?:\w+\s+){0,2}?"
    r"(?:positive|good|great|glowing|nice|better|kind|5[\s-]*star|five[\s-]*star|"
    r"higher|happier)\s*(?:\w+\s+){0,1}?(?:reviews?|ratings?|tweets?|posts?|feedback|comments?|"
    r"words)"
    r"|(?:rate|rating)\s+us\s+(?:5|five)"
    r"|(?:share|sharing|post|posting|tweet|tweeting|write|writing)\s+(?:about\s+)?your\s+"
    r"(?:\w+\s+){0,2}?(?:experience|story|stay|visit)"
    r"|(?:change|changing|update|updating|raise|raising|bump|bumping)\s+(?:your|the)\s+"
    r"(?:rating|stars?|score|review)\s+to"
)
_PRAISE_FOR_HIRE_RE = re.compile(_PRAISE_FOR_HIRE, re.IGNORECASE)
_BENEFIT = re.compile(
    r"\b(?:we(?:'ll|\s+will|\s+can|\s+could|\s+would|'d|\s+shall|\s+are\s+happy|"
    r"'re\s+happy|\s+will\s+be\s+able)|you(?:'ll|\s+will|\s+can|\s+could)\s+"
    r"(?:get|receive|have|be\s+eligible|qualify|enjoy)|refund|voucher|credit|compensat|"
    r"discount|coupon|gift\s+card|reimburs|replace|reinstat|upgrade|process|"
    r"escalat|resolve|help|assist|look\s+into|free|discuss|talk)",
    re.IGNORECASE,
)
_WHO = r"(?:you\s+|u\s+|we\s+see\s+(?:that\s+)?(?:you(?:'ve|\s+have)?\s+)?)?"
_CONDITIONAL = re.compile(
    # "if you delete the post, we ...", "once your review is removed ..."
    rf"\b{_CONDITION}\s+{_WHO}(?:[\w']+\s+){{0,3}}?(?:{_ACTION_ON_POST}|{_PRAISE_FOR_HIRE})"
    # "delete the post and we will ...", "share your story on X and you'll get ..."
    rf"|\b(?:{_REMOVE_VERBS}\s+{_THEIR_POST}|{_PRAISE_FOR_HIRE})(?:\s+[\w.'-]+){{0,6}}?"
    r"\s*,?\s+and\s+(?:then\s+)?(?:we(?:'ll|\s+will|\s+can)|(?:you(?:'ll|\s+will)\s+)?"
    r"(?:get|receive|be|earn|win|enjoy)\b)"
    # "... needs to be deleted before we can discuss this"
    rf"|\b{_REMOVED}\s+(?:first\s+)?(?:before|then)\s+we\s+(?:can|will|'ll|could)"
    # "we will only refund you after the tweet is deleted"
    r"|\b(?:we\s+(?:will|can|'ll)\s+only|only\s+(?:then|after\s+that)\s+(?:will|can)\s+we)"
    rf"\s+(?:\w+\s+){{0,6}}?{_CONDITION}\s+{_WHO}(?:[\w']+\s+){{0,2}}?"
    rf"(?:{_ACTION_ON_POST}|{_PRAISE_FOR_HIRE})",
    re.IGNORECASE,
)


_CONDITION_BEFORE = re.compile(rf"\b{_CONDITION}\s+(?:[\w']+\s+){{0,4}}$", re.IGNORECASE)


def find_retraction_demands(text: str) -> Iterator[tuple[int, int]]:
    """Spans where the reply asks the customer to remove or change their post or review."""
    scan = text[:MAX_SCAN]
    around = _Sentences(scan).around
    for m in _RETRACTION.finditer(scan):
        s_start, s_end = around(m.start())
        s_end = max(s_end, m.end())
        before = scan[s_start : m.start()]
        sentence = scan[s_start:s_end]
        if _NOT_A_DEMAND.search(before) or _PRIVACY_REASON.search(sentence):
            continue
        condition = _CONDITION_BEFORE.search(before)
        if condition and not _POLITE_IF.search(before[: condition.start()]):
            continue  # "if you delete the post, we ..." is conditional help, reported as such
        yield (m.start(), m.end())


def find_conditional_help(text: str) -> Iterator[tuple[int, int]]:
    """Spans where help is made to depend on what the customer does with their post."""
    scan = text[:MAX_SCAN]
    around = _Sentences(scan).around
    for m in _CONDITIONAL.finditer(scan):
        s_start, s_end = around(m.start())
        s_end = max(s_end, m.end())
        sentence = scan[s_start:s_end]
        if _POLITE_IF.search(scan[s_start : m.start()]):
            continue
        if _PRIVACY_REASON.search(sentence) and not _PRAISE_FOR_HIRE_RE.search(m.group()):
            continue
        if _BENEFIT.search(sentence) or _BENEFIT.search(scan[s_end : s_end + 200]):
            yield (m.start(), m.end())


# --- robotic placeholders -------------------------------------------------------------------

_STOCK = re.compile(
    r"\b(?:"
    r"we(?:'re|\s+are)\s+(?:currently\s+)?(?:looking\s+into\s+(?:this|it|that|the\s+matter|"
    r"your\s+(?:concern|issue|query|case))|investigating(?:\s+(?:this|it|the\s+matter))?|"
    r"on\s+it|working\s+on\s+it|aware\s+of\s+(?:this|the\s+issue|the\s+problem|it))"
    r"|(?:we\s+)?(?:are\s+|'re\s+)?(?:so\s+|very\s+|truly\s+|really\s+)?"
    r"(?:sorry|apologi[sz]e|apologies|regret)\s+(?:for|about)\s+(?:any|the|all\s+the|this|that)\s+"
    r"(?:inconvenience|trouble|frustration|issues?|problems?|difficult(?:y|ies)|confusion|"
    r"hassle|disappointment|experience)"
    r"(?:\s+(?:this|that|it)\s+(?:may\s+have|might\s+have|has|have)\s+caused(?:\s+you)?)?"
    r"|sorry\s+(?:to\s+hear\s+(?:this|that|about\s+this|about\s+that)|about\s+(?:this|that))"
    r"|we\s+(?:understand|hear|appreciate)\s+your\s+(?:frustration|concerns?|feedback)"
    r"|thanks?(?:\s+you)?\s+for\s+(?:reaching\s+out|your\s+(?:patience|feedback|message|"
    r"tweet|post|understanding|comment|concern)|bringing\s+this\s+to\s+our\s+attention|"
    r"letting\s+us\s+know|contacting\s+us|getting\s+in\s+touch)"
    r"|your\s+(?:feedback|concerns?|satisfaction|business|experience)\s+(?:is|are)\s+"
    r"(?:very\s+|really\s+)?(?:important|valuable|valued|our\s+(?:top\s+)?priority)"
    r"|we\s+value\s+(?:your\s+)?(?:feedback|business|you)"
    r"|we(?:'ll|\s+will)\s+(?:pass\s+(?:this|that|it|your\s+feedback)\s+(?:on|along)|"
    r"look\s+into\s+(?:this|it|that)|get\s+back\s+to\s+you(?:\s+(?:shortly|soon|asap))?|"
    r"be\s+in\s+touch|share\s+(?:this|your\s+feedback)\s+with\s+the\s+(?:relevant|appropriate|"
    r"right)\s+team)"
    r"|(?:please\s+)?bear\s+with\s+us"
    r"|we\s+apologi[sz]e\s+for\s+(?:any|the)\s+inconvenience"
    r"|(?:we're|we\s+are)\s+(?:always\s+)?here\s+to\s+help"
    r"|(?:we're|we\s+are)\s+(?:happy|glad)\s+to\s+help"
    r")\b",
    re.IGNORECASE,
)

_NOISE = re.compile(
    r"@\w+"  # handles
    r"|https?://\S+"  # links
    r"|(?:\^|\s/|\s-|~)[A-Z]{1,4}\b"  # agent signatures: ^AG, /MO, -JD
    r"|\b\d/\d\b",  # thread counters: 1/2
)
_MOVE_TO_PRIVATE = re.compile(
    r"\b(?:(?:please\s+)?(?:send|drop|shoot|slide)\s+(?:us|me)\s+(?:a\s+)?"
    r"(?:dm|direct\s+message|private\s+message|pm|note|message|line)"
    r"|(?:dm|message|email|e-mail|contact|reach\s+out\s+to|reach|call)\s+us"
    r"|follow\s+(?:and|&amp;|&)\s+dm|via\s+(?:dm|direct\s+message|private\s+message|chat)"
    r"|in\s+(?:a\s+)?(?:dm|direct\s+message|private)|(?:over|here)\s+in\s+dm)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z']+")
_DETAIL_REQUEST = re.compile(
    r"\b(?:your|the)\s+(?:(?:order|booking|account|tracking|reservation|confirmation|"
    r"case|reference|serial|model|claim|policy|membership|ticket)\s+"
    r"(?:number|no|reference|details|email|e-mail|id|code|#)"
    r"|(?:e-?mail|postal|full|home)\s+address|phone\s+number)(?!\w)",
    re.IGNORECASE,
)

_GENERIC = """
    a about above after again all also am an and any anything are as ask assist assistance at
    available back be bear been before being best better by can can't case check checking
    concern concerns contact could customer dear details detail dm do does doing don't
    e email experience feedback follow for from further get getting glad go going good
    got great had happy has have having hear hello help helping here hey hi how i i'd i'll
    i'm if in information info into is issue issues it it's its just keep know let let's
    like look looking made make matter may me message more most much must my need needed
    no not note now of ok okay on one or our ours out over pass patience please pm possible
    private problem problems query question questions reach really regret right
    see send share should situation so soon sorry still sure take team thank thanks that
    that's the their them then there these they this those through time to today touch
    trouble troubles understand understanding up us very via want was way we we'd we'll
    we're we've well what when where which while who will with would you you'd you'll
    you're you've your yours apologies apologize apologise inconvenience frustration
    frustrating hassle caused cause any happened happen able further forward assist
    directly reply support details asap shortly quickly sooner kindly request requests
    appreciate appreciated hope hoping day great wonderful awesome love loved fantastic
    everything something someone somebody thing things stuff number address right away
"""
#: Words that say nothing about the customer's problem.
GENERIC_WORDS = frozenset(_GENERIC.split())


def _stem(word: str) -> str:
    word = word.strip("'").removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stems of the words in ``text`` that carry meaning."""
    return frozenset(_stem(w) for w in _WORD.findall(text.casefold()) if w not in GENERIC_WORDS)


def find_placeholder(
    text: str, *, customer_text: str = "", topics: Iterable[str] = ()
) -> tuple[int, int] | None:
    """The span of stock wording that stands in for an answer, or ``None``.

    A reply is a placeholder when it uses stock wording ("we are looking into
    this", "sorry for any inconvenience") and says nothing specific. With the
    customer's words (or the case's topics) known, specific means it shares
    one of them, or says at least four meaningful things of its own. Without
    them, it means that once the stock phrases, handles, links, signatures and
    "DM us" are taken out at least three meaningful words are left, or that it
    asks for a specific detail to act on ("your order number").
    """
    scan = text[:MAX_SCAN]
    stock = list(_STOCK.finditer(scan))
    if not stock:
        return None
    rest = _STOCK.sub(" ", scan)
    rest = _MOVE_TO_PRIVATE.sub(" ", _NOISE.sub(" ", rest))
    words = content_words(rest)
    issue = content_words(customer_text[:MAX_SCAN]) | frozenset(
        _stem(w) for t in topics for w in re.split(r"[\s_:-]+", t.casefold()) if w
    )
    if issue and words & issue:
        return None
    if len(words) >= (4 if issue else 3):
        return None
    if not issue and _DETAIL_REQUEST.search(scan):
        return None  # asks for what it needs to act: a next step, if not an empathetic one
    first = stock[0]
    return (first.start(), first.end())


# --- the brand's own published contacts ----------------------------------------------------

_TOLL_FREE = re.compile(
    r"^(?:1?8(?:00|88|77|66|55|44|33)\d{7}"  # North America
    r"|0800\d{6,7}|0808\d{7}|03\d{9}|084[345]\d{7}|087[01]\d{7}"  # UK
    r"|0120\d{6}|0800\d{7}"  # Japan
    r"|1[38]00\d{6}|13\d{4})$"  # Australia
)
_CALL_US_BEFORE = re.compile(
    r"(?:\b(?:call|contact|reach|ring|dial|text|phone)\s+(?:us|our\b(?:\s+[\w&'-]+){0,4})"
    r"|\bour\s+(?:[\w&'-]+\s+){0,4}?(?:team|line|department|desk|center|centre|number|"
    r"helpline|hotline|folks|office|support|agents?|reps?|specialists?|group)"
    r"|\b(?:number|helpline|hotline|line)\s+(?:is|are)"
    r"|\bgive\s+us\s+a\s+(?:call|ring)[^.!?]{0,60}"
    r"|\b(?:telephone|phone)\s+number\s+is|\bfree\s*(?:phone|dial|call)\b"
    r"|\btoll[\s-]?free\b|フリーダイヤル|フリーコール)"
    r"[^.!?\d]{0,25}$",
    re.IGNORECASE,
)
_ROLE_MAILBOX = re.compile(
    r"^(?:support|help|helpdesk|care|customercare|customerservice|customer\.service|service|"
    r"contact|info|feedback|hello|privacy|press|social|team|complaints|enquiries|inquiries|"
    r"accessibility|security|abuse|legal|billing|sales|noreply|no-reply)[\w.+-]*@",
    re.IGNORECASE,
)


_PHONE_TAIL = re.compile(r"(?:[ -]?\d)*")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def is_published_contact(
    text: str, start: int, end: int, *, kind: str, brand_contacts: Iterable[str] = ()
) -> bool:
    """Whether ``text[start:end]`` is the brand's own published phone line or mailbox.

    A service line in a reply ("call our baggage team on 0800 ...") is not the
    customer's private data. Known lines come from ``brand_contacts``; others
    are recognised by a toll-free prefix or by "call us" just before them.
    """
    found = text[start:end]
    for contact in brand_contacts:
        if kind == "phone" and _digits(contact) and _digits(contact) == _digits(found):
            return True
        if contact.strip().casefold() == found.strip().casefold():
            return True
    if kind == "phone":
        digits = _digits(found + _PHONE_TAIL.match(text, end).group())  # type: ignore[union-attr]
        lead = text[max(0, start - 6) : start].split()
        prefix = _digits(lead[-1]) if lead else ""
        if _TOLL_FREE.match(digits) or (prefix == "1" and _TOLL_FREE.match("1" + digits)):
            return True
        return bool(_CALL_US_BEFORE.search(text[max(0, start - 120) : start]))
    if kind == "email":
        return bool(_ROLE_MAILBOX.match(found))
    return False
