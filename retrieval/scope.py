"""Two readings the family licences turn on and a question rarely states plainly (issue 11).

Whose figures a threshold counts. The Llama 700 million monthly-active-user test counts "Licensee, or Licensee's
affiliates", Stability AI's USD 1,000,000 revenue cap counts "You or Your Affiliate(s), either individually or in
aggregate", and the Qwen 100 million test counts the product or service. A question that gives a subsidiary's figure
beside its group's, or its own revenue beside an acquirer's, is decided by the group: the group total where the
question says one figure is the total, the sum otherwise (an acquirer becomes an affiliate at closing). Money raised
from investors is not revenue, and a company that says it has no revenue has a revenue of zero.

What leaves the organisation. Publishing what a model produced (a dataset of its outputs, code it wrote, benchmark
numbers) is not distributing the model: Gemma's Terms say Outputs are not Model Derivatives, and DeepSeek, BigScience,
BigCode and Stability claim no rights in outputs. When only such things go out, the model stays with its user.

Vocabulary is data here, in the words people use; the functions only combine it.
"""

from __future__ import annotations

import re

# Money that is not revenue: equity and grants (the Portuguese words come through the glossary untranslated).
FUNDING = re.compile(r"\b(?:raised?|raising|fund(?:ing|ed|raise)|seed|pre-seed|series [a-e]|invest(?:ment|ors?|ed)|round|"
                     r"valuation|valued|grants?|captamos|captou|investimento|inversi[oó]n|financiaci[oó]n|levantamos)\b")
NO_REVENUE = re.compile(r"\b(?:no|zero|nil|without (?:any )?)\s*(?:revenue|income|sales)\b|\bpre-?revenue\b|"
                        r"\bhaven'?t (?:made|earned|generated|booked) any (?:revenue|money|sales)\b|"
                        r"\b(?:revenue|sales) (?:is|are|of) (?:zero|nil|usd ?0|\$ ?0)\b|\bsem receita\b|\bsin ingresos\b|\bohne umsatz\b")
# A figure the question gives as the group's (or several companies') total rather than one company's.
GROUP_TOTAL = re.compile(r"\b(?:together|combined|in total|totall?ing|in aggregate|aggregated?|altogether|group[\s-]wide|"
                         r"across (?:the|our|all|its|their) (?:group|companies|subsidiaries|brands|affiliates|entities)|the group'?s|whole group|group total|"
                         r"(?:including|with|counting|plus) (?:its|our|their|all) (?:affiliates|subsidiaries)|a group with|"
                         # "once all affiliates are counted", "if you count every cardholder across the group", "affiliates included"
                         r"(?:once|when|if|after) (?:you |we |one )?(?:count|include|add|sum|combine)?\s*(?:all|every|each|its|our|their|the)\s+(?:[\w-]+\s+){0,2}"
                         r"(?:affiliates?|subsidiar(?:y|ies)|group companies|sister companies|companies|entities|brands)(?:\s+(?:are|is|get|gets))?\s+(?:counted|included|added|summed|combined|taken together)|"
                         r"(?:affiliates|subsidiaries|group companies) (?:included|counted|combined|together)|add(?:s|ed|ing)? up to|all told|in all)\b")
# The question joins its figures across companies: affiliates, a parent, an acquirer.
GROUPED = re.compile(r"\baffiliates?\b|\bsubsidiar(?:y|ies)\b|\bparent (?:company|group)\b|\bsister compan|\b(?:our|the|its) group\b|"
                     r"\bacquired by\b|\bacquir(?:er|ing company)\b|\bbeing (?:bought|acquired)\b|\bmerg(?:e|ing|er) with\b|"
                     r"\bbuy(?:s|ing)? us\b|\bwill own us\b|\bacquir(?:es|ing) us\b|\btak(?:es|ing) us over\b|"
                     # control through ownership (Stability: "more than 50% of the voting interests")
                     r"\b(?:5[1-9]|[6-9]\d|100)\s?%[\s-]owned by\b|\bowns? (?:5[1-9]|[6-9]\d|100)\s?% of\b|\b(?:wholly|majority)[\s-]owned\b|"
                     r"\b(?<!% )(?<!%-)owned by (?:a|an|the|our) (?:[\w-]+ ){0,2}(?:group|company|conglomerate|holding|parent|corporation)\b")

# Only what the model produced goes out; the model itself stays.
MODEL_STAYS = [
    r"\(?\bno (?:model|weights)\)?(?:[\s,]|$)",
    r"\bno (?:weights|model|checkpoints?)(?: (?:or|and|nor) (?:an? )?(?:api|endpoint|service|model|weights))? (?:go(?:es)? out|leaves?|are (?:shipped|shared|released|published))\b",
    r"\bnot the (?:model|weights)\b",
    r"\bwithout (?:the |any )?(?:model|weights)\b(?! (?:card|licen))",
    r"\b(?:publish|releas|shar|sell|post|upload|open[\s-]?sourc|put)\w*\s+(?:only\s+)?(?:the |our |my |a |an )?(?:raw |full |whole )?"
    r"(?:[\w&.-]+ ){0,2}(?:[\w.]+-)?generated (?:[\w&-]+ ){0,2}(?:dataset|data|corpus|text|images|code|content|q&a|pairs|answers)\b",
    r"\b(?:publish|releas|shar|sell|post|upload|put)\w*\s+(?:only\s+)?(?:the |our |my |a |an )?(?:\w+ ){0,2}(?:dataset|corpus|collection) of (?:[\w.-]+ ){0,3}(?:outputs|generations|responses|answers|completions)\b",
    r"\b(?:publish|releas|shar|post|put)\w*\s+(?:only\s+)?(?:the |our |my )?(?:eval(?:uation)? |benchmark )?(?:numbers|results|scores|metrics|findings|leaderboard)\b",
    r"\b(?:sell|licen[cs]e|give|hand|deliver)\w*\s+(?:the |our |my )?(?:[\w-]+ )?(?:code|text|copy|images|art|content|essays|articles|translations)\b[\w\s'-]{0,40}\b(?:writes|wrote|generates|generated|produces|produced|makes|made)\b",
    r"\bonly (?:the )?(?:outputs?|generations|generated (?:text|images|code|content|data))\b.{0,30}\b(?:go|leave|are (?:shared|published|sold))",
    # "produce a synthetic Q&A dataset, then sell only the dataset"
    r"\bsynthetic (?:[\w&-]+ ){0,2}(?:dataset|data|corpus)\b.{0,80}\b(?:sell|publish|releas|shar|licen[cs])\w* only (?:the |that |this |our )?(?:dataset|data|corpus)\b",
]
# What the model wrote (text, code, images) is published, sold or put in a product; the model itself goes nowhere.
_CONTENT = (r"(?:texts?|copy|descriptions|articles|posts|blog posts|manuals?|documentation|docs|content|images|pictures|photos|artwork|art|"
            r"illustrations|logos?|code|snippets|summaries|translations|emails|newsletters|captions|reports|essays|stories|books?|"
            r"novels?|scripts|designs|wallpapers|ads|adverts|slogans|lyrics|subtitles|transcripts|handouts|worksheets|listings)")
OUTPUTS_PUBLISHED = [
    # "use X to write product descriptions that we publish", "drafts the text of our manual, which we then publish"
    r"\b(?:write|writes|wrote|writing|draft|drafts|drafted|drafting|generate|generates|generated|generating|produce|produces|"
    r"create|creates|created|translate|translates|summari[sz]e|summari[sz]es|make|makes|made|design|designs)\b (?:the |our |my |a |an |some )?"
    r"(?:[\w-]+ ){0,3}" + _CONTENT + r"\b[^.?;]{0,60}\b(?:publish|post|print|sell|sold|ship|put|list|send|mail|hand|deliver|use them|use it)\w*",
    # "code generated by deepseek ends up in our product"
    _CONTENT + r" (?:it |that |which )?(?:generated|written|produced|created|drafted|made|wrote|writes|generates|produces) (?:by|with|using|from)\b(?:[^.?;]|\.(?=\w)){0,60}"
    r"\b(?:ends? up|goes|go|is used|are used|lands?|is shipped|are shipped|is published|are published|gets? (?:published|shipped|committed))\b",
    r"\b(?:publish|post|print|sell|ship|put)\w*\b (?:the |our |my |those |these |its |their )?(?:[\w-]+ ){0,2}" + _CONTENT + r"\b[^.?;]{0,30}\b(?:it|the model) (?:writes|wrote|generates|generated|produces|produced|makes|made|creates|created|drafts|drafted)\b",
]
OUTPUTS_PUBLISHED += [
    # the passive: "the descriptions are written by gemma-2-9b-it and then published"
    _CONTENT + r" (?:(?:on|in|for|of) (?:our|the|my|a|an|its|their) (?:[\w-]+ ){0,2})?(?:are|is|were|was|get|gets|got|have been|has been) (?:\w+ )?(?:written|generated|produced|created|drafted|made|translated|designed) "
    r"(?:by|with|using)\b(?:[^.?;]|\.(?=\w)){0,60}\b(?:publish|post|print|sell|sold|ship|put|list|go(?:es)? (?:live|out)|used in|end up)\w*",
    # "our product contains code that deepseek-coder wrote"
    r"\b(?:contains?|containing|includes?|including|incorporates?|ships? with|has|have) (?:\w+ ){0,2}" + _CONTENT + r" (?:that|which) (?:[\w.-]+ ){1,3}"
    r"(?:wrote|writes|generated|generates|produced|produces|created|creates|drafted|drafts|made|makes)\b",
# The same, said of the content: "descriptions are written by X and then published", "X drafts the wording of our manual,
# which we then publish", "our product contains code that X wrote".
    _CONTENT + r" (?:are |is |were |was |get |gets |got |being )?(?:generated|written|produced|created|drafted|made|translated|summari[sz]ed) (?:by|with|using|from|through)\b[^.?;]{0,60}"
    r"\b(?:publish|post|print|sell|sold|ship|list|send|mail|deliver|put (?:online|up|out)|go(?:es)? (?:live|out|online)|end(?:s)? up)\w*",
    r"\b(?:write|writes|wrote|writing|draft|drafts|drafted|drafting|generate|generates|generated|produce|produces|create|creates|translate|translates)\b (?:the |our |my |a |an |some )?"
    r"(?:wording|text|copy|content|contents|body|draft|first draft|words|prose)s? (?:of|for|in) (?:the |our |my |a |an )?(?:[\w-]+ ){0,3}" + _CONTENT + r"\b[^.?;]{0,60}\b(?:publish|post|print|sell|ship|put|list|send|hand|deliver)\w*",
    r"\b(?:contains?|includes?|incorporates?|ships? with|is full of|now has|uses)\b (?:[\w-]+ ){0,3}" + _CONTENT + r" (?:that|which) (?:[\w.-]+ ){1,3}(?:wrote|generated|produced|created|drafted|made|writes|generates|produces)\b",
]
# The model answers other people: hosting, not only its outputs leaving.
HOSTS_MODEL = r"(?<!no )(?<!not )\b(?:api|endpoint|saas|chat ?bot|hosted|host it|serve it|powered by)\b|\b(?:users|customers|clients|visitors) (?:can )?(?:chat|talk|query|prompt|ask|interact)\b"


def outputs_only(low: str) -> bool:
    """The question publishes, sells or ships what the model produced, and neither the model nor access to it."""
    return _search(OUTPUTS_PUBLISHED, low) and not _search(RELEASES_MODEL, low) and not re.search(HOSTS_MODEL, low)


# ... unless the same question also sends the model out.
RELEASES_MODEL = [
    r"\b(?:publish|releas|upload|shar|push|ship|sell|distribut|open[\s-]?sourc)\w*\b[^.?;]{0,30}\b(?<!no )(?<!not )(?<!never )(?:the |our )?(?:weights|checkpoints?|adapters?|gguf|loras?|the model|our model|fine-?tunes?)\b(?! card)",
    r"\b(?:weights|checkpoints?|adapters?) (?:on|to) (?:hf|hugging ?face|the hub|github)\b",
]


def _search(patterns: list[str], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def model_stays(low: str) -> bool:
    """Only what the model produced (outputs, results) leaves; the model and its weights stay with the user."""
    return _search(MODEL_STAYS, low) and not _search(RELEASES_MODEL, low)


def is_funding(low: str, start: int, end: int) -> bool:
    """A money figure stated as investment or a grant rather than as revenue."""
    before = re.split(r"[.;,?!]|\band\b|\bbut\b", low[max(0, start - 40):start])[-1]
    after = re.split(r"[.;,?!]|\band\b|\bbut\b", low[end:end + 30])[0]
    return bool(FUNDING.search(before + " " + low[start:end] + " " + after))


def threshold_figure(values: list[int], low: str) -> tuple[int | None, bool]:
    """The figure a threshold that counts affiliates reads, and whether it joined several companies' figures.

    One figure is taken as given. Several, in a question that joins companies (affiliates, a parent, an acquirer), are
    the group's: the largest where the question calls one of them the total, their sum otherwise."""
    if not values:
        return None, False
    if not GROUPED.search(low) and not any(re.search(p, low) for p in CHANGE_OF_CONTROL):
        return values[0], False
    if len(values) == 1:
        # A single figure the question gives as the group's total is the group's figure.
        return values[0], bool(GROUP_TOTAL.search(low))
    return (max(values) if GROUP_TOTAL.search(low) else sum(values)), True


def no_revenue(low: str) -> bool:
    return bool(NO_REVENUE.search(low))


# Who only receives a model inside someone else's product (Llama s.1.b.ii, Stability AI s.III: "If you receive ...
# from a Licensee as part of an integrated end user product", and the EU carve-out of the Llama multimodal AUP for end
# users of a product or service that incorporates the model): a product bought, licensed or subscribed to from a
# supplier, with the model inside it, which the user only uses as delivered.
_PRODUCT = (r"(?:appliance|box|device|kit|unit|product|tool|software|system|platform|app|application|service|solution|kiosk|hardware|"
            r"terminal|saas|suite|package|assistant|chatbot|bot|plug-?in|add-?on|widget|module|seats?)")
_SUPPLIER = r"(?:third[\s-]party|outside|external|independent|commercial|off[\s-]the[\s-]shelf|another company'?s?|someone else'?s?)?\s*(?:vendor|supplier|provider|partner|manufacturer|integrator|reseller|oem|company|firm|maker|developer)"
INTEGRATED_PRODUCT = [
    # "we're buying a contact-centre box from a vendor", "take a licence to a call-centre appliance from a vendor"
    r"\b(?:buy|buys|buying|bought|purchas\w+|licen[cs](?:e|es|ed|ing)|take (?:a |out a )?licen[cs]e to|taking (?:a |out a )?licen[cs]e to|"
    r"subscrib\w+ to|rent\w*|leas\w+|procur\w+|get|gets|getting|receiv\w+|acquir\w+|order\w*)\b[^.;?]{0,60}?\b" + _PRODUCT +
    r"\b[^.;?]{0,40}?\bfrom (?:a|an|the|some|one|our|their|its) " + _SUPPLIER + r"s?\b",
    # "a vendor sells us an appliance", "the supplier ships it to us with the model inside"
    r"\b" + _SUPPLIER + r"s? (?:sells?|sold|licen[cs]es|licen[cs]ed|supplies|supplied|provides|provided|ships|shipped|gives|gave|delivers|delivered|offers|offered)"
    r"(?: (?:to )?(?:us|me|them|our (?:client|company|firm|bank)|the client))\b",
    # "buy user seats for an outside vendor's design software"
    r"\b(?:seats?|licen[cs]es|subscriptions?|accounts?) (?:for|to|on|in) (?:a|an|the|some) (?:[\w-]+ ){0,2}" + _SUPPLIER + r"'?s?\b",
    # "an American SaaS I use", "some chatbot I use says it's built on ...": someone else's product the user uses
    r"\b(?:some|an?|this|one)\s+(?:[\w-]+\s+){0,2}(?:saas|app|application|chatbot|bot|service|website|site|tool|assistant|product|platform|"
    r"software|plug-?in|extension|game)\s+(?:that\s+)?(?:i|we)\s+(?:use|used|pay for|subscribe to|rely on)\b(?!\s+(?:internally|in-house))",
    # operating it as delivered: "we just operate the box", "run it just as it arrives", "deploys the appliance as shipped"
    r"\b(?:just|only|simply|merely)\s+(?:use|uses|using|operate|operates|operating|run|runs|running|deploy|deploys|plug in|switch on)\s+"
    r"(?:the|their|that|this|its|these|those)\s+(?:[\w-]+\s+)?(?:appliances?|box(?:es)?|devices?|kits?|units?|terminals?|kiosks?|machines?|handsets?)\b",
    r"\b(?:as|just as|exactly as)\s+(?:it (?:arrives|comes|ships|is delivered|was delivered)|(?:shipped|delivered|supplied|received))\b",
    r"\bout of the box\b[^.;?]{0,40}\bwithout (?:modifying|changing|touching|altering|retraining)\b",
]


# A change of control of the user's company: it is bought, taken over or merged, and the buyer becomes its affiliate
# (Stability AI counts affiliates' revenue, Llama affiliates' users) and the party a non-transferable licence or an
# account does not pass to without consent (Llama s.1.a, OpenAI 2023 "including in connection with a change of control").
CHANGE_OF_CONTROL = [
    r"\b(?:being|be|been|get|gets|getting|got|was|were|is|are|will be)\s+(?:\w+\s+)?(?:bought|acquired|taken over|purchased|absorbed)\b"
    r"(?!\s+(?:a|an|the|some|our|two|\d+)\s+(?:licen|subscription|seat|product|model|gpu|server|dataset|copy))",
    r"\b(?:tak(?:e|es|ing)|took)\s+us\s+over\b", r"\btake-?over\b", r"\bbuy-?out\b", r"\bchange (?:of|in) (?:control|ownership)\b",
    r"\b(?:the|a|our) new owners?\b", r"\b(?:buy|buys|buying|bought|acquir\w+|purchas\w+)\s+(?:us|our (?:company|startup|business|firm|studio|lab|shop))\b",
    r"\bsold to (?:a|an|the|one of) (?:[\w-]+ ){0,2}(?:company|buyer|acquirer|group|competitor|rival|firm|conglomerate|corporation|private[\s-]equity|fund)\b",
    r"\bterm sheet\b", r"\b(?:once|after|when) the (?:deal|acquisition|sale|merger|transaction) (?:closes|completes|is (?:done|closed|complete))\b",
    r"\b(?:after|at|post)[\s-]?closing\b",
]
