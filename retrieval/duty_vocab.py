"""Everyday words for a plan that leaves out what a licence sends with the copies, or adds what it forbids (fix-B).
Pure data, no imports: `retrieval.scenario` merges it into its flag vocabulary.

Every licence that lets a work be passed on attaches something to the passing: Apache-2.0 s.4 (retain the copyright
and attribution notices), MIT (the copyright and permission notice "shall be included"), Llama s.1.b.i ("Built with
Llama"), CC 4.0 s.3 (attribution) and s.2(a)(5) / 3(b)(3) (no added terms that restrict recipients). People describe
leaving those out in many shapes, and the older vocabulary only knew the active verb before its object:
- the notice named first and its removal after ("with the copyright headers stripped out", "licence file deleted");
- other words for the notice itself: a copyright line, header, banner, comment block, author credit;
- putting their own name where the author's stood ("swap the copyright holder for our company");
- the attribution never placed or shown ("we never put 'Built with Llama' anywhere", "the badge appears nowhere");
- a clause written into the user's own terms that forbids what the licence allows ("our ToS adds a clause banning
  commercial use").
The flags keep their meaning: `skips_obligation` and `adds_restrictions` are read by the rules obligation-skipped,
notices-stripped and cc-added-restrictions, each grounded in that licence's own clause.
"""

from __future__ import annotations

# What carries a licence's notice in a file or a repository.
_NOTICE_THING = (r"(?:copyright|licen[cs]e|attribution|permission|authorship|author|notice|legal|spdx)"
                 r"(?:[\s-](?:headers?|lines?|notices?|statements?|banners?|blocks?|comments?|text|files?|credits?|info(?:rmation)?|tags?|strings?))")
_REMOVED = (r"(?:stripped|removed|deleted|cut|dropped|scrubbed|erased|wiped|omitted|taken (?:out|off)|ripped (?:out|off)|"
            r"left (?:out|off)|thrown (?:out|away)|purged)")
_REMOVE = (r"(?:remov(?:e|es|ed|ing)|strip(?:s|ped|ping)?|delet(?:e|es|ed|ing)|scrub(?:s|bed|bing)?|eras(?:e|es|ed|ing)|wip(?:e|es|ed|ing)|"
           r"cut(?:s|ting)?|drop(?:s|ped|ping)?|purg(?:e|es|ed|ing)|rip(?:s|ped|ping)? out|tak(?:e|es|ing) out|took out|get(?:s|ting)? rid of|got rid of|"
           r"throw(?:s|ing)? (?:out|away)|threw (?:out|away)|omit(?:s|ted|ting)?)")
# The display a licence asks for, by its own words or the common ones.
_DISPLAY = r"(?:[\"']?built with (?:meta )?llama[\"']?|[\"']?built with[\"']? (?:badge|line|notice|label|attribution)|(?:the )?attribution (?:line|notice|badge|text)|credit line)"

FLAGS: dict[str, list[str]] = {
    "skips_obligation": [
        # the notice first, its removal after: "with the original copyright headers stripped out"
        rf"\b{_NOTICE_THING}\b (?:(?:are|were|is|was|get|gets|got|being|been|all|will be|would be)\s)*{_REMOVED}\b",
        # the removal first, with the notice's other names: "delete the original copyright line from the LICENSE"
        rf"\b{_REMOVE}\b (?:all |any |every |each )?(?:of )?(?:the |its |their |his |her |our |those |these |that )?(?:original |existing |upstream |old |author'?s? |authors'? )?"
        rf"(?:{_NOTICE_THING}|copyright)\b",
        # the author's name replaced by the user's own: "swap the copyright holder for our company name"
        r"\b(?:replac|swap|overwrit|substitut|chang)\w* (?:the |their |its |his |her )?(?:original )?(?:copyright (?:holder|owner|line|notice|name)|author(?:'s|s')? names?)\b"
        r"[^.?]{0,30}\b(?:with|for|to) (?:our|my|ours|mine|the (?:company|startup)'?s?)\b",
        r"\b(?:copyright (?:holders?|owners?)(?:'s|s')?(?: names?)?|author(?:'s|s')? names?|authors)\b (?:(?:are|is|were|was|get|gets|got|being|been|all)\s)*(?:replaced|swapped|overwritten|substituted|changed)"
        r" (?:with|for|by|to) (?:our|my|ours|mine|the (?:company|startup)'?s?)\b",
        # the attribution never placed: "we never put 'Built with Llama' anywhere"
        rf"\b(?:never|not|didn'?t|don'?t|won'?t|haven'?t|hasn'?t|wouldn'?t) (?:\w+ ){{0,2}}(?:put|puts|placed?|add(?:ed|s)?|includ(?:e|ed|es)|display(?:ed|s)?|show(?:n|ed|s)?|"
        rf"feature[sd]?|carr(?:y|ied|ies)|mention(?:ed|s)?)\b (?:the |a |any )?{_DISPLAY}",
        rf"{_DISPLAY}[^.?]{{0,40}}\b(?:nowhere|appears? nowhere|is nowhere|isn'?t (?:shown|displayed|anywhere)|is not (?:shown|displayed|anywhere)|never (?:appears|shown|displayed))\b",
        rf"\b(?:skip(?:s|ped|ping)?|leave off|left off|leaving off|drop(?:s|ped|ping)?|do without) (?:the |any )?{_DISPLAY}",
    ],
    "adds_restrictions": [
        # a clause of the user's own terms that forbids what the licence allows: "the ToS adds a clause forbidding ..."
        r"\b(?:add|insert|includ|put|writ|attach|append|slip)\w* (?:in |into )?(?:a |an |our |its |their |one |some )?(?:new |extra |own |further |additional )?"
        r"(?:clause|term|condition|provision|rule|section|line|paragraph)s? (?:that |which |to )?(?:forbid|prohibit|ban|bar|restrict|prevent|stop|disallow|block|limit|outlaw)\w*\b",
        r"\b(?:clause|term|condition|provision|rule)s? (?:in|of) (?:our|its|their|the platform'?s?|the site'?s?) (?:[\w-]+ )?(?:tos|terms|eula|agreement|licen[cs]e)\b[^.?]{0,30}"
        r"\b(?:forbid|prohibit|ban|bar|restrict|prevent|disallow)\w*\b",
    ],
}
