"""Everyday words for the ideas of the family licences and the other terms (s4fam): what the scenario reader adds to its
flag, target-licence and licence vocabularies. Pure data, no imports: `retrieval.scenario` merges it into its tables.

Each entry states one idea of a clause the way the clause and ordinary speech state it, so that a wording nobody has
written yet still reads as that idea:
- staying on a version of terms once accepted (Falcon "the latest version from time to time", NVIDIA s.4 updates,
  OpenAI 9.f / general terms): "stick with the terms we signed up to", "ignore the new wording", "that saved copy forever";
- putting a derivative under another licence (Apache-2.0 s.4, Gemma 3.1, OpenRAIL III.4 / 5.1): "label it MIT",
  "under nothing but Apache-2.0", "a licence we write ourselves", "the client's own closed end-user terms";
- adding terms that restrict recipients of licensed material (CC 4.0 s.2(a)(5)(C), 3(b)(3)): "a click-through saying
  they won't use it commercially", "layers on use bans";
- a model built to compete with OpenAI (2023 s.2(c)(iii)): "go up against ChatGPT", "take on ChatGPT";
- the attribution a licence asks for: "credit line", "give credit", "acknowledge";
- a public statement that names no one (Falcon "Publication"): "TII isn't mentioned anywhere".
"""

from __future__ import annotations

_TERMS = r"(?:terms|version|licen[cs]e|agreement|policy|aup|wording|text|rules|conditions|edition|copy|snapshot)"
_ACCEPTED = (r"(?:signed up (?:to|for)|signed|agreed to|accepted|clicked through|saved|downloaded|archived|read|checked|"
             r"started (?:with|under)|launched (?:with|under)|went live (?:with|under)|first saw|got)")
# the question says the terms have changed since (the frozen reading needs a later version to stay away from)
_UPDATED = r"^(?=[\s\S]*\b(?:updat|revis|chang|amend|rewr|newer|later|latest|new (?:[\w-]+ ){0,3}(?:version|wording|terms|text|policy|licen[cs]e)))[\s\S]*?"
_LATER = r"(?:later|newer|new|future|updated|revised|subsequent|current|latest|amended|changed)"

FLAGS: dict[str, list[str]] = {
    # the user means to stay bound only by the version of the terms they first accepted
    "frozen_version": [
        _UPDATED + rf"\b(?:keep|stick|stay|remain|continue|carry on|rely|operat\w*|hold|go on)\w*\b[^?]{{0,60}}\b{_TERMS} (?:that |which )?(?:we|i|it|they|he|she|you|the client|our client|the company) "
        rf"(?:\w+ )?(?:originally |first |initially |once )?{_ACCEPTED}\b",
        _UPDATED + rf"\b{_TERMS} (?:that |which )?(?:we|i|it|they|the client|our client) (?:\w+ )?(?:originally |first |initially |once )?{_ACCEPTED}\b[^?]{{0,80}}"
        r"\b(?:forever|indefinitely|for good|permanently|grandfather\w*|still (?:appl|govern|bind)\w*)\b",
        # "keep relying on the old ones" once the terms changed
        _UPDATED + r"\b(?:keep|stick|stay|remain|continue|carry on|hold|rely|go on)\w*\b[^?]{0,30}\b(?:the |those |that |our )?(?:old|older|earlier|previous|original|prior|former) "
        r"(?:ones?|terms|rules|wording|licen[cs]es?|polic(?:y|ies)|agreements?|conditions|versions?)\b",
        # a dated version held to: "stick to the Gemma terms from April 2024" (with a newer one out)
        _UPDATED + rf"\b(?:keep|stick|stay|remain|continue|carry on|hold|rely)\w*\b (?:\w+ ){{0,2}}(?:to|with|on|under|by) (?:the |that |those |our )?(?:[\w.-]+ ){{0,2}}{_TERMS}\b"
        r"[^?]{0,30}\b(?:from|of|dated|as of|in|version) (?:\w+ )?(?:20\d\d|v?\d(?:\.\d)?)\b",
        rf"\b(?:ignore|ignoring|disregard\w*|skip|skipping|not bother(?:ing)? with|never (?:look|looking) at|not (?:look|looking) at|opt out of|refuse)\b "
        rf"(?:\w+ ){{0,2}}{_LATER} (?:\w+ )?(?:versions?|updates?|revisions?|wording|text|terms|changes?|polic(?:y|ies)|editions?|amendments?)\b",
        r"\b(?:saved|downloaded|archived|old|older|earlier|original|first|frozen|pinned|stored|printed) (?:\w+ ){0,2}(?:version|copy|snapshot|text|edition)\b"
        r"[^?]{0,60}\b(?:forever|indefinitely|for good|permanently|from now on|for ever|no matter what)\b",
        r"\b(?:follow|comply with|stick (?:to|with)|keep (?:to|following)|rely on)\b (?:\w+ ){0,3}(?:version|copy|snapshot|text|edition)\b[^?]{0,30}"
        r"\b(?:forever|indefinitely|for good|permanently|from now on|for ever)\b",
        # the version that was in force when the user took the model ("the AUP version that was live when we downloaded")
        _UPDATED + rf"\b(?:keep|stick|stay|remain|continue|carry on|hold|rely|go on|operat\w*|run)\w*\b[^?]{{0,60}}\b{_TERMS} (?:that |which )?(?:was|were|is|had been) "
        r"(?:live|current|in force|in effect|valid|published|active|online|up|posted|the one)\b",
    ],
    # terms added on top of licensed material that restrict what its recipients may do with it
    "adds_restrictions": [
        r"\b(?:click[\s-]?through|clickwrap|click[\s-]?wrap|terms of (?:use|service)|tos|eula|gate|form|agreement)\b[^.?]{0,40}\b(?:saying|stating|requiring|where|that says|"
        r"under which|promising|committing)\b[^.?]{0,30}\b(?:won'?t|will not|may not|must not|cannot|can'?t|not to|never|only)\b",
        r"\b(?:people|users|downloaders|recipients|they|customers|anyone|everyone|licensees|visitors|buyers)\b (?:must|have to|has to|need to|are required to|will have to) (?:first )?(?:accept|agree to|sign|click)\b[^.?]{0,60}\b(?:won'?t|will not|not to|never|no|only for)\b[^.?]{0,30}\b(?:commercial\w*|sell|resell|redistribut\w*|use)",
        r"\b(?:layer|layers|layered|layering|bolt|bolts|bolted|stack|stacks|stacked|tack|tacks|tacked)\b(?: on| onto)?\b[^.?]{0,30}\b(?:use|usage) (?:bans|prohibitions|limits|limitations|restrictions)\b",
        r"\b(?:licen[cs]e|terms)\b[^.?]{0,30}\b(?:that|which) (?:adds?|layers?|imposes?|attaches|puts?) (?:on )?(?:\w+ ){0,2}(?:bans|prohibitions|restrictions|limits)\b",
        # offered only to those who promise not to do what the licence allows
        r"\bto (?:people|users|those|anyone|recipients|customers|buyers|downloaders|researchers|partners) (?:who|that) (?:first )?(?:agree|promise|sign|accept|undertake|commit|pledge)\w* "
        r"(?:\w+ )?(?:not to|never to|to not|to never|to only|only to|to use it only)\b",
        # the user's own download or access terms forbidding a use
        r"\b(?:download|access|gate|gating|usage|our own|extra|additional|our|my) (?:terms|conditions|rules)\b (?:\w+ ){0,2}(?:forbid|forbids|prohibit|prohibits|ban|bans|bar|bars|restrict|restricts|disallow|disallows|rule out|rules out|exclude|excludes)\b",
    ],
    # the model is built to stand against OpenAI's own service
    "competing": [
        r"\b(?:go|goes|going|compete|competes|competing|square|squares) (?:up |off )?(?:head[\s-]to[\s-]head )?(?:against|with) (?:chat ?gpt|openai|gpt[\w.-]*)\b",
        r"\b(?:take|takes|taking) on (?:chat ?gpt|openai|gpt[\w.-]*)\b", r"\b(?:challenge|challenger to|beat|beats|dethrone|replace) (?:chat ?gpt|openai)\b",
        r"\b(?:head[\s-]to[\s-]head|up against|in competition) (?:with |against )?(?:chat ?gpt|openai|gpt[\w.-]*)\b",
    ],
    # a model that does one narrow job ("whose sole task is", "a tiny in-house model")
    "narrow_task": [r"\b(?:sole|only|single|one|lone) (?:task|job|purpose|function)\b", r"\bdoes (?:just |only )?one (?:thing|job|task)\b",
                    r"\b(?:tiny|small|little|lightweight|compact)\b[\w\s-]{0,20}\b(?:in[\s-]house|internal|task|single[\s-]purpose)\b[\w\s-]{0,15}\b(?:model|classifier|filter)\b",
                    r"\b(?:spam|junk|toxicity|sentiment|intent|language[\s-]id) (?:filter|classifier|detector|tagger)\b"],
    # money asked of others for the model, its outputs or access to it (NonCommercial, Stability's Commercial Purpose)
    "commercial": [r"\bcharg(?:e|es|ed|ing)\b (?:\w+ ){0,3}(?:for|\$|usd|eur|€|£|\d|a fee|money|a subscription|per)", r"\bcharg(?:e|es|ed|ing) (?:people|users|customers|subscribers|clients|buyers|members)\b",
                   r"\b(?:we|they|i) charge\b", r"\bfor a (?:small )?fee\b", r"\bpaid (?:tier|plan|access|download)s?\b", r"\b(?:pay|pays|paying) (?:us|me|for (?:access|it|the))\b",
                   r"(?:\$|€|£)\s?\d+(?:\.\d\d)? (?:each|apiece|a (?:copy|download|month|seat)|per (?:copy|download|month|seat|user))\b",
                   r"\b(?:charge|sell it for|price it at|priced at) (?:\$|€|£|usd ?)\s?\d"],
    # an individual using a model for themselves (Stability's "personal use (i.e., hobbyist)")
    "personal": [r"\bfor fun\b", r"\bas a hobby\b", r"\b(?:just|only|purely) for (?:me|myself)\b", r"\bmy own (?:personal )?(?:use|enjoyment|desktop|wallpapers?)\b"],
    # what the released model is called (Llama s.1.b.i: "Llama" at the beginning of its name)
    "naming": [r"\bnaming\b", r"\brenam\w*\b", r"\b(?:begin|begins|start|starts|open|opens|lead|leads)\b (?:\w+ )?with [\"'\u2018\u201c]?llama\b"],
    # material already shared without the notices, and the question what became of the rights (CC 4.0 s.6: terminated,
    # reinstated on a cure within 30 days)
    "past_omission": [
        r"^(?=[\s\S]*\b(?:lost (?:our|my|the|all|its|their) (?:rights|licen[cs]e|permission)|(?:rights?|licen[cs]e|permission) (?:is |are |has |have )?(?:been )?(?:gone|lost|terminated|ended|revoked|void|forfeited)"
        r"|permanently|for good|forever|irreversibl\w*|too late|still (?:licensed|covered|valid|allowed))\b)"
        r"(?=[\s\S]*\b(?:published|shipped|released|distributed|shared|uploaded|posted|sold|delivered|put out)\b)"
        r"[\s\S]*?\b(?:forgot|forgotten|omitted|missed|left out|leaving out|didn'?t include|did not include|never included|dropped)\b[^.?]{0,40}\b(?:licen[cs]e|notices?|attribution|credits?|copyright)",
    ],
    # the attribution line a licence asks for, in the words people use for it
    "notice": [r"\bcredit[\s-]?lines?\b(?! (?:for|to|of) (?:\w+ ){0,2}(?:customers|applicants|borrowers|clients|businesses|consumers|people|users|members)\b)", r"\b(?:give|giving|gives|gave|owe|include|show|display)\w* (?:\w+ )?credit\b", r"\backnowledg(?:e|ement|ment)s?\b",
               r"\bcredit (?:to|for) (?:the )?(?:base|original|upstream|source|model|authors?|creators?|licensors?)\b",
               r"\b(?:mention|cite|acknowledge)\w* (?:meta|llama|google|gemma|qwen|alibaba|stability(?: ai)?|nvidia|tii|falcon|deepseek|the (?:base|original|upstream) model|the (?:authors?|creators?|licensors?|photographers?))\b"],
    # a public statement about the model that names no one the licence says it must
    "skips_obligation": [
        r"\b(?:leave|leaves|leaving|left|drop|drops|dropping|dropped|strip|stripping|minus|none of|with none of|cut|cutting) (?:out )?(?:all )?(?:the |its |their |any )?(?:usage|use|use[\s-]based) (?:restrictions|limits|rules|polic(?:y|ies)|bans)\b",
        r"\b(?:tii|technology innovation institute|falcon|meta|llama|google|gemma|qwen|alibaba|stability(?: ai)?|nvidia|deepseek)\b (?:is|are)(?:n'?t| not| never)"
        r" (?:mentioned|named|credited|cited|acknowledged)\b",
        r"\bno (?:mention|credit|acknowledg\w*) (?:of|to|for) (?:tii|technology innovation institute|falcon|meta|llama|google|gemma|qwen|alibaba|stability(?: ai)?|nvidia|deepseek)\b",
    ],
}

# A language model of the user's own making is another model than the one whose outputs train it (Llama 1.b.v, the
# output clauses of OpenAI, Qwen and Stability): "pre-training our own in-house LLM", "a home-grown SLM"; one said to be
# built on the licensor's model is its derivative, not another model.
FLAGS["other_model"] = [
    r"\b(?:our|my|their|its|an?) (?:own )?(?:(?:in[\s-]house|internal|home[\s-]?grown|proprietary|custom|new|from[\s-]scratch|small|smaller|compact)[\s,]+){1,3}"
    r"(?:[\w.-]+ )?(?:llms?|language models?|lms?|slms?|foundation models?)\b(?![^.?]{0,30}\b(?:llama|gemma|qwen|fine[\s-]?tune of|derivative|based on|built on))",
    r"\bour own (?:[\w.-]+ )?(?:llms?|slms?|language models?)\b(?![^.?]{0,30}\b(?:llama|gemma|qwen|fine[\s-]?tune of|derivative|based on|built on))",
]

# A phrase that puts a licence on something (the reader looks for a target licence only where one occurs).
TARGET_GATE = r"\b(?:mak\w*|hand\w*|giv\w*|provid\w*|deliver\w*|supply\w*|on (?:bespoke|custom|proprietary|closed|negotiated)|label\w*|tag\w*|mark\w*|badge|stamp\w*|back out|go(?:es)? out|goes? out|put\w* (?:[\w-]+ ){0,3}out|upload\w*|push\w*|post\w*|offer\w*|license[sd]? (?:it|them|the|our|my)|sublicen[cs]\w*)\b"

# The words between "under" and the licence name that mean "only that licence" ("with just an MIT license").
_ONLY = r"(?:(?:an?|the|plain|just|only|simply|simple|bare|pure|vanilla|nothing but|no more than|a bare|nothing other than)\s+){0,3}"

TARGETS: list[tuple[str, str]] = [
    (rf"\b(?:under|as|with|to)\s+{_ONLY}mit\b", "mit"),
    (rf"\b(?:under|as|with|to)\s+{_ONLY}apache[\s-]*(?:licen[cs]e[\s,]*)?(?:v(?:ersion)?\s*)?(?:2(?:\.0)?)?\b", "apache-2.0"),
    # "make it MIT", "put an Apache licence on it"
    (rf"\bmak\w* (?:it|them|(?:the|my|our|this|that) (?:[\w.-]+ ){{0,3}})(?:an? )?{_ONLY}mit\b", "mit"),
    (rf"\b(?:put|puts|putting|slap\w*|stick\w*|attach\w*|apply\w*|add\w*) (?:an? |the )?{_ONLY}mit licen[cs]e (?:on|to)\b", "mit"),
    (rf"\bmak\w* (?:it|them|(?:the|my|our|this|that) (?:[\w.-]+ ){{0,3}})(?:an? )?{_ONLY}apache\b", "apache-2.0"),
    (rf"\b(?:put|puts|putting|slap\w*|stick\w*|attach\w*|apply\w*|add\w*) (?:an? |the )?{_ONLY}apache(?:[\s-]*2(?:\.0)?)? licen[cs]e (?:on|to)\b", "apache-2.0"),
    # the user's own terms: "a licence we write ourselves", "of its own drafting", "the client's own closed end-user terms"
    (r"\b(?:licen[cs]e|terms|eula|contract|agreement)s? (?:that )?(?:we|i|they|it|the client|our client) (?:will |would )?(?:write|wrote|written|draft|drafted|make|made|author|authored|create|created|set|came up with)\b", "proprietary"),
    (r"\b(?:licen[cs]e|terms|eula|contract|agreement)s? of (?:our|my|its|their|the client'?s) own(?: drafting| making| design)?\b", "proprietary"),
    (r"\bunder (?:the |a |an )?(?:[\w']+ ){0,2}own (?:(?:closed|proprietary|commercial|custom|end[\s-]user|paid|standard|in[\s-]house|bespoke|private|restrictive)[\s,]+){0,3}"
     r"(?:licen[cs]e|terms|eula|contract|agreement)\b", "proprietary"),
    (r"\b(?:proprietary|closed|closed[\s-]source|commercial|paid) (?:commercial |end[\s-]user |paid )?(?:contract|agreement|eula|end[\s-]user (?:terms|licen[cs]e|agreement))\b", "proprietary"),
    # "under our company's standard EULA", "on bespoke commercial terms" (a licensor's own licence named there is not it)
    (r"\b(?:under|on|with) (?:our|my|the|a|an|its|their) (?:[\w']+ ){0,2}(?:standard|usual|normal|own|custom|bespoke|proprietary|closed|in[\s-]house|negotiated)"
     r" (?!(?:[\w-]+ ){0,2}(?:llama|gemma|apache|mit|cc|creative|qwen|deepseek|openrail|rail|nvidia|stability|community|falcon|open[\s-]source)\b)(?:[\w-]+ ){0,2}(?:eula|licen[cs]e|terms|contract|agreement)s?\b", "proprietary"),
    (r"\bon (?:bespoke|custom|proprietary|closed|negotiated|our own|its own|their own) (?:commercial |paid |licen[cs]e )?(?:terms|licen[cs]es?|contracts?)\b", "proprietary"),
]

# Before a licence name, the material it already covers ("Wikipedia articles under CC BY-SA"): the source's licence,
# not one the user puts on their work.
NOT_A_TARGET_BEFORE = (r"\b(?:articles?|texts?|data|datasets?|corpus|corpora|images|photos|pictures|posts|content|material|pages|dumps?|sets?|"
                       r"code|transcripts|recordings|books|papers)\s+(?:\w+\s+)?(?:(?:licen[cs]ed|released|published|available|shared|that (?:is|are))\s+)?$"
                       # a hub page or card that describes the model's licence: "HF lists tiiuae/falcon-7b as apache-2.0"
                       r"|\b(?:lists?|listed|tagged|tags|shows?|shown|marks?|marked|labell?ed|labels|describes?|described|classif(?:ies|ied))\s+(?:[\w./-]+\s+){0,3}$")

# ... unless the user is the one putting that material out ("re-release the modified dataset under CC BY 4.0"); a past
# participle ("articles published under CC BY") describes the source.
RELEASED_BEFORE = (r"\b(?:re-?)?(?:releas(?:e|es|ing)|publish(?:es|ing)?|shar(?:e|es|ing)|put(?:s|ting)?|distribut(?:e|es|ing)|licen[cs](?:e|es|ing)|"
                   r"ship(?:s|ping)?|upload(?:s|ing)?|offer(?:s|ing)?|post(?:ing)?|sell(?:s|ing)?|relicen[cs]\w*)\b(?:(?!\bunder\b)(?:[^.?;]|\.(?=\d)))*$")

# After a licence name, words that make it an adjective of something else ("the Apache notices", "an MIT model"), not
# the licence the user puts on their work.
NOT_A_TARGET_AFTER = r"[\s-]*(?:licen[cs]ed |2\.0 |2 )?(?:notices?|models?|base|weights|checkpoints?|code|files?|headers?|parts?|components?|dependenc\w*|projects?|repos?|libraries|library)\b"

LICENCES: dict[str, list[str]] = {
    # The TII Falcon licence named by its policy or its licensor (Falcon 7B / 40B are Apache-2.0 and have no policy)
    "falcon-2-license": [r"\bfalcon(?:'s)? (?:2 )?(?:acceptable[\s-]use policy|aup|acceptable[\s-]use)\b", r"\btii(?:'s)? (?:falcon )?(?:licen[cs]e|acceptable[\s-]use policy|aup)\b",
                         r"\btii falcon (?:llm )?licen[cs]e\b"],
    # NVIDIA's licence by its bare title ("released under the Open Model License"); Databricks and AI21 give their own
    # licences the same title (not in the corpus), so the bare title counts only when neither is named
    "nvidia-open-model-license": [r"^(?![\s\S]*\b(?:databricks|dbrx|jamba|ai21)\b)[\s\S]*\bthe open model licen[cs]e(?: agreement)?\b"],
    # The Qwen licence by the attribution only it asks for (s.5.b): the family's other models are under Apache-2.0,
    # which asks for no "Built with" line, so a question about that line is a question about the Qwen licence
    "qwen-license": [r"\b(?:built with|improved using) qwen\b"],
}

# Words that look like a flag's idea but say something else; the flag is kept only if its words also occur outside them.
# - a licence's rule named in order to ask about it ("does the rule against building competing models apply?", "the
#   no-competing-models clause") is not the user doing what it forbids;
# - a model run "as-is" is run unmodified, not a warranty question (MIT and Apache disclaim warranties "AS IS").
NOT_SAID: dict[str, str] = {
    "competing": r"\b(?:rule|clause|ban|prohibition|restriction|provision|term|section|bit|part|language)s? (?:against|on|about|regarding|re|banning|forbidding|prohibiting)"
                 r" (?:\w+ ){0,2}compet\w*(?: with openai)?(?: models?)?\b|\b['\"]?no[\s-]compet\w*(?:[\s-]models?)?['\"]? (?:rule|clause|ban|provision|restriction|term)\b",
    "warranty": r"\b(?:run|runs|running|ran|use|used|uses|using|serve|served|serves|serving|deploy\w*|ship\w*|keep|kept|take|taken|taking|exactly|unmodified|unchanged)\b"
                r"[^.?;]{0,20}\bas[\s-]is\b",
}

# Where the model goes, in the words of the licences' own scenarios (merged into the deployment vocabulary).
DEPLOYMENTS: dict[str, list[str]] = {
    # a marketplace for models sells the model itself (Stability's Derivative Works, CivitAI-style stores)
    # material put (back) out for others: CC "Share"
    "weights_release": [r"\b(?:model|lora|adapter|checkpoint|ai) (?:marketplace|store|shop)\b", r"\bmarketplace (?:for|of) (?:models|loras|adapters|checkpoints)\b",
                        r"\bput\w* (?:the |our |a |an |it |them |this |that )?(?:[\w-]+ ){0,3}(?:back )?out\b(?! of)", r"\bput\w* (?:it |them |(?:the |our )?(?:[\w-]+ ){0,2})?(?:back )?online\b",
                        # a version or copy of the material handed to people outside: "share the annotated version with other labs"
                        r"\bshar\w* (?:the |our |an? |this |that |my )?(?:[\w-]+ ){0,2}(?:version|copy|copies|edition|corpus|dataset|data ?set)s? (?:for free )?(?:with|to) "
                        r"(?:other|outside|external|fellow|partner|the public|anyone|everyone|researchers|people|colleagues at)\b",
                        # sublicensing passes copies on under the licensee's own terms (MIT "sublicense, and/or sell copies"), in
                        # either word order ("sublicense it to customers", "to customers sublicense" as verb-final languages read)
                        r"\bsub-?licen[cs](?:e|es|ed|ing)\b (?:[\w.-]+ ){0,5}?(?:to|for) (?:our |its |their |the |paying )?(?:customers?|clients?|buyers?|licensees?|partners?|resellers?)\b",
                        r"\b(?:customers?|clients?|buyers?|licensees?|partners?|resellers?)\b\s+(?:\S+\s+)?sub-?licen[cs](?:e|es|ed|ing)?\b",
                        # a copy of someone's model kept up for others to download
                        r"\b(?:mirror|re-?host)(?:s|ed|ing)? (?:an? |the |our |my |their |its |this |that )?(?:[\w.-]+ ){0,3}(?:models?|checkpoints?|weights|fine-?tunes?|adapters?|loras?|ggufs?)\b"],
    # someone else's product with the model inside, taken as it comes (Llama s.1.b.ii and the AUPs' EU clause, Stability
    # s.III): "licensing a third-party CRM whose assistant runs on Llama", "I, as a user of an American app"; a vendor's
    # platform used to host or train the user's own model is the user's deployment, not this
    "end_user": [r"\b(?:licen[cs]e|licen[cs]es|licen[cs]ing|licen[cs]ed|buy|buys|buying|bought|subscrib\w* to|use|uses|using|roll\w* out|adopt\w*|deploy\w*)\b "
                 r"(?:a |an |the |their |some )?(?:third[\s-]party|vendor'?s?|outside|external|off[\s-]the[\s-]shelf|commercial|american|us|u\.s\.|foreign|chinese|someone else'?s|another company'?s) "
                 r"(?:[\w-]+ ){0,2}(?:crm|erp|suite|software|tool|app|application|service|platform|product|saas|assistant|editor|plugin|system|helpdesk)\b"
                 r"(?![^.?]{0,40}\b(?:to (?:host|serve|run|deploy|train|fine[\s-]?tune)|our (?:own )?(?:model|fine[\s-]?tune|weights|checkpoint)))",
                 # "as a user" said of the one asking ("I, as a user", "am I, as a user, ..."), not of an account counted as one
                 r"\b(?:i|we|am i|are we|do i|do we|can i|can we|must i|must we|should i|should we),? as (?:an? )?(?:end[\s-]?|private |ordinary |individual |mere |simple )?users?\b",
                 r"(?:^|[,;:.?!]\s*|\band,?\s+)as (?:an? )?(?:end[\s-]?|private |ordinary |individual |mere |simple )?users?,"],
    # a product people pay a subscription for runs the model for them
    "hosted": [r"\b(?:product|service|app|tool|platform|helpdesk|assistant)s? (?:that |which )?(?:we|they|i) (?:charge|bill) (?:\w+ )?(?:subscribers|users|customers|clients)?\b",
               r"\bpaying subscribers\b", r"\bsubscribers\b"],
}

# Training named by what the model took in ("what our model learned from was Wikipedia text"): the reading whether
# weights are Adapted Material of their training data (CC 4.0 s.1(a)) starts from it.
METHODS: dict[str, list[str]] = {
    "full_finetune": [r"\b(?:model|it|weights) (?:\w+ )?(?:learn(?:ed|t|s)|was taught) (?:from|on)\b", r"\bwhat (?:our|the|my|their) (?:\w+ )?model (?:learn(?:ed|t)|was trained) (?:from|on)\b",
                      r"\b(?:training (?:data|set|corpus|mix)) (?:included|includes|contained|contains|had|has)\b"],
}

# Words that make a Creative Commons licence the licence of a data set the question is about (beside "data", "corpus").
DATASET_WORDS = (r"\b(?:(?:qa|q&a|question[\s-]answering|training|eval(?:uation)?|test|instruction|benchmark|labell?ed|annotated) (?:set|split|collection)s?"
                 r"|rows|samples|examples|records|annotations|labels|captions|recordings|transcripts|photos|articles)\b")

# A model used to make the data another model learns from (Llama 1.b.v, the OpenAI and Qwen output clauses): "used
# Llama-3-70B (the April release, not 3.1) to make ~200k synthetic pairs". Read on the words after the model's name; a
# version's dot ("3.1") does not end the sentence.
# The verbs include the ways a model reworks data another model learns from (rewrite, paraphrase, translate, tag), and
# two of them joined ("to rewrite and label").
_DATA_VERBS = (r"(?:make|generate|label|write|rewrite|re-write|produce|create|build|synthesi[sz]e|draft|annotate|paraphrase|rephrase|translate|augment|"
               r"tag|caption|clean|score|grade|rank|classify|summari[sz]e)")
OUTPUT_SOURCE_AFTER = (rf"^(?:[^.]|\.(?=\d)){{0,80}}\bto {_DATA_VERBS}(?:,? (?:and|or) {_DATA_VERBS})?\b (?:[~\w.,-]+ ){{0,3}}?"
                       r"(?:synthetic|training|labels|data|dataset|instruction|examples|pairs|samples|conversations|dialogues|answers|responses)\b")
RELEASED_AFTER = (r"^(?:[^.?;]|\.(?=\d)){0,30}?\b(?:re-?)?(?:releas(?:e|es|ing)|publish(?:es|ing)?|shar(?:e|es|ing)|distribut(?:e|es|ing)|ship(?:s|ping)?|"
                  r"upload(?:s|ing)?|offer(?:s|ing)?|sell(?:s|ing)?)\b")
