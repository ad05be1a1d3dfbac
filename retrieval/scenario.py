"""A plain-language question to `Facts`: models and roles, governing documents, method, deployment, data, scale, place,
use cases. Deterministic keyword and pattern reading; whatever is not said stays unknown and is shown as such."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace, dataclass, field
from enum import Enum

from retrieval import duty_vocab, families, family_vocab, figures, scope
from retrieval.patterns import forget_scans, lowered, present, vocab, vocabulary
from retrieval.registry import Registry, Status
from retrieval.usecases import load_categories


class Method(str, Enum):
    FULL_FINETUNE = "full_finetune"
    LORA = "lora"
    QUANTIZATION = "quantization"
    MERGE = "merge"
    DISTILLATION = "distillation"
    CONTINUED_PRETRAINING = "continued_pretraining"
    RLHF = "rlhf"
    PLAIN_USE = "plain_use"


class Deployment(str, Enum):
    INTERNAL = "internal"
    WEIGHTS_RELEASE = "weights_release"
    HOSTED = "hosted"
    ON_DEVICE = "on_device"
    ACQUISITION = "acquisition"
    END_USER = "end_user"


class Role(str, Enum):
    BASE = "base"
    MERGE_SOURCE = "merge_source"
    OUTPUT_SOURCE = "output_source"
    JUDGE = "judge"
    MENTIONED = "mentioned"


@dataclass(frozen=True)
class ModelRef:
    model_id: str
    name: str
    role: Role
    documents: tuple[str, ...]
    in_corpus: bool
    licence: str
    family: str
    multimodal: bool


@dataclass(frozen=True)
class Facts:
    """What a question was read as; empty tuples and None mean 'not said'."""

    models: tuple[ModelRef, ...] = ()
    documents: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()  # licence documents named directly (apache-2.0, mit, cc-by-sa-4.0 ...)
    methods: tuple[Method, ...] = ()
    deployments: tuple[Deployment, ...] = ()
    target_licence: str | None = None
    datasets: tuple[str, ...] = ()
    mau: int | None = None  # monthly active users; with a group's figure given, the group's (thresholds counting affiliates)
    product_mau: int | None = None  # the product's own figure when the question also gives its group's
    revenue: int | None = None  # annual revenue in USD, when stated
    eu: bool | None = None
    multimodal: bool | None = None
    use_cases: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    unknown: tuple[str, ...] = field(default=())
    release_name: str | None = None  # the name the user means to give the model they release
    language: str = "en"
    missing: tuple[str, ...] = ()  # documents the question names that the corpus does not hold (their titles)
    family: str | None = None  # a model family named without a model ("a DeepSeek model"): retrieval/families.py

    def has(self, flag: str) -> bool:
        return flag in self.flags


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


# "the rule against building competing models" names a rule; it does not say the user builds one
_NEGATION = re.compile(r"\b(?:never|not|no|nothing|nobody|no one|none|nowhere|at no point|without|refuses? to|refusing to|declines? to|declining to|won't|don't|doesn't|isn't|aren't|neither|nor|instead of|(?:rule|clause|ban|prohibition|provision|bar)s? against)\b[^.;,?!]{0,25}$")


def _compiled(pattern: str) -> re.Pattern[str]:
    # The vocabularies hold more patterns than re's own cache (512): they are compiled once (retrieval.patterns).
    return vocab(pattern).regex


def _any(patterns: list[str], text: str, affirmed: bool = False) -> bool:
    """True when a pattern matches; with `affirmed`, a match right after a negation ("never released") does not count.

    A pattern whose literal words are not in the text is not run (`retrieval.patterns`: a necessary condition only,
    so the result is the same as running every pattern)."""
    low = lowered(text)
    vocab_ = vocabulary(tuple(patterns))
    found = present(low) if low is not None else None
    if found is not None and not vocab_.always and found.isdisjoint(vocab_.words):
        return False
    for needles, regex in vocab_.pairs:
        if found is not None and needles is not None and found.isdisjoint(needles):
            continue
        for m in regex.finditer(text):
            if not affirmed or not _NEGATION.search(text[max(0, m.start() - 40):m.start()]):
                return True
    return False


LICENCE_PATTERNS: dict[str, list[str]] = {
    "apache-2.0": [r"\bapache[\s-]*(?:licen[cs]e[\s,]*)?(?:v(?:ersion)?\s*)?2(?:\.0)?\b", r"\bapache\s?2\b", r"\bapache\b"],
    "mit": [r"\bmit\b(?![\s-]*(?:technology|media|press))"],
    "cc-by-sa-4.0": [r"\bcc[\s-]*by[\s-]*sa\b", r"share[\s-]?alike"],
    "cc-by-nc-4.0": [r"\bcc[\s-]*by[\s-]*nc\b", r"\bnon[\s-]?commercial\b(?=.*\b(?:cc|creative commons|licen[cs]ed)\b)"],
    "cc-by-4.0": [r"\bcc[\s-]*by\b(?![\s-]*(?:sa|nc)\b)(?:[\s-]*4\.0)?", r"creative commons attribution\b(?![\s-]*(?:share|non))"],
    "deepseek-license": [r"deepseek[\s-]licen[cs]e"],
    "qwen-license": [r"qwen(?:'s)?[\s-]licen[cs]e", r"\bthe qwen(?:'s)? (?:[\w-]+ ){0,3}(?:rule|clause|terms|agreement|threshold|cap|limit|test|condition|requirement|provision)s?\b",
                     r"\bqwen'?s (?:[\w-]+ ){0,3}(?:rule|clause|terms|agreement|threshold|cap|limit|test|condition|requirement|provision)s?\b"],
    "nvidia-open-model-license": [r"nvidia open model licen[cs]e", r"\bcosmos\b"],
    "bigscience-openrail-m": [r"bigscience\b.{0,20}rail", r"\bbloom\b(?! filter)"],
    "bigcode-openrail-m": [r"bigcode\b.{0,20}rail", r"\bstarcoder"],
    "stability-ai-community": [r"stability ai community", r"\bcommunity licen[cs]e\b(?=.*\b(?:sd|stable diffusion|stability)\b)",
                               # the licence named by its licensor alone: "a Stability Community-licensed model"
                               r"\bstability(?:[\s-]?ai)?(?:'s)?[\s-]+community\b"],
    "falcon-2-license": [r"falcon 2 (?:11b )?(?:tii )?licen[cs]e"],
    "openai-terms": [r"\bopenai\b(?![\s-]*(?:compatible|style|format|schema|spec)\b)", r"\bchat\s?gpt\b", r"\bgpt[\s-]?[345]", r"\bgpt-?4o\b", r"\bdall[\s.·-]*e\b"],
}

METHOD_PATTERNS: dict[Method, list[str]] = {
    Method.LORA: [r"\bq?lora\b", r"\badapter", r"\bpeft\b"],
    Method.QUANTIZATION: [r"quanti[sz]", r"\bgguf\b", r"\bgptq\b", r"\bawq\b", r"\bint[48]\b", r"\b[48][\s-]?bit\b", r"\bq[4-8]_k"],
    Method.MERGE: [r"\bmerg", r"mergekit", r"\bslerp\b", r"frankenmerge", r"\bties\b"],
    Method.DISTILLATION: [r"distil", r"synthetic", r"\boutputs?\b.{0,60}\b(?:train|fine[\s-]?tune|finetune|teach)",
                          r"(?:train|fine[\s-]?tune|finetune).{0,80}\b(?:on|with|using)\b.{0,40}\b(?:outputs?|responses|answers|generations|completions|transcripts)",
                          r"generate.{0,60}(?:training|instruction|sft|dataset|pairs|data)",
                          # a student model, not a PhD student
                          r"\bstudent\b(?! (?:at|in|of|here|who|working|researchers?|projects?|thesis|visa|loans?|union|clubs?|essays?|work))(?<!phd student)(?<!ph\.d\. student)(?<!grad student)(?<!master's student)(?<!masters student)(?<!undergrad student)",
                          r"\bteacher\b"],
    Method.CONTINUED_PRETRAINING: [r"continued[\s-]*pre[\s-]*train", r"continue[sd]? (?:the )?pre[\s-]*train", r"domain[\s-]adapt"],
    Method.RLHF: [r"\brlhf\b", r"\bdpo\b", r"reward model", r"\bjudge\b", r"preference (?:data|labels|pairs)", r"\brlaif\b", r"\bppo\b"],
    Method.FULL_FINETUNE: [r"fine[\s-]?tun", r"finetun", r"\bsft\b", r"\btrain(?:ed|ing)?\b.{0,30}\bon\b"],
}

# Publishing results about a model (scores, a paper), open at its last alternative so both users below can extend it.
_PUBLISHED_RESULTS = (r"\b(?:publish|release|share|post)\w* (?:only )?(?:the |our |my )?(?:eval(?:uation)?s?|benchmark|test|accuracy|aggregate|performance)?\s?"
                      r"(?:numbers|scores|results|metrics|findings|figures|papers?|thesis|charts")

DEPLOYMENT_PATTERNS: dict[Deployment, list[str]] = {
    Deployment.END_USER: [r"\bend[\s-]?users?\b.{0,40}\b(?:of|using)\b.{0,20}(?:someone|third|vendor|another|a us|app|saas|product)",
                          r"\b(?:i|we)(?:'m| am| are)? (?:an? )?(?:ordinary |regular |just an? )?(?:end[\s-]?)?users? of\b",
                          r"(?:subscribe|subscription) to a\b.{0,60}(?:api|saas|vendor|service)", r"\b(?:our|my|the user'?s|their) (?:[\w-]+ ){0,2}vendor'?s?\b.{0,60}\b(?:api|chatbot|saas|app|service|tool|product|platform)\b",
                          # "a hospital IT vendor will host ...": the vendor is the one the question is about
                          r"\bvendor'?s?\b(?! (?:will |would |plans to |wants to |intends to |is going to |is about to )?(?:host|serve|offer|deploy|build|sell|run|ship|provid)\w*)(?! (?:\w+ )?(?:api|chatbot|saas|app|service|tool|product|platform) (?:we|i) (?:host|serve|offer|deploy|build|sell|run|ship|provid)\w*).{0,60}\b(?:api|chatbot|saas|app|service|tool|product|platform)\b",
                          r"\bi use an?\b.{0,40}\b(?:saas|app|service)\b", r"buy seats", r"third[\s-]party\b.{0,40}\b(?:app|saas|service|vendor)\b.{0,80}\b(?:runs|built|uses|based)\b",
                          r"\bas (?:an? )?(?:ordinary )?end users?\b", r"\bas a consumer\b",
                          r"\b(?:use|using) an? (?:app|application|product|service|website|tool|chatbot)\b.{0,40}\b(?:runs|built|uses|powered|based|that)\b",
                          r"\bour staff use an?\b.{0,30}\b(?:vendor|third)",
                          r"\b(?:paying |a )?customers? of (?:their|a|the|someone else'?s|another company'?s|a vendor'?s) (?:\w+ )?(?:app|saas|service|product|platform|tool)\b",
                          r"\busing an? (?:\w+ ){0,2}(?:saas|app|service|product)\b.{0,30}\b(?:that|which) (?:runs|uses|is built on)\b",
                          r"\bvendor sells us\b", r"\bwe just use (?:the|their|it)\b",
                          # a product someone else built and runs, which the user only uses: family_vocab.DEPLOYMENTS
                          r"\bunder the vendor'?s (?:own )?(?:licen[cs]e|arrangement|agreement|terms|contract)\b"] + scope.INTEGRATED_PRODUCT,
    Deployment.ACQUISITION: [r"\bacqui(?:re[sd]?|ring|sition)\b.{0,40}\b(?:company|startup|business|subsidiary|us|them|firm|target)\b",
                             r"\bacquisition\b", r"\bbeing (?:bought|acquired)\b", r"\bacquirer\b", r"\bbuy(?:ing)? (?:the |a |our )?(?:company|startup|business)",
                             r"divest", r"\bmerger\b", r"share purchase", r"asset (?:sale|purchase|deal)", r"due diligence",
                             r"\bsell(?:ing)? (?:our|the) (?:company|startup|business)", r"\btransfer\b.{0,40}\b(?:licen[cs]e|rights|account|company|weights|model)",
                             r"(?<!school )(?<!class )(?<!homework )(?<!writing )(?<!reading )\bassign(?!ments\b)"] + scope.CHANGE_OF_CONTROL,
    Deployment.ON_DEVICE: [r"on[\s-]device", r"\bmobile\b", r"\bandroid\b", r"\bios\b", r"\bapk\b", r"\bembedded\b", r"\bembed(?:s|ding)?\b.{0,30}\b(?:in|into)\b",
                           r"\bdesktop app", r"\binstaller\b", r"\bfirmware\b", r"\bedge device", r"\bship(?:s|ping)?\b.{0,40}\b(?:app|device|product|installer)\b",
                           r"\bbundl",
                           # Code or weights copied into something the customer receives is a copy passed on, whatever
                           # the product is called; so is sublicensing it or selling it as part of a product ("we sell credits in our app"
                           # is no copy, so a bare "in" is not enough).
                           r"\b(?:cop(?:y|ying|ied)|vendor(?:ing|ed)?|incorporat\w*|compil\w*|(?:statically|dynamically) link\w*)\b(?:[^.?]|\.(?=\d)){0,60}\binto (?:our|the|a|my|their) (?:[\w-]+ ){0,3}(?:app|application|sdk|product|binary|software|package|firmware)\b",
                           r"\bsublicen[cs]\w*\b(?:[^.?]|\.(?=\d)){0,60}\b(?:customers?|clients?|users|licensees)\b",
                           r"\bsell\w*\b(?:[^.?]|\.(?=\d)){0,40}\bas part of (?:our|the|a|their) (?:[\w-]+ ){0,2}(?:product|app|application|software|sdk)\b",
                           r"\bas part of (?:our|the|a|their) (?:[\w-]+ ){0,2}(?:product|app|application|software|sdk)\b(?:[^.?]|\.(?=\d)){0,40}\b(?:sell|ship|customers?|clients?)\b"],
    Deployment.HOSTED: [r"\bapi\b", r"\bhost(?:ed|ing)?\b", r"\bweb ?app\b", r"\bendpoint\b", r"\bcustomers?\b(?![\s-](?:support|service|tickets|data|emails|records|chats|conversations))", r"\bpaying\b",
                        r"\bserve[sd]?\b(?! (?:as|a purpose))", r"\bsaas\b(?! company)", r"\bsubscription\b", r"\bplugin\b", r"\bin production\b",
                        r"\bchat ?bot\b", r"\bwebsite\b", r"\bpublic(?:ly)? (?:facing|available)\b", r"\bour (?:\w+ )?(?:app|product|service|platform)\b(?!'s)",
                        r"\bsell\b.{0,40}\b(?:service|access|subscriptions?)\b",
                        r"\b(?:chat|consumer|commercial|paid|saas|web|mobile|hosted)\s+(?:\w+\s+)?(?:product|service|app|assistant)\b",
                        r"\boffers?\b.{0,30}\b(?:product|service|app)\b"],
    Deployment.WEIGHTS_RELEASE: [r"\bpublish", r"\breleas", r"\bsell(?:ing)? (?:the |our )?(?:\w+ ){0,3}(?:weights|fine-?tunes?|checkpoints?|adapters?)\b",
                                 r"\bhand(?:ing)? (?:over )?the weights", r"\bdivest", r"\bpush(?:ing)?\b.{0,40}\b(?:hf|hub|hugging)", r"\bto hf\b", r"\bshare (?:it|them)\b", r"\bcivitai\b", r"\bopen[\s-]weights?\b", r"open[\s-]?sourc", r"hugging\s?face", r"\bthe hub\b", r"\bon hf\b", r"(?<![\w/-])hf\b(?![\w/-])", r"\bupload",
                                 r"\bdistribut", r"\bshare (?:the |our )?(?:weights|model|adapter|checkpoint|dataset)", r"\bdownload(?:able)?\b",
                                 r"\bsell (?:the |our )?(?:weights|model|fine-?tune)", r"\bput (?:it )?(?:out|up|on)\b", r"\bredistribut",
                                 r"\brepublish", r"\bgithub\b", r"\bpost (?:it|the|our)\b", r"\blicen[cs]e (?:it|the|our) (?:out|to)\b", r"\bship(?:ping)? the weights"],
    Deployment.INTERNAL: [r"\binternal", r"\bin[\s-]house\b", r"\bour own (?:staff|employees|engineers|team|analysts|servers|use)\b", r"\bonly (?:used )?by (?:our|my)\b",
                          r"\bnever leaves?\b", r"\bprivate(?:ly)?\b", r"\bpersonal\b(?![\s-](?:data|information|info|details|identifiable|records|profiles?))", r"\bjust for (?:me|us|personal)\b", r"\bnothing is (?:published|distributed|shared|released)",
                          r"\bnot (?:be )?(?:shared|distributed|published|released)\b", r"\bour (?:own )?staff\b", r"\bown laptop\b", r"\bresearch only\b",
                          r"\bon my own\b", r"\bour (?:own )?(?:engineers|analysts|employees)\b", r"\bno external users\b", r"\bkeep it closed\b",
                          # where the weights physically stay: on the premises, own machines, behind the firewall
                          r"\bon[\s-]?prem(?:ise[sd]?|ises)?\b", r"\bon (?:our|my) own (?:servers?|hardware|machines?|gpus?|infrastructure|cluster|box)\b",
                          r"\b(?:stays?|remains?|kept|keep it|lives?) (?:inside|within|in) (?:the |our |my )?(?:company|organi[sz]ation|firm|network|building|lab|team|vpc)\b",
                          r"\bbehind (?:our|the) (?:corporate )?firewall\b", r"\bair[\s-]?gapped\b", r"\bself[\s-]hosted\b.{0,30}\b(?:only|internal|own)\b",
                          r"\bnot (?:exposed|offered|available) to (?:the public|customers|outsiders|third parties)\b",
                          r"\brun(?:ning|s)? (?:it |them )?locally\b", r"\blocal(?:ly)? (?:on|in) (?:my|our)\b",
                          r"\bfor (?:our|my) own (?:devs|developers|people|team|researchers|staff|employees|use)\b",
                          # the model or data stays where it is: "stays on the uni cluster", "only runs inside our pipeline"
                          r"\b(?:stays?|remains?|kept|lives?|resides?)\b (?:only )?(?:on|in|inside|within|behind) (?:the |our |my |a |an )?(?:[\w-]+ ){0,2}(?:cluster|servers?|machines?|laptops?|workstations?|pipeline|network|vpc|infra(?:structure)?|company|lab|premises|datacenter|data cent(?:er|re)|account|tenant|environment|box|gpus?)\b",
                          r"\bonly (?:runs?|used|use it|lives?|exists?|deployed) (?:on|in|inside|within|by)\b",
                          r"\bonly (?:inside|within) (?:the |our |my )?(?:company|organi[sz]ation|firm|team|lab|group)\b",
                          r"\bnever (?:gets? |be |been |is |are )?(?:shipped|exposed|shared|distributed|released|published|leaves?|deployed externally)\b",
                          r"\bno (?:weights|model|checkpoints?|adapters?)\b.{0,20}\b(?:go(?:es)? out|leave|leaves|are shared|is shared|shipped)\b",
                          # publishing results about a model is not publishing the model
                          _PUBLISHED_RESULTS + r")\b"],
}

# "we publish only the eval numbers": the publication is of results, and unless the model itself is also put out,
# nothing the licence calls distribution happens.
_RESULTS_ONLY = re.compile(_PUBLISHED_RESULTS + r"|blog post)\b|\bonly publish\w*\b")
_RELEASES_MODEL = re.compile(r"\b(?:publish|release|share|upload|push|distribut|put)\w* (?:it|them|the (?:\w+ )?(?:weights|model|adapter|checkpoint)s?|our (?:\w+ )?(?:weights|model|adapter|checkpoint)s?)\b"
                             r"|\b(?:weights|adapter|checkpoint)s? (?:on|to) (?:hf|hugging\s?face|the hub|github)\b"
                             # the model out beside the paper: "publish the paper and the weights"
                             r"|\b(?:publish|release|share|upload|push|distribut|put)\w* [^.?]{0,40}\b(?:and|plus|with|along with|together with) (?:the |our |its )?(?:[\w-]+ )?(?:weights|checkpoints?|adapters?|model files?)\b")

_LICENSOR_MARKS = r"\b(?:meta|llama|gemma|google|openai|gpt|chatgpt|qwen|alibaba|mistral|falcon|tii|stability|stable diffusion|nvidia|deepseek|bigcode|starcoder|bloom)"
# Only the organisation's own people use the model, said outright.
_ONLY_INTERNAL = [r"\bonly (?:our|my|the company'?s|the firm'?s) (?:own )?(?:employees|staff|team|engineers|analysts|people|lawyers|researchers|developers|devs)\b",
                  r"\b(?:nothing|none of it|no part) (?:is |gets |will be )?(?:exposed|offered|available|shared|published|distributed|released)\b",
                  r"\bbehind (?:the |our |a )?(?:corporate )?(?:vpn|firewall|sso)\b", r"\binternal[\s-]only\b", r"\b(?:solely|only|purely|strictly) internal(?:ly)?\b",
                  r"\bnot exposed to outsiders\b", r"\bnever (?:leaves?|leave) (?:our|the|my)\b", r"\bno (?:one|body) outside\b",
                  r"\b(?:not|never) (?:offered|exposed|available|provided) to (?:anyone|customers|clients|the public|outsiders|third parties)\b"]
# People outside the organisation who get the model or its service.
_OUTSIDERS = [r"\bcustomers?\b(?![\s-](?:support|service|tickets|data|emails|records|chats|conversations))", r"\bclients?\b", r"\bthe public\b", r"\bsubscribers\b", r"\bpaying users\b"]

FLAG_PATTERNS: dict[str, list[str]] = {
    "litigation": [r"\bsu(?:e|es|ing|ed)\b", r"countersu", r"lawsuit", r"\bpatent (?:suit|action)", r"\bfile (?:a )?(?:copyright|patent)", r"\blitigation\b", r"patent (?:suit|claim|infringement)", r"\bcounterclaim"],
    "trademark": [r"trademark", r"\blogo\b", r"company name", r"rename (?:our|the) company", r"register .{0,20}llama", r"(?<!our )(?<!my )(?<!own )(?<!their )(?<!its )\bbrand(?:ing)?\b", r"\bofficial\b", r"endorse", r"register .{0,20}(?:name|mark)"],
    "naming": [r"\bname(?:d|s)?\b", r"\bcall (?:it|the model)\b", r"\bprefix\b"],
    "ownership": [r"(?<!'s )(?<!our )(?<!my )(?<!its )(?<!their )(?<!your )(?<!his )(?<!her )\bown(?:s|ership)?\b(?! (?:servers|staff|employees|engineers|team|use|data|model|laptop|company|infrastructure|preference|tokens|custom))", r"\bwho owns\b", r"\bcopyright in\b"],
    "competing": [r"compet", r"rival", r"general(?:[\s-]purpose)? (?:chat|assistant|chatbot)", r"chat assistant", r"chatgpt[\s-]?(?:style|like|clone|alternative)", r"\b(?:alternative|replacement|substitute) (?:to|for) (?:chat ?gpt|openai|gpt[\w.-]*|claude|gemini)\b", r"\bcheaper (?:chat ?gpt|openai)\b", r"\bclone\b", r"\b(?:go(?:es|ing)?|went|pitted|pit it) (?:up )?against\b", r"\b(?:stand-in|stand in|drop-in replacement|swap-in) for\b", r"\bhead[\s-]to[\s-]head\b", r"\btak(?:e|es|ing) on (?:chat ?gpt|openai|gpt[\w.-]*|claude|gemini)\b", r"general[\s-]purpose (?:chat|assistant)", r"\bsell it as\b"],
    "termination": [r"terminat", r"after (?:the )?licen[cs]e (?:ends|is revoked)", r"revok"],
    "commercial": [r"(?<!non-)(?<!non )(?<!non)commercial", r"\bsell", r"\bpaid\b", r"\bpaying\b", r"revenue", r"monetiz", r"\bcustomers?\b", r"\bresell", r"subscription", r"(?<!non-)(?<!non )(?<!not-for-)(?<!not for )\bprofit",
                   r"\bclients\b", r"\b(?:for|to|with) (?:a |an |our |the |my |their )?(?:\w+ )?clients?\b", r"\bclient (?:work|projects?|deliverables)\b", r"\bclient'?s (?:\w+ ){0,2}(?:service|app|product|platform|business|company|startup|saas|tool)\b", r"\bagency\b", r"\bour (?:startup|company|business|firm)\b", r"\badvertis", r"\bmarketing\b", r"\benterprise\b"],
    "notice": [r"\bnotice\b", r"attribut", r"credit (?:the )?(?:original|authors|creators)", r"\bbuilt with\b", r"\bbadge\b"],
    "research": [r"\bresearch\b", r"\bacademic", r"\buniversity\b", r"non[\s-]?commercial"],
    # an individual using a model for themselves: not a business, not a commercial purpose
    "personal": [r"\bjust (?:me|for me|myself)\b", r"\bfor (?:my|personal) (?:own )?(?:use|fun|hobby|projects?)\b", r"\bhobby(?:ist)?\b", r"\bpersonal use\b",
                 r"\bnot (?:selling|sell) anything\b", r"\bfor myself\b", r"\bside project\b"],
    # the user means not to meet a duty the licence attaches: no attribution, no notice, no flow-down of restrictions
    "skips_obligation": [r"\bwhite[\s-]?label", r"\bno mention of (?:llama|meta|gemma|google|qwen|the (?:base|original) model)\b",
                         r"\bwithout (?:any |the )?(?:attribution|credit|notice|licen[cs]e (?:copy|file|text)|built with)\b",
                         r"\b(?:remove|strip|drop|delete|omit)\w*\b.{0,30}\b(?:attribution|notice file|notices?|licen[cs]e (?:file|text|copy)|built with|use restrictions|acceptable[\s-]use)\b",
                         r"\b(?:unrestricted|for any lawful purpose)\b", r"\bno (?:acceptable[\s-]use|use[\s-]restrictions?|aup)\b",
                         r"\b(?:doesn'?t|don'?t|won'?t|never|not) (?:want to )?(?:say|mention|disclose|credit|display|show)\b.{0,30}\b(?:llama|meta|gemma|qwen|built with)\b"],
    "safety_removal": [r"uncensor", r"strip (?:out )?(?:its |the )?refusals", r"remove (?:the )?(?:safety|guardrails)"],
    "assign_licence": [r"(?<!school )(?<!class )(?<!homework )(?<!writing )(?<!reading )\bassign(?!ments\b)", r"transfer\b.{0,40}\b(?:licen[cs]e|rights|account)", r"(?:licen[cs]e|rights|account) (?:be )?transferr?(?:ed|able)",
                       r"asset (?:sale|purchase|deal)"],
    "company_acquired": [r"share purchase", r"being (?:bought|acquired)", r"\bacquir(?:e|ing|ed) (?:a|the|our) (?:company|startup)", r"\bbuy(?:ing)? (?:the |a |our )?(?:company|startup)"] + scope.CHANGE_OF_CONTROL,
    "cosmos": [r"\bcosmos\b"],
    "outputs": [r"\b(?:outputs?|labels|generations|generated (?:text|images|content|data)|responses|answers)\b"],
    "licensed_professional": [r"licensed (?:physicians|doctors|clinicians|lawyers|attorneys|professionals|pharmacists)", r"(?:physicians|doctors|lawyers) review"],
    "describes_origin": [r"\b(?:say|says|mention|describe|state|note)s?\b.{0,40}\b(?:fine-?tuned from|based on|built on|derived from)\b"],
    "openai_api": [r"openai api", r"\bapi\b.{0,40}\b(?:openai|gpt)(?![\s-]*(?:compatible|style|format|schema|spec)\b)",
                   r"(?:openai|gpt[\w.-]*)\b(?![\s-]*(?:compatible|style|format|schema|spec)\b).{0,30}\bapi\b"],
    "other_model": [r"\b(?:mistral|mixtral|falcon|phi|qwen|gemma|deepseek|bloom|t5|bert|another|other|different|smaller|student|new|separate|non-llama)\b[\w\s-]{0,20}\bmodels?\b",
                    r"from[\s-]scratch", r"\bour (?:own )?(?:\d+(?:\.\d+)?b )?(?:base |foundation |small |from-scratch )?model\b",
                    # a sized checkpoint of another family, named even where the registry does not know it ("Qwen1.5-14B-Chat")
                    r"\b(?:qwen|mistral|mixtral|falcon|phi|gemma|deepseek|bloomz?|yi|olmo|pythia|gpt-?j|gpt-?neox|starcoder|flan-t5|t5)[\w.-]*?\d+(?:\.\d+)?b\b"],
    # The facts the coverage rules read (issue 11): acceptance without clicking, warranty and indemnity, affiliates in
    # thresholds, trade controls, statutory exceptions, and the list of models a set of terms covers.
    "acceptance": [r"\b(?:never|didn'?t|did not|without) (?:click(?:ed|ing)?|accept(?:ed|ing)?|agree(?:d|ing)?|sign(?:ed|ing)?)\b",
                   r"\bi accept\b", r"click[\s-]?through", r"\b(?:am i|are we|is (?:my|our) (?:company|team)) (?:still )?bound\b",
                   r"\bfrom (?:a|an|some|the) (?:[\w-]+ ){0,2}mirror\b", r"\bmirror(?:ed)? (?:site|copy|repo)", r"\bre-?upload(?:ed|s)?\b",
                   r"\btorrent\b", r"\bunofficial (?:copy|upload|repo)", r"\bthird[\s-]party (?:upload|mirror|copy|host)"],
    "warranty": [r"\bwarrant(?:y|ies|s)?\b", r"\bindemni", r"\bliab(?:le|ility)\b", r"\bsupport contract\b", r"\bsla\b",
                 r"(?:provided|supplied|licen[cs]ed|distributed|offered|comes?|came|sold|delivered|given|released|ships?|shipped)\s+(?:\w+ ){0,2}[\"']?as[\s-]is\b|\bas[\s-]is\b[\"']?(?:[\s,]+(?:basis|and without|without (?:any )?warrant|with no warrant|disclaimer|clause))"],
    "affiliates": [r"\baffiliates?\b", r"\bsubsidiar(?:y|ies)\b", r"\bparent (?:company|group)\b", r"\bgroup(?:'s)? (?:revenue|users|companies)\b",
                   r"\bsister compan"],
    "export": [r"\bexport[\s-]control", r"\bsanction", r"\bembargo", r"\b(?:iran|north korea|cuba|syria|crimea)\b", r"\bitar\b"],
    "statutory_exception": [r"\bfair (?:use|dealing)\b", r"text[\s-]and[\s-]data[\s-]mining", r"\btdm\b", r"copyright exception",
                            r"statutory exception"],
    "expressive_purpose": [r"\b(?:scientific|educational|documentary|artistic)\b", r"\bsex(?:ual)? education\b",
                           r"\b(?:art|film|museum) (?:project|installation|piece)\b"],
    "disclosed": [r"\b(?:clearly |explicitly |visibly )?(?:label(?:l)?ed|disclosed?|marked|watermarked)\b.{0,25}\b(?:as )?(?:ai|synthetic|machine|generated|fake|parody|satire)",
                  r"\b(?:parody|satire|satirical)\b",
                  r"\b(?:says?|states?|tells?|shows?|displays?|notes?|explains?|announces?)\b (?:\w+ ){0,3}(?:clearly |explicitly |plainly |prominently )?(?:that )?(?:it'?s|it is|this is|they are|they'?re|she is|he is) (?:an? )?(?:ai|bot|machine|synthetic|simulat\w*|automated)\b"],
    "model_scope": [r"\bis (?:it|this|that|[\w.-]+) (?:a |an )?(?:official )?[\"']?gemma[\"']? model\b",
                    r"\bcounts? as (?:a |an )?[\"']?gemma[\"']?(?:\s+model)?\s*\?",
                    r"\bwhich (?:models|checkpoints) (?:does|do) the (?:gemma )?(?:terms|appendix) (?:cover|list)"],
    "from_scratch": [r"from[\s-]scratch", r"our own (?:\d+b |foundation |base )?model", r"different architecture", r"own foundation", r"\bown\b[\w\s-]{0,25}\bfoundation(?:al)? model", r"(?:pre-?train|creat|build|train|improv)\w*\b.{0,40}\bfoundation(?:al)?\b.{0,25}\bmodel"],
}

# The family licences (issue 11, s2fam): outputs named as what a model wrote, professionals who review and sign,
# questions about which models a set of terms covers, and the facts their carve-outs turn on.
FLAG_PATTERNS["outputs"] += [
    r"\b(?:[\w.]+-)?generated (?:[\w&-]+ ){0,2}(?:dataset|data|corpus|pairs|q&a|text|images|code|content)\b",
    r"\b(?:wrote|writes|written|generated|generates|produced|produces|drafted|drafts)\b (?:(?:a bunch|a lot|lots|most|some|all|much) of )?(?:the |our |my )?(?:[\w']+ ){0,2}(?:code|text|copy|images|essays|articles|content|data|answers|summaries|translations)\b",
    r"\b(?:code|text|copy|images|essays|articles|content|answers|summaries|translations) (?:that |which )?(?:[\w.-]+ ){1,2}(?:wrote|writes|generated|generates|produced|produces|made|makes)\b",
]
FLAG_PATTERNS["licensed_professional"] += [
    r"\b(?:radiologists?|physicians?|doctors?|clinicians?|pathologists?|nurses?|pharmacists?|lawyers?|attorneys?|accountants?|cpas?)\b (?:\w+ ){0,2}(?:reviews?|rewrites?|edits?|checks?|signs?|approves?|verifies|corrects?)\b",
    r"\b(?:reviewed|rewritten|signed|approved|checked) (?:and \w+ )?by (?:a |the |our )?(?:licensed |qualified )?(?:radiologist|physician|doctor|clinician|lawyer|attorney|pharmacist)",
]
FLAG_PATTERNS["model_scope"] += [
    r"\b(?:does|do|would) (?:that|the|this) definition (?:of [\"']?gemma[\"']? )?(?:cover|include|reach)",
    r"\b(?:listed|named|covered) (?:in|by) the (?:gemma )?(?:appendix|terms'? appendix)\b",
]
FLAG_PATTERNS.update({
    # only what the model produced goes out (retrieval/scope.py reads it; set there, not by a pattern)
    "model_stays": [],
    # the question gives a group's figure for a threshold that counts affiliates (set by retrieval/scope.py)
    "group_figure": [],
    # how the "Llama" mark or the "Built with" line is shown: size, logo, form (Meta's brand guidelines)
    "mark_display": [r"\bbrand guidelines\b", r"\bllama logo\b", r"\blogo next to\b",
                     r"\bhow (?:big|large|small|prominent|visible)\b.{0,40}\b(?:built with|llama|mark|attribution|logo)",
                     r"\b(?:font|font size|size|colou?r|typeface)\b.{0,25}\b(?:of|for) (?:the )?[\"']?(?:built with|llama)",
                     # how the word is styled in the name: case, typeface, a logotype
                     r"\b(?:lower[\s-]?case|upper[\s-]?case|all[\s-]caps|styli[sz]ed|custom[\s-](?:typeface|font)|typeface|font|logotype|styling)\b[^.?]{0,30}[\"'\u2018\u201c]?llama\b"],
    # Meta's own name or the Llama logo as the user's product branding (not the display the licence asks for)
    "meta_branding": [r"\b(?:brand|call|name|market|title)\w*\b[^.?]{0,40}[\"'\u201c\u2018]meta[\s-]?(?!llama[\s-]?\d)[\w-]*",
                      r"[\"'\u201c\u2018]metallama\b", r"\b(?:app|application) icon\b", r"\bfavicon\b", r"\b(?:as|in|for) (?:our|the|my) (?:own )?(?:product |company |app )?logo\b",
                      r"\blogo\b[^.?]{0,40}\b(?:landing page|homepage|packaging|merch\w*|store listing|app store)\b"],
    # a non-profit or free service: not "commercially using" the model on its face
    "nonprofit": [r"\bnon[\s-]?profit\b", r"\bnot[\s-]for[\s-]profit\b", r"\bcharit(?:y|able)\b", r"\bngo\b",
                  r"\bfree,? (?:and )?ad[\s-]free\b", r"\bno ads?\b.{0,20}\bno (?:fees?|charge|payment)"],
    # the question says outright that generated content is not disclosed as machine-generated
    "undisclosed": [r"\bwithout (?:a |any )?(?:label|disclos|disclaim|watermark|saying|telling|mention)",
                    r"\b(?:unlabell?ed|undisclosed|unmarked)\b", r"\b(?:never|not|aren'?t|isn'?t|won'?t be|are never) (?:be )?(?:told|disclosed|labell?ed|marked)\b",
                    r"\b(?:no|never|don'?t|won'?t) (?:\w+ ){0,2}(?:label|disclos|disclaim|mention|tell)\w*",
                    r"\bas if (?:it was|it were|written by) (?:a )?human", r"\bpass(?:ed|ing)? (?:it |them )?off as\b"],
    # people, not the model, take every decision (the restriction covers fully automated decision-making only)
    "human_decides": [r"\b(?:humans?|people|staff|detectives|officers|investigators|analysts|caseworkers|case workers|reviewers|judges|underwriters|loan officers|recruiters|clinicians|teachers)\b (?:\w+ ){0,2}(?:make|makes|take|takes|keep|keeps)\b (?:\w+ ){0,2}(?:every|each|all|the final|the actual|the real) (?:decision|call)",
                      r"\bhuman[\s-]in[\s-]the[\s-]loop\b", r"\b(?:a )?human (?:reviews?|approves?|decides|signs off)\b",
                      r"\bdecisions? (?:stay|remain|are made) (?:with|by) (?:humans|people|staff|our \w+)\b"],
    # the user's own terms are meant to take the place of the licence, not to sit beside it
    "replaces_licence": [r"\binstead of (?:the )?(?:llama|meta|gemma|google|qwen|deepseek)?\s*(?:licen[cs]e|terms|agreement)",
                         r"\b(?:drop|remove|strip|replace|swap)\w* (?:out )?(?:the )?(?:(?:llama|meta|gemma|google|qwen|deepseek)[\w.-]* )(?:[\w.-]+ ){0,2}(?:licen[cs]e|agreement|terms)\b",
                         r"\bin place of (?:the )?(?:llama|meta|gemma|licen)", r"\binstead of the (?:llama|gemma|meta|google)\b",
                         r"\bwithout (?:the )?(?:llama|meta) (?:licen[cs]e|agreement|terms)\b"],
})
# The carve-outs of the use policies, in the words people use (issue 11, s3use): the Gemma exception for scientific,
# educational, documentary or artistic content; content not disclosed as machine-generated; the professionals or
# people who keep every decision (BigCode (i), (m), (n), BigScience (h), DeepSeek).
FLAG_PATTERNS["expressive_purpose"] += [
    r"\bsex(?:ual)?[\s-](?:education|ed\b|health)", r"\b(?:novelist|novella|screenwriter|playwright|poet)s?\b", r"\bliterary\b",
    r"\b(?:my|our|her|his|their|a|the) (?:\w+ )?novel\b(?=\s*(?:[.,;:!?)]|$|for\b|about\b|that\b|which\b|set\b|i\b|we\b))",
    r"\bfor (?:a|my|our|the|her|his|their) (?:\w+ ){0,2}(?:novel|screenplay|stage play|film|short story|poetry collection|art (?:project|exhibit\w*|installation))\b",
    r"\b(?:anatomy|medical|biology|health) (?:textbooks?|lessons?|classes|courses?|curricul\w*)\b",
    r"\b(?:museums?|galler(?:y|ies)|exhibitions?|art history|history of (?:\w+ )?art|art (?:school|class|students))\b",
]
# Disclosure said as making it clear: "every screen makes clear it's an AI simulation, not the real person".
FLAG_PATTERNS["disclosed"] += [
    r"\b(?:makes?|made|making) (?:it )?(?:clear|plain|obvious|explicit|known)\b (?:to (?:\w+ ){0,2})?(?:that )?(?:it'?s|it is|this is|they are|they'?re|these are|the (?:\w+ ){0,2}(?:is|are)) "
    r"(?:an? |only an? |just an? |all )?(?:ai|bot|machine|synthetic|simulat\w*|automated|generated|fake|artificial|computer[\s-]generated)\b",
]
FLAG_PATTERNS["undisclosed"] += [
    r"\b(?:would )?(?:rather|prefer(?:red)?) not (?:to )?(?:mention|disclose|say|label|tell|flag|note|admit)\b",
    r"\bnothing (?:\w+ ){0,3}(?:says|indicates|shows|tells|marks|labels|mentions|discloses|signals)\b.{0,40}\b(?:ai|machine|generated|bot|automated|model|llm)\b",
    r"\b(?:looks?|appears?|passes?) (?:like|as) (?:a |an )?(?:normal|real|regular|ordinary|genuine|human) (?:\w+ )?(?:account|person|employee|human|user|staffer)\b",
    # "nowhere does the account say it's automated", "we'd say nothing about AI involvement"
    r"\b(?:nowhere|at no point)\b (?:\w+ ){0,3}(?:say|says|mention|mentions|state|states|disclose|discloses|indicate|indicates|tell|tells|admit|admits|label|labels)\b",
    r"\b(?:say|saying|said|mention|mentioning|disclose|disclosing|admit|admitting) nothing (?:\w+ ){0,2}(?:about|on)\b",
]
FLAG_PATTERNS["human_decides"] += [
    r"\b(?:lawyers?|attorneys?|solicitors?|doctors?|physicians?|nurses?|managers?|officers?|adjusters?|humans?|people|staff|employees|reviewers?|analysts?|clerks?|agents?)\b.{0,40}\b(?:make|makes|take|takes|keep|keeps)\b (?:\w+ ){0,2}(?:every|each|all|the final|the actual|the real) (?:\w+ )?(?:decisions?|calls?)\b",
]
# Someone who uses another company's product with the model inside: the EU clause of the Llama AUPs leaves them out.
DEPLOYMENT_PATTERNS[Deployment.END_USER] += [
    r"\b(?:use|using) an? (?:[\w-]+ ){1,2}(?:app|application|product|service|website|tool|chatbot)\b[^.]{0,60}\b(?:powered by|runs on|built on|based on)\b",
]
# Export law named only as something already complied with is no export question (the use category says the same).
_EXPORT_COMPLIED = [r"(?:assum\w*|provided|given|as long as|so long as|if|once) (?:that )?(?:\w+ ){0,3}(?:export[\s-]controls?|sanctions?|trade)(?:[\s-](?:laws?|rules|regulations|requirements))? (?:is |are |has been |have been )?(?:fully )?(?:complied with|met|respected|observed|followed|satisfied|cleared|handled)"]
FLAG_PATTERNS["licensed_professional"] += [
    r"\b(?:doctors?|physicians?|clinicians?|lawyers?|attorneys?|pharmacists?|nurses?)\b.{0,30}\b(?:make|makes|take|takes|keep|keeps)\b (?:\w+ ){0,2}(?:every|each|all|the final|the actual) (?:\w+ )?(?:decisions?|calls?)\b",
]
LICENCE_PATTERNS["deepseek-license"] += [r"\bdeepseek[\s-]licen[cs]ed\b"]
LICENCE_PATTERNS["stability-ai-community"] += [r"\bstability(?:\.ai| ai)(?:'s)? (?:[\w.-]+ ){0,2}(?:models?|image (?:models?|generators?))\b"]
# Someone who only uses a third party's product that has the model inside (Llama s.1.b.ii, Stability's Section III).
DEPLOYMENT_PATTERNS[Deployment.END_USER] += [
    r"\b(?:use|using) an? (?:[\w-]+ ){1,2}(?:app|application|website|tool|chatbot|assistant|service)\b (?:from|by|made by|of) (?:an?|some|another) (?:[\w.-]+ ){0,2}(?:company|vendor|startup|provider|developer)\b",
    r"\bthird[\s-]party\b.{0,40}\b(?:app|saas|service|vendor|tool|product|platform|software)\b.{0,50}\b(?:embeds?|embedding|integrat\w*|powered by|built (?:on|around)|whose (?:\w+ ){0,2}(?:is|runs|uses))\b",
    r"\b(?:vendor|supplier|provider)'?s? own (?:\w+ ){0,2}(?:arrangement|licen[cs]e|agreement|account|deal)\b",
    r"\b(?:use|uses|using) (?:a |an |the )?(?:[\w-]+ ){0,3}(?:app|tool|product|platform|software|suite)\b (?:that|which) (?:embeds|integrates|bundles|includes)\b",    # another company's app, named first and then used: "there's an app from a US company that runs on X; may I use it?"
    r"\b(?:an?|this|that|the) (?:[\w-]+ ){0,2}(?:app|application|website|tool|chatbot|assistant|service|product)\b (?:from|by|made by|of) (?:an?|some|another|a big) (?:[\w.-]+ ){0,2}(?:company|vendor|startup|provider|developer|firm)\b"
    r"[^.?]{0,60}\b(?:runs? on|built on|uses|powered by|based on|under the hood)\b(?:(?!integrat|embed|into (?:our|my)|resell|rebrand|white[\s-]?label)[\s\S]){0,120}\b(?:use|using) (?:it|this|that|the (?:app|tool|service|product|website|chatbot|assistant))\b",
]
DEPLOYMENT_PATTERNS[Deployment.WEIGHTS_RELEASE] += [r"\bship(?:s|ping)?\b (?:the |our )?(?:\w+ )?(?:weights|checkpoints?)\b"]
# A product someone runs that the model powers ("the startup's support product runs a Llama fine-tune")
DEPLOYMENT_PATTERNS[Deployment.HOSTED] += [
    r"\b(?:whose|their|its|the (?:startup|company|target|client|vendor)'?s) (?:[\w-]+ ){0,2}(?:app|product|service|platform|chat ?bot|assistant|tool)\b[^.?]{0,30}\b(?:runs|uses|is built on|is powered by|relies on)\b"]
DEPLOYMENT_PATTERNS[Deployment.END_USER] += [
    r"\b(?:i|we)\b(?:[^.?]{0,25}\b)?(?:use|subscribe to|pay for) an? (?:[\w-]+ ){0,3}(?:app|saas|service|tool|website|platform|product)\b[^.?]{0,60}\b(?:powered by|runs on|built on)\b"]
# "neither the data nor the model is shared"
DEPLOYMENT_PATTERNS[Deployment.INTERNAL] += [r"\b(?:neither|nor)\b[^.?]{0,40}\b(?:is|are|will be|gets?|get)\s+(?:shared|distributed|published|released)\b"]
# The weights end up on hardware other people own: a device or appliance sold with them, users' own laptops.
_ON_OTHERS_HARDWARE = re.compile(
    r"\bpre[\s-]?(?:installed|loaded)\b|\b(?:sell|sells|sold|selling|ship|ships|shipped|shipping|deliver|delivers|supply|supplies)\b[^.?]{0,60}\b(?:appliances?|devices?|boxes|hardware|units)\b"
    r"|\b(?:run|runs|running|execute|executes)\b[^.?]{0,30}\blocally on (?:the )?(?:users?'?|customers?'?|clients?'?|their|people'?s|end[\s-]users?'?) (?:own )?(?:laptops?|devices?|machines?|phones?|computers?|pcs?|desktops?)\b"
    r"|\b(?:inside|in|within|with) (?:a |an |our |its |the )?(?:[\w-]+ ){0,2}(?:extension|plugin|add-on|addon|game|desktop client|binary)\b[^.?]{0,40}\b(?:ship|shipped|bundled|included|run|runs)\b"
    r"|\bship\w*\b[^.?]{0,60}\b(?:inside|in|within|with) (?:a |an |our |its |the )?(?:[\w-]+ ){0,2}(?:extension|plugin|add-on|addon|game|client|binary)\b")
DEPLOYMENT_PATTERNS[Deployment.INTERNAL] += [
    r"\bnot exposed (?:as|via|through)\b",
    r"\bnothing (?:is |gets |will be |'s )?(?:shared|published|distributed|released|shipped)\b", r"\brun(?:ning|s)?\b (?:[\w.-]+ ){1,3}locally\b",
    r"\b(?:inside|within) (?:its|our|my|their|the) (?:own )?(?:[\w-]+ ){0,2}(?:team|department|unit|lab|hospital|clinic|firm|office)\b(?! (?:of|for) (?:customers|clients|users))",
    r"\bon (?:a|my|our) (?:own )?(?:laptop|workstation|desktop|pc)s?\b",
    # an organisation's or a person's own machines ("on its own servers", "on their own laptops"), a tool used locally
    r"\bon (?:its|their|his|her) own (?:servers?|hardware|machines?|gpus?|infrastructure|cluster|laptops?|workstations?|desktops?|pcs?)\b",
    r"\b(?:use|uses|using) (?:[\w.-]+ ){1,3}locally\b", r"\bstaff (?:use|uses|run|runs|query|queries)\b",
]
# Words that name a deployment without being one: someone else's released model ("a released model's weights"), an
# editor plugin the user's own developers run (no hosted service).
_NOT_A_DEPLOYMENT = re.compile(r"\b(?:a|an|any) (?:publicly |openly )?released (?:model|checkpoint|weights?)\b"
                               r"|\b(?:ide|editor|vs ?code|jetbrains|intellij|neovim|vim|emacs) (?:plugin|extension)s?\b"
                               # the licensor's release of a version, the moment a threshold is measured at (Llama s.2)
                               r"|\b(?:version )?release date\b|\bwhen (?:[\w.\s-]{0,30}?)(?:was|were|got) (?:first )?released\b"
                               r"|\b(?:was|were|got) released (?:in|on|back in|last)\b|\b(?:since|at|before|after|on) (?:its |the |their )?(?:release|launch)\b"
                               # the duties of distributing, asked about ("any distribution paperwork?"), are no distribution
                               r"|\bdistribution (?:paperwork|obligations?|requirements?|conditions?|duties|rules|clauses?|provisions?|formalities|steps)\b")

TARGET_PATTERNS: list[tuple[str, str]] = [
    (r"(?:under|as|with|slap|release[sd]?.{0,20}under|licen[cs]e (?:it|them) under|relicen[cs]e.{0,30}(?:to|as|under)|switch.{0,30}to|an?)\s+(?:an?\s+|the\s+|plain\s+|just\s+|only\s+|simply\s+|bare\s+|nothing but\s+){0,3}mit\b(?![\s-]*(?:notices?|attribution|copyright))", "mit"),
    (r"(?:under|as|with|to)\s+(?:an?\s+|the\s+|plain\s+|just\s+|only\s+|simply\s+|bare\s+|nothing but\s+){0,3}apache[\s-]*(?:2(?:\.0)?)?\b(?![\s-]*(?:2(?:\.0)?)?[\s-]*(?:notices?|notice file|attribution|licen[cs]e (?:text|copy|file)|text|copy|file|headers?|copyright))", "apache-2.0"),
    (r"(?:under|with|as)\s+(?:an?\s+|the\s+)?(?:cc[\s-]*by[\s-]*sa|creative commons)", "cc-by-sa-4.0"),
    (r"(?:under|with|as)\s+(?:an?\s+)?(?:our own|my own|custom|proprietary|closed|commercial)\s+(?:(?!and\b|data\b|code\b|weights\b)[\w']+\s+){0,3}?(?:licen[cs]e|terms|eula)", "proprietary"),
    (r"\b(?:our|my) own (?:custom |commercial )?(?:licen[cs]e|terms|eula)\b", "proprietary"),
    (r"\b(?:proprietary|closed|paid)[\s,]+(?:paid\s+)?licen[cs]e\b", "proprietary"),
    (r"instead of the (?:llama|gemma|meta|google)", "proprietary"),
]


# ---- Terms beyond the model-family licences (OpenAI terms, Creative Commons, Apache-2.0 / MIT, NVIDIA) and documents
# the corpus lacks. The vocabulary is data for the rules in corpus/rules/openai.toml, creative-commons.toml,
# apache-mit.toml and shared.toml; each flag names one idea of a clause.
FLAG_PATTERNS.update({
    # OpenAI 2023 s.4(e): more than one account to benefit from free-tier credits
    "multiple_accounts": [r"\b(?:several|multiple|many|extra|\d+|two|three|four|five|ten|a bunch of) (?:\w+ )?(?:openai |chatgpt |api )?accounts\b.{0,60}\b(?:free|credits?|trial)\b",
                          r"\b(?:free[\s-]tier|free|trial|signup|sign-up) credits?\b.{0,60}\b(?:accounts|sign[\s-]?ups|emails)\b",
                          r"\bmore than one (?:openai |chatgpt )?account\b", r"\bstack\w* (?:the )?(?:free[\s-]tier |free |trial )?credits\b",
                          r"\b(?:several|multiple|many|extra|different|\d+|two|three|new) (?:e-?mails?|e-?mail addresses|phone numbers|accounts|sign[\s-]?ups)\b.{0,60}\b(?:free|trial)\b.{0,30}\bcredits?\b",
                          r"\bsign(?:ed|ing)? up (?:again|repeatedly|multiple times|several times)\b.{0,60}\bcredits?\b"],
    # OpenAI minimum age: 13, and a parent's or guardian's permission under 18
    "minor": [r"\b(?:my|our|a|the|his|her|their) 1[3-7][\s-]?(?:years?[\s-]old|y/?o|yrs? old)\b(?! (?:company|startup|business|firm|laptop|account|product|model))",
              r"\bteen(?:ager|age|aged)?s?\b", r"\bminors?\b", r"\bunder[\s-]?18s?\b", r"\bhigh[\s-]school(?:ers?| students?)?\b", r"\baged? 1[3-7]\b",
              r"\bages? 1[3-7]\s*(?:-|to|\u2013)\s*1[3-7]\b", r"\bi(?:'m| am) 1[3-7]\b(?![\s-]*(?:%|percent|people|employees|million))",
              r"\b1[3-7][\s-]?(?:years?[\s-]old|y/?o|yrs? old)s?\b(?! (?:company|startup|business|firm|laptop|account|product|model|brand|codebase))",
              # "my daughter is 14", "our son (15)", "a student who just turned 16"
              r"\b(?:daughter|son|kid|child|niece|nephew|student|pupil|grand(?:son|daughter|child)|little (?:sister|brother)|stepson|stepdaughter)s?,? "
              r"(?:is|who is|who's|aged|age|turned|just turned|is only|is just|\()\s*1[3-7]\b(?![\s-]*(?:%|percent|million|k\b))"],
    "no_guardian_consent": [r"\bwithout (?:a |their |his |her |my |our |the )?(?:parents?'?s?|parental|guardian'?s?|legal guardian'?s?) (?:consent|permission|approval|knowledge|ok)\b",
                            r"\b(?:parents?|guardians?|mum|mom|dad) (?:don'?t|doesn'?t|do not|does not|won'?t|will not|didn'?t|did not) (?:know|agree|consent|approve|allow)\b"],
    "under_13": [r"\b(?:my|our|a|the|his|her|their) (?:[1-9]|1[0-2])[\s-]?(?:years?[\s-]old|y/?o|yrs? old)\b(?! (?:company|startup|business|firm|laptop|account|product|model))",
                 r"\b(?:daughter|son|kid|child|niece|nephew|grand(?:son|daughter|child)|little (?:sister|brother))s?,? (?:is|who is|who's|aged|age|turned|just turned|is only|is just|\()\s*(?:[5-9]|1[0-2])\b(?![\s-]*(?:%|percent|million|k\b|years? (?:ago|later)))",
                 r"\bunder[\s-]?13s?\b", r"\b(?:elementary|primary|grade)[\s-]school(?:ers?| students?| kids| children)?\b", r"\baged? (?:[5-9]|1[0-2])\b"],
    # what the Sharing & Publication Policy (incorporated, not in the corpus) asks of published Output
    "publication_rules": [r"\b(?:what|which|how)\b[^.?]{0,40}\b(?:requir|attribut|disclos|credit|cite|label|acknowledg)\w*[^.?]{0,60}\b(?:publish|publication|post(?:ed|ing)?|share|sharing)\w*",
                          r"\b(?:publish|publication|post(?:ed|ing)?)\w*[^.?]{0,60}\b(?:what|which|how)\b[^.?]{0,30}\b(?:requir|attribut|disclos|credit|cite|label)\w*",
                          r"sharing (?:&|and) publication policy",
                          r"\b(?:what|which) (?:are )?(?:the )?(?:rules|requirements|conditions|obligations)\b[^.?]{0,30}\b(?:for|on|about|when) (?:publish|post|shar)\w*",
                          r"\b(?:require|requires|need|needs|must|have to)\b[^.?]{0,30}\b(?:disclos|attribut|credit|label|acknowledg|cit)\w*[^.?]{0,40}\b(?:publish|publication|post)\w*",
                          r"\b(?:disclos|attribut|credit|label|acknowledg)\w*\b[^.?]{0,30}\bwhen (?:publishing|posting|sharing|we publish|i publish)\b"],
    # a model that does one narrow job, where "competes with OpenAI" (undefined) is in doubt
    "narrow_task": [r"\b(?:narrow|single[\s-]task|task[\s-]specific|special(?:ised|ized)|domain[\s-]specific|small in[\s-]house)\b.{0,30}\b(?:model|classifier)\b",
                    r"\bclassifier\b", r"\bmodel (?:that |which )?only (?:does|converts|classifies|extracts|tags|labels|summari[sz]es|detects|routes|translates)\b",
                    r"\b(?:only|just) (?:converts?|classif(?:y|ies)|extracts?|tags?|routes?)\b"],
    # terms or measures added on top of licensed material that restrict what recipients may do with it
    "adds_restrictions": [r"\badd(?:s|ed|ing)?\b.{0,30}\b(?:use|usage|field[\s-]of[\s-]use) restrictions\b",
                          r"\b(?:add|impos|attach|layer)\w*\b.{0,40}\b(?:extra|additional|further|our own|its own|their own|more) (?:terms|restrictions|conditions)\b",
                          r"\b(?:add|apply|impos|wrap)\w*\b.{0,30}\b(?:drm|technical (?:protection )?measures|encryption that stops)\b",
                          r"\b(?:add|impos|attach)\w* (?:a |an )?(?:no[\s-]commercial|non[\s-]commercial|nc|no[\s-]derivatives?) (?:clause|restriction|term|condition)\b",
                          r"\bunder (?:\w+ ){0,2}terms (?:that|which) (?:prohibit|forbid|ban|restrict|bar|limit|disallow)\b",
                          r"\b(?:add|impos|attach|insert|includ)\w*\b.{0,10}\b(?:a |an )?['\"]?(?:no|non)[\s-]?(?:commercial|derivatives?|resale|redistribution)(?:[\s-]use)?['\"]? (?:clause|restriction|term|condition)s?\b",
                          r"\bwith (?:drm|copy[\s-]protection|technical (?:protection )?measures)\b"],
    # a breach cured within / after the 30 days from discovery (CC BY 4.0 s.6(b)(1))
    "cured_in_time": [r"\b(?:noticed|discovered|found|spotted)\b.{0,30}\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b.{0,40}\b(?:fixed|cured|corrected|restored)\b.{0,20}\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
                      r"\b(?:fixed|cured|corrected|restored) (?:it |them )?(?:the same week|that week|that day|the next day|the following day)\b",
                      r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|added (?:it|them|the \w+)|restored|put (?:it |them )?back)\b.{0,60}\b(?:within|after|in|inside)\s+(?:(?:[1-9]|[12]\d|30)|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|fourteen|twenty)\s+days?\b",
                      r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b.{0,60}\b(?:within|after|in)\s+(?:[1-4]|one|two|three|four|a|a couple of)\s+weeks?\b",
                      r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b.{0,40}\b(?:the (?:same|next) day|immediately|right away|within hours|the day after)\b",
                      r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b.{0,30}\b(?:[1-9]|[12]\d|30|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|fourteen|twenty) days? (?:after|later|from|of)\b",
                      r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b.{0,30}\b(?:[1-4]|one|two|three|four|a|a couple of) weeks? (?:after|later|from|of)\b",
                      r"\b(?:(?:[1-9]|[12]\d|30|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|fourteen|twenty) days?|(?:[1-4]|one|two|three|four|a|a couple of) weeks?) (?:after|of|from) (?:we |i |they |you |the team )?(?:noticed|discovered|found out|found|learned|realised|realized|spotted|noticing|discovering|finding)"],
    "cured_late": [r"^(?=[\s\S]*\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b)[\s\S]*?\b(?:missing|absent|wrong|uncorrected|unfixed)\b.{0,20}\bfor (?:over |more than )?(?:(?:\d+|two|three|four|five|six|several|a few|many) (?:months?|years?)|a (?:month|year)|(?:3[1-9]|[4-9]\d|\d{3}) days|(?:[5-9]|1\d|five|six|seven|eight|ten|several) weeks)\b",
                   r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b.{0,60}\b(?:after|in|only)\s+(?:(?:3[1-9]|[4-9]\d|\d{3})\s+days?|(?:[5-9]|1\d|five|six|seven|eight|ten|several)\s+weeks?|(?:\d+|two|three|four|six|several|a few|many)\s+months?|a (?:month|year))\b",
                   r"\b(?:fix|fixed|cured?|corrected|remedied|rectified|restored)\b.{0,30}\b(?:(?:3[1-9]|[4-9]\d|\d{3}) days?|(?:[5-9]|1\d|five|six|seven|eight|ten|several) weeks?|(?:\d+|two|three|four|six|several|a few|many) months?|a (?:month|year)) (?:after|later|from|of)\b",
                   r"\b(?:(?:3[1-9]|[4-9]\d|\d{3}) days?|(?:[5-9]|1\d|five|six|seven|eight|ten|several) weeks?|(?:\d+|two|three|four|six|several|a few|many) months?|a (?:month|year)) (?:after|of|from) (?:we |i |they |you |the team )?(?:noticed|discovered|found out|found|learned|realised|realized|spotted|noticing|discovering|finding)"],
    # a distribution already made without the required notices, and the question how to put it right
    "past_omission": [r"^(?=[\s\S]*\b(?:fix|fixed|fixing|fixable|remed\w*|cure\w*|correct\w*|rectif\w*|going forward|from now on|what now|what do we do|what should we do|next (?:release|version)|version \d|retroactive\w*|tainted|make (?:it|this) right|clean (?:it|this) up)\b)"
                      r"[\s\S]*?\b(?:forgot|forgotten|omitted|missed|left out|didn'?t include|did not include|never included)\b.{0,40}\b(?:licen[cs]e|notices?|attribution|notice file|copyright|credits?)\b.{0,60}\b(?:ship|shipped|distributed|released|published|shared|re-?shared|uploaded|sold|delivered)\b",
                      r"^(?=[\s\S]*\b(?:fix|fixed|fixing|fixable|remed\w*|cure\w*|correct\w*|rectif\w*|going forward|retroactive\w*|tainted|make (?:it|this) right|clean (?:it|this) up)\b)"
                      r"[\s\S]*?\b(?:shipped|distributed|released|published|shared|re-?shared|uploaded|sold|delivered)\b.{0,80}\bwithout (?:the |a |an |any )?(?:[\w.-]+ ){0,2}?(?:licen[cs]e|notices?|attribution|notice file|change notices|copyright|credit)",
                      # "we published the dataset but left out the attribution ... later we added the credits"
                      r"^(?=[\s\S]*\b(?:fix|fixed|fixing|remed\w*|cure\w*|correct\w*|rectif\w*|added (?:back |in )?(?:the |our )?(?:credits?|attribution|notices?))\b)"
                      r"[\s\S]*?\b(?:shipped|distributed|released|published|shared|re-?shared|uploaded|re-?uploaded|posted|sold|delivered)\b.{0,80}\b(?:left out|omitted|forgot|missed|dropped|skipped)\b.{0,20}\b(?:licen[cs]e|notices?|attribution|notice file|copyright|credits?)"],
})
# The licence text or copyright notice deleted from the copies passed on.
FLAG_PATTERNS["skips_obligation"] += [r"\b(?:remov|strip|drop|delet|omit)\w*\b.{0,30}\b(?:licen[cs]e|copyright|permission) (?:notice|file|text|header)s?\b",
                                      r"\b(?:leave|leaving|left) out\b.{0,30}\b(?:attribution|notices?|credits?|built (?:with|on)|licen[cs]e|agreement|copyright)",
                                      r"\bwithout (?:including|shipping|providing|giving|bundling|attaching) (?:the |a |any |a copy of the )?(?:agreement|licen[cs]e|notices?|attribution)\b",
                                      r"\bwithout (?:the |a |any )?(?:notice file|copyright notice|licen[cs]e notice)\b"]
# The NVIDIA licence named loosely ("NVIDIA's open model licence", "their open model").
LICENCE_PATTERNS["nvidia-open-model-license"] += [r"\bnvidia(?:'s)?\b.{0,20}\bopen[\s-]models?\b"]
# Which models a set of terms covers, when the list is an appendix the corpus lacks ("identified in the Appendix").
FLAG_PATTERNS["model_scope"] += [r"\b(?:does|do|would) (?:that|the|this) (?:definition|appendix|list) (?:cover|include|reach|apply to)\b",
                                 r"\b(?:is|are) [\w .-]{2,40} (?:covered|included|listed) (?:by|in|under) (?:the |that |this )?(?:appendix|definition)\b",
                                 r"\bidentified in the appendix\b[^?]{0,120}\b(?:cover|covered|include|included|count|counts)\b"]
# A company merger or purchase is an acquisition; "merging with another startup" is not a model merge.
DEPLOYMENT_PATTERNS[Deployment.ACQUISITION] += [r"\bmerg(?:e|es|ed|ing) with (?:another|a|an|the|our) (?:\w+ )?(?:company|startup|firm|business|competitor|rival|group)\b",
                                                r"\bchange of control\b", r"\bbuys (?:our|the|a) (?:company|startup|business|firm)\b"]
_COMPANY_MERGER = re.compile(r"\bmerg(?:e|es|ed|ing|er) (?:with|of) (?:another|a|an|the|our|two) (?:\w+ )?(?:company|companies|startups?|firms?|business(?:es)?|competitor|rival|group)\b|\bmerged (?:entity|company)\b")
_MODEL_MERGE = re.compile(r"mergekit|slerp|\bties\b|frankenmerge|\bmerg\w*\b.{0,30}\b(?:weights|models?|checkpoints?|fine-?tunes?|adapters?|loras?)\b")
# Weights handed to customers inside a product or image leave the organisation.
DEPLOYMENT_PATTERNS[Deployment.ON_DEVICE] += [r"\bship(?:s|ped|ping)?\b.{0,60}\b(?:inside|in|within|with|as part of) (?:a |an |its |our |their |the )?(?:[\w-]+ ){0,2}(?:product|appliance|app|device|software|container|image|installer|package)\b",
                                              r"\b(?:container|docker|vm) images?\b.{0,40}\b(?:to|for) (?:our |its |their )?(?:customers|clients)\b",
                                              r"\bship(?:s|ped|ping)?\b (?:\w+ ){0,3}of (?:our|the|its|their) (?:\w+ )?(?:product|app|appliance|device|software)\b",
                                              r"\bas part of (?:my|our|the|a|an|their) (?:\w+ )?(?:product|app|device|software|package|bundle|appliance)\b"]
DEPLOYMENT_PATTERNS[Deployment.WEIGHTS_RELEASE] += [r"\b(?:ship|deliver|hand|sell|licen[cs]e)\w*\b.{0,50}\b(?:weights|fine-?tunes?|model|checkpoints?)\b.{0,40}\bto (?:an? |our |its |their |the )?(?:customers?|clients?|buyers?|licensees?)\b",
                                                    r"\b(?:ship|deliver|hand|install)\w*\b.{0,30}\b(?:on[\s-]?prem(?:ise[sd]?|ises)?|on[\s-]site)\b.{0,20}\b(?:to|for|at) (?:an? |our |the |their )?(?:customers?|clients?|buyers?)\b",
                                                    r"\b(?:ship|deliver|hand)\w* (?:it|them|the (?:\w+ )?(?:weights|model)) to (?:our |its |their )?(?:customers|clients|buyers)\b"]
# The non-family terms (issue 11, s3terms): the facts their own clauses turn on.
FLAG_PATTERNS["adds_restrictions"] += [
    r"\b(?:click[\s-]?through|clickwrap|click[\s-]?wrap|terms of (?:use|service)|tos|eula|agreement|gate|form)\b (?:that|which) (?:\w+ )?(?:forbids?|prohibits?|bans?|bars?|restricts?|disallows?|rules? out)\b"]
# Not passing on the required statement or credit: "doesn't mention TII at all", "no usage restrictions at all".
FLAG_PATTERNS["skips_obligation"] += [
    r"\b(?:doesn'?t|don'?t|won'?t|never|not|without) (?:want to )?(?:say|mention|mentioning|disclose|credit|display|show|name|naming)\b.{0,30}\b(?:tii|technology innovation institute|falcon|stability(?: ai)?|nvidia|alibaba|deepseek)\b",
    r"\b(?:no|without(?: any)?) (?:usage|use|acceptable[\s-]use) (?:restrictions?|rules|limits|policy)\b(?! (?:apply|applies))"]
# Training on material is a fine-tune unless a narrower method is named ("trains a model on CC BY-SA text").
METHOD_PATTERNS[Method.FULL_FINETUNE] += [r"\btrains\b.{0,30}\bon\b"]
# The material itself put up again, re-posted or mirrored, leaves the organisation (CC "Share").
DEPLOYMENT_PATTERNS[Deployment.WEIGHTS_RELEASE] += [r"\b(?:re-?post|re-?upload|re-?host|mirror)\w* (?:it|them|the (?:\w+ ){0,2}(?:set|dataset|data|images|photos|files|corpus))\b"]
# Material passed between organisations: "two labs exchange their datasets with each other".
DEPLOYMENT_PATTERNS[Deployment.WEIGHTS_RELEASE] += [r"\b(?:share|exchange|swap|trade)\w* (?:\w+ ){0,4}with (?:each other|one another|partner (?:labs?|institutes?|universit\w+))\b"]
# Academic work named by its form (a thesis, a PhD) is research; "not sharing weights or selling anything" is personal.
FLAG_PATTERNS["research"] += [r"\bph\.?d\b", r"\b(?:thesis|dissertation)\b", r"\b(?:master'?s|grad(?:uate)?|undergrad(?:uate)?) (?:student|project|course)\b"]
FLAG_PATTERNS["personal"] += [r"\bnot (?:sharing|selling|distributing)\b[^.?]{0,30}\b(?:or|nor) (?:selling|sharing|distributing) anything\b"]
# The material shown to the public on a site the user runs (CC "Share" includes public display).
DEPLOYMENT_PATTERNS[Deployment.HOSTED] += [r"\b(?:our|my|the|a) (?:web)?site (?:shows|displays|serves|hosts|features)\b", r"\bpublic (?:gallery|exhibition|display)\b"]
# Nothing leaves: "neither the data nor the model is shared".
DEPLOYMENT_PATTERNS[Deployment.INTERNAL] += [r"\b(?:run|runs|running|host|hosts|hosting|deploy\w*)\b[^?;]{0,60}\bon (?:its|their) own (?:servers|hardware|infrastructure|machines|gpus|cluster|premises)\b"]
DEPLOYMENT_PATTERNS[Deployment.INTERNAL] += [r"\bneither\b.{0,40}\bnor\b.{0,40}\b(?:is|are|gets?|will be) (?:ever )?(?:shared|released|published|distributed|shipped)\b"]
FLAG_PATTERNS["competing"] += [r"\b(?:chat ?gpt|gpt[\w.-]*|openai|o[13])[\s-](?:alternative|replacement|substitute|killer|competitor|clone)s?\b"]
FLAG_PATTERNS["publication_rules"] += [
    r"\b(?:rules?|policy|policies|requirements?|restrictions?|anything)\b (?:\w+ ){0,2}(?:about|on|for|around|regarding|against) (?:publish|post|shar|stream|livestream|broadcast)\w*",
    r"\b(?:can|may) (?:i|we) (?:publish|post|livestream|stream|broadcast)\w*\b.{0,60}\b(?:transcripts?|conversations?|chats?|sessions?)\b"]
FLAG_PATTERNS.update({
    # personal data of people sent to the service (the March 2023 OpenAI terms, s. 5(c): privacy notices and consents)
    "personal_data": [r"\bpersonal (?:data|information|details)\b", r"\bpii\b", r"\bgdpr\b",
                      r"\b(?:names?|e-?mail addresses|phone numbers|home addresses|dates? of birth)\b(?:,? (?:and|or|plus) |, )(?:\w+ )?(?:e-?mail addresses|emails|phone numbers|addresses|names)\b",
                      r"\b(?:customer|patient|employee|user|client) (?:records|data|details)\b.{0,30}\b(?:names|emails|addresses|identif)"],
    # where the service is used, by country (the March 2023 OpenAI terms allow only "geographies currently supported")
    "named_country": [r"\b(?:in|from|based in|located in|out of|residents? of|citizens? of)\s+(?:the\s+)?(?:vietnam|china|russia|belarus|iran|venezuela|afghanistan|pakistan|bangladesh|nigeria|egypt|ethiopia|kenya|ghana|south africa|morocco|algeria|tunisia|turkey|t\u00fcrkiye|saudi arabia|uae|united arab emirates|qatar|israel|jordan|lebanon|iraq|india|indonesia|malaysia|thailand|philippines|cambodia|laos|myanmar|nepal|sri lanka|hong kong|macau|taiwan|korea|south korea|japan|singapore|brazil|argentina|chile|colombia|peru|mexico|ukraine|kazakhstan|uzbekistan|georgia|armenia|serbia)\b",
                      r"\b(?:supported|available|unsupported|restricted) (?:countries|regions|geograph(?:y|ies)|locations)\b",
                      r"\b(?:countries|regions|geograph(?:y|ies)) (?:where|in which) (?:openai|chatgpt|the (?:api|service))\b"],
    # the user means to stay on the version of a licence or policy they first accepted ("grandfathered", "that snapshot")
    "frozen_version": [r"\bgrandfather\w*\b", r"\b(?:snapshot|copy) (?:of (?:the |that )?(?:aup|policy|licen[cs]e|terms) )?(?:forever|for good|indefinitely)\b",
                       r"\b(?:keep|stay|stick|remain)\w*\b.{0,40}\b(?:the |that |our )?(?:old|original|earlier|previous|first|prior|same|downloaded) (?:version|snapshot|copy|text)\b",
                       r"\b(?:version|snapshot|copy) (?:we|i|they|it) (?:originally |first |initially )?(?:accepted|agreed to|downloaded|signed|checked|launched (?:with|under))\b",
                       r"\bignore (?:the |any )?(?:later|newer|future|updated|new) (?:versions?|updates?|changes?)\b",
                       r"\b(?:originally|first|initially) (?:accepted|agreed)\b.{0,60}\b(?:updat|revis|chang|new version)",
                       r"\b(?:updat|revis|chang)\w*\b.{0,80}\b(?:still|keep|continue)\w*\b.{0,40}\b(?:the |our )?(?:version|terms|licen[cs]e) (?:we|it|they) (?:originally |first )?(?:accepted|agreed|signed)"],
    # the licensor asked for its attribution to be taken off (CC 4.0 s. 3(a)(3))
    "licensor_removal_request": [r"\b(?:asked|asks|requested|requests|wants|told)\b.{0,40}\b(?:take|remove|drop|delete|strip)\w*\b.{0,20}\b(?:her|his|their|my|the creator'?s|the author'?s) (?:name|credit|attribution)",
                                 r"\b(?:take|remove|drop|delete)\w* (?:her|his|their) (?:name|credit|attribution) (?:off|from|out)\b",
                                 r"\bdoes(?:n'?t| not) want (?:to be )?(?:credited|attributed|named)\b"],
})
TARGET_PATTERNS += [
    (r"(?:under|with|as|to)\s+(?:an?\s+|the\s+)?(?:cc[\s-]*by[\s-]*nc|creative commons attribution[\s-]*non[\s-]?commercial)", "cc-by-nc-4.0"),
    (r"(?:under|with|as|to)\s+(?:an?\s+|the\s+)?(?:cc[\s-]*by|creative commons attribution)(?![\s-]*(?:sa|nc|share|non)\b)", "cc-by-4.0"),
    (r"(?:under|with|as)\s+(?:its|their|his|her) own\s+(?:custom |commercial |proprietary )*(?:licen[cs]e|terms|eula)", "proprietary"),
    # "under plain CC BY 4.0": the same target with a word for "just that licence"
    (r"(?:under|with|as|to)\s+(?:an?\s+|the\s+)?(?:plain|just|simple|regular|ordinary|normal|vanilla)\s+(?:cc[\s-]*by|creative commons attribution)(?![\s-]*(?:sa|nc|share|non)\b)", "cc-by-4.0"),
]

# Everyday words for the family licences' ideas (s4fam): data in retrieval/family_vocab.py.
for _flag, _pats in family_vocab.FLAGS.items():
    FLAG_PATTERNS.setdefault(_flag, []).extend(_pats)
# A plan that leaves out what the licence sends with the copies (fix-B): data in retrieval/duty_vocab.py.
for _flag, _pats in duty_vocab.FLAGS.items():
    FLAG_PATTERNS.setdefault(_flag, []).extend(_pats)
for _doc, _pats in family_vocab.LICENCES.items():
    LICENCE_PATTERNS.setdefault(_doc, []).extend(_pats)
for _dep, _pats in family_vocab.DEPLOYMENTS.items():
    DEPLOYMENT_PATTERNS[Deployment(_dep)].extend(_pats)
for _method, _pats in family_vocab.METHODS.items():
    METHOD_PATTERNS[Method(_method)].extend(_pats)
TARGET_PATTERNS += family_vocab.TARGETS
_NOT_A_TARGET_AFTER = re.compile(family_vocab.NOT_A_TARGET_AFTER)
_NOT_A_TARGET_BEFORE = re.compile(family_vocab.NOT_A_TARGET_BEFORE)

# ---- Who gets the model and what was done to it, in everyday words (s4dep). Each list states one idea the licences
# turn on: whether anyone outside the organisation receives or reaches the model, whether the weights themselves go
# out, where a copy ends up, how the model was changed, and which model plays which part. Negated forms are read as
# negations ("nobody outside ever gets it" is internal use, "the weights are never handed over" is no release).
_OUTSIDER = (r"(?:customers?|clients?|users?|outsiders?|third[\s-]part(?:y|ies)|the public|partners?|external (?:users?|part(?:y|ies)|people)|"
             r"anyone|anybody|people|members of the public|end[\s-]users?)")
_INSIDER = (r"(?:staff|staffers|employees|team(?:mates)?|engineers|developers|devs|analysts|researchers|scientists|colleagues|co-?workers|lawyers|"
            r"people|members|personnel|workforce|students|lab members|in-house (?:team|staff))")
_ACCESS = (r"(?:gets?|got|sees?|saw|touch(?:es)?|uses?|used|reach(?:es)?|access(?:es)?|has access|have access|receives?|downloads?|interacts? with|talks? to|queries|query|logs? in|can (?:use|reach|see|access|touch|get))"
           r"(?! (?:to )?(?:the |a copy of the |copies of the |any |our )?(?:[\w-]+ )?(?:weights|checkpoints?|model files?|copy|copies)\b)")
# No one outside the organisation receives or reaches the model: strong enough to set internal use on its own.
NOBODY_OUTSIDE = [
    r"\bno(?:body| one|-one)(?: outside| external| else| from outside)(?: (?:the |our |my |this )?(?:[\w-]+ )?(?:company|organi[sz]ation|org|firm|team|lab|group|building|department|university|school|hospital|bank|office))?"
    r"(?: (?:will|can|could|would|does|ever|is|are))*(?: ever)? " + _ACCESS + r"\b",
    r"\bno (?:customers?|clients?|outsiders?|third[\s-]part(?:y|ies)|external (?:users?|part(?:y|ies))|members? of the public|end[\s-]users?)(?: (?:will|can|could|would|does|ever))*(?: ever)? " + _ACCESS + r"\b",
    r"\b(?:outsiders|customers|clients|the public|third parties|(?:people|anyone|users) (?:from )?outside(?: (?:the |our |my )?(?:[\w-]+ )?(?:company|organi[sz]ation|org|firm|team|lab|group))?) "
    r"(?:will )?(?:never|don'?t|do not|won'?t|will not|can'?t|cannot|can not|aren'?t able to|have no way to)(?: ever)? (?:get|see|touch|use|reach|access|receive|download|interact with|talk to|query)\b"
    r"(?! (?:to )?(?:the |a copy of the |copies of the |any |our )?(?:[\w-]+ )?(?:weights|checkpoints?|model files?|copy|copies)\b)",
    r"\b(?:used |accessed |reachable |available |accessible |open )?only (?:by|to) (?:our |the |my |company |internal |in-house )?(?:own )?" + _INSIDER + r"\b",
    r"\bonly (?:company |internal |in-house )?(?:staff|employees|personnel|insiders)\b(?: \w+){0,2} (?:can |may |will )?(?:uses?|used|access(?:es)?|reach(?:es)?|sees?|quer(?:y|ies)|touch(?:es)?|logs? in|calls?|runs?)\b",
    r"\bonly (?:our|my|the company'?s|the firm'?s|the lab'?s) (?:own )?(?:[\w-]+ )?" + _INSIDER + r" (?:\w+ )?(?:can |may |will |ever )?(?:uses?|used|access(?:es)?|reach(?:es)?|sees?|quer(?:y|ies)|touch(?:es)?|logs? in|calls?|runs?|gets?)\b",
    r"\b(?:over|through|via|on|behind) (?:the |our |a |an )?(?:corporate |company |internal |office |private )?(?:vpn|intranet|lan)\b",
    r"(?<!weights )(?<!weights are )(?<!weights will )(?<!weights is )(?<!checkpoint is )(?<!checkpoints are )(?<!files are )"
    r"\b(?:won'?t|will not|don'?t|do not|never|not going to|doesn'?t|does not|didn'?t|did not|aren'?t going to|not)\b (?:\w+ ){0,2}"
    r"(?:pass|give|hand|send|share|provide|release|distribute|ship|show|sell|lend|supply|expose|publish|offer|open|license|licence|make)\w*\b[^.?;]{0,60}\b(?:to|with) "
    r"(?:anyone|anybody|others|outsiders|third parties|the public|customers|clients|people outside|any(?:one|body) (?:else|outside))\b",
    r"\b(?:never|not|won'?t|doesn'?t|does not|don'?t|do not)\b (?:ever )?(?:goes|go|gets? (?:sent|given|passed|handed)|is (?:sent|given|passed|handed)|leaves?|leave)\b "
    r"(?:out(?:side)? |anywhere |outside (?:the |our )?(?:\w+ )?(?:company|organi[sz]ation|org|firm|team|lab|building) |to )?(?:anyone|anybody|others|outsiders|third parties|the public|customers|clients|anywhere)\b",
    r"\b(?:all|entirely|strictly|purely|only|fully|everything(?: stays)?) (?:inside|within|in-house|internal to) (?:the |our |my |its )?(?:own )?(?:company|organi[sz]ation|org|firm|team|lab|group|walls|building|department)\b",
    r"\b(?:just|only|purely|solely|strictly) for (?:myself|ourselves|me|us)\b",
    r"\b(?:none of it|nothing|no part of it)\b (?:\w+ ){0,2}(?:ever )?(?:leaves?|goes out|gets out)\b",
    r"\bkeep(?:s|ing)? (?:it|them|this|that|the (?:\w+ )?(?:model|weights|checkpoint)) (?:for ourselves|for myself|to ourselves|to myself|in[\s-]house|internal|private)\b",
]
# Not released in so many words, though outsiders may use a service (the weights are another matter than access).
KEPT_TO_OURSELVES = [
    r"\b(?:don'?t|do not|won'?t|will not|never|not)\b (?:\w+ )?(?:sell|share|publish|distribute|release|give away|post|upload)\w*(?: (?:or|and|nor) (?:sell|share|publish|distribute|release|give|post|upload)\w*)? (?:any(?:thing| of (?:it|them|this|these))|it|them)\b",
    r"\b(?:inside|within) (?:its|our|my|their|the) (?:own )?(?:company|organi[sz]ation|org|group|business)\b(?!'s)(?! (?:of|for) (?:customers|clients|users))",
]
# The weights themselves do not go out: a service on top of them may still reach people outside.
WEIGHTS_STAY = [
    # no plan to put it out at all
    r"\b(?:don'?t|do not|won'?t|will not|never|not|no)\b (?:\w+ ){0,3}(?:plan|intend|going|want|expect|mean|wish)\w* (?:\w+ )?to (?:put|publish|release|upload|share|distribute|open[\s-]?source|post|push|sell|ship)\b",
    r"\b(?:weights|checkpoints?|model files?|model itself|model binar(?:y|ies)|parameters)\b(?: (?:themselves|itself))?[^.?;]{0,20}?\b(?:never|not|isn'?t|aren'?t|won'?t|don'?t|doesn'?t)\b"
    r"(?: (?:be|get|ever|going to be|been))* (?:handed|given|sent|shared|shipped|distributed|released|published|leave|leaves|go out|made available|downloadable|provided|passed|sold|exposed|delivered|uploaded|available)\b",
    r"\bno(?:body| one|-one)(?: outside| else| external)?(?: (?:ever|will|can|does))*(?: ever)? (?:gets?|sees?|receives?|touch(?:es)?|downloads?|has|have|obtains?) (?:a copy of |copies of )?(?:the |our |any |a )?(?:[\w-]+ )?(?:weights|checkpoints?|model files?)\b",
    r"\b(?:customers|clients|users|outsiders|they)\b (?:will )?(?:never|don'?t|do not|won'?t|can'?t|cannot)(?: ever)? (?:get|see|receive|touch|download|have|obtain) (?:a copy of |copies of )?(?:the |our |any )?(?:[\w-]+ )?(?:weights|checkpoints?|model files?)\b",
    r"\b(?:it|the model|the weights|the checkpoint|the fine-?tune)\b (?:only )?(?:lives?|stays?|remains?|sits?|resides?|runs?) (?:only )?(?:on|in|inside|within) (?:our|my|the company'?s|its own|our own)\b",    # the publication is of something else: "publishing papers but not the weights"
    r"\b(?:but|and|though) not (?:the |our |its |any )?(?:[\w-]+ )?(?:weights|checkpoints?|model files?|model itself|parameters)\b",
]
# Someone else's release, or the hub as where the model or its card was found: not the user putting the model out.
SOMEONE_ELSES_RELEASE = re.compile(
    r"\b(?:as |the way |exactly as |just as )?(?:meta|google|nvidia|alibaba|mistral|tii|stability|microsoft|deepseek|bigcode|bigscience|openai|ibm|the authors|the provider|the licensor|"
    r"the vendor|the developers?|the publishers?|its (?:authors|creators|developers?))(?: (?:originally|first|officially|publicly))? (?:released|published|distributed|shipped|uploaded|open[\s-]sourced|put out)\b(?: (?:it|them|the (?:\w+ )?(?:model|weights|checkpoint)s?))?"
    r"|\bas[\s-](?:released|published|distributed|downloaded)\b|\bthe (?:original|official|upstream|public) (?:release|weights|checkpoint)\b"
    r"|\b(?:from|off) (?:hf|hugging ?face|the (?:hf |hugging ?face )?hub)\b"
    r"|\b(?:tagged|listed|labell?ed|marked|licensed|described|shown)\b[^.?]{0,30}\b(?:on|at|by) (?:hf|hugging ?face|the hub)\b"
    r"|\b(?:hf|hugging ?face|the hub)(?:'s)? (?:lists?|tags?|says|shows|labels?|page|card|model card|listing|metadata)\b"
    r"|\bon (?:hf|hugging ?face|the hub),? (?:it'?s|it is|the (?:card|model card|licen[cs]e))\b")
DEPLOYMENT_PATTERNS[Deployment.INTERNAL] += NOBODY_OUTSIDE + KEPT_TO_OURSELVES
_ONLY_INTERNAL += NOBODY_OUTSIDE
# Reaching people as a service: a web tool, a cloud offering, a product people pay to call.
DEPLOYMENT_PATTERNS[Deployment.HOSTED] += [
    r"\b(?:web|browser|cloud)[\s-]based\b", r"\bonline (?:service|tool|assistant|app|platform|product|chat ?bot|version|demo)\b",
    r"\b(?:cloud[\s-]hosted|in the cloud|cloud (?:service|offering|product|platform|api))\b", r"\bsubscribers?\b",
    r"\b(?:charg|bill)\w* (?:\w+ ){0,3}for (?:api |model )?(?:access|usage|queries|calls|requests|tokens|seats|inference)\b",
    r"\b(?:call|calls|calling|hit|hits|query|queries) (?:our|the|my) (?:\w+ )?(?:endpoint|api|service)\b",
    # people outside put something in and the model answers them
    r"\b(?:users?|customers?|patients|visitors|people|members|players|students|subscribers)\b (?:\w+ ){0,2}(?:type|types|lists?|enter|enters|submit|submits|upload|uploads|send|sends|describe|describes|ask|asks|paste|pastes)\b(?:[^.?]|\.(?=\w)){0,60}\b(?:it|the (?:bot|assistant|model|app|tool))(?: (?:built on|powered by|based on|running on)(?: [\w.-]+){1,3})? (?:replies|answers|responds|returns|tells|explains|gives|writes|suggests)\b",
    r"\b(?:app|site|website|platform|service|tool)\b(?:[^.?]|\.(?=\w)){0,40}?\bwhere (?:users|adults|people|customers|visitors|players|students|members|subscribers|kids|teens|fans)\b",
    r"\b(?:accessible|available|open) to (?:the (?:general )?public|anyone|everyone|customers|clients|outside users)\b", r"\b(?:chat )?widget\b",
    r"\bin prod\b", r"\b(?:paid|consumer|public|subscription|customer[\s-]facing|user[\s-]facing|commercial|free)\s+(?:[\w-]+\s+){0,2}(?:app|service|assistant|chat ?bot|website|platform)\b",
]
# A copy goes to someone: handed, passed on, sold, put out, listed on a marketplace.
# (a copy of the licence text is a notice that travels with a copy, not the copy)
_COPY = (r"(?:weights|checkpoints?|model files?|fine[\s-]?tunes?|finetunes?|adapters?|loras?|ggufs?|quants?|merges?|the (?:finished |trained |resulting |new |final )?model|"
         r"(?:copies|a copy)(?! of (?:the |this |that |its |their |our )?(?:[\w.-]+ ){0,2}(?:licen[cs]es?|agreements?|terms|notices?|polic(?:y|ies)|aup|text)\b))")
# passing on rules, terms or costs is a flow-down, not a copy
_NOT_PASSED = r"(?!(?:[\w.-]+ ){0,4}?(?:rules|terms|restrictions|conditions|obligations|notices?|costs?|savings|requirements|polic(?:y|ies)|prices?|fees|the aup)\b)"
COPY_GOES_OUT = [
    r"\bpass(?:es|ed|ing)? (?:on|along)\b " + _NOT_PASSED, r"\bpass(?:es|ed|ing)? " + _NOT_PASSED + r"(?:[\w.-]+ ){1,5}(?:on|along) to\b",
    r"\b(?:hand(?:s|ed|ing)?|give|gives|giving|gave|send(?:s|ing)?|sent|deliver(?:s|ed|ing)?|provide|provides|providing|suppl(?:y|ies|ied|ying)|pass(?:es|ed|ing)?|"
    r"sell(?:s|ing)?|sold|rent(?:s|ed|ing)?|leas(?:e|es|ed|ing)|pay(?:s|ing)? for)\b (?:(?!access\b|that\b|which\b|who\b|to\b)[\w.-]+ ){0,4}" + _COPY + r"\b(?! card)",
    r"\b(?:customers|clients|users|partners|buyers|they|people|recipients|licensees)(?: will| would|'d|'ll| can)? (?:get|receive|download)\b (?:\w+ ){0,3}(?:" + _COPY + r"|it|them)\b(?! card)",
    r"\b(?:hand|give|send|deliver|provide|supply|ship|pass)\w* (?:it|them|this|that)\b (?:out |over |back )?(?:under|to (?:customers|clients|partners|users|others|people|buyers|companies|third parties|the public|\w+ companies))\b",
    # selling or licensing it to customers is a copy only when it goes under licence terms (else it may be a service)
    r"\b(?:sell|rent|lease|licen[cs]e)\w* (?:it|them|this|that)\b(?: out)?(?: to (?:\w+ ){0,2}(?:customers|clients|partners|users|buyers|companies|businesses))? (?:under|on) (?:[\w'-]+ ){0,5}(?:licen[cs]es?|terms|contracts?|eulas?|agreements?)\b",
    r"\b(?:rent|lease|licen[cs]e)\w* (?:it|them) out\b", r"\bgo(?:es|ing)? out to\b",
    r"\bhand(?:s|ed|ing)? (?:it|them|copies) (?:out|around)\b", r"\bpass(?:es|ed|ing)? (?:it|them|copies|the (?:model|weights|checkpoint|adapter|fine-?tune|dataset|data|corpus)) (?:on|along)\b",
    r"\blicens(?:e|es|ed|ing) (?:out )?(?:the|our|my|its|their|a copy of the|copies of the) (?:[\w.-]+ ){0,5}?(?:weights|checkpoints?|model files?|fine-?tunes?|tunes?|adapters?|loras?|model) to\b",
]
DEPLOYMENT_PATTERNS[Deployment.WEIGHTS_RELEASE] += COPY_GOES_OUT + [
    r"\bput(?:s|ting)? (?:it|them|this|that) (?:back )?(?:out|up)\b(?! with)",
    r"\bput(?:s|ting)? (?:the|our|my|a|an|this|that) (?:[\w.-]+ ){0,3}(?:model|weights|checkpoint|fine-?tune|adapter|lora|dataset|corpus|copy|version|merge|gguf|data|set) (?:back )?(?:out|up)\b",
    r"\bput(?:s|ting)? out (?:the|our|my|a|an) (?:[\w.-]+ ){0,3}(?:model|weights|checkpoint|fine-?tune|adapter|lora|dataset|corpus|merge|gguf)\b",
    r"\b(?:marketplace|store|shop) for (?:ai )?models\b", r"\bmodel (?:marketplace|store|shop|zoo)\b", r"\brepackag",
    r"\b(?:available|offered) (?:for|to) download\b", r"\bmake (?:it|them|the (?:\w+ )?(?:weights|model|checkpoint)) downloadable\b",
]
# The weights end up on a machine someone else owns: a customer's servers, a box sold with them installed.
_AT_OTHERS_SITE = re.compile(
    r"\b(?:we|i|our team|our engineers)\b (?:will |would |'ll |then )?(?:install|deploy|set up|put|load|run)\w*\b[^.?]{0,30}\bon (?:their|the customer'?s?|the client'?s?|customers'?|clients'?) (?:own )?"
    r"(?:servers?|hardware|machines?|premises|infrastructure|infra|cluster|devices?|laptops?|phones?|computers?|gpus?|data ?cent(?:er|re)s?|systems?)\b"
    r"|\bon (?:the |each |every )?(?:customer|client|buyer|hospital|partner|user)s?'?(?:'s)? (?:own )?(?:servers?|hardware|premises|infrastructure|machines?|devices?|laptops?|phones?|systems?|sites?)\b"
    r"|\b(?:customers|clients|users|buyers|end[\s-]users|people|they)\b (?:\w+ ){0,2}(?:install|download|run)\w*\b[^.?]{0,40}\bon (?:their|its) (?:own )?(?:laptops?|devices?|machines?|phones?|computers?|pcs?|desktops?|servers?|hardware|premises)\b"
    r"|\balready (?:installed|loaded|on (?:it|them|board))\b"
    r"|\b(?:comes?|came|ships?|shipped|sold|delivered) (?:pre-?(?:loaded|installed) )?with (?:the )?(?:[\w.-]+ ){0,4}(?:weights|model)\b[^.?]{0,20}\b(?:installed|loaded|on (?:it|board))\b"
    r"|\b(?:sell|sells|sold|selling|ship|ships|shipped|shipping|deliver|delivers)\b[^.?]{0,40}\b(?:box|appliance|device|unit|server|machine)\b")
# Dropping the licence text into a bundle is a duty, not a bundle that carries the model.
# "built into our app": the model inside something shipped to users
DEPLOYMENT_PATTERNS[Deployment.ON_DEVICE] += [
    r"\b(?:packaged|packed|included|shipped|distributed|bundled|delivered) (?:in|inside|into|with|as part of) (?:the|our|a|an|their|each|every) (?:[\w-]+ ){0,2}(?:game|app|application|installer|software|binary|client|container image|docker image|firmware|device|appliance)\b",r"\b(?:built|baked|integrated|embedded) (?:right )?(?:into|in) (?:our|the|their|an?) (?:[\w-]+ ){0,2}(?:app|application|device|software|game|client|firmware|product)\b"]
_BUNDLES_TEXT = re.compile(r"\bbundl\w* (?:the |a |an |our |its |their )?(?:copy of (?:the )?)?(?:licen[cs]e|notices?|notice file|attribution|legal|terms|text)\b|\ba bundle of\b")
# What was done to the model: trained further, more pretraining, taught from another model's answers, used as a judge.
METHOD_PATTERNS[Method.FULL_FINETUNE] += [
    r"\btrain(?:s|ed|ing)?\b (?:[\w./-]+ ){0,3}further\b", r"\bfurther[\s-](?:train|tun|fine)", r"\btrain(?:s|ed|ing)? (?:it|them|the model) (?:more|again)\b",
    r"\b(?:additional|extra|more|another round of|a (?:further|second|new) round of) (?:supervised |instruction )?(?:training|tuning|fine[\s-]?tuning)\b",
    r"\b(?:model|it) (?:has )?(?:learned|learnt) from\b", r"\bwhat (?:our|the|my) model (?:learned|learnt) from\b",
    r"\btrain(?:s|ing)? (?:an?|the|our|my|this|that) (?:[\w.-]+ ){0,5}model\b(?! from scratch)",
    r"\b(?:instruction|supervised|chat|task|domain|preference)[\s-]tun(?:e|es|ed|ing)\b(?! (?:data(?:sets?)?|examples|pairs|corpus|corpora|sets?|mix(?:tures?)?|samples)\b)", r"\b(?:our|my|the|a|this|that|their|its) (?:[\w.-]+ ){0,3}tunes?\b(?! (?:in|out|up)\b)",
]
# weights combined into one model: averaged, blended, interpolated, souped
METHOD_PATTERNS[Method.MERGE] += [r"\b(?:combin|averag|blend|fus|interpolat|soup)\w*\b (?:the )?(?:weights|parameters|checkpoints)\b",
                                  r"\b(?:combin|averag|blend|fus|interpolat)\w*\b (?:[\w.-]+ ){0,4}?(?:checkpoints|fine-?tunes|adapters|loras)\b",
                                  r"\b(?:weight|model|checkpoint) (?:averaging|soups?|interpolation)\b"]
METHOD_PATTERNS[Method.CONTINUED_PRETRAINING] += [
    r"\bcontinu\w* (?:the |its |our )?pre[\s-]*train", r"\bcontinu\w* (?:the |its )?pre[\s-]?training\b",
    r"\b(?:more|further|additional|extra|another round of|a (?:further|second|new) round of|resum\w*|kept|keep) (?:of )?pre[\s-]*train",
    r"\bpre[\s-]*train\w* (?:it |them |the model )?(?:further|more|again)\b",
    r"\b(?:kept|keep|keeps|continu\w*) (?:on )?training\b[^.?]{0,60}\b(?:raw|unlabell?ed|plain|unstructured) (?:\w+ )?(?:text|code|data|corpus|documents|files)\b",
]
_OUTPUT_NOUNS = r"(?:examples|samples|logs|chat logs|labels|answers|replies|responses|outputs|transcripts|completions|pairs|generations|conversations|dialogues)"
METHOD_PATTERNS[Method.DISTILLATION] += [
    r"\b(?:write|writes|wrote|written|writing|produce[sd]?|producing|create[sd]?|creating|make|makes|made|draft\w*|label\w*|annotat\w*)\b[^.?]{0,50}\b"
    r"(?:training (?:set|data|examples|corpus|pairs)|instruction[\s-](?:tuning )?(?:examples|data|pairs|set)|(?:sft|fine[\s-]?tuning|tuning) (?:data|examples|set|pairs)|chat logs|q&a pairs|question[\s-]answer pairs)\b",
    r"\b(?:train|trains|trained|training|fine[\s-]?tun\w*|teach\w*|taught)\b[^.?]{0,60}\b(?:on|with|from|using) (?:those|these|such|the resulting|the generated|its|their) (?:\w+ )?" + _OUTPUT_NOUNS + r"\b",
    r"\b(?:produc|generat|creat|writ|draft|collect|sav|harvest|scrap|pull|grab|record)\w*\b[^.?]{0,80}\b(?:use|using|used)\b (?:them|those|these|the (?:\w+ )?" + _OUTPUT_NOUNS + r")\b (?:to|for) (?:train|fine[\s-]?tun|teach|pre[\s-]?train|build)",
    # what another model returns, kept and used as a corpus
    r"\b(?:what|everything|whatever|all) (?:[\w.-]+ ){0,3}(?:returns|returned|outputs|generates|generated|says|said|writes|wrote|produces|produced|replies|replied)\b[^.?]{0,60}\b(?:train|build|corpus|dataset|fine[\s-]?tun|teach)",
    r"\b(?:teach|taught|train|trained|training|learn|learns|learned|learnt)\w*\b[^.?]{0,40}\bfrom (?:its|their|the (?:big|large|bigger|larger|teacher)(?: model)?'?s?|(?:the )?(?:[\w.-]+ ){0,3}[\w.-]+'s?) (?:answers|outputs|responses|replies|generations|completions|predictions|logits)\b",
]
_PICKS = (r"\b(?:pick|choos|select|prefer)\w* (?:the )?(?:better|best|preferred|winning|worse|stronger)\b"
          r"|\b(?:rank|scor|rat|grad|judg|compar)\w* (?:[\w'-]+ ){0,2}?(?:(?:pairs|sets) of )?(?:answers|responses|completions|outputs|replies|generations)\b"
          r"|\bpaired (?:answers|responses|completions|outputs)\b|\b(?:pairwise|side[\s-]by[\s-]side) (?:comparisons?|judg\w*|rankings?|preferences?)\b")
METHOD_PATTERNS[Method.RLHF] += [_PICKS, r"\b(?:grader|critic|rater|scorer)\b"]
# Charging for it is commercial use, in any of the words for a price.
FLAG_PATTERNS["commercial"] += [
    r"\bcharg(?:e|es|ed|ing) (?:\w+ ){0,3}?(?:for\b|\$|€|£|\d|a fee|fees|money|per\b)", r"\bfor a fee\b", r"\b(?:on|for) sale\b",
    r"\b(?:customers|clients|users|developers|people|they|subscribers|buyers) (?:will )?pay (?:us|for|to|a|per|monthly|\$)",
]
# an individual doing it for fun, and a model with one narrow job
FLAG_PATTERNS["personal"] += [r"\b(?:just |purely |only )?for fun\b", r"\bas a hobby\b", r"\bin my (?:spare|free) time\b", r"\bfor kicks\b"]
FLAG_PATTERNS["narrow_task"] += [r"\bwhose (?:sole|only|single|one|entire) (?:task|job|purpose|function|use) is\b", r"\b(?:sole|only|single) (?:task|job|purpose|function) (?:is|of)\b",
                                 r"\btiny (?:in[\s-]house |internal |task[\s-]specific )?(?:model|classifier)\b"]
FLAG_PATTERNS["litigation"] += [r"\b(?:take|takes|taking|took|taken) (?:\w+ ){0,2}to court\b", r"\b(?:the|a|our|this|that) (?:patent )?suit\b", r"\bcourt (?:case|action)\b"]
FLAG_PATTERNS["ownership"] += [r"\b(?:its|our|their|my|his|her) (?:own )?(?:property|asset)\b", r"\bbelongs? to (?:us|me|it|them|the client|our|my)\b"]
# Leaving out what the licence asks to be carried or shown.
FLAG_PATTERNS["skips_obligation"] += [
    r"\bun-?branded\b", r"\b(?:forbid|prohibit|bar|ban|stop|prevent|restrict)\w* (?:us|me|them|the vendor) from (?:mentioning|naming|crediting|displaying|showing|saying|disclosing)\b",
    r"\b(?:llama|meta|gemma|google|qwen|tii|falcon|mistral|stability|nvidia|deepseek|bigcode|bigscience|the (?:base|original|upstream) model|the (?:original )?authors?)\b[^.?]{0,20}"
    r"\b(?:isn'?t|is not|aren'?t|are not|won'?t be|will not be|never)\b (?:\w+ )?(?:mentioned|credited|named|acknowledged|attributed|cited|disclosed)\b",
    r"\bnone of the (?:usage |use )?(?:restrictions|notices|attribution|conditions)\b", r"\bwithout (?:the |its |any )?(?:usage|use) (?:restrictions|conditions|limits)\b",
    r"\b(?:leave|leaving|left) out (?:the |its |their |any |all )?(?:usage |use )?(?:restrictions|conditions)\b",
]
FLAG_PATTERNS["adds_restrictions"] += [
    r"\b(?:add|impos|attach|layer|bolt|tack)\w*(?: on)?\b.{0,30}\b(?:use|usage) (?:bans|prohibitions|limits|limitations|restrictions|conditions)\b",
    r"\bclick[\s-]?through\b[^.?]{0,60}\b(?:won'?t|will not|not to|no|only|forbid\w*|prohibit\w*|bans?|bars?)\b",
]
# "under the client's own closed terms", "under a licence we write ourselves": the user's own terms as the release licence
# (a vendor's "own Community License" is the licensor's licence, not terms the user writes).
TARGET_PATTERNS += [
    (r"\b(?:under|on)\s+(?:an?\s+|the\s+)?(?!(?:apple|meta|google|microsoft|mistral|nvidia|alibaba|qwen|deepseek|stability|tii|openai|ibm|cohere|the licensor|its licensor)'?s?\b)"
     r"(?:[\w']+\s+){0,2}?(?:own|proprietary|closed|custom|bespoke|in[\s-]house|private)\s+(?!community\b)(?:[\w-]+\s+){0,3}?(?:licen[cs]es?|terms|eula|contract|agreement)\b(?!\s+(?:from|with) (?:meta|google))", "proprietary"),
    (r"\b(?:under|with)\s+(?:a|an|our|my)\s+(?:new\s+)?(?:licen[cs]e|terms|contract|eula) (?:that )?(?:we|i|they) (?:write|wrote|draft|drafted|make|made|create|created)\b", "proprietary"),
    (r"\b(?:licen[cs]e|terms|contract|eula) of (?:our|my|its|their) own (?:drafting|making|writing)\b", "proprietary"),
]
_TARGET_VERBS = r"\blabel|\btag|\bmark|\blicen[cs]|\bput\b|\bupload|\bgo out\b|\bhand|\bgive|\boffer|\brepackag|\brent|\bpass"
# "hand the weights to clients as 'Nimbus-7B', our own brand": a quoted name the release goes out as.
_NAME_AS = re.compile(r"""\b(?:hand|give|gave|sell|sold|ship|offer|releas|publish|upload|market|launch|deliver|distribut|licen[cs]|list|push|brand|put|post)\w*\b[^.?"'\u201c\u2018]{0,60}?\bas\s+["'\u201c\u2018`]([A-Za-z0-9][\w.\-]*(?:[ ][A-Z0-9][\w.\-]*){0,3})["'\u201d\u2019`]"""
                      r"""|["'\u201c\u2018`]([A-Za-z0-9][\w.\-]*(?:[ ][A-Z0-9][\w.\-]*){0,3})["'\u201d\u2019`],? (?:our|the|its) (?:own )?(?:brand|product name|model name|name)\b""")

_NAMED_AS = re.compile(r"""\b(?:call|name|brand|market|rename|title|sell|sold)\w*\b[^"'\u201c\u2018?.]{0,40}["'\u201c\u2018]([^"'\u201d\u2019]{2,50})["'\u201d\u2019]""")
# Licences that say they grant no right in the licensor's names (Apache-2.0 s.6, the OpenAI terms): a product named after the
# model is a trademark question. The Llama and Gemma licences are left out: they require the model's name.
_NO_NAME_GRANT = {"apache-2.0", "openai-terms-2023", "openai-terms-2024"}


_COMPLIANCE_ASSUMED = re.compile(r"\b(?:assum\w*|provided|given|as long as|so long as)\b[^.?]{0,20}\b(?:export|sanctions?|trade)[\w\s-]{0,30}\b(?:(?:is|are|gets?|being) )?(?:complied with|compliant|met|followed|observed|respected)\b")
_OWN_LOGO = re.compile(r"\b(?:made|make|making|created?|creating|generated?|generating|designed?|designing|drew|draw|got)\b (?:a |an |my |our |the |some |new )?(?:\w+ ){0,2}logos?\b"
                       r"|\blogos? (?:i|we) (?:made|created|generated|designed|drew)\b")


def _licensor_named(entry, name: str) -> bool:
    """Whether a product name uses the name of a model's provider or of the model line ("Mistral", "Falcon")."""
    tokens = {re.split(r"[\s._()/-]", (entry.provider or "").lower())[0], re.split(r"[\s._()/-]", entry.name.lower())[0]}
    return any(len(t) > 3 and t not in ("open", "the", "models") and re.search(rf"\b{re.escape(t)}\b", name) for t in tokens)


def _other_terms_facts(low: str, models: list[ModelRef], licences: list[str], documents: list[str], target: str | None,
                       flags: list[str], registry: Registry | None = None) -> tuple[list[str], list[str], list[str], tuple[str, ...]]:
    """Documents, licences, flags and missing documents for the non-family terms: a target licence is not a governing document
    beside the licence it replaces, a product named after a model is a trademark question, and a named document the
    corpus lacks displaces the nearby licence it would otherwise be read as."""
    from retrieval.absent import load_absent

    if target in ("cc-by-nc-4.0", "cc-by-sa-4.0") and "cc-by-4.0" not in documents and \
            re.search(r"\bcc[\s-]*by\b(?![\s-]*(?:sa|nc|nd)\b)(?![\s-]*4)", low):
        # "a CC BY dataset ... licensed as CC BY-NC": the plain CC BY mention is the source, not part of the target.
        documents, licences = documents + ["cc-by-4.0"], licences + ["cc-by-4.0"]
    if target and target in documents and (models or len(licences) > 1) and not any(target in m.documents for m in models):
        documents = [d for d in documents if d != target]
    for m in _NAMED_AS.finditer(low):
        name = m.group(1)
        for ref in models:
            token = re.split(r"[\s._-]", ref.name.lower())[0] if ref.name else ""
            if len(token) > 2 and re.search(rf"\b{re.escape(token)}\b", name) and set(ref.documents) & _NO_NAME_GRANT:
                flags = flags + ["trademark"] if "trademark" not in flags else flags
        # "our Apache-2.0 product will be branded 'Mistral Pro'": the name is a licensor's, though no model is named.
        if registry is not None and "trademark" not in flags and set(documents) & _NO_NAME_GRANT:
            if any(_licensor_named(e, name) for e in registry.entries if set(e.documents) & _NO_NAME_GRANT & set(documents)):
                flags = flags + ["trademark"]
    if "export" in flags and _COMPLIANCE_ASSUMED.search(low):
        # "assuming export-control law is complied with": the question takes the trade-law duty as met.
        flags = [f for f in flags if f != "export"]
    if "trademark" in flags and _OWN_LOGO.search(low) and not _any(FLAG_PATTERNS["trademark"], _OWN_LOGO.sub(" ", low)):
        # A logo the user made with the model is Output, not the licensor's mark.
        flags = [f for f in flags if f != "trademark"]
    # These describe a breach and its cure, so the "without the notice" they follow is no negation of them.
    for flag in ("past_omission", "cured_in_time", "cured_late"):
        if flag not in flags and _any(FLAG_PATTERNS[flag], low):
            flags = flags + [flag]
    if "cured_in_time" not in flags and "cured_late" not in flags:
        # the time from discovery to cure, however it is put, against the 30 days of CC 4.0 s.6(b)
        delay = figures.cure_delay_days(low)
        if delay is not None:
            flags = flags + ["cured_in_time" if delay <= 30 else "cured_late"]
            if "past_omission" not in flags and re.search(r"\b(?:left out|omitted|forgot|forgotten|missed|dropped|skipped|missing|without (?:the |any |an? )?"
                                                          r"(?:[\w-]+ )?(?:credits?|attribution|notices?|licen[cs]e))\b", low):
                flags = flags + ["past_omission"]  # what was cured was an omission already shared
    if "past_omission" in flags and ("cured_in_time" in flags or "cured_late" in flags):
        # the missing credits were put back: the omission is a breach of the past, not a duty the user means to skip
        flags = [f for f in flags if f != "skips_obligation"]
    missing = []
    for doc in load_absent().documents:
        if _any(list(doc.patterns), low, affirmed=True):
            missing.append(doc.title)
            documents = [d for d in documents if d not in doc.instead_of]
    return documents, licences, flags, tuple(missing)


_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}


_REVENUE_RES = (
    re.compile(r"(under|below|less than|over|above|more than|about|around|~)?\s*(?:usd\s*)?\$?\s*(\d+(?:[.,]\d+)?)\s*"
               r"(k|thousand|m|mn|mil|million|b|bn|billion)\b\s*(?:usd\s*)?(?:in )?(?:a year|/\s*yr|per year|annual|a yr|yearly|revenue|arr|turnover|sales|last (?:fiscal |financial )?year|this year|in (?:fy ?)?20\d\d|(?:company|business|firm|group|conglomerate|corporation|acquirer|buyer)\b)"),
    re.compile(r"revenue (?:is |was |of )?(under|below|less than|over|above|more than|about|around|~)?\s*\$?\s*(\d+(?:[.,]\d+)?)\s*(k|m|mn|mil|million|b|bn|billion)\b"),
)


def _revenue_all(text: str) -> list[int]:
    """Every annual revenue the question states ("$5M a year", "revenue under $1M", "~5 mil/yr"), in order; money
    raised from investors is not revenue."""
    low = text.lower()
    values: list[int] = []
    for rx in _REVENUE_RES:
        for m in rx.finditer(low):
            if scope.is_funding(low, m.start(), m.end()):
                continue
            value = float(m.group(2).replace(",", ".")) * _SCALE.get(m.group(3), 1)
            if m.group(1) in ("under", "below", "less than"):
                value -= 1
            elif m.group(1) in ("over", "above", "more than"):
                value += 1
            values.append(int(value))
        if values:
            break
    if not values and scope.no_revenue(low):
        return [0]
    return values


def _revenue(text: str) -> int | None:
    values = _revenue_all(text)
    return values[0] if values else None


_MAU_RE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(k|thousand|m|mn|mil(?:lion)?|b|bn|billion)?\+?\s*(?:monthly (?:active )?users|mau|monthly actives|users|maus|monthly)", re.I)
# The figure after the words ("MAU of about 130,000,000", "monthly active users 大约 130000000"), read only when no figure
# comes before them, and never a threshold the question quotes.
_MAU_AFTER_RE = re.compile(r"(?:monthly active users|\bmaus?\b|monthly users)\s*(?:of|is|are|at|around|about|approximately|roughly|~|大约|约|:)?\s*"
                           r"(?:(?:around|about|approximately|roughly|over|above|more than)\s+)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand|m|mn|million|b|bn|billion)?\b", re.I)


_MAU_TOTAL_RE = re.compile(r"\b(?:group|combined|overall|grand|consolidated|in) totals?\b(?: (?:of|to|at|is|was|reaches|comes to))?(?: (?:about|around|roughly|approximately|nearly|over|~))?\s*"
                           r"(\d+(?:[.,]\d+)?)\s*(m|mn|million|b|bn|billion)\b(?!\s*(?:usd|eur|dollars|euros|\$|revenue|in revenue|of revenue))", re.I)


def _mau_all(text: str) -> list[int]:
    out = []
    for m in _MAU_RE.finditer(text):
        value = float(m.group(1).replace(",", ".")) * _SCALE.get((m.group(2) or "").lower(), 1)
        before = text[max(0, m.start() - 15):m.start()].lower()
        if re.search(r"(?:more than|over|above|exceed\w*|>)\s*$", before):
            value += 1
        out.append(int(value))
    if out:
        # "... bring the group total to about 760M": a total stated without the word users, in a question about users
        for m in _MAU_TOTAL_RE.finditer(text):
            value = int(float(m.group(1).replace(",", ".")) * _SCALE.get(m.group(2).lower(), 1))
            if value not in out:
                out.append(value)
    if not out:
        for m in _MAU_AFTER_RE.finditer(text):
            if re.search(r"threshold|limit|cap\b|clause|section", text[max(0, m.start() - 30):m.end()], re.I):
                continue
            out.append(int(float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1)))
    return out


def _user_counts(text: str, documents) -> list[int]:
    """The user counts a threshold reads (retrieval/figures.py), or the older reading where that finds none."""
    found = figures.decisive(figures.timed(text, figures.user_figures(text), documents), documents)
    return [f.value for f in found] or _mau_all(text)


def _revenues(text: str, documents) -> list[int]:
    """The annual revenues a threshold reads: the money figures of retrieval/figures.py where they find more than the
    older reading, which also knows a company that says it has none."""
    users = {v + d for f in figures.user_figures(text) for v in (f.value,) for d in (-1, 0, 1)}
    # a figure without a currency that the question gives as a count of users is not revenue
    old = [v for v in _revenue_all(text) if v not in users]
    found = figures.decisive(figures.timed(text, figures.money_figures(text), documents), documents)
    if found and not scope.no_revenue(text.lower()) and len(found) > len(old):
        return [f.value for f in found]
    return old


def _mau(text: str) -> int | None:
    values = _mau_all(text)
    return values[0] if values else None


EU_PATTERNS = [r"\beu\b", r"european union", r"\beea\b", r"\bgermany\b|\bgerman\b", r"\bfrance\b|\bfrench\b", r"\bberlin\b", r"\bparis\b", r"\blyon\b",
               r"\bmunich\b", r"\bmilan\b", r"\bitaly\b|\bitalian\b", r"\bspain\b|\bmadrid\b", r"\bamsterdam\b|\bnetherlands\b|\bdutch\b", r"\bgmbh\b",
               r"\bdublin\b|\bireland\b", r"\bvienna\b|\baustria", r"\bbrussels\b|\bbelgi", r"\bwarsaw\b|\bpoland\b|\bpolish\b", r"\bstockholm\b|\bsweden\b",
               r"\bdenmark\b|\bcopenhagen\b", r"\bfinland\b|\bhelsinki\b", r"\blisbon\b|\bportugal\b", r"\bprague\b|\bczech\b", r"\bs\.a\.s\b|\bs\.r\.l\b|\bb\.v\.\b"]
_EU_COUNTRIES = (r"(?:the )?(?:eu|european union|europe|germany|alemanha|alemania|allemagne|deutschland|france|fran\u00e7a|francia|spain|espanha|espa\u00f1a|"
                 r"espagne|italy|it\u00e1lia|italia|italie|portugal|netherlands|holanda|pa\u00edses baixos|ireland|irlanda|belgium|b\u00e9lgica|austria|"
                 r"\u00e1ustria|poland|pol\u00f4nia|polonia|sweden|su\u00e9cia|suecia|denmark|finland|czechia|czech republic|greece|gr\u00e9cia)")
_EU_CUSTOMERS = re.compile(r"\b(?:customers|clients|users|buyers|subscribers|clientes|usu\u00e1rios|usuarios|kunden|nutzer|utilisateurs)\b[^.?]{0,40}?"
                           r"\b(?:in|em|en|no|na|nos|nas|aus|dans|de) " + _EU_COUNTRIES + r"(?:\s*(?:,|and|e|y|et|und|or|ou|o)\s*(?:in |em |en |no |na |nos |nas )?" + _EU_COUNTRIES + r")*\b")
# The EU exclusion of the Llama multimodal AUP named as a clause of the licence, not as a place.
_EU_CLAUSE = re.compile(r"\b(?:eu|european union|europe|european)(?:[\s-](?:related|specific|only|wide))?[\s-]+(?:restrictions?|clauses?|rules?|exclusions?|bans?|"
                        r"carve[\s-]?outs?|limitations?|limits?|provisions?|prohibitions?|exceptions?|terms?|language|wording|part|bit|carveout|"
                        r"geo[\s-]?block|geofence|domicile (?:rule|test|clause)|residency (?:rule|test|clause))\b"
                        r"|\b(?:restriction|clause|rule|exclusion|ban|limitation|provision|prohibition|carve[\s-]?out|exception)s? (?:on|for|about|against|regarding|concerning|that excludes|excluding) "
                        r"(?:the )?(?:eu|european union|europe)(?:an)?\b(?:[\s-](?:users|companies|residents|entities|people|businesses))?")
NON_EU_PATTERNS = [r"\bbra[sz]il\b", r"\bs\u00e3o paulo\b|\bsao paulo\b|\brio de janeiro\b", r"\bus\b(?! (?:to|as))", r"\bu\.s\.", r"\bunited states\b", r"\bamerican\b", r"\bcanad", r"\buk\b", r"\bjapan", r"\bindia\b", r"\bsingapore"]


_NAME = re.compile(r"""(?:\b(?:called|named|name it|call it|call the model|under the name|name(?:d)? the model|branded(?: as)?|(?:release|publish|ship|upload|list)(?:s|es|ed|ing)? (?:it |them |the model |the weights )?as|(?:our (?:own )?)?brand name|under (?:our|the|my|its) (?:own )?(?:brand|name))\s+)["'\u201c\u2018`]?([A-Za-z0-9][\w.\-]*(?:[ ][A-Z0-9][\w.\-]*){0,3})["'\u201d\u2019`]?""")


def _release_name(text: str) -> str | None:
    """The name a user gives the model they release ("publish it as 'Aurora-8B'"), when the question states one."""
    m = _NAME.search(text)
    if not m:
        m = _NAME_AS.search(text)
        if not m:
            return None
    name = next(g for g in m.groups() if g).strip(" .,;:")
    return name if len(name) >= 3 and name.lower() not in {"the", "our", "a", "an", "it", "that", "this"} else None


_COMPARED = re.compile(r"\b(?:like|unlike|similar to|compared (?:to|with)|as (?:with|for|in)|the way|than)\b(?: (?:meta|google|alibaba|tii|nvidia|the|a|an|it|they))?"
                       r"(?: (?:has|have|does|did|do|is|are|uses?|counts?|treats?))?(?: (?:for|with|in|on|under))?\s*(?:the )?(?:[\w.-]+/)?$")


def _first_mentions(matches, models: list["ModelRef"]) -> list:
    """For each model kept, the registry match of its first mention."""
    first = {}
    for match in matches:
        first.setdefault(match.entry.id, match)
    return [first.get(m.model_id) for m in models]


def _role(before: str, after: str) -> Role:
    """The part a model plays, from the words around its mention."""
    if re.search(r"(?:fine[\s-]?tun\w*|finetun\w*|train\w*|distil\w* (?:\w+ )?into|into|student(?: model)?(?: is)?|base model(?: is)?)\s+(?:a |an |the |our |my )?$", before):
        return Role.BASE
    # the policy model an RL step trains ("PPO on Qwen") is the base, whatever judge is named before it
    if re.search(r"\b(?:ppo|dpo|rlhf|rlaif|grpo|orpo|kto|rl|preference[\s-]tuning|alignment)\s+(?:(?:on|of|for)\s+(?:a |an |the |our |my )?|(?:our|my|the) )$", before):
        return Role.BASE
    # "distil Llama 3.1 405B into an 8B student": the model distilled is the teacher
    if re.search(r"\bdistil\w*\s+(?:the |a |an |our )?$", before) and re.match(r"^[^.]{0,30}\binto\b", after):
        return Role.OUTPUT_SOURCE
    # the model whose answers a judge grades is the one being trained
    if re.search(r"\b(?:grad|rank|scor|rat|judg|compar|pick|choos)\w*\b[^.]{0,30}\b(?:responses|answers|outputs|completions|generations|candidates) (?:from|of|by|produced by|generated by) (?:our |my |the |a |an )?$", before):
        return Role.BASE
    if re.search(r"\bjudge|reward model|grader|preference|" + _PICKS, before[-40:] + " " + after[:60]):
        return Role.JUDGE
    if re.search(r"(?:output|response|answer|generation|completion|synthetic data|transcript|label)s?\b[^.]{0,20}$", before) or \
            re.search(r"^[^.]{0,40}\b(?:outputs?|responses|answers|generat\w*|synthetic|writes?|wrote|labels?|convos|transcripts|teacher)\b", after) or \
            re.search(r"^[^.]{0,80}\bto (?:generate|label|write|produce|create) (?:synthetic|training|labels|data|instruction)", after) or \
            re.search(family_vocab.OUTPUT_SOURCE_AFTER, after) or \
            re.search(r"^[^.;]{0,60}\b(?:produc|creat|writ|draft|generat|mak)\w*\b (?:[\w-]+ ){0,3}(?:examples|data|dataset|training set|pairs|samples|labels|transcripts|chat logs|logs|corpus)\b", after) or \
            (re.search(r"(?:with|using|from|by|via|w/)\s*(?:the\s+)?$", before) and re.search(r"\b(?:generat|synthetic|outputs?|data)\b", after[:60])) or \
            re.search(r"(?:generat\w*|synthetic|data|outputs?|distil\w*)\b[^.]{0,30}(?:\b(?:with|using|from|by|via|of)\s+|\bw/\s*)(?:the\s+)?(?:[\w.-]+/)?$", before):
        return Role.OUTPUT_SOURCE
    return Role.BASE


_QUOTE_MARKS = re.compile(r"\"|(?<![a-z])'|'(?![a-z])")


def _use_cases(low: str, similarity=None) -> tuple[str, ...]:
    # The vocabulary of each use-policy category is data beside its clauses (corpus/rules/use-policies.toml). A negated
    # use ("we never generate malware") is no use, and a negated carve-out ("without labelling it as AI") no carve-out.
    cats = load_categories()
    # Quote marks around a phrase ("an 'uncensored' model", "by \"our human experts\"") say nothing about the use:
    # the categories are read with and without them (an apostrophe inside a word stays).
    texts = [low] + [t for t in [_QUOTE_MARKS.sub("", low)] if t != low]
    found = [c.id for c in cats.categories
             if any(_any(list(c.patterns), t, affirmed=True) for t in texts)
             and not any(_any(list(c.unless), t, affirmed=True) for t in texts)]
    if similarity is not None:
        # Reading by meaning (retrieval/usesim.py) adds a category the words missed; a carve-out, or the category's own
        # words negated ("nothing we do is military"), still keeps it out.
        def excluded(cid: str) -> bool:
            cat = cats.get(cid)
            return cid in found or _any(list(cat.unless), low, affirmed=True) or _any(list(cat.patterns), low)
        found += [h.category for h in similarity.match(low, excluded=excluded)]
    return tuple(found)


def use_cases_of(question: str, similarity=None) -> tuple[str, ...]:
    """The use-policy categories a question falls in, read exactly as `parse_scenario` reads them."""
    return _use_cases(_norm(question)[:5000].lower(), similarity)


TYPOS = [(r"\bgema\b", "gemma"), (r"\bgemma(\d)", r"gemma \1"), (r"\bl+a+m+a+\b", "llama"), (r"\blama(\d)", r"llama\1"),
         (r"\bmistrall?\b", "mistral"), (r"\bmixtrall\b", "mixtral"), (r"\bquen\b", "qwen"), (r"\bdeep ?seek\b", "deepseek")]


def parse_scenario(question: str, registry: Registry, similarity=None) -> Facts:
    """Read a question into Facts; never raises on odd text. `similarity` (a retrieval.usesim.UseSimilarity, or None)
    also recognises use-policy categories by meaning."""
    forget_scans()  # the scans of the previous question's texts are of no use for this one
    text = _norm(question)[:5000]
    for typo, fix in TYPOS:
        text = re.sub(typo, fix, text, flags=re.I)
    # An "OpenAI-compatible" API is the shape of an API (the user's own endpoint), not OpenAI's service.
    text = re.sub(r"\bopenai(?:'s)?[\s-]?(?:api[\s-]?)?(?:compatible|style|format|schema|protocol|spec)\b", "compatible", text, flags=re.I)
    low = text.lower()
    models: list[ModelRef] = []
    matches = registry.find(text)
    merging = bool(re.search(r"\bmerg|slerp|frankenmerge", low)) and len({m.entry.id for m in matches}) > 1
    for match in matches:
        e = match.entry
        # an aside in brackets right after the name ("(the April 2024 release, not 3.1)") does not part the model from
        # what it is used for
        after = re.sub(r"^([\w.-]*)\s*\([^()]{0,100}\)", r"\1 ", low[match.end:match.end + 180])[:80]
        role = Role.MERGE_SOURCE if merging else _role(low[max(0, match.start - 80):match.start], after)
        ref = ModelRef(e.id, e.name, role, tuple(e.documents), e.status is Status.IN_CORPUS, e.licence,
                       e.family, e.modality.value == "multimodal")
        known = next((i for i, m in enumerate(models) if m.model_id == e.id), None)
        if known is None:
            models.append(ref)
        elif models[known].role in (Role.BASE, Role.MENTIONED) and role not in (Role.BASE, Role.MENTIONED):
            models[known] = ref  # a later mention says what the model is used for ("... from Llama 3 answers")
    # A model named only to compare ("is there an EU exclusion like Meta has for Llama 3.2 Vision?") is not part of
    # the scenario when a model of another family is: its terms are not applied to the user's model.
    for i, (match, m) in enumerate(zip(_first_mentions(matches, models), models)):
        if match is not None and _COMPARED.search(low[max(0, match.start - 60):match.start]) and \
                any(o.family != m.family for o in models if o is not m):
            models[i] = replace(m, role=Role.MENTIONED)
    licences = []
    for doc, pats in LICENCE_PATTERNS.items():
        if doc == "cc-by-4.0" and any(d in licences for d in ("cc-by-sa-4.0", "cc-by-nc-4.0")) and not re.search(r"\bcc[\s-]*by[\s-]*4", low):
            continue
        if _any(pats, low):
            licences.append(doc)
    target = None
    if re.search(r"releas|publish|distribut|put (?:it )?out|slap|relicen|licen[cs]e (?:it|them|the|our|my)|sell|ship|drop|instead|re-release|under|switch|attach|\bonly\b", low) \
            or re.search(family_vocab.TARGET_GATE, low) or re.search(_TARGET_VERBS, low):
        for pat, lic in TARGET_PATTERNS:
            # "the Apache notices stay in", "an MIT model": the licence named as an adjective is not the target
            for m in re.finditer(pat, low):
                forced = re.search(r"\b(?:force[sd]?|require[sd]?|must|have to|need to|obliged)\b[^.?]{0,40}$", low[:m.start()])
                if not forced and not re.match(r"\s*(?:from|with meta|with google)", low[m.end():]) and not _NOT_A_TARGET_AFTER.match(low, m.end()) \
                        and not (_NOT_A_TARGET_BEFORE.search(low[max(0, m.start() - 60):m.start()])
                                 and not re.search(family_vocab.RELEASED_BEFORE, low[max(0, m.start() - 60):m.start()])
                                 and not re.search(family_vocab.RELEASED_AFTER, low[m.end():])):
                    target = lic
                    break
            if target:
                break
    datasets = tuple(d for d in licences if d.startswith("cc-") and (re.search(r"data|corpus|posts|text|images|dataset|translation|wikipedia", low)
                                                                          or re.search(family_vocab.DATASET_WORDS, low)))
    documents: list[str] = []
    in_scenario = [m for m in models if m.role is not Role.MENTIONED] or models
    for m in in_scenario:
        documents.extend(d for d in m.documents if d not in documents)
    for lic in licences:
        if lic == "openai-terms":
            if not any(m.family == "openai" for m in models):
                documents.extend(d for d in ("openai-terms-2024", "openai-terms-2023") if d not in documents)
        elif lic not in documents and (lic != target or not models):
            documents.append(lic)
    # "we don't train any model on it" names no method
    methods = tuple(m for m, pats in METHOD_PATTERNS.items() if _any(pats, low, affirmed=True))
    if not methods:
        methods = (Method.PLAIN_USE,)
    # Another provider's API being called is not a deployment of the user's model.
    dep_text = re.sub(r"\b(?:openai|gpt[\w.-]*|chatgpt|claude|anthropic|gemini|cohere|mistral)(?:'s)? api\b", " ", low)
    dep_text = _NOT_A_DEPLOYMENT.sub(" ", dep_text)
    dep_text = _BUNDLES_TEXT.sub(" ", SOMEONE_ELSES_RELEASE.sub(" ", dep_text))
    # "50 million people were using our social app each month": the product whose users a threshold counts is named
    # for its count, not as where the model runs.
    for a, b in figures.user_phrases(dep_text):
        dep_text = dep_text[:a] + " " * (b - a) + dep_text[b:]
    deployments = [d for d, pats in DEPLOYMENT_PATTERNS.items()
                   if _any(pats, dep_text, affirmed=d in (Deployment.WEIGHTS_RELEASE, Deployment.HOSTED, Deployment.ON_DEVICE))]
    # "only" about who uses it ("only our staff", "internal only"), not any "only" ("adults only", "only the outputs")
    if Deployment.INTERNAL in deployments and re.search(r"\b(?:only|just|solely)\b (?:(?!adults?\b|outputs?\b)[\w-]+ ){0,3}(?:internal|in-house|inside|within|us\b|me\b|our|my|staff|employees|team)|\b(?:internal|in-house)(?:ly)?[\s-]only\b"
                                                      r"|\b(?:internal|in-house|staff|employee|intranet)[\s-](?:[\w-]+ )?(?:chat ?bot|tool|assistant|app|service|search|portal|api|copilot)\b"
                                                      r"|\b(?:chat ?bot|tool|assistant|app|service|portal)\s+(?:internal|in-house)\b|\breserved (?:for|to) (?:our|the|its) (?:own )?(?:teams?|staff|employees|people)\b"
                                                      r"|never leave|nothing is|not (?:shared|distributed|published)"
                                                      r"|\bno (?:external|outside|outsider|public|third[\s-]party) (?:users?|customers?|clients?|access|parties)\b", low):
        if not re.search(r"\bapi\b|\bsaas\b(?! company)|customers|clients|paying|subscribers|the public|end users", dep_text):
            deployments = [d for d in deployments if d is not Deployment.HOSTED]
    if Deployment.END_USER in deployments:
        deployments = [d for d in deployments if d in (Deployment.END_USER, Deployment.ACQUISITION)]
    if re.search(r"(?:weights|model) (?:stays?|remains?) (?:on|in|inside)|(?:weights|model) never (?:leave|ship)|no weights (?:are )?(?:shipped|distributed|released)|never (?:ship|receive|get|touch) the weights|never distribute", low):
        deployments = [d for d in deployments if d is not Deployment.WEIGHTS_RELEASE]
    if Deployment.WEIGHTS_RELEASE in deployments and _any(WEIGHTS_STAY, low, affirmed=True):
        deployments = [d for d in deployments if d is not Deployment.WEIGHTS_RELEASE]
    if Deployment.WEIGHTS_RELEASE in deployments and _RESULTS_ONLY.search(low) and not _RELEASES_MODEL.search(low):
        deployments = [d for d in deployments if d is not Deployment.WEIGHTS_RELEASE]
    use_cases = _use_cases(low, similarity)
    flags = [f for f, pats in FLAG_PATTERNS.items() if _any(pats, low, affirmed=f not in ("ownership", "naming"))]
    for flag, other in family_vocab.NOT_SAID.items():
        if flag in flags and re.search(other, low) and not _any(FLAG_PATTERNS[flag], re.sub(other, " ", low), affirmed=True):
            flags.remove(flag)  # its words only occur where they say something else
    if "export" in flags and _any(_EXPORT_COMPLIED, low) and not re.search(r"\b(?:iran|north korea|cuba|syria|crimea|embargo\w*|sanction(?:ed)? (?:countr|entit|part))", low):
        flags.remove("export")
    if "licensed_professional" in flags and "human_decides" not in flags:
        flags.append("human_decides")  # a professional who reviews and signs is a person who takes the decision
    if "commercial" in flags and re.search(r"\b(?:no|not|non|without|zero|nothing|never|none of it)[\s-]+(?:an?\s+|any\s+|for\s+|is\s+|being\s+)?commercial(?:ly)?\b|"
                                           r"\b(?:not|isn'?t|aren'?t|never|nothing)\s+(?:\w+\s+)?for (?:commercial )?(?:profit|gain|money)\b", low):
        flags.remove("commercial")  # "no commercial aim" outweighs a revenue figure mentioned in passing
    # The family licences (issue 11): only outputs leave, so the model stays; a group's figures decide a threshold that
    # counts affiliates; a question that asks what to add to comply does not plan to skip a duty.
    if scope.model_stays(low):
        flags.append("model_stays")
        deployments = [d for d in deployments if d not in (Deployment.WEIGHTS_RELEASE, Deployment.ON_DEVICE)] or [Deployment.INTERNAL]
    # Plain use whose products (text, code, images) are what gets published or sold: the model stays in-house.
    if methods == (Method.PLAIN_USE,) and Deployment.END_USER not in deployments and scope.outputs_only(low):
        flags.append("model_stays") if "model_stays" not in flags else None
        deployments = [Deployment.INTERNAL]
    # Said in so many words that only the organisation's own people use it: a release or hosting word elsewhere in the
    # question ("do we have to put up the badge?") asks about a duty, it does not describe a release.
    if Deployment.INTERNAL in deployments and _any(_ONLY_INTERNAL, low) and not _RELEASES_MODEL.search(low) and not _any(COPY_GOES_OUT, low, affirmed=True) \
            and not re.search(scope.HOSTS_MODEL, low) and not _any(_OUTSIDERS, low, affirmed=True):
        deployments = [Deployment.INTERNAL]
    if not deployments and "personal" in flags and "commercial" not in flags:
        deployments = [Deployment.INTERNAL]  # someone using a model for themselves, with nothing said to go out
    maus = _user_counts(text, documents)
    mau, grouped_mau = scope.threshold_figure(maus, low)
    revenue, grouped_revenue = scope.threshold_figure(_revenues(text, documents), low)
    if grouped_mau or grouped_revenue:
        flags.append("group_figure")
    # "is the brand name going to be a problem?" about the user's own release name is a naming question, not a use
    # of the licensor's marks
    name = _release_name(text)
    if "trademark" in flags and name and not re.search(_LICENSOR_MARKS, name.lower()) and \
            not _any([p for p in FLAG_PATTERNS["trademark"] if "brand" not in p], low):
        flags.remove("trademark")
    if "skips_obligation" in flags and re.search(r"\bwhat (?:has|needs|do (?:we|i) (?:need|have)|must|should)\b.{0,25}\b(?:change|add|include|put in|fix|update|amend)\b", low):
        flags.remove("skips_obligation")
    eu_text = re.sub(r"(?:customers|users|clients|buyers|market|sell\w*|offer\w*)\b[^.]{0,30}\bin (?:the )?(?:eu|european union|europe)\b", " ", low)
    # Customers or users in EU countries are end users of the service, not where the licensee is (Llama AUP s.2 / p1).
    eu_text = re.sub(_EU_CUSTOMERS, " ", eu_text)  # first: the list of countries whole, before the looser reading below
    # Customers somewhere in the EU, in any language the reader handles ("clientes em Portugal e na Alemanha", "Kunden
    # in Deutschland"): where the licensee's customers are is not where the licensee is.
    eu_text = re.sub(r"\b(?:customers|users|clients|buyers|clientes|usuarios|usuários|kunden|nutzer|utilisateurs|acheteurs)\b"
                     r"(?:[^.?]{0,40}?\b(?:in|em|en|na|no|nos|nas|aus|dans|au|aux|de la|del)\b\s+(?:[\w\u00c0-\u017f-]+\s*){1,2}(?:,|e|y|et|und|and|\s)*){1,4}", " ", eu_text)
    # "does the EU restriction touch us?": the licence's EU clause, named, says nothing of where the user is
    eu_text = _EU_CLAUSE.sub(" ", eu_text)
    us_self = re.search(r"(?:^|[.!?]\s+|\bwe are an? |\bwe're an? |\bour |\bi am an? |\bi'm an? |\bas an? )(?:an? )?(?:us|u\.s\.|american|uk|canadian|japanese|indian)[\s-](?:based )?(?:company|startup|team|business|firm|publisher|bank|company's)", low)
    eu = True if _any(EU_PATTERNS, eu_text) and not us_self else (False if us_self or _any(NON_EU_PATTERNS, text) else None)
    multimodal = True if any(m.multimodal for m in models) or re.search(r"\bvision\b|\bimages?\b|multimodal", low) else None
    documents, licences, flags, missing = _other_terms_facts(low, models, licences, documents, target, flags, registry)
    if (_ON_OTHERS_HARDWARE.search(low) or _AT_OTHERS_SITE.search(low)) and Deployment.END_USER not in deployments and "model_stays" not in flags:
        deployments = [d for d in deployments if d is not Deployment.INTERNAL]
        deployments += [Deployment.ON_DEVICE] if Deployment.ON_DEVICE not in deployments else []
    if Method.MERGE in methods and _COMPANY_MERGER.search(low) and not _MODEL_MERGE.search(low):
        methods = tuple(m for m in methods if m is not Method.MERGE) or (Method.PLAIN_USE,)
    unknown = [name for name, value in (("models", models or licences), ("deployment", deployments)) if not value]
    family = None
    if "models" in unknown and not documents and not missing:
        named = families.family_named(low)
        family = named.name if named else None
    return Facts(
        models=tuple(models), documents=tuple(documents), licences=tuple(licences), methods=methods,
        deployments=tuple(deployments), target_licence=target, datasets=datasets, mau=mau, product_mau=maus[0] if grouped_mau and len(maus) > 1 else None, revenue=revenue, eu=eu,
        multimodal=multimodal, use_cases=use_cases, flags=tuple(flags), unknown=tuple(unknown),
        release_name=name, missing=missing, family=family,
    )


VERSION_PAIRS = [("openai-terms-2023", "openai-terms-2024", r"\b2023\b|march 2023", r"\b2024\b|\b2025\b|december 2024"),
                 ("gemma-terms-2024", "gemma-terms-2025", r"april 2024|2024-04|\b2024\b", r"march 2025|2025-03|\b2025\b")]


def other_versions(documents: tuple[str, ...]) -> tuple[str, ...]:
    """The dated versions of the same terms that an answer from `documents` does not use (2024 Gemma for 2025)."""
    out = []
    for old, new, _, _ in VERSION_PAIRS:
        for have, other in ((old, new), (new, old)):
            if have in documents and other not in documents and other not in out:
                out.append(other)
    return tuple(out)


def resolve_versions(documents: tuple[str, ...], text: str) -> tuple[str, ...]:
    """A question that names a dated version of terms (Gemma 2024, OpenAI March 2023) is answered from that version;
    one that names neither is answered from the current one, and one that compares them from both."""
    low = text.lower()
    docs = list(documents)
    for old, new, old_pat, new_pat in VERSION_PAIRS:
        if old not in docs and new not in docs:
            continue
        wants_old, wants_new = bool(re.search(old_pat, low)), bool(re.search(new_pat, low))
        if wants_old and not wants_new:
            docs = [d for d in docs if d != new] + ([old] if old not in docs else [])
        elif wants_new and not wants_old:
            docs = [d for d in docs if d != old] + ([new] if new not in docs else [])
        elif wants_old and wants_new:
            docs = docs + [d for d in (old, new) if d not in docs]
        elif old in docs and new in docs:
            docs = [d for d in docs if d != old]
    return tuple(docs)


def read_facts(question: str, registry: Registry, similarity=None) -> Facts:
    """parse_scenario, then the dated-version choice: the facts every answer and every steered search start from."""
    from dataclasses import replace

    from retrieval.language import read_language

    reading = read_language(question)
    facts = parse_scenario(reading.text, registry, similarity)
    return replace(facts, documents=resolve_versions(facts.documents, reading.text), language=reading.language)
