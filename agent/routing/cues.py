"""Light lexical cues added to the embedding scores: verbs and references an embedding blurs.

MiniLM hears "make option 2 noir" and "make option 2 darker" as near twins; a preset style name
or an insertion point settles it. Each cue adds a fixed bonus to one intent's score.
"""

from __future__ import annotations

import re

from agent.routing.arguments import Extraction, revise_mode, scene_edit
from agent.routing.text import correct_typos

# (intent, pattern on the folded message, bonus), grouped by the class of verb a writer uses, so a
# new phrasing of the same act (retrieving, judging, measuring, inserting, creating) is heard too.
WORD_CUES: tuple[tuple[str, re.Pattern[str], float], ...] = tuple(
    (intent, re.compile(pattern), bonus)
    for intent, pattern, bonus in (
        # -- condensing the writer's own draft
        ("summarize", r"\bsumm?ar\w*|\brecap\w*|\btl;?dr\b|\blog ?li?ne?s?\b|\bsynops\w*|\bsinopsis|\bbeat sheet"
         r"|\bsumm? (?:it |\w+ )?up\b|\bnutshell\b|\bdigest\b|\bwhat(?:'?s| is) the plot\b|\bresum\w*|\bzusammen\w*|\boverview\b|\bgist\b|\bcondense\w*|\bboil\w* .{0,30}down"
         r"|\bbeat by beat\b|\bone line each\b|\bwhat(?:'?s| is| are) (?:act|sc(?:ene)?) \w+ about\b|\bremind me\b(?! (?:how|why|when|where|who|whether|if) )|\bstory so far\b|\brun me through\b|\boutline (?:my|the)\b", 0.25),
        ("summarize", r"\bwhat happens in\b|\bwhat(?:'?s| is) (?:this|my|the) (?:script|draft|story|screenplay) about\b"
         r"|\bwhat .{1,20} is about\b", 0.15),
        # -- judging: notes, verdicts, scores
        ("critique", r"\bcriti\w*|\bcritque|\bcrtique|\bfeedback|\bnotes? on\b|\bwith notes\b|\bwhat(?:'?s| is) (?:wrong|weak|not)\b"
         r"|\bweak\w*|\bdoesn'?t work|\bnot (?:working|landing)\b|\bhonest\w*\b|\bopinion\b|\brat(?:e|ing)\b|\breview\b"
         r"|\bscor(?:e|ing)\b|\bgrad(?:e|ing)\b|\bverdict\b|\bjudg\w*|\bassess\w*|\bevaluat\w*|\bappraise\b|\bout of (?:10|ten)\b"
         r"|\bhow good\b|\bany good\b|\bstrengths?\b|\bpass or consider\b|\bwould an? (?:producer|reader|exec\w*|agent)\b"
         r"|\blosing (?:the )?(?:reader|audience)\b|\bpay(?:s)? off\b|\bearn\w*\b|\bdoing its job\b|\bplot holes?\b"
         r"|\bmark (?:it )?up\b|\bnotes\b|\bcrit\b|\bbe straight\b|\b(?:tear|rip|shred|pull) (?:it |this |that |\w+ \w+ )?apart|\bblack ?list\b|\bfeel\w* (?:flat|off|clunky)|\bsound\w* (?:real|fake|natural)"
         r"|\bclunky\b|\bflat\b|\bdrag\w*|\bbelievable\b|\bdoes .{1,40} (?:land|work)\b|\bworking\?|\bqui ne va pas\b"
         r"|\bwhat do you think\b(?! (?:\w+ ){1,3}(?:should|would|could|will)\b)|\btell me if\b|\bcheck (?:my|the)\b|\bclear enough\b|\ball over the place\b"
         r"|\bhow (?:would|could|can|should|do) (?:you|i) (?:improve|strengthen|fix)\b|\bsag\w*|\bboring\b|\bpredictable\b"
         r"|\bclich\w*|\bconvincing\b|\bis (?:sc(?:ene)? ?\d+|act \w+|it|the \w+) (?:\w+ )?working\b|\bbe (?:brutal|harsh|blunt)\b"
         r"|\bhow strong\b|\bweakest\b|\bcoverage\b|\bwould an? \w+ say\b"
         r"|\bout of (?:\d+|five|ten|a hundred)\b|\bstars?\b|\bpass\W{0,3}fail\b|\bthumbs (?:up|down)\b"
         r"|\byour (?:take|thoughts|read|impression|gut|two cents)\b|\breport card\b|\bthoughts on\b", 0.25),
        # a verdict asked for outright: the thing judged is often a beat, which sounds like writing it
        ("critique", r"\bscor(?:e|ing)\b|\bgrad(?:e|ing)\b|\bverdict\b|\bjudg\w*|\bassess\w*|\bevaluat\w*|\brat(?:e|ing)\b", 0.1),
        # -- retrieving from the library
        ("similar", r"\bsimilar\b|\blike (?:the|my|a|an|scene)\b|\bresembl\w*|\blibrary\b|\breferences?\b|\bexamples?\b"
         r"|\bparecid\w*|\bs(?:ea|e|ae)rch\w*|\blook ?(?:up|for)\b|\bfi?nd (?:me )?(?:\d+ |\w+ )?(?:\w+ )?scenes?\b|\bfamous\b"
         r"|\bcomps?\b|\bcomparable\b|\bsame vein\b|\bfeel like scene\b|\bbrowse\b|\bpull (?:up|some)\b|\bdig up\b"
         r"|\bother (?:scripts|writers|films|movies|screenplays)\b|\bhas any(?:one|body) (?:\w+ )?(?:done|written|staged|shot)\b"
         r"|\bwho else has\b|\bhow (?:have|do|did) (?:other )?(?:writers|screenwriters|films|movies|scripts|screenplays)\b"
         r"|\bhow (?:the )?(?:pros|professionals|masters|greats|real writers)\b|\bremind\w* (?:you|me) of\b"
         r"|\b(?:read|study) (?:some )?scenes\b|\bexisting scenes\b|\bwhat'?s out there\b|\bmatch .{1,30} against\b"
         r"|\banything in the library\b|\binspiration\b|\binspo\b|\bshow me how (?:\w+ ){1,3}(?:handle|handled|do|did|stage|staged|play|played)\b|\b(?:read|study|watch) (?:a few |some |a couple of |a bunch of |\d+ )?(?:\w+ )?scenes\b", 0.2),
        # -- creating new material
        ("generate", r"\bwr?i?te\b|\bwrte\b|\bgenerat?e?\b|\bdraft (?:me|a|an|the|some|\d)\b|\bbrainstorm\b|\bpitch me\b|\bgimme\b"
         r"|\bgive me (?:\w+ )?(?:new|more|ideas|options|alternatives|versions|takes)"
         r"|(?<!quick )(?<!short )(?<!shorter )(?<!pitch )(?<!brief )\bversions?\b|\balt(?:ernative)?s?\b|\bnew scene\b|\bideas?\b|(?<!your )\btakes? on\b|\bcome up with\b|\bescrib\w*|\becri\w*|\bschreib\w*"
         r"|\bdame\b|\bsketch\b|\brough (?:out|in)\b|\bspitball\w*|\bthrow some\b|\bmore scenes\b"
         r"|\bneed (?:more|new|an?|another|some) (?:new |fresh |different |other )?(?:scenes?|options?|versions?|takes?|ideas?"
         r"|drafts?|openings?|endings?|alts?|alternatives?|beats?|bits?|cold opens?|climax|midpoint|material)\b"
         r"|\bfrom scratch\b|\bvariations?\b|\bdifferent ways\b|\bwhat could (?:happen|come)\b|\bwhat comes (?:next|after)\b"
         r"|\bnew material\b|\bways? the\b|\balternates?\b|\btry (?:the \w+ |it |that |this )?again\b|^\W*an? (?:teaser|cold open|opening|ending|climax|midpoint|finale|opener|scene) (?:where|in which|with)\b|\bdone .{1,20} (?:different|other) ways\b|\bfresh\b", 0.15),
        # -- taking an edit back
        ("undo", r"\bundo+\b|\brevert\w*|\btake (?:that|it|this|the \w+) back\b|\bput (?:it|the draft|that) back\b"
         r"|\btake (?:that|it|this|the|my) \w+ back\b|\bprevious version\b|\bruckgangig\b|\broll (?:it |that )?back\b|\brollback\b|\bctrl[ -]?z\b|\bgo back\b|\bstep back\b|\bund+o+\b|\btake (?:that|the|this|my)(?: last)? (?:change|edit|insert\w*) out\b"
         r"|\bpull (?:that|the|this) (?:change|edit|insert\w*) (?:back )?out\b"
         r"|\brestore (?:the|my) (?:draft|script|screenplay|previous)\b|\bthe way it was\b"
         r"|\breverse (?:my|the|that|it)\b|\bhow it was\b"
         r"|\b(?:scrap|drop|ditch|lose|kill|cancel|remove|bin|nix|toss|forget) (?:that|the|my|this)(?: last| latest)? (?:edit|change|insert\w*)\b"
         r"|\b(?:erase|yank|remove|delete|take|pull|get rid of|scrap|drop|ditch|lose|kill|cancel|toss|nix|bin|forget) (?:out )?"
         r"(?:what|everything|whatever|the (?:thing|bit|stuff)) (?:you|i|we) (?:just )?(?:added|put|inserted|did|pasted|dropped|slotted)\b"
         r"|\b(?:old|previous|last|original) (?:draft|version|script) back\b|\bput (?:things|everything|it all) back\b"
         r"|\b(?:cmd|command|ctrl)[ -]?z\b", 0.3),
        # -- asking about the app itself
        ("help", r"\bhe?lp\b|\bhlep\b|\bhalp\b|\bhepl\b|\bwhat can (?:you|this|it)\b|\bhow does (?:this|it) work\b|\bcommands?\b|\bpuedes hacer\b"
         r"|\bwhat can i\b|\bfeatures\b|\bable to help\b|\bthings you (?:can )?do\b|\bslash\b"
         r"|\b(?:can|could|do) i (?:save|export|download|print|share|rename|delete|back ?up|get back)\b|\bis there a way to\b"
         r"|\bwhere (?:do|can|does) (?:i|it) (?:find|see|save|keep|get)\b"
         r"|\bhow does (?:the |this |that )?(?:\w+ ){0,2}(?:thing|button|feature|tab|command|panel|board) work\b"
         r"|\bexplain what (?:the )?\w+ does\b|\bfile (?:types|formats)\b|\bwhat (?:formats|files|kinds? of files?) (?:can|do|does)\b|\bwhat does (?:the )?\w+ (?:button|command|tab|feature) do\b", 0.35),
        # -- restyling: the verb alone, the style still to be asked for
        ("style", r"\brestyl\w*|\bre-style\w*|\bin the style of\b|\bstyle (?:pass|swap|change)\b|\bchange (?:the )?style\b", 0.3),
        # -- putting a chosen option into the draft
        ("insert", r"\binse?rt\w*|\bput (?:it|the|option|that|this|#)\b|\bslot\b|\bpaste\b|\bdrop (?:it|option|the)\b"
         r"|\buse (?:option|opt|it|that|this|number|the \w+ one|#|\d)\b|\block (?:in|it in)\b|\bgo(?:ing)? with\b|\bstick\b|\bi'?ll take\b|\bkeep (?:option|the \w+ one)\b|\bmets\b"
         r"|\badd (?:option|it|the|#)|\baccept\b|\bmerge\b|\bcommit\b|\bgoes (?:in )?(?:after|before|into)\b", 0.25),
    )
)

# Measuring the draft: questions the statistics answer with numbers (pages, scenes, lines, settings).
_ANALYSIS = re.compile(
    r"\bhow many (?:pages|scenes|lines|words|characters|locations|acts|int|ext|of (?:my|the) scenes|exterior|interior|night|day)\b"
    r"|\bhow (?:long|short) (?:are|is) (?:my|the|each|every|act|sc(?:ene)?)\b|\b(?:longest|shortest) scenes?\b|\bscenes? (?:length|count)s?\b"
    r"|\baverage scene\b|\bpage counts?\b|\bpages? per\b|\bper act\b|\bby act\b|\beach act\b|\bin pages\b"
    r"|\bint(?:erior)?s? ?(?:vs\.?|versus|/|and) ?ext\w*\b|\bday ?(?:vs\.?|versus|/|and) ?night\b|\bpercentage\b|\bratio\b"
    r"|\bwho (?:has|speaks|talks|says|gets) (?:the )?(?:most|least|fewest)\b|\bhow much does \w+ (?:talk|speak)\b|\bspeaks how much\b"
    r"|\bin the most scenes\b|\bdivide\w* among\b|\bscreen ?time\b|\bdialogue share\b|\bstat(?:s|istics)\b"
    r"|\bthe numbers\b|\bbreakdown of (?:the|my) (?:script|draft|scenes)\b|\b(?:day|night|int|ext)\w*/\w+ breakdown\b"
    r"|\bwhich locations\b|\blocations? (?:do i|i) use\b|\bdoes \w+ appear\b|\bhow many \w+ scenes\b"
    r"|\bhow many pages is (?:my|the|this)\b|\bchart\b|\bgraph\b|\bplot (?:of|the|who)\b(?! (?:my|the|this) (?:script|draft|story|screenplay|film|movie)\b)"
    # shares, counts and spreads of the draft, however they are asked for
    r"|\bwho(?:'?s| has| have)? (?:got |gets )?(?:the )?most (?:lines|dialogue|words|scenes|pages|screen ?time)\b"
    r"|\b(?:dialogue|lines|pages|screen ?time) (?:is )?split\b|\bsplit between\b|\bspread (?:across|over|among|between)\b"
    r"|\bpercent\w*|\bhow many (?:words|times|speaking)\b|\bnumbers? (?:please|pls|on|for)\b|\bgive me (?:the )?numbers\b"
    r"|\bhow many scenes (?:is|does|has) \w+|\b(?:lines|words|pages|scenes) per (?:character|act|scene)\b"
    r"|\b(?:night|day|int\w*|ext\w*) (?:vs\.?|versus|/) (?:day|night|int\w*|ext\w*)\b|\bscene lengths?\b"
    # which one ranks first or last: "which scene is the shortest?", "what act has the most pages"
    r"|\b(?:longer|shorter|bigger|smaller) than (?:act|scene|sc)\b|\brun(?:ning)? ?time\b|\b(?:location|page|scene|act)[- ]?wise\b"
    r"|\bhw many (?:pages|scenes|lines)\b"
    r"|\bhow many (?:different |distinct |unique |separate )(?:locations|settings|places|characters|sets|speaking)\b"
    r"|\bmost (?:used|common|frequent|visited|repeated) (?:setting|location|place|set)s?\b"
    r"|\bscenes? (?:over|under|longer than|shorter than|above|below|more than|less than) \d+ pages?\b"
    r"|\b(?:which|what) (?:scene|act|location|place|setting|character)s? (?:is|are|was|has|have|gets?) (?:the )?"
    r"(?:longest|shortest|biggest|smallest|most|least|fewest)\b"
)

# A new story idea rather than the loaded draft: a logline, premise or pitch "for a heist in a monastery".
_STORY_IDEA = re.compile(
    r"\b(?:log ?lines?|premises?|pitch(?: me)?|story ideas?|movie ideas?|film ideas?|concepts?)\b.{0,25}\b(?:for|about|on|set)\b"
    r"\s+(?:an?|some|two|the story of)\b"
    r"|\bpitch me (?:a|an) (?:movie|film|story|show|series)\b|\bstory ideas?\b|\bwhat if (?:a|an|the|two|someone)\b"
    r"|\bi have an idea\b|\bis (?:it|that|this) a (?:movie|film)\b|\bdevelop (?:that|this|it|an idea)\b|\bpremise\b"
    r"|\b(?:movie|film|story|screenplay) ideas?\b|\b(?:i'?ve got|i have) an idea\b|\bstory idea\b"
    r"|\bwhat if\b.{0,80}\b(?:make|turn|develop) (?:it|that|this) (?:into )?(?:a |an )?(?:movie|film|story|screenplay)\b"
    r"|\bbuild (?:it|that|this) out\b"
)
# Developing a new story (issue 19): "make me a heist movie about a monastery", "develop a story from this logline".
_NEW_STORY = re.compile(
    r"\b(?:develop|make|write|build|create|turn|outline)\b (?:me |us )?(?:an? |this |my |the )?(?:[\w-]+ ){0,3}?"
    r"(?:movie|film|story|screenplay|feature|thriller|comedy|western|drama|horror|rom-?com|romcom|mystery|sitcom"
    r"|series|show|musical|heist|fantasy|sci-fi|romance|noir|tale|pilot|short)\b"
    r" (?:about|from|set|where|in which|with|on|around|of)\b"
    r"|\bdevelop (?:a|the|my|this|an?) (?:new )?(?:story|logline|premise|idea|screenplay|film|movie)\b"
    r"|\b(?:this|my) (?:logline|premise)\s*:|\binto (?:a|an) (?:screenplay|outline|movie|film)\b"
    r"|^\W*develop\s*[:\-]|\b(?:start|begin) (?:a )?new (?:story|project|script|screenplay|film|movie)\b"
    r"|\b(?:turn|make|build|develop) (?:this|that|my|the|an?) (?:idea|premise|concept|logline) into\b"
    r"|\bbuild (?:me |us )?an? (?:movie|film|story|feature|script) (?:out of|from)\b|\bdevelop (?:something|a story|an idea) (?:around|about|from)\b"
    r"|\bpitch out an? (?:story|movie|film)\b"
    r"|\b(?:logline|story|movie|film|script|series|show|feature|premise) (?:idea|concept|premise|pitch)\s*[:\-]|^\W*(?:idea|concept|premise)\s*[:\-]"
    r"|\bidea\s*(?:->|→|to|into) (?:scenes|a story|an outline|a script|a screenplay)\b|\bnew project\b"
    r"|\b(?:could|would|can) (?:this|that|it) (?:be|make|work as) an? (?:feature|film|movie|series|show|pilot|story)\b"
    r"|\b(?:take|turn|make) my idea\b|\bfrom scratch\W+(?:please\W+)?an? (?:[\w-]+ )?(?:movie|film|story|western|thriller|comedy|drama|horror|mystery|romance|heist|musical|sitcom|series|show|pilot)\b|\bidea for an? (?:feature|film|movie|show|pilot|series|short)\b"
)
# Things one asks to be written, counted: "three openings", "2 more options".
_COUNTED_WORK = re.compile(
    r"\b(?:options?|versions?|openings?|openers?|endings?|scenes?|ideas?|takes?|alternatives?|alternates?|drafts?|variations?"
    r"|pitches|cold opens?|climax(?:es)?|midpoints?|beats?|escenas?|szenen|fins|finales|anfange|ouvertures?)\b"
)
_CREATE = re.compile(
    r"\b(?:write|draft(?= (?:me|us|a|an|some|new|\d))|generate|brainstorm|pitch|come up with|sketch|whip up|create|escrib\w*|ecri\w*|schreib\w*|dame"
    r"|give me|gimme|let me see|i want|rough out|spitball)\b"
)
# Asking for new material, no verb needed: "more scene options", "other takes", "fresh ideas".
_MORE_MATERIAL = re.compile(r"\b(?:more|new|other|fresh|different) (?:scene )?(?:options|versions|takes|ideas|scenes|alts)\b")
# How to use the app itself: "how do I undo an insert?" is a question, not an undo.
_HOW_APP = re.compile(
    r"^\W*(?:so |ok |okay )?(?:how (?:do|can) i|how to)\s+(?:\w+ ){0,2}?(?:undo|insert\w*|go back|search|export|load|upload|attach|import"
    r"|save|use|get|open|switch|change the|set|train|fine-?tune|index|add|restyle|choose|pick|discard|fork|branch"
    r"|restore|rename|pin|resolve|log ?in|sign in)\b"
    r"|^\W*(?:so |ok |okay )?(?:(?:can|could|do) i|is there a way to) (?:save|export|download|print|share|rename|delete|back ?up)\b"
)
# A question about the story itself, answered from the draft by conversation (grounded questions).
_GROUNDED = re.compile(
    r"^\W*(?:why (?:does|did|do|is|was|would|are)\b|what (?:does|did|do) \w+(?: \w+)? (?:want|need|feel|fear|think|know|hide)\b"
    r"|who(?:'s| is) (?:the |my )?(?:protagonist|antagonist|hero|villain|main character|lead|narrator)\b"
    r"|what(?:'s| is) (?:the |my )?(?:\w+ )?(?:theme|question|subtext|twist)\b"
    r"|remind me (?:how|why|when|where|who)\b|(?:when|where) (?:does|did|do|is|was|are|were) (?!i\b|you\b)|how (?:does|did) (?!i\b|you\b|this\b|it\b)"
    r"|what (?:happened|happens) to\b|what (?:motivates|drives|scares)\b"
    r"|what(?:'s| is) (?:the|my) (?:title|genre|period|setting|era)\b)"
)
# A yes/no question whose subject is one of the draft's people: "is Rafi in love with June?"
_ASKS_ABOUT = re.compile(r"^\W*(?:is|was|does|did|do|has|had|are|were|can|will|would|what(?! if\b)|why|where|when|who|how(?! (?:much|many|often)\b)) ")
# A craft question about a kind of thing, not about this draft: "should a synopsis give away the ending?"
_GENERIC_QUESTION = re.compile(
    r"^\W*(?:should|does|do|can|must|is|are) (?:an? |every |all )\w+"
    r"|^\W*what(?:'?s| is| are) (?:an? )\w+|^\W*what makes (?:an? |the )?(?:good|great|strong|bad|memorable)?\b"
    r"|^\W*what(?:'?s| is| are| does) (?:the |a )?\w+(?: \w+)? (?:supposed to|meant to|for in|of an? (?:film|movie|script|screenplay|story|feature|pilot|show))\b"
)
# An option placed into the draft without a scene number: "option 3 into the draft please".
_INTO_DRAFT = re.compile(r"\b(?:into|in|to) (?:the|my) (?:draft|script|screenplay)\b|\bgoes in\b|\bin it goes\b")
# Generic quantity questions are craft chat, not statistics of the draft: "how many pages is a TV pilot".
_GENERIC_SUBJECT = re.compile(
    r"\b(?:should|typical\w*|usually|normally|in general|rule of thumb|usual rule|industry standard|in an? spec|spec scripts?)\b"
    r"|\b(?:an?|the average) (?:tv|feature|pilot|movie|film|screenplay|script|sitcom|episode|short)\b"
)
# Edit verbs and comparatives that rework a generated option ("make #2 punchier", "tighten option 1").
_EDIT = re.compile(
    r"\b(?:make|but|pero|mais|tweak|rewrite|redo|rework|sharpen|punch up|tighten|trim|cut|shorten|lengthen|polish"
    r"|fix|improve|change|adjust|tone down|dial (?:up|down)|push|soften|less|more|give|needs?|angrier|\w+ier)\b|\w+er\b$"
)
# Scenes counted and described, with no verb of making: "10 scenes with a deathbed confession".
_BARE_SCENES = re.compile(r"^\W*(?:\d+|\w+|a few|a couple of) (?:\w+ )?scenes? (?:with|about|where|of|in which|involving)\b")
_HOW_DO_I = re.compile(r"^\W*(?:so |ok |okay )?(?:how (?:do|can|should) i|how to)\b(?! (?:make|fix|improve))")
_FINDING = re.compile(r"\b(?:(?:read|study|watch) (?:a few |some |a couple of |a bunch of |\d+ )?(?:\w+ )?scenes|fi?nd|s(?:ea|e|ae)rch\w*|look ?(?:for|up)|show me|similar|resembl\w*|examples?|references?|library|busca"
                      r"|comps?|comparable|existing|browse|pull up)\b")
# A general craft question, as opposed to one about the writer's own draft.
_GENERAL_QUESTION = re.compile(
    r"^\W*(?:what'?s an?\b|what is an?\b|what are\b|what does\b|what makes\b|what'?s the (?:difference|point)\b"
    r"|how long\b|how many\b|how do (?:you|writers|screenwriters|people)\b|who\b|why do (?:writers|people)\b"
    r"|do you\b|are you\b|is it (?:ok|okay|true|bad|good)\b|can you explain\b|explain\b|define\b|tell me about\b"
    r"|is [a-z ]+ worth\b)"
    r"|\bin general\b|\btheory\b|\brule of thumb\b|\busual rule\b|\bin an? spec\b|\bspec scripts?\b|^\W*who (?:wrote|directed)\b"
)
# Other people's work: "other writers' takes on a jailbreak" is retrieval, whatever verb of making it has.
_OTHERS_WORK = re.compile(r"\bother (?:writers?|screenwriters?|scripts?|screenplays?|films?|movies?|shows?)'?s?\b"
                          r"|\b(?:the )?(?:pros|professionals|masters|greats|real writers)\b|\bwho(?:'?s| has) (?:written|done|shot|staged)\b"
                          r"|\b(?:others|other people|anyone else) (?:have |has )?(?:written|done|shot|staged|made)\b")
# Handing over a draft: "here's my draft" (the attach message already said what was loaded); acknowledged
# in conversation unless the writer also asks for something.
_SHARING = re.compile(
    r"^\W*(?:(?:ok|okay|so|hi|hey|alright)\W+)?(?:here(?:'?s| is| are| it is)|this is|i'?ve (?:just )?(?:attached|uploaded|added|sent)"
    r"|i (?:just )?(?:attached|uploaded|sent)|(?:just )?(?:attached|uploaded))\b.{0,40}?\b(?:draft|script|screenplay|pages|pilot|version|file|rewrite|pass)\b"
)
# Asking to talk something over: "can we talk about the theme for a sec".
_TALK = re.compile(r"\b(?:talk|chat|discuss|think) (?:about|through|over)\b|\blet'?s discuss\b|\bcan we (?:talk|discuss|chat)\b")
_VERDICT = re.compile(r"\b(?:rate|rating|score|grade|judge|verdict)\b|\bout of (?:\d+|five|ten)\b")
_DRAFT_REF = re.compile(r"\b(?:my(?! (?:idea|premise|logline|concept|pitch)\b)|mine|our|this (?:script|draft|scene|screenplay|story)|the (?:draft|script|screenplay))\b")
_IMPERATIVE_RESTYLE = re.compile(
    r"\b(?:rewrite|restyle|make (?:it|this|that|the|scene|option|act)|turn|convert|do (?:it|this|that|the|scene|option|act)"
    r"|give (?:it|this|the|scene|act|option)|-ify|it up\b|reescrib\w*|reecri\w*)"
)


def first_step(folded: str) -> str:
    m = re.search(r"(?:,?\s*(?:and )?then\b|,?\s*and after that\b|;\s)", folded, re.I)
    return folded[: m.start()] if m else folded


def _bare_target(folded: str, ex: Extraction) -> bool:
    """The message names an act, scene or option and asks for nothing: "act two", "scene 12?"."""
    if not ex.has_target:
        return False
    chars = list(folded)
    for s, e in ex.spans:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    rest = re.findall(r"[a-z']+", "".join(chars))
    filler = {"what", "about", "do", "something", "with", "and", "or", "the", "so", "ok", "okay", "hmm", "um", "now",
              "again", "please", "pls", "one", "that", "this", "then", "stuff", "to", "go", "let's", "lets"}
    return all(w in filler for w in rest)


def cue_bonuses(folded: str, ex: Extraction, has_draft: bool | None = None) -> dict[str, float]:
    """Bonus per intent from words and from what the message references.

    ``has_draft`` False means no draft is loaded: a request for a logline or a pitch is then a new
    story idea to talk through, never a summary of a draft that is not there.
    """
    bonus: dict[str, float] = {}

    def add(intent: str, value: float) -> None:
        bonus[intent] = bonus.get(intent, 0.0) + value

    full = folded
    folded = correct_typos(first_step(folded))  # multi-step requests: the first step decides
    # "how do I insert an option?" is about the tool: its action words are not a request.
    asking_how = _HOW_DO_I.search(folded)
    for intent, pattern, value in WORD_CUES:
        if pattern.search(folded) and not (asking_how and intent != "help"):
            add(intent, value)

    if asking_how and _HOW_APP.search(folded):
        add("help", 0.4)  # how to use the app; "how do I end a scene on a turn?" is a craft question (chat)
    elif asking_how:
        add("chat", 0.4)
    finding = _FINDING.search(folded)
    verbs = {intent for intent, pattern, _ in WORD_CUES if pattern.search(folded)}
    if finding and "generate" not in verbs and not asking_how:
        add("similar", 0.1)  # a verb of retrieval and none of making: what exists is wanted
    if _OTHERS_WORK.search(folded) and not asking_how:
        bonus.pop("generate", None)  # "other writers' takes on a jailbreak": their takes, not new ones
        add("similar", 0.2)
    counted = ex.count is not None and _COUNTED_WORK.search(folded) and not finding
    creating = _CREATE.search(folded) and (ex.beat or _COUNTED_WORK.search(folded)) and not finding
    if "undo" in verbs:
        # "take that insertion back", "restore the draft": an edit taken back, nothing placed or written
        bonus.pop("insert", None)
        bonus.pop("generate", None)
    if _HOW_APP.search(folded):
        add("help", 0.3)
    if counted and _BARE_SCENES.search(folded) and not _CREATE.search(folded):
        add("similar", 0.35)  # "10 scenes with a deathbed confession": scenes that exist, described
    elif counted:
        add("generate", 0.3)
    elif creating:
        add("generate", 0.15)
    if _MORE_MATERIAL.search(folded) and ex.option is None and not finding:
        add("generate", 0.2)
    analysis = _ANALYSIS.search(folded) and not asking_how and not _GENERIC_SUBJECT.search(folded)
    general = _GENERAL_QUESTION.search(folded) and not _DRAFT_REF.search(folded) and not ex.has_target
    verdict = _VERDICT.search(folded)
    if analysis and not verdict:
        add("stats", 0.5)
    elif general and not verbs:
        add("chat", 0.3)
    about_people = _ASKS_ABOUT.search(folded) and ex.characters and not ex.has_target
    grounded = (_GROUNDED.search(folded) or about_people) and not verbs and not analysis
    if grounded:
        add("chat", 0.45)
    if _bare_target(full, ex):
        add("vague", 0.3)
    elif verbs or analysis:
        add("vague", -0.2)  # a verb of some class was heard: the message is not just a target
    if _NEW_STORY.search(folded) and not _DRAFT_REF.search(folded):
        add("develop", 0.45)
    new_idea = _STORY_IDEA.search(folded) and not _DRAFT_REF.search(folded)
    if new_idea or (has_draft is False and _STORY_IDEA.search(folded)):
        add("develop", 0.6 if has_draft is False else 0.45)

    if ex.level:
        add("summarize", 0.15)
    numbered = ex.after_scene is not None or ex.before_scene is not None
    if ex.option is not None and not numbered and revise_mode(folded) == "continue":
        pass  # "what happens after option 1 ends" continues the option; it places nothing
    elif (numbered or ex.placement) and not (grounded and ex.option is None):  # "what happened after scene 6?"
        # An insertion point places an option; without one it places new material ("what comes after scene 8").
        add("insert" if ex.option is not None else "generate", 0.3)
    if ex.option is not None and _INTO_DRAFT.search(folded) and "undo" not in verbs:
        add("insert", 0.25)
    if ex.focus and re.search(r"\?|\bhow'?s\b|\bis\b|\bare\b|\bdoes\b|\bwhy\b|\bany notes\b", folded):
        add("critique", 0.1)
    if scene_edit(full, ex) and not ex.style:
        add("generate", 0.35)

    if ex.style and not counted and not creating and (ex.has_target or _IMPERATIVE_RESTYLE.search(folded)):
        add("style", 0.35)

    if ex.option is not None:
        mode = revise_mode(folded)
        if mode in ("continue", "more_like"):
            add("revise", 0.35)
        elif _EDIT.search(folded) and not ex.style and "insert" not in bonus:
            add("revise", 0.25)
    if _TALK.search(folded) and not (verbs - {"generate"}) and not analysis:
        bonus.pop("generate", None)
        add("chat", 0.35)
    if (_SHARING.search(folded) and not (verbs - {"insert", "generate"}) and not _CREATE.search(folded)
            and not analysis and ex.option is None and ex.count is None):
        for intent in ("summarize", "insert", "generate"):
            bonus.pop(intent, None)
        add("chat", 0.45)
    if _GENERIC_QUESTION.search(folded) and not _DRAFT_REF.search(folded) and not ex.has_target and not analysis:
        # The tool words name the subject of a craft question ("should a synopsis ..."), not a request.
        for intent in ("summarize", "critique", "generate", "similar"):
            bonus.pop(intent, None)
        add("chat", 0.4)
    return bonus
