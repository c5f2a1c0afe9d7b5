"""The vocabulary of customer care, written down once and compiled at import.

Valences run from about -3 (very negative) to +3 (very positive). The lists are
general: the words a care team sees every day on any network and for any kind
of business (travel, telecoms, retail, banking, software), not words picked
from one data set. Extend them by passing your own entries to
:class:`~socialcx.triage.CareClassifier`.
"""

from __future__ import annotations

from collections.abc import Mapping


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _weighted(groups: Mapping[float, str]) -> dict[str, float]:
    table: dict[str, float] = {}
    for weight, words in groups.items():
        for word in words.split():
            if word in table:
                raise ValueError(f"{word!r} is listed twice ({table[word]} and {weight})")
            table[word] = weight
    return table


#: General positive words.
POSITIVE: dict[str, float] = _weighted(
    {
        3.0: """
        amazing awesome excellent fantastic outstanding wonderful brilliant
        phenomenal exceptional incredible fabulous stellar flawless marvelous marvellous
        spectacular terrific perfect perfection love loved loves loving adore adored
        best greatest superstar superstars heroes hero lifesaver lifesavers thrilled
        delighted ecstatic overjoyed impeccable
        """,
        2.2: """
        great good nice happy pleased enjoy enjoyed enjoying enjoyable lovely
        beautiful gorgeous pleasant grateful thankful appreciate appreciated appreciates
        appreciative appreciation impressed impressive kudos congrats congratulations
        bravo props shoutout recommend recommended recommending favorite favourite
        excited exciting fun cool sweet smooth seamless effortless painless
        comfortable comfy spacious friendly helpful courteous polite professional
        kind kindly attentive caring generous gracious accommodating responsive
        prompt speedy efficient reliable wow woohoo yay hooray yey yippee fab
        delicious tasty superb fast quick quickly easy legendary classy glorious
        fantastico fine-tuned stoked pumped proud pride win winning winner winners
        success successful happiest nicest kindest sweetest coolest luckiest lucky
        """,
        1.5: """
        thanks thank thx ty tnx thankyou cheers helped helps supportive
        solved resolved fixed sorted refunded compensated upgraded
        ontime punctual safe safely relaxing relaxed relief relieved calm clean tidy
        improved improvement worth value bargain affordable
        bonus reward rewards perk perks hope hopeful hoping wish patient patience
        understanding honest fair quality clever smart neat handy useful valuable
        beauty fresh warm warmly glad
        """,
        0.8: """
        ok okay fine decent alright alrite adequate nice-ish liked likes
        hehe haha hahaha lol lmao rofl
        interesting promising solid reasonable satisfied satisfying acceptable
        """,
    }
)

#: General negative words (service-failure words are listed separately).
NEGATIVE: dict[str, float] = _weighted(
    {
        -3.0: """
        worst horrible horrendous terrible awful atrocious abysmal dreadful
        disgusting disgraceful disgrace shameful pathetic unacceptable inexcusable
        unforgivable outrageous outraged furious livid nightmare nightmarish disaster
        disastrous catastrophe hate hated hates hating despise loathe miserable
        ruined ruin ruins ruining scam scammed scammers fraud fraudulent ripoff
        rip-off robbery robbed thieves theft criminal incompetent incompetence
        useless hopeless worthless shambles joke joke's laughable ridiculous
        fiasco debacle ordeal shitshow clusterfuck circus farce travesty hostage
        shocking appalled appalling horrified dismayed deplorable substandard
        destroyed bs crickets
        ridiculously absurd insane insanity unbelievable unprofessional rude rudest
        """,
        -2.2: """
        bad poor poorly disappointed disappointing disappointment disappoint
        dissatisfied unhappy upset angry mad annoyed annoying annoyance irritated
        irritating frustrated frustrating frustration infuriating aggravating
        aggravated exasperated fed-up sick tired exhausted stressed stressful
        worried worry worse sucks suck sucked sucky crappy lousy shoddy subpar
        sub-par mediocre inferior sloppy careless clueless negligent negligence
        lied lie lies lying liar liars misleading misled dishonest deceptive
        shady sketchy greedy overpriced expensive overcharge overcharged hidden
        unhelpful unfriendly unreliable unresponsive inconsiderate
        disrespected dismissive condescending arrogant ignorant ignored ignoring
        ignore ignores neglected abandoned betrayed cheated insulted humiliated
        embarrassed embarrassing shame ashamed sad sadly sorry regret regrets
        regretting cry crying tears heartbroken devastated gutted
        depressed depressing painful pain hurts hurt suffer suffering argh
        grr ugh ughh wtf omfg smh fml sigh yikes ew eww gross filthy dirty smelly
        stinks stink stinky broken cramped uncomfortable unbearable awkward
        chaos chaotic mess messy mess-up messed screwed mishandled mismanaged
        mismanagement inept confusing confused incorrect wrong wrongly fail
        failed fails failing failure flop problem problems issue issues trouble
        troubles hassle hassles headache headaches inconvenience inconvenient
        inconvenienced complain complaint complaints complaining penalty penalized
        insufficient inadequate impaired difficulty difficulties disorganized
        unorganized nonexistent non-existent impossible unable unanswered
        unreturned annoyingly frustratingly sadder saddest angrier weak bummer
        unimpressed underwhelmed underwhelming impolite overcrowded
        concern concerned concerning doubt doubtful unfair unjust excuse excuses
        half-baked shocked stunned speechless baffled flabbergasted dumbfounded
        bewildered disgusted displeased unsatisfied unsatisfactory insulting
        offended mistreated mistreatment disrespect disrespectful rudeness rudely
        nasty horrid pitiful pointless lame untrained inexperienced misinformed
        misinformation contradictory conflicting inaccurate unprofessionalism
        neglect disregard discriminated discrimination upsetting gouging extortion
        """,
        -1.2: """
        slow slower slowest long longer later lately unfortunately
        unfortunate hard difficult tough strange weird odd bored boring dull meh
        rough risky unclear uncertain nervous anxious afraid scared fear
        apparently supposedly allegedly nope sadface cold hungry thirsty
        tiring limited lacking lack lacks missing crowded tight pricey costly
        """,
    }
)

#: The vocabulary of service failure: each fires a ``service_failure`` cue,
#: counts as evidence of a complaint and pulls sentiment down.
SERVICE_FAILURE: dict[str, float] = _weighted(
    {
        2.0: """
        delayed delay delays delaying cancelled canceled cancellation cancellations
        cancelling canceling overbooked oversold bumped stranded stuck diverted
        misconnect misconnected lost misplaced damaged outage outages downtime
        crashed crashing crashes glitch glitches glitchy buggy malfunction
        malfunctioning defective faulty unusable unreachable unavailable
        disconnected overcharged double-charged undelivered stolen runaround
        overdue backlog backlogged understaffed late
        """,
        1.2: """
        refund refunds reimburse reimbursement compensation compensate voucher
        vouchers waited waiting queued rebook rebooked rebooking missed dropped
        error errors bug bugs rerouted wasted waste wasting denied refused
        rejected declined suspended blocked hacked unauthorized leaking leak
        expired stale bounced bouncing stole jammed
        """,
    }
)

#: Words that show a customer has been at it for a while; they count towards a
#: complaint only beside other negative evidence.
FRUSTRATION: dict[str, float] = _weighted(
    {
        1.0: """
        still again yet ever forever ages eternity seriously hours hrs days weeks
        months nobody noone why whats wth
        """,
    }
)

# Phrase tables. Each phrase is a regular expression over lower-cased text and
# is tried only where one of its first words starts a token, so the first
# element must be a word or a group of words, ``(?:delayed|cancelled)``; a
# single optional letter is allowed (``can'?t``), and ``\d+`` stands for any
# number. A phrase ends at a word boundary.

#: Multi-word service failures.
FAILURE_PHRASES: tuple[str, ...] = (
    r"on hold",
    r"put (?:me |us )?on hold",
    r"still (?:waiting|no|not|nothing|haven'?t|hasn'?t|can'?t|cannot|don'?t|doesn'?t|stuck|"
    r"on the (?:phone|line|tarmac|plane)|sitting|here|trying|nobody|no one)",
    r"no (?:reply|replies|response|answer|answers|update|updates|info|information|help|"
    r"call ?back|communication|explanation|apology|refund|compensation|service|signal|power|"
    r"internet|wifi|wi-fi|connection|food|water|announcement|announcements|options|option|"
    r"sympathy|clue|idea|ventilation|air|heat|a/c|ac|seats|confirmation|return call|excuse|"
    r"one (?:answers|answered|is answering|"
    r"replied|responded|called|cares|knows|helped|showed)|customer service|notice|notification|"
    r"way to (?:reach|contact|get)|luggage|bags?)",
    r"(?:never|nobody|noone) (?:answers?|answered|replies|replied|reply|respond(?:s|ed)?|"
    r"called|calls|got back|gets back|showed up|arrived|arrives|came|comes|received|"
    r"heard back|cares|helps|helped|knows|"
    r"loads|loaded|works|worked|opens|connects|goes through|went through|updates|updated)",
    r"(?:refuse|refused|refuses|refusing) to",
    r"(?:and counting|hold times?|wait times?)",
    r"for (?:over |more than |almost |nearly |another |at least )?"
    r"(?:\d+\+?|an?|two|three|four|five|six|several|many) ?(?:hours?|hrs?|h)",
    r"(?:haven'?t|hasn'?t|didn'?t|did not|have not|has not|never|still haven'?t) (?:heard|received|"
    r"gotten|got|been (?:contacted|refunded|called|helped|told|given)|arrived)",
    r"(?:lost|missing|damaged|delayed|broken|mishandled|misplaced) (?:my |our |his |her |the )?"
    r"(?:bags?|luggage|baggage|suitcases?|packages?|parcels?|orders?|deliver(?:y|ies)|items?|"
    r"shipments?|car ?seat|stroller)",
    r"(?:charged|billed) (?:me |us )?(?:twice|double|two times|2x|again|extra|for)",
    r"(?:missed|miss|missing) (?:my |our |the )?(?:connection|connecting|flight|train|bus|"
    r"meeting|appointment|delivery)",
    r"(?:wait|waited|waiting|sat|sitting|stuck|holding|delayed|sit|sitting) (?:on hold |on the "
    r"(?:phone|plane|tarmac|runway) |here |in line )?(?:for )?(?:over |almost |nearly |more than |"
    r"about |another )?(?:\d+|an?|two|three|four|five|six|several|many|hours|days|forever)"
    r" ?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?)?",
    r"\d+(?:st|nd|rd|th)? ?(?:hours?|hrs?|days?|weeks?|mins?|minutes?) (?:late|delay|delayed|"
    r"on hold|waiting|later|wait|and counting|and still|now|so far|"
    r"on the (?:phone|tarmac|plane|runway))",
    r"(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|another) (?:time|call|email|attempt|try|"
    r"delay|flight|day)s?",
    r"(?:doesn'?t|does not|don'?t|do not|didn'?t|did not|isn'?t|is not|not|won'?t|will not|"
    r"can'?t|cannot|can not|never|wasn'?t|was not|aren'?t|weren'?t) (?:even )?(?:work|working|"
    r"works|load|loading|connect|connecting|arrive|arrived|show up|showed up|shown up|respond|"
    r"responding|answer|answering|help|helping|helpful|care|refund|fix|fixed|resolved|"
    r"get through|reach|log ?in|sign ?in|book|check ?in|board|deliver|delivered|received|"
    r"receive|honou?r|accept|available|open|apologize|apologise|acceptable|ok|okay|good enough|"
    r"exist|fair|right|cool|happy|impressed|pleased|satisfied|a good|the first time|go through|"
    r"let (?:me|us))",
    r"(?:worst|terrible|horrible|awful|bad|poor|no|zero|pathetic|lousy|crappy|shitty|rude|"
    r"unhelpful|slow) (?:customer |client )?(?:service|support|care|experience|communication|"
    r"airline|company|staff|agent|agents|employees?|crew|attendants?|rep|reps|people)",
    r"(?:hung|hang|hangs|hanging) up",
    r"(?:was|were|is|are|am|been) (?:forced|made) to",
    r"forced to",
    r"(?:kicked|thrown|bumped|booted) (?:me |us )?off",
    r"(?:mechanical|maintenance|technical|engine) (?:issues?|problems?|failure|difficulties|delay)",
    r"(?:no one|nobody|noone) (?:is |was )?(?:helping|here|around|available|at the)",
    r"cut off",
    r"kept (?:me |us )?(?:waiting|on hold)",
    r"left (?:us|me) (?:stranded|waiting|hanging|stuck|on hold|behind)",
    r"(?:gave|give|giving) (?:me|us) the runaround",
    r"wrong (?:item|order|size|address|gate|flight|bag|charge|amount|info|information|name|"
    r"terminal|city)",
    r"sold out",
    r"out of (?:stock|service|order)",
    r"(?:can'?t|cannot|can not|unable to|couldn'?t|could not) (?:get (?:through|a hold|ahold|"
    r"anyone|help|an answer|a refund|a response|my|a|any)|reach|contact|find|talk|speak|rebook|"
    r"change|cancel|log ?in|access|even|seem to|figure|use|book|dm|message|download|pay|print|"
    r"select|add|load|afford|believe)",
    r"(?:line|lines|phone|phones|system|systems|site|website|app|page|portal) (?:is |are |was |"
    r"were |keeps |kept )?(?:busy|down|broken|crashed|crashing|closed|jammed)",
    r"busy signal",
    r"(?:long|huge|massive|endless) (?:lines?|queues?|waits?|delays?|hold)",
    r"(?:what|where) (?:is|was|'?s) the (?:point|problem|hold ?up|holdup|delay)",
    r"(?:want|need|demand|demanding|requesting|request|expect|waiting for|owed) (?:a |my |our |"
    r"an? full )?(?:refund|money back|compensation|reimbursement)",
    r"(?:money|cash) back",
    r"(?:fix|sort) (?:this|it|your)",
    r"(?:you|u) (?:lost|cancelled|canceled|delayed|broke|damaged|ruined|overcharged|"
    r"stranded|ignored|bumped|messed)",
    r"(?:has|have|had|was|were|got|been|being|is|are|keeps? getting) (?:been )?(?:delayed|"
    r"cancelled|canceled|lost|damaged|stranded|bumped|overbooked|diverted|stuck)",
    r"where (?:is|are|'s|the hell is|the heck is) (?:my|our) (?:bags?|luggage|baggage|suitcases?|"
    r"refund|money|order|package|parcel|delivery|item|stuff|stroller|car ?seat|compensation|"
    r"voucher|reimbursement)",
    r"(?:pick|answer) up (?:the|your|a) phones?",
    r"answer (?:the|your) (?:phones?|emails?|dms?|messages?|calls?)",
    r"hire more (?:people|staff|agents|employees|reps|workers|crew)",
    r"(?:sitting|sat|stuck|waiting|parked|held) on the (?:tarmac|runway)",
    r"(?:your|ur|their|the airline'?s|the company'?s) fault",
    r"leaves? (?:a lot|much|something|a great deal) to be desired",
    r"what'?s the (?:point|problem|hold ?up|holdup|delay)",
    r"(?:took|takes|taking|take) (?:forever|ages|so long|too long|way too long|an eternity)",
    r"(?:way |far |much )?too long",
    r"only (?:one|1|two|2) (?:agent|agents|person|people|employee|employees|rep|reps|desk|"
    r"counter|counters|line|lane|attendant|attendants|staff|gate agent|cashier)",
    r"(?:conflicting|contradictory|contradicting|different|false|incorrect|bad) (?:info|"
    r"information|answers|messages|stories|story|advice)",
    r"lack of",
    r"(?:owe|owes) (?:me|us)",
    r"(?:treat|treated|treating|treats) (?:us|me|your customers|customers|passengers|people|"
    r"clients) (?:like|so|very|this|badly|poorly|horribly|terribly|rudely)",
    r"(?:is|was) this how (?:you|u) treat",
    r"(?:get|got) (?:your|ur) (?:act|shit|stuff|sh\*t) together",
    r"(?:ripped|ripping|rip) (?:me |us |people |customers )?off",
    r"price gouging",
    r"(?:waiting|waited|wait) (?:on|for) (?:a |my |our |the |your |any )?(?:reply|response|answer|"
    r"call ?back|refund|email|update|bag|bags|luggage|agent|rep|callback)",
    r"(?:been|was|were) (?:waiting|sitting|standing|stuck) (?:for|since|on|in)",
    r"(?:standing|stood|stand) in (?:a )?line",
    r"(?:do|doing|does|did) (?:your|their|his|her) (?:job|jobs)",
    r"(?:hour|day|week|night) (?:\d+|two|three|four|five|six|seven) (?:of|at|on|in|without|and|"
    r"waiting|stuck|still)",
    r"(?:high|heavy) (?:call )?volumes?",
    r"(?:poor|bad|terrible|horrible|awful|lousy|zero|no) (?:communication|planning|management|"
    r"organization|organisation|attitude|treatment)",
)

#: Frustration: exasperated questions; like the frustration words, they count
#: towards a complaint only beside other negative evidence.
FRUSTRATION_PHRASES: tuple[str, ...] = (
    r"(?:seriously|really|srsly)\s*[?!]",
    r"(?:are you|r u|are u|you must be|you've got to be|you have got to be) (?:kidding|serious|"
    r"joking)",
    r"(?:yet|once) again",
    r"(?:as usual|every time|every single time|each time|all the time|over and over)",
    r"(?:what|where) (?:is going on|the hell|the heck|on earth)",
    r"(?:wth|wtf) (?:is|was|'s)",
    r"(?:what'?s|whats) (?:going on|up with|the (?:deal|problem|holdup|hold up))",
    r"(?:how|why) (?:hard|difficult) (?:is|can) it",
    r"(?:come on|c'mon|cmon)",
    r"makes? no sense",
    r"(?:how|does|did) (?:does|did|is|would) (?:that|this|it) (?:make sense|possible|fair|ok)",
    r"how is (?:it|that|this) (?:possible|fair|ok|okay|acceptable)",
    r"what happened to",
    r"(?:could|should) (?:be|have been) (?:a (?:lot|little|bit) )?(?:more|better|nicer|faster|"
    r"quicker|easier)",
    r"(?:would|'d) be (?:more |much )?(?:pleased|happy|nice|great|helpful) if",
    r"(?:please |pls )?(?:train|retrain|educate) your",
    r"(?:was|were|is|are|am|'?m|'?re) (?:supposed|meant) to",
    r"supposed to",
    r"(?:i|we) (?:paid|pay) (?:for|\$|good money|extra)",
    r"(?:you|u) (?:guys |people |all )?(?:need|have|ought) to (?:do something|fix|get|stop|train|"
    r"hire|figure|step up|improve|learn|sort|do better|be)",
    r"do something",
    r"(?:not|no) (?:one|a single) (?:bag|person|agent|email|call|update|word|answer)",
    r"(?:should(?:n'?t| not)|shouldnt) (?:have|need) to",
    r"(?:that'?s|thats|that is|this is|it'?s|is|was) (?:not|no) (?:an|a|the) (?:answer|solution|"
    r"excuse|option)",
    r"not what (?:i|we) (?:was|were|am|are) (?:told|promised|paid for|expecting)",
    r"what good is",
    r"(?:would(?:'ve| have)|woulda) been (?:nice|good|helpful|great)",
    r"(?:you'?re|you are|ur|this is|it'?s) killing me",
    r"(?:get|reach|want|need) (?:a |an )?(?:human|real person|live person|actual person|"
    r"human being)",
    r"how (?:long|much longer) (?:do|does|did|will|is|are|should|must|until|till|before)",
    r"(?:speak|talk) (?:to|with) (?:a |an |your |the )?(?:manager|supervisor|real person|human|"
    r"live person|actual person|someone in charge)",
    r"(?:does|do|is|are|did|can|will|could) (?:anyone|anybody|you|u|they|someone|it) even",
    r"(?:the )?least (?:you|u|they) (?:can|could) (?:do|have done)",
    r"(?:the )?last thing (?:i|we) (?:want|need|needed|wanted)",
    r"(?:you|u|they|someone) (?:should|could) have (?:told|informed|warned|let|called|said|known|"
    r"done|been)",
    r"should know better",
    r"(?:need|needs) to (?:work on|improve|get better|step up)",
    r"(?:you|u|ya'?ll|y'all|i|we) (?:better|had better|'d better)",
    r"(?:i|we) expect(?:ed)? (?:better|more)",
    r"(?:i'?d|i would|would) (?:rather|have rather)",
)

#: Challenges: a "why" or "how could you" put to the brand is a complaint, even
#: with nothing else negative beside it (unlike the frustration phrases).
CHALLENGE_PHRASES: tuple[str, ...] = (
    r"why (?:is|are|was|were|do|does|did|would|can'?t|won'?t|isn'?t|aren'?t|wasn'?t|don'?t|"
    r"doesn'?t|didn'?t|has|have|hasn'?t|haven'?t|is it|on earth|the hell|no|not|must|should|"
    r"bother|even|would|cant)",
    r"(?:how|why) (?:can|could|would|does|do) (?:you|she|he|they|anyone|someone)",
    r"would it (?:kill|hurt) (?:you|u|ya|y'?all|them) to",
)

#: Cheap sarcasm: a compliment wrapped around a failure.
SARCASM_PHRASES: tuple[str, ...] = (
    r"(?:thanks|thank you|thx) (?:so much |a lot )?for (?:nothing|ruining|wasting|losing|"
    r"cancell?ing|delaying|making (?:me|us) wait|the delay|another delay|leaving|stranding|"
    r"ignoring|charging|the runaround|keeping (?:me|us)|absolutely nothing|the (?:lack|non)|"
    r"not|never|breaking|damaging|nothing)",
    r"(?:thanks|thank you) a lot(?! for (?:the|your) (?:help|quick|fast|great|support))",
    r"yeah,? right",
    r"oh,? (?:great|wonderful|perfect|fantastic|good|joy|awesome|lovely|goody|yay|cool|nice)",
    r"good luck with that",
    r"just (?:great|perfect|wonderful|fantastic|lovely|awesome|what i needed)",
    r"what a (?:joke|surprise|shocker|treat)",
    r"(?:big|no) surprise",
    r"(?<!thanks )(?<!thank you )(?<!thx )so much for",
    r"(?:love|loving|enjoy|enjoying|nice|fun|great) (?:being|sitting|spending|waiting|wasting|"
    r"standing|getting|paying) (?:on|in|stuck|at|for|\d+|an?|hours|my|our|extra|more)",
    r"(?:love|loving|love it) (?:how|when|that) (?:you|u|your|i|my|we|our|the|they)",
    r"(?:gotta|got to|you gotta|you have to|have to) love",
    r"(?:nice|great|good|way to go|well) (?:job|work|done)?,? (?:on )?(?:losing|cancell?ing|"
    r"delaying|ignoring|ruining|wasting|breaking)",
    r"#(?:not|sarcasm|sarcastic|notreally)",
    r"shocker",
    r"(?:thanks|thank you) for (?:the )?(?:great|excellent|amazing|wonderful|awesome) "
    r"(?:service|experience|customer service)[.!]* (?:not|#not|lol|smh|/s)",
)

#: Positive phrases that would read as negative word by word.
POSITIVE_PHRASES: tuple[tuple[str, float], ...] = (
    (r"(?:can'?t|cannot) wait", 2.0),
    (r"no (?:problem|problems|worries|complaints|issues)", 1.5),
    (r"not (?:bad|a problem)(?: at all)?", 1.5),
    (r"not (?:too|that|so) bad", 1.0),
    (r"(?:well|nicely) done", 2.5),
    (
        r"(?:good|great|nice|awesome|amazing|excellent|fantastic|wonderful|outstanding|superb) "
        r"(?:job|work|service|crew|flight|team|staff|experience|customer service)",
        2.8,
    ),
    (r"(?:thank you|thanks|thx|ty) (?:so|very) much", 2.8),
    (r"made (?:my|our) (?:day|night|week|trip)", 3.0),
    (r"above and beyond", 3.0),
    (r"top[- ]notch", 2.8),
    (r"hats off", 2.5),
    (r"keep (?:it up|up the good work)", 2.0),
    (r"on time", 1.5),
    (r"ahead of schedule", 2.0),
    (r"(?:five|5) stars?", 2.5),
    (r"highly recommend", 2.8),
    (r"shout ?out", 2.0),
    (r"(?:much|greatly) appreciated", 2.8),
    (r"look(?:ing)? forward", 2.0),
    (
        r"(?:thank|thanks|thx) (?:you )?for (?:the|your|all|getting|helping|taking|a|such|being|"
        r"making|always|sorting|fixing|resolving|responding|replying|following|looking|checking)",
        2.5,
    ),
    (
        r"(?:problem|issue|it|that|everything) (?:is |was |has been |got )?"
        r"(?:solved|resolved|fixed|sorted)",
        2.0,
    ),
)

#: Threats, harassment and wishes of harm.
#: ("beat" and "smash" are threats only in their violent turns: "nobody can
#: beat you on price" is praise. What follows the victim may make an idiom of
#: it: "shoot you an email", "stab them in the back", "kill you with kindness",
#: "hang them up", "would it kill you to answer".)
THREAT_PHRASES: tuple[str, ...] = (
    r"(?:i'?ll|i will|i am going to|i'm going to|im going to|i'?m gonna|im gonna|i gonna|we'?ll|"
    r"we will) (?:kill|hurt|punch|shoot|stab|strangle|come for|come after|hunt) "
    r"(?:you|u|ya|them|him|her|every|all)(?! (?:an?|some|in the back|up|out|with)\b)",
    r"(?:kill|shoot|stab|punch|hang|strangle|murder) (?:you|u|ya|them|him|her|every ?one|"
    r"your staff|the staff|the agent|the pilot)(?! (?:an?|some|in the back|up|out|with|to)\b)",
    r"beat (?:you|u|ya|him|her|them|'?em) (?:\w+ )?up",
    r"beat the (?:shit|crap|hell|fuck|living daylights|life) out of",
    r"(?:beat|kick) (?:your|ur|his|her|their) (?:ass|arse|face|head) in",
    r"watch (?:your|ur) back",
    r"i know where (?:you|u) (?:live|work)",
    r"(?:hope|wish) (?:you|u|they|he|she|your \w+) (?:die|dies|rot|burn|crash|get hurt|suffer)",
    r"(?:burn|blow) (?:it|this place|the place|your \w+|you) (?:down|up)",
    r"(?:go|should|just) (?:die|kill (?:yourself|urself|yourselves))",
    r"(?:kill) (?:yourself|urself|yourselves)",
    r"bomb (?:the|this|your)",
    r"(?:should|needs? to|deserves? to|ought to) be (?:shot|hanged|hung|executed|lynched|"
    r"beaten|killed|put down|strung up)",
)

#: Harassment: abuse that is not a threat of harm.
HARASSMENT_PHRASES: tuple[str, ...] = (
    r"shut (?:up|the fuck up|the hell up|the f up|tf up|your mouth|ur mouth)",
    r"(?:you'?ll|you will|youll) (?:pay for|regret|be sorry)",
    r"go to hell",
    r"go fuck (?:yourself|urself|yourselves)",
    r"(?:fuck|f) off",
    r"piss off",
    r"screw (?:you|u)",
    r"(?:fuck|fck|fuk) (?:you|u|off|this|that|them|your|ur|him|her)",
    r"suck my",
    r"delete your account",
    r"(?:piece|pile|bag|sack) of (?:shit|crap|garbage|trash|filth|dirt|💩)",
    r"nut (?:job|case)s?",
    r"half a brain",
    r"sons? of (?:a )?(?:bitch|bitches|whore)",
    r"(?:kiss|kiss my|lick my) ass",
    r"eat (?:shit|a dick|dirt)",
    r"up yours",
    r"drop dead",
    r"bite me",
    r"(?:what'?s|what is|wtf is) wrong with (?:you|u|ya|y'?all)",
    r"(?:you'?re|you are|ur|such) a tool",
    r"go back to (?:your|ur) (?:own )?(?:country|homeland)",
    r"(?:you|they|you people|these people|those people) are (?:just |such )?animals",
    r"(?:nobody|no one|no-one) (?:likes|loves) (?:you|u)",
    r"who (?:the|in the) (?:hell|fuck|heck) (?:do|does) (?:you|u|he|she|they) think",
    r"(?:you|u|he|she|they) (?:make|makes) me (?:sick|puke|vomit|want to puke|want to vomit)",
    r"(?:is|are) (?:a )?(?:cancer|plague|disease) (?:on|to|of|in)",
    r"waste of (?:space|oxygen|skin|air)",
)

#: Requests: the customer asks the brand to do something.
REQUEST_PHRASES: tuple[str, ...] = (
    r"(?:please|pls|plz|pleasee|kindly|requesting)",
    r"(?:can|could|would|will) (?:you|u|someone|somebody|anyone|one of you) (?:please |pls |plz |"
    r"kindly )?(?:help|check|look|tell|send|dm|call|email|fix|change|rebook|refund|cancel|"
    r"update|confirm|assist|reply|respond|let|get|give|add|move|put|hold|reschedule|transfer|"
    r"follow|reach|contact|sort|resolve|waive|credit|reset|explain|advise|find|switch|upgrade)",
    r"(?:i|we) (?:need|want|would like|'?d like|require|request|am requesting) (?:to |a |an |my |"
    r"our |some |help|assistance|someone|you to|a refund)",
    r"(?:help me|help us|dm me|dm us|call me|email me|message me|contact me|get back to me)",
    r"(?:need|want) (?:help|assistance|an answer|a response|a refund|to (?:change|cancel|rebook|"
    r"speak|talk))",
    r"help\s*[!.?]*$",
)

#: Feedback: suggestions and opinions on how things could be.
FEEDBACK_PHRASES: tuple[str, ...] = (
    r"(?:you|u) (?:should|guys should|need to|ought to|could|might want to)",
    r"(?:it|that) would be (?:nice|great|good|helpful|awesome|better|cool)",
    r"would (?:love|like) (?:to see|it if|if)",
    r"(?:suggest|suggestion|suggestions|recommendation|feedback|idea|feature request|wish list)",
    r"why not",
    r"(?:consider|bring back|improve|update your)",
    r"add (?:a|an|more|the|some)",
    r"i wish (?:you|u|there|they|it)",
    r"(?:should|could) (?:be|have) (?:better|more|less|an option)",
    r"next time",
)

#: Spam and advertising.
SPAM_PHRASES: tuple[str, ...] = (
    r"follow (?:me|back|us|for follow|4 follow|all)",
    r"(?:f4f|followback|follow4follow|teamfollowback|#followback|#f4f)",
    r"click (?:here|the link|my|link|below)",
    r"(?:check out|visit) (?:my|our) (?:page|profile|channel|site|website|shop|store|link|bio)",
    r"link in (?:my |the )?bio",
    r"(?:buy|order|shop) now",
    r"(?:limited|special) (?:time )?offer",
    r"(?:giveaway|promo code|discount code|coupon code|use code|promocode)",
    r"(?:win|won) (?:a|an|free|cash|\$)",
    r"free (?:followers|likes|money|gift|iphone|bitcoin|crypto|trial)",
    r"(?:make|earn) (?:\$|money|cash)",
    r"work from home",
    r"(?:crypto|bitcoin|forex|nft|airdrop|trading) (?:signals?|profits?|returns?|giveaway|"
    r"investment|opportunity)",
    r"\d+ ?% (?:off|returns?|profit)",
    r"dm (?:me )?for (?:promo|collab|business|price|info|details)",
    r"(?:guaranteed|risk[- ]free)",
    r"subscribe to my",
)

#: Urgency: someone may be in danger.
SAFETY_PHRASES: tuple[str, ...] = (
    r"(?:caught|catch|on) fire",
    r"(?:fire|smoke|flames|sparks) (?:in|on|from|coming|filled|alarm|broke|everywhere)",
    r"(?:smell|smells|smelled|smelling) (?:of )?(?:smoke|burning|gas|fumes)",
    r"(?:exploded|exploding|explosion|gas leak|carbon monoxide|electrocuted|electric shock|"
    r"overheating|overheated|melted)",
    r"(?:injured|injury|injuries|bleeding|unconscious|fainted|passed out|collapsed|concussion|"
    r"seizure|heart attack|allergic reaction|anaphylaxis|anaphylactic|epipen|choking|"
    r"food poisoning|poisoned|hospitalized|hospitalised|ambulance|paramedic|paramedics)",
    r"(?:broke|broken) (?:my |his |her )?(?:arm|leg|bone|wrist|ankle|nose|tooth)",
    r"(?:can'?t|cannot) breathe",
    r"in (?:the )?hospital",
    r"(?:unsafe|dangerous|hazardous|life[- ]threatening)",
    r"not safe",
    r"safety (?:issue|risk|concern|hazard|problem)",
    r"emergency (?:landing|exit|slide|services|room)",
    r"(?:assaulted|attacked|harassed|harassing|harassment|groped|stalked|stalking|threatened)",
    r"sexual(?:ly)? (?:assault|assaulted|harassment|harassed)",
    r"(?:drunk|intoxicated) (?:pilot|driver|passenger|crew)",
    r"(?:suicide|suicidal|self[- ]harm)",
    r"kill (?:myself|me)",
    r"end (?:my|it) (?:life|all)",
    r"(?:want to die|don'?t want to live)",
    r"(?:child|kid|baby|toddler|minor|son|daughter) (?:is |was |has been |got |been )?(?:alone|"
    r"left alone|missing|lost|unaccompanied|locked|left behind)",
    r"(?:trapped|locked in)",
    r"stuck in (?:an? |the )?(?:elevator|lift)",
    # (Not a game's weapons, a tool or a debate: "weapon unlock", "glue gun",
    # "gun control".)
    r"(?<!nerf )(?<!glue )(?<!heat )(?<!water )(?<!staple )(?<!spray )(?<!toy )"
    r"(?:gun|knife|weapon)(?! (?:unlock|unlocks|skin|skins|camo|upgrade|upgrades|pack|bundle|dlc|"
    r"xp|blueprint|blueprints|level|levels|control|show|range|laws?|rights|owners?)\b)",
    r"bomb threat",
    r"(?:medication|meds|insulin|oxygen|wheelchair|inhaler) (?:is |was |got )?(?:lost|missing|"
    r"broken|left|stolen|damaged)",
    r"(?:lost|missing|broken|left|stolen|damaged|without|need) (?:my |his |her |our )?"
    r"(?:medication|meds|insulin|oxygen|wheelchair|inhaler)",
    r"(?:recalled|contaminated|contamination|mold|mould|foreign object)",
    # (Not "single use plastic in the product line": a wish, not a find.)
    r"(?<!single use )(?<!single-use )(?:glass|metal|plastic) in (?:my|the|our)"
    r"(?! (?:product|products|packaging|range|line|ocean|oceans|sea|seas|environment)\b)",
)

#: Urgency: lawyers, lawsuits, regulators.
LEGAL_PHRASES: tuple[str, ...] = (
    r"(?:lawyer|lawyers|attorney|attorneys|solicitor|solicitors|lawsuit|lawsuits|litigation|"
    r"sue|suing|sued|court|courts)",
    r"legal (?:action|team|counsel|department|advice|steps)",
    r"law ?suits?",
    r"class[- ]action",
    r"small claims",
    r"see (?:you|u) in court",
    r"(?:my|consumer|passenger|customer) rights",
    r"breach of contract",
    r"better business bureau",
    r"(?:bbb|ftc|fcc|cfpb|ofcom|ofgem|ombudsman|regulator|regulators|gdpr|chargeback|caa|faa)",
    r"(?:trading standards|consumer protection|attorney general|department of transportation|"
    r"dot complaint|data protection)",
    r"charge back",
    r"(?:dispute|disputing) (?:the|this) (?:charge|transaction)",
    r"file a dispute",
    r"(?:report|reporting|reported) (?:you|this|u) to",
    r"(?:file|filing|filed) (?:a )?(?:formal )?complaint with",
    r"(?:contact|contacting|call|calling) (?:my|a) (?:lawyer|attorney|solicitor)",
)

#: Urgency: the customer says they are leaving.
CHURN_PHRASES: tuple[str, ...] = (
    r"(?:cancel|cancelling|canceling|close|closing|terminate|terminating|end|ending|quit|"
    r"quitting|delete|deleting) (?:my|our|the) (?:account|subscription|membership|service|"
    r"contract|plan|card|policy|loyalty|miles|rewards)",
    r"(?:switch|switching|switched|moving|move|going|changing|porting|port) (?:over )?"
    r"(?:to|back to) (?:another|a different|a new|your competitor|the competition|[a-z]+ instead)",
    r"(?:switch|switching) (?:providers?|carriers?|companies|airlines?|banks?|networks?|brands?)",
    r"never (?:again|fly|flying|use|using|buy|buying|shop|shopping|book|booking|order|ordering|"
    r"choose|choosing|recommend|recommending|coming back|return|returning|stay|staying)",
    r"(?:take|taking|took) (?:my|our) (?:business|money|custom) (?:elsewhere|somewhere else)",
    r"(?:lose|losing|lost) (?:my|our) (?:business|custom|loyalty)",
    r"(?:lost|losing|you'?ve lost|you have lost) (?:a|me as a|another|one more|my|a loyal) "
    r"(?:customer|client|flyer|passenger|member)",
    r"(?:won'?t|will not|never) be (?:back|returning|flying|using|shopping|booking|ordering|"
    r"renewing)",
    r"(?:done|finished|through) with (?:you|u|this company|your company|your service)",
    r"(?:last|final) time (?:i|we|flying|using|with|ever)",
    r"first (?:and|&) last time",
    r"1st time,? last time",
    r"(?:not|won'?t be|will not be) renewing",
    r"#neveragain",
    r"no longer (?:fly|flying|use|using|buy|buying|shop|shopping|book|booking|order|ordering|"
    r"choose|recommend|a customer|a member|loyal)",
    r"(?:we'?re|we are|i'?m|i am|im) (?:officially |so |totally |completely |absolutely )?"
    r"(?:done|finished)(?! with (?:the|my|our|this) (?:form|booking|check))",
    r"(?:goodbye|bye bye|farewell),? (?:forever|for good)",
    r"(?:unsubscribe|unsubscribed|unsubscribing)",
)

#: Urgency: the problem gets worse by the hour.
TIME_PHRASES: tuple[str, ...] = (
    r"(?:stranded|overnight|#stranded)",
    r"stuck (?:at|in|on) (?:the |an? )?(?:airport|station|gate|terminal|plane|tarmac|hotel|"
    r"border|road|side of the road|[a-z]+ airport)",
    r"(?:sleeping|sleep|slept) (?:at|in|on) (?:the )?(?:airport|terminal|floor|gate|station|car)",
    r"(?:spend|spending) the night",
    r"no hotel",
    r"nowhere to (?:stay|sleep|go)",
    r"(?:missed|miss|missing|going to miss|gonna miss|will miss) (?:my |our |the )?"
    r"(?:connection|connecting|flight|train|bus|wedding|funeral|meeting|interview|appointment|"
    r"surgery|exam|event)",
    r"(?:flight|train|bus|boarding|departure|it) (?:leaves|departs|boards|is|starts) in",
    r"(?:leaves|departs|boards|boarding|closes) in",
    r"in \d+ (?:min|mins|minutes|hour|hours|hrs)",
    r"(?:within the hour|in an hour|in half an hour)",
    r"(?:urgent|urgently|asap|immediately|emergency|time-sensitive|deadline)",
    r"right (?:now|away)",
    r"time[- ](?:sensitive|critical)",
    r"running out of time",
    r"last minute",
    r"(?:outage|outages|offline)",
    r"(?:service|network|internet|power|site|app|system|server|servers|wifi|payments|checkout|"
    r"website) (?:is |are |went |has gone )?(?:down|out)",
    r"no (?:power|internet|service|signal|connection|wifi|heat|heating|water|electricity)",
    r"not loading",
    r"(?:can'?t|cannot|unable to) (?:log ?in|access|connect|pay|check ?in|get (?:in|home|out))",
    r"locked out",
)

#: Words that flip the polarity of what follows.
NEGATORS: frozenset[str] = _words(
    """
    not no never none nobody nothing neither nor nowhere without hardly barely scarcely
    cannot cant can't dont don't doesnt doesn't didnt didn't isnt isn't wasnt wasn't
    arent aren't werent weren't wont won't wouldnt wouldn't shouldnt shouldn't couldnt
    couldn't havent haven't hasnt hasn't hadnt hadn't aint ain't mustnt mustn't neednt
    needn't darent daren't
    """
)

#: Words that stop a negation's scope (besides punctuation).
SCOPE_BREAKERS: frozenset[str] = frozenset(["but", "however", "though", "although", "whereas"])

#: Words that strengthen the word after them (factor applied to its valence).
INTENSIFIERS: dict[str, float] = _weighted(
    {
        1.5: """
        extremely incredibly insanely ridiculously absolutely totally utterly
        completely thoroughly beyond seriously hugely massively
        """,
        1.35: """
        very so really super such too truly highly deeply majorly quite
        especially particularly exceptionally remarkably terribly awfully
        freaking freakin fricking frickin effing bloody damn darn fucking fuckin friggin
        frigging fkn fking fcking
        most entirely
        """,
    }
)

#: Words that soften the word after them.
DIMINISHERS: dict[str, float] = _weighted(
    {
        0.6: "slightly somewhat kinda kind-of sorta sort-of barely hardly marginally",
        0.75: "little bit fairly rather pretty partly mildly almost",
    }
)

#: Insults, profanity and slurs: ``hostility`` weight, 0..3.
HOSTILE_WORDS: dict[str, float] = _weighted(
    {
        3.0: """
        cunt cunts motherfucker motherfuckers motherfucking fucker fuckers
        faggot faggots fag fags nigger niggers retard retards retarded kike
        spic chink tranny whore whores slut sluts skank hoe hoes thot
        """,
        2.4: """
        nigga niggas niggah
        """,
        2.2: """
        fuck fucks fucked fucking fuckin fuk fck fcking fcuk fkn effing
        fucken fuckn fukn fukin fking fkin phuck phuk sh1t b1tch biatch biotch
        beyotch ahole aholes azz batshit
        shit shits shitty shithead shitheads shithole bullshit horseshit shite
        gobshite bitch bitches bitching bitchy asshole assholes asshat arsehole
        arseholes bastard bastards dick dicks dickhead dickheads prick pricks twat
        twats wanker wankers tosser tossers douche douchebag douchebags scumbag
        scumbags scum jackass jackasses dumbass dumbasses dipshit piss pissed
        pissing cock cocks cocksucker pussy idiot idiots idiotic moron morons
        moronic imbecile imbeciles cretin stfu gtfo kys loser losers pedophile
        pedophiles paedophile paedophiles rapist rapists libtard libtards
        conservatard conservatards cuck cucks slag
        shitstain shitbag dumbfuck fuckface fuckwit fuckhead asswipe jackoff jerkoff
        numbnuts dickwad dumbshit shitface bellend knobhead gfy pussies shitting
        mf mfs mofo
        """,
        1.6: """
        stupid stupidity dumb dumber dumbest bimbo demonrat demonrats dumocrat dumocrats
        """,
        1.4: """
        ass asses arse jerk jerks clown clowns fool fools foolish trash liar liars
        lier vile lowlife lowlifes creep creepy pervert perverts thug thugs coward
        cowards hypocrite hypocrites traitor traitors treasonous idiocy nutjob
        nutcase lunatic lunatics psycho psychos wacko wackos looney loony deviant
        deviants narcissist crook crooks racist racists bigot bigots filth hag
        bollocks bugger prat pillock brat brats
        dimwit dimwits nitwit nitwits halfwit halfwits dunce dunces numbskull
        numbskulls bonehead boneheads blockhead airhead airheads doofus buffoon
        buffoons nincompoop ignoramus degenerate degenerates parasite parasites
        vermin swine scoundrel scoundrels sleazebag sleazeball slimeball dirtbag
        dirtbags turd turds weirdo freak freaks maniac maniacs sociopath psychopath
        phony phonies charlatan charlatans fraudster fraudsters bozo bozos goon goons
        bully bullies butthead buttheads brainless braindead
        pig pigs rat rats snake snakes sleazy sleaze criminals
        savage savages barbarian barbarians groomer groomers
        predator predators pedo pedos fatass whiny crybaby crybabies hater haters
        delusional deranged unhinged senile retardation commie commies leftard
        leftards trumptard trumptards rethuglican rethuglicans magat magats
        scumbucket subhuman subhumans
        beasts porn porno horny boobs tits titties sucker suckers nazi nazis
        bootlicker bootlickers simp simps incel incels fatso ratbag ratbags
        fascist fascists snowflake snowflakes sheeple muppet numpty git
        sicko sickos kook kooks kooky crackpot crackpots stooge stooges
        shill shills grifter grifters conman conmen sellout sellouts weasel weasels
        deadbeat deadbeats freeloader freeloaders nutter nutters dolt dolts simpleton
        simpletons dork dorks redneck rednecks hillbilly hillbillies harpy
        shrew birdbrain chump chumps clod dingbat dipstick dullard dumbo dweeb fathead
        goofball harlot hick hicks hooligan hooligans ingrate jezebel knucklehead
        knuckleheads lamebrain lout louts meathead meatheads nimrod ninny oaf oafs
        pinhead pinheads pipsqueak reprobate schmuck schmucks slob slobs trollop
        twerp wimp wimps windbag wuss wusses yokel yokels mouthbreather stoopid
        trashy scummy slimy
        """,
        1.0: """
        crap crappy damn damned goddamn hell sucks suck garbage
        rubbish incompetent pathetic disgusting despicable ignorant ignorance
        worthless hopeless evil crooked filthy sexist wtf
        ugly disgrace disgraceful shameless spineless gutless clueless tf
        deluded brainwashed immature hateful spiteful treacherous hypocritical
        troll trolls puppet puppets thief scammer scammers swindler swindlers
        arrogant asinine cowardly crass dimwitted dopey imbecilic inane
        insufferable obnoxious pompous repulsive revolting smug vulgar witless
        wretched loathsome contemptible deplorable odious repugnant
        """,
    }
)

#: Groups of people, as abuse names them: "liberals are sick" is aimed at people
#: the way "they are sick" is.
PEOPLE_GROUPS: frozenset[str] = _words(
    """
    liberals libs leftists lefties progressives conservatives democrats dems
    republicans repubs politicians feminists women men immigrants migrants
    refugees muslims christians jews atheists cops police journalists
    """
)

#: Pairs in which a hostile word is harmless: (word, the word after it) or
#: (the word before it, word): "dumb question", "guinea pigs".
HARMLESS_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [
        *(
            (word, asked)
            for word in ("stupid", "dumb", "silly", "idiot")
            for asked in ("question", "questions")
        ),
        ("guinea", "pig"),
        ("guinea", "pigs"),
        # "hoe long", "hoe much": "how" mistyped.
        *(("hoe", word) for word in ("long", "much", "many", "do", "does", "did", "can", "come")),
    ]
)

#: Words for a person: an insult just before one is aimed at them ("spiteful
#: woman"), as before one of :data:`PEOPLE_GROUPS`. ("man" and "dude" are left
#: out: they are also interjections.)
PERSON_NOUNS: frozenset[str] = _words(
    "woman lady ladies girl girls boy boys person folks kid kids dudes gal"
)

#: Expletives: profane, but said of the moment, not of the person after them
#: ("damn guys, another delay").
EXPLETIVES: frozenset[str] = _words("damn damned goddamn hell crap wtf tf")

#: Feelings and states: negative, but no insult when said of someone
#: ("they are worried", "he is hurt", "people are sick and tired").
FEELINGS: frozenset[str] = _words(
    """
    sad upset worried hurt injured tired sick ill scared afraid frightened angry mad
    annoyed frustrated disappointed offended confused stressed anxious lonely
    depressed exhausted bored nervous sorry unhappy miserable heartbroken devastated
    shocked concerned stuck stranded disgusted revolted appalled sickened horrified
    outraged
    """
)

#: Profanity inside a word the tables do not list ("shittier", "clusterfuck",
#: "bitchass"), and its ``hostility`` weight. Anchored where the letters also
#: start innocent words ("Scunthorpe", "Dickens").
PROFANE_STEMS = r"fuck|^shit|bitch|^cunt|^motherf|^twat|^wank"
PROFANE_STEM_WEIGHT = 2.2

#: Masked profanity ("f*ck", "sh!t", "a**hole"), looked for only where a mask character is.
MASKED_PROFANITY = (
    r"(?<![\w*])(?:f[*$%!]{1,3}c?k|fu[*$%!]{1,2}k|f\*+|sh[*$%]{1,3}t?|sh!{1,3}t|b[*$%!]{1,3}tch|"
    r"a[*$%!]{1,3}s?hole|c[*$%!]{1,3}nt|d[*$%!]{1,3}ck|p[*$%!]{1,3}ssy|wh[*$%!]{1,2}re|"
    r"n[*$%!]{1,3}gg(?:a|er))(?:ing|in|ed|er|s)?(?![\w*])"
)

#: Emoticons and their valence.
EMOTICONS: dict[str, float] = {
    ":)": 2.0,
    ":-)": 2.0,
    ":]": 2.0,
    "=)": 2.0,
    ":d": 2.5,
    ":-d": 2.5,
    "xd": 2.0,
    ";)": 1.5,
    ";-)": 1.5,
    ":p": 1.5,
    ":-p": 1.5,
    ";p": 1.5,
    "<3": 2.5,
    "^_^": 2.0,
    "^^": 1.5,
    ":(": -2.2,
    ":-(": -2.2,
    "=(": -2.2,
    ":'(": -2.5,
    ":'-(": -2.5,
    ">:(": -3.0,
    ">:-(": -3.0,
    "d:": -2.0,
    ":/": -1.5,
    ":-/": -1.5,
    ":\\": -1.5,
    ":|": -1.0,
    ":-|": -1.0,
    "-_-": -1.5,
    "</3": -2.5,
    ":@": -2.5,
}

#: Emoji and their valence (looked up after dropping variation selectors).
EMOJI: dict[str, float] = {
    **dict.fromkeys("😀😃😄😁😆😊🙂☺😇🥳🤩", 2.2),
    **dict.fromkeys("😍🥰😘😻💕💖💗💓💞💘❤♥💙💚💛💜🧡🤍", 2.6),
    **dict.fromkeys("👍👏🙌💯🎉🎊✨🌟⭐🙏🤗😎👌✅🏆💪", 1.8),
    **dict.fromkeys("😂🤣😅😜😝😛😉", 0.6),
    **dict.fromkeys("😞😔😟😕🙁☹😣😖😫😩😥😓😪🥺", -2.0),
    **dict.fromkeys("😢😭💔😿", -2.4),
    **dict.fromkeys("😠😡🤬😤👿💢", -2.8),
    **dict.fromkeys("🙄😒😑😐🤦🤷😬😶", -1.3),
    **dict.fromkeys("👎🤮🤢💩❌🚫⚠😱😨😰", -2.2),
    "🖕": -3.0,
}

#: Emoji that are hostile in themselves.
HOSTILE_EMOJI: dict[str, float] = {
    "🖕": 2.5,
    "🤬": 1.0,
    "🔪": 1.0,
    "🔫": 1.0,
    "💀": 0.3,
    "💩": 1.0,
    "🤡": 1.0,
}

#: Angry emoji and emoticons: evidence of a complaint.
ANGRY_SYMBOLS: frozenset[str] = frozenset(["😠", "😡", "🤬", "😤", "👿", "💢", ">:(", ">:-(", ":@"])

#: Hashtag fragments that mark a complaint wherever they appear in a tag
#: (``#customerservicefail``, ``#neveragain``, ``#worstairline``).
COMPLAINT_TAG_PARTS: tuple[str, ...] = (
    "fail",
    "neveragain",
    "byebye",
    "goodbye",
    "worst",
    "nothanks",
    "ripoff",
    "scam",
    "boycott",
    "unacceptable",
    "disappointed",
    "frustrat",
    "annoyed",
    "angry",
    "badservice",
    "poorservice",
    "nocustomerservice",
    "stranded",
    "delayed",
    "cancelled",
    "canceled",
    "stuck",
    "fml",
    "smh",
    "sucks",
    "hateyou",
    "shameonyou",
    "notimpressed",
    "notcool",
    "nothappy",
    "unhappy",
    "lostluggage",
    "lostbag",
    "onhold",
    "stillwaiting",
    "epicfail",
    "firstworldproblems",
    "ugh",
    "wtf",
)

#: Small words that glue the words of a compound hashtag together
#: (``#notimpressed``, ``#dothisagain``); they are known words when a tag is split.
TAG_GLUE: frozenset[str] = _words(
    """
    i im me my mine we our us you your u ur he his she her they their them it its
    this that these those the a an to of in on at for from with by and or but so as
    is are was were be been am do did does done have has had get got go going gone
    no not never dont cant wont isnt didnt doesnt nor any all more most less again
    still now today ever one day night time way just too very what why how when who
    where which there here out up down off over back can will would should could
    """
)

#: Hashtag fragments that mark praise.
PRAISE_TAG_PARTS: tuple[str, ...] = (
    "love",
    "thank",
    "awesome",
    "amazing",
    "great",
    "happy",
    "best",
    "kudos",
    "bravo",
    "winning",
    "excellent",
    "greatservice",
    "goodservice",
    "impressed",
    "grateful",
    "blessed",
    "fan",
)

#: Words that make a text read as a question even without ``?``.
QUESTION_OPENERS: frozenset[str] = _words(
    """
    what whats what's when where wheres where's which who whom whose why how hows how's
    is isnt are arent do does did can could would will should may might shall any anyone
    anybody has have had
    """
)

#: Function words for the cheap language guess.
LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        """
        the and is are was were you your to of in for on with this that it my have has
        not be will can i me at from what why how just
        """
    ),
    "es": _words(
        """
        el la los las que de del en un una es por para con no mi su muy pero se lo como
        está estoy gracias hola también porque
        """
    ),
    "fr": _words(
        """
        le la les des de du et est un une pour pas que qui dans sur avec je vous mon ma
        mes très mais ce cette merci bonjour
        """
    ),
    "de": _words(
        """
        der die das und ist nicht ein eine ich sie mit auf für von zu den dem des auch
        wir ihr mein sehr aber danke bitte
        """
    ),
    "pt": _words(
        """
        o a os as que de do da em um uma é não com para por meu minha muito mas você
        obrigado obrigada está voo também
        """
    ),
    "it": _words(
        """
        il lo la gli le di che è e un una per non con mi sono ma molto grazie questo
        questa del della anche
        """
    ),
    "nl": _words(
        """
        de het een en is niet van ik je u op met voor dat die zijn maar ook mijn heel
        bedankt wij jullie
        """
    ),
}
