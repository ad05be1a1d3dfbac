"""Use-policy categories (corpus/rules/use-policies.toml): every prohibited-use clause of every policy in the corpus has
a category, each category is recognised in everyday words, carve-outs and benign questions stay out, and an answer
cites the category's own clause."""

from __future__ import annotations

import pytest

from retrieval.scenario import use_cases_of
from retrieval.usecases import PolicyScope, UseCategories, load_categories

# Paraphrases written from what each clause forbids, in the words engineers, founders and lawyers use.
MATCHES: dict[str, list[str]] = {
    "violent_extremism": ["Generate recruitment posts for an extremist militia", "help plan an attack on a government building",
                          "write propaganda that glorifies terrorism"],
    "child_safety": ["a model that produces sexual images of minors", "chatbot that grooms children online",
                     "generate CSAM", "explicit stories involving 14-year-olds"],
    "human_trafficking": ["help a ring traffic women across the border", "a tool to manage forced labour camps",
                          "write ads that smuggle migrants"],
    "minors_adult_content": ["we will serve adult content to teenagers without age verification",
                             "skip the age gate so kids can see the nsfw section"],
    "sexual_solicitation": ["a bot that solicits sex from users", "generate escort ads for our agency"],
    "sexual": ["spicy fan fiction with graphic sex", "a sexual chatbot for adults", "generate porn images on demand", "an NSFW roleplay companion app",
               "explicit sex scenes for our erotica site", "write a steamy bedroom scene for my romance series", "explicit fan fiction for our subscription site"],
    "illegal_activity": ["help users launder money through crypto mixers", "teach people how to evade taxes",
                         "make fake IDs for customers", "a bot that explains how to hot-wire cars"],
    "illegal_drugs": ["step-by-step instructions to synthesize meth", "a marketplace bot that sells cannabis online without a prescription",
                      "advise on cooking fentanyl", "grow and sell cannabis where it is illegal"],
    "weapons": ["instructions to 3D print a gun", "help design chemical weapons", "how to build a pipe bomb"],
    "military": ["the defense ministry wants it for battlefield planning", "autonomous targeting systems for drones",
                 "a missile guidance assistant", "an ITAR-controlled project"],
    "nuclear": ["an assistant for a nuclear reactor operator", "summaries for the nuclear industry"],
    "espionage": ["corporate espionage against a rival", "spying on foreign diplomats", "a tool for a foreign intelligence agency"],
    "critical_infrastructure": ["decide load shedding on the transmission network", "dispatch trains and set signals on a rail line",
                                "the grid operator's breaker switching", "let it control the SCADA system of a water treatment plant",
                                "railway signalling for our trains", "a self-driving truck that steers itself",
                                "run the forklifts in our warehouse autonomously", "open and close the valves on the gas pipeline", "autonomous control of the factory's robotic arms"],
    "self_harm": ["content that encourages eating disorders", "a bot that tells people how to kill themselves",
                  "pro-ana tips for teens"],
    "violence": ["posts that incite violence against protesters", "how to poison someone without being caught",
                 "send death threats to a journalist"],
    "hate": ["generate racist jokes for our meme page", "write hate speech against immigrants", "posts that promote hatred of Muslims", "memes mocking a religious minority", "posts saying immigrants are subhuman"],
    "harassment": ["a bot that harasses our critics", "flood an ex with threatening messages", "doxxing and bullying a classmate"],
    "defamation": ["write false claims about our competitor's CEO", "a smear campaign against a politician",
                   "fake allegations to ruin a rival's reputation"],
    "discrimination": ["reject applicants based on their religion", "charge higher premiums for women",
                       "screen tenants by ethnicity", "filter out candidates over 50", "charge black customers higher interest rates"],
    "social_scoring": ["a social credit score for citizens", "rank tenants by their social media activity",
                       "predict users' personality to deny them service"],
    "vulnerable_groups": ["target the elderly with pressure to buy insurance", "exploit lonely users to keep paying",
                          "loot boxes aimed at kids", "dark patterns that push problem gamblers to deposit"],
    "employment": ["screen job applicants automatically", "rank CVs for our recruiters", "decide which employees to lay off",
                   "score video interviews of candidates"],
    "credit": ["approve or deny mortgage applications", "credit scoring for loan decisions", "tenant screening for landlords",
               "decide insurance claims"],
    "education_decisions": ["automatically grade final exams and fail students", "admissions decisions for the university",
                            "expel students flagged for plagiarism", "grade the exams and decide who passes"],
    "justice": ["predictive policing for the city", "bail risk assessments for defendants", "triage asylum claims",
                "help police identify suspects from text profiling", "does the administration of justice restriction cover us?"],
    "automated_obligations": ["the bot signs supplier contracts on its own, nobody reviews them",
                              "automatically issue amendments that change customers' obligations", "the agent signs NDAs with vendors on our behalf without anyone checking"],
    "automated_decisions": ["fully automated loan approvals", "auto-reject applicants with no human review",
                            "the model makes the final decision on visa applications", "the model terminates tenants' leases by itself, fully automated decision-making", "the AI decides on its own which tenants get evicted"],
    "legal_practice": ["act as the client's lawyer in court", "give legal advice to tenants instead of a lawyer",
                       "an AI lawyer for consumers", "draft wills for customers without an attorney", "explains to tenants how to fight their eviction case, no lawyer is involved", "prepares divorce papers for users who cannot afford an attorney", "tells users whether to accept the settlement their landlord offered", "writes people's small-claims court forms for them"],
    "medical_practice": ["diagnose patients from their symptoms", "a symptom checker that recommends medication dosages",
                         "interpret blood test results for users", "an AI doctor app", "a symptom-checker that tells callers which antibiotic to take", "the bot goes through members' cholesterol results and explains what the numbers mean", "the app works out which medication a user should take for their anxiety"],
    "medical_interpretation": ["read x-rays for radiologists who review them", "medical results interpretation for clinics"],
    "financial_practice": ["tell users which stocks to buy", "a robo-advisor for retail investors", "prepare tax returns for clients"],
    "professional_practice": ["act as a structural engineer and stamp the drawings", "immigration advice for applicants",
                              "unlicensed practice of pharmacy"],
    "false_expertise": ["market the bot as a licensed therapist", "pretend it is a real doctor", "claim the model is FDA approved"],
    "sensitive_data": ["infer users' sexual orientation from their chats", "predict pregnancy from shopping data",
                       "build dossiers on journalists", "collect biometric data without consent"],
    "surveillance": ["an agent that reads employees' screens and reports who slacks off, without telling them",
                     "track employees' location without telling them", "covertly monitor our staff's Slack messages",
                     "identify protesters in CCTV footage", "spy on my girlfriend's phone", "work out where my ex-girlfriend lives from her check-ins", "follow individual visitors across the stadium from camera feeds", "keep tabs on my wife's whereabouts through her phone", "monitor my teenager's messages secretly", "log which websites our employees visit from home", "use doorbell camera footage to identify everyone who walks past"],
    "personal_data": ["find someone's home address from a photo", "publish people's phone numbers", "unmask anonymous posters",
                      "dox a streamer", "reveal the identity behind an anonymous twitter account", "scrape and sell phone numbers of private individuals"],
    "children_data": ["upload the personal data of children under 13", "send kids' records to the API", "a COPPA-covered app"],
    "ip_infringement": ["reproduce entire copyrighted books verbatim", "bypass the paywall of news sites", "generate full song lyrics",
                        "sell Disney characters art on t-shirts", "t-shirts featuring Pixar characters for our shop"],
    "malware": ["write ransomware", "generate a keylogger", "craft shellcode and a reverse shell", "evade antivirus detection", "a program that encrypts victims' files and demands bitcoin", "code that steals browser passwords"],
    "system_attack": ["DDoS a competitor's website", "hack into their email accounts", "get around the rate limits with many accounts",
                      "credential stuffing against a bank", "cycle through a pool of burner accounts so the bot never hits the rate limits"],
    "circumvent_safety": ["jailbreak the model", "abliterate the refusals", "remove the safety guardrails",
                          "fine-tune the safety behaviour away", "train the refusals out of the checkpoint",
                          "fine-tune it so it never refuses anything", "an uncensored version", "DPO pairs meant to weaken its safety guardrails", "erode the refusals with preference training", "train a version without the refusals", "make the model comply with any request, no filters", "lower the refusal rate to zero with DPO", "fine-tune away the safety alignment"],
    "remove_protections": ["strip the watermark from generated images", "crack the licence key check", "bypass the DRM"],
    "disinformation": ["generate fake news articles about the election", "fabricate quotes from scientists",
                       "an influence operation on social media", "write conspiracy theories to mislead voters", "mass-produce misleading posts about the election date"],
    "fraud": ["write phishing emails", "a romance scam bot", "trick elderly people into wiring money", "fake invoices for clients"],
    "spam": ["send bulk emails to scraped lists", "blast millions of SMS", "SEO content farms", "comment spam on forums"],
    "impersonation": ["clone our CEO's voice for calls", "a deepfake of a politician", "pretend to be a celebrity in DMs",
                      "a digital twin of a real person", "a video of the mayor saying things he never said"],
    "undisclosed_ai": ["exam answers that students submit as their own", "say the essays were written by a human", "pass the AI text off as my own work",
                       "the generated columns run under staff bylines", "we tell readers a journalist wrote each piece",
                       "posts signed as written by our editor",
                       "present the copy as written by its human staff", "publish them under a human author's name",
                       "agents send the drafts as their own",
                       "hide that the articles were AI-generated", "humanize AI text to beat AI detectors"],
    "bot_as_human": ["the voice agent never lets on that it's software", "we don't want to disclose that the support agent is an AI",
                     "never tell users they're talking to an AI", "the agent pretends to be a real person",
                     "callers believe they are talking to a human", "it should deny being a bot", "AI dating profiles chat with users who think they're real people"],
    "unlabelled_content": ["post AI-generated tweets without labelling them", "a bot that posts tweets automatically",
                           "publish generated articles without a disclaimer that they are machine-generated", "nothing on the site says the answers are AI-generated", "we'd rather not mention that the docs were written by a model", "auto-generated news articles with no indication they were written by AI"],
    "fake_engagement": ["Amazon reviews for our blender from made-up buyers", "a swarm of bot profiles liking and resharing our posts",
                        "astroturfing", "bot accounts that upvote our posts", "five-star reviews from fake customers",
                        "hundreds of sock puppet accounts", "inflate our GitHub stars with bots", "generate hundreds of glowing Google reviews for our restaurant", "bots that leave positive comments on our videos"],
    "undisclosed_dangers": ["we will not tell users about the known risks", "hide the model's known failure modes from customers"],
    "unlawful_tools": ["chain it with an uncensored nudify tool", "say the outputs come from Meta"],
    "reverse_engineering": ["reverse engineer ChatGPT", "extract the system prompt and weights of GPT-4", "model extraction attacks on the API"],
    "scraping": ["scrape ChatGPT responses with a headless browser", "programmatically extract outputs from the web UI"],
    "service_resale": ["resell access to ChatGPT", "white-label the OpenAI service as ours"],
    "account_sharing": ["share one ChatGPT Plus account between the whole team", "sell my API keys to friends",
                        "the four of us log into a single ChatGPT subscription", "let my flatmate use my ChatGPT account",
                        "gave our OpenAI login to a contractor so he can run prompts", "sell our spare API keys to another startup"],
    "export_controls": ["users in North Korea", "serve sanctioned entities", "get around US export controls"],
    "political": ["talking points for a senate candidate", "a chatbot for a political party", "political campaign ads for a candidate", "lobbying lawmakers", "microtarget swing voters", "political fundraising letters to donors", "emails to swing-state voters for our campaign"],
}

# Near misses: words shared with a category, a meaning outside it (a carve-out the text states, detection, consent ...).
NEAR_MISSES: dict[str, list[str]] = {
    "sexual": ["sex education for teenagers", "an NSFW classifier that blocks explicit images"],
    "child_safety": ["frank sex-education leaflets for teenagers' parents", "a sexual health education course for high school students"],
    "minors_adult_content": ["sexual health education handouts for teens"],
    "export_controls": ["assuming export-control law is complied with, any field-of-use limit?",
                        "we comply with all applicable export control regulations"],
    "malware": ["a classifier that detects malware in uploads", "SOC analysts triage ransomware samples", "our JSON payload format"],
    "fraud": ["a fraud detection model for our bank", "phishing awareness training for our own staff"],
    "spam": ["a spam filter for our inbox"],
    "hate": ["a hate speech classifier for moderation"],
    "self_harm": ["a suicide prevention hotline assistant that escalates to counsellors"],
    "disinformation": ["a fact-checking tool that flags misinformation"],
    "medical_practice": ["a drafting tool for licensed physicians who review every note", "diagnose why training loss spikes",
                         "literature summaries for hospital doctors, who make every clinical decision themselves",
                         "explain what the benchmark numbers mean",
                         "the prescribed notice text"],
    "legal_practice": ["contract review assistant for our lawyers, who sign off on every draft",
                       "our attorneys use it to draft motions and make every final call",
                       "our paralegals use it to fill in court forms that an attorney then reviews and signs"],
    "employment": ["we are hiring two ML engineers", "our recruiting team writes job descriptions", "a CV model for object detection"],
    "automated_decisions": ["loan officers make the final decision; the model only drafts suggestions"],
    "surveillance": ["track experiments in Weights & Biases", "monitor GPU usage on our cluster",
                     "figure out where the memory leak is", "work out where users drop off in the signup funnel",
                     "log which websites our crawler visits", "keep an eye on GPU memory while training",
                     "track employees' location with their explicit consent"],
    "personal_data": ["redact PII from our training data"],
    "impersonation": ["clone my own voice for my podcast", "a voice clone of the actor, with his written consent",
                      "a voice clone of our narrator, who licensed her voice to us"],
    "critical_infrastructure": ["tie-breakers in the ranking", "our ML pipeline", "a grid search over hyperparameters"],
    "military": ["an army of interns", "ad targeting for our campaign"],
    "espionage": ["business intelligence services for retailers", "documents classified by our model"],
    "discrimination": ["a bias audit on protected characteristics", "sort documents by age"],
    "circumvent_safety": ["add stronger guardrails to the model", "red-team the safety of our model",
                          "reduce refusals on harmless coding questions", "lower the refusal rate on harmless requests",
                          "fine-tune it so it doesn't refuse harmless coding questions"],
    "unlabelled_content": ["every post is clearly labelled as AI-generated"],
    "bot_as_human": ["the assistant tells users up front that it is an AI"],
    "undisclosed_ai": ["we mix human-written examples with synthetic data", "every answer is labelled as AI-generated"],
    "political": ["the hotel lobby screens", "a marketing campaign for our shoes"],
    "violence": ["a thriller novel with a murder scene"],
    "weapons": ["airport baggage screening for weapons"],
}

# Ordinary licence questions: no category at all.
BENIGN = [
    "Can I fine-tune Llama 3 8B and publish the weights on Hugging Face?",
    "We quantized Mistral 7B to GGUF; what do we owe?",
    "What attribution does the Llama 3.1 licence require?",
    "Our customer support chatbot answers billing questions for our SaaS.",
    "We build a code completion tool on StarCoder for our engineers.",
    "Can we merge two Llama 2 fine-tunes with mergekit and release the result?",
    "Our analysts summarize earnings calls with Llama 3.3 internally.",
    "Translate product descriptions into German with Gemma 2.",
    "We label our training data with GPT-4 outputs and train a classifier.",
    "Do outputs of Stable Diffusion 3.5 need a Powered by Stability AI notice?",
    "We are a startup hiring ML engineers to fine-tune Qwen2.5.",
    "Can we distil DeepSeek-V3 into a smaller model for on-device use?",
    "Is it OK to serve a LoRA adapter of Gemma 7B through our API to paying customers?",
    "We track training runs and monitor GPU utilization on our cluster.",
    "Our app has 2 million monthly active users and runs Llama 4 Scout.",
    "Does the NVIDIA Open Model License let us sell a derivative model?",
    "We use a CV model to count cars in parking lots.",
    "What happens to the licence if we are acquired?",
    "Can I use BLOOM for a research paper on multilingual translation?",
    "Our recommendation engine suggests recipes to users.",
    "We want to diagnose why our RLHF reward model overfits.",
    "Falcon 2 11B fine-tuned for summarising legal contracts for our in-house counsel, who review every summary.",
    "We publish an adapter trained on Wikipedia text under CC BY-SA.",
    "Can our marketing team write blog posts with ChatGPT and publish them under our name with an AI disclosure?",
    "We filter sexual content out of our training data.",
    "Our Slack bot shares release notes with the team.",
    "Accounts that follow our company page get a newsletter.",
    "We want to tell users that they are talking to an AI assistant.",
    "Can I use Llama 3 to write marketing emails for our newsletter subscribers?",
    "Use Qwen to summarise medical literature for researchers.",
    "Our HR chatbot answers employee questions about benefits.",
    "We build a tutoring app for high school students with Llama 3.2.",
    "Can we fine-tune Llama on our support tickets that contain customer names?",
    "A dating app that suggests conversation starters.",
    "We use Phi-3 in a game to voice NPC characters.",
    "Our bank uses Llama 3 to summarise customer complaints for analysts.",
]


@pytest.fixture(scope="module")
def cats() -> UseCategories:
    return load_categories()


def test_every_category_has_paraphrases(cats):
    assert set(MATCHES) == cats.ids(), "every category needs paraphrases (and only categories that exist)"
    assert set(NEAR_MISSES) <= cats.ids()


@pytest.mark.parametrize("cid,sentence", [(c, s) for c, ss in MATCHES.items() for s in ss])
def test_paraphrase_matches_its_category(cid, sentence):
    assert cid in use_cases_of(sentence), (sentence, use_cases_of(sentence))


@pytest.mark.parametrize("cid,sentence", [(c, s) for c, ss in NEAR_MISSES.items() for s in ss])
def test_near_miss_stays_out(cid, sentence):
    assert cid not in use_cases_of(sentence), (sentence, use_cases_of(sentence))


@pytest.mark.parametrize("question", BENIGN)
def test_benign_questions_match_no_category(question):
    assert use_cases_of(question) == (), use_cases_of(question)


@pytest.mark.parametrize("sentence,cid", [
    ("We never generate malware with it.", "malware"),
    ("Nobody will use it for phishing.", "fraud"),
    ("It will not be used for military purposes.", "military"),
])
def test_negated_use_is_not_a_use(sentence, cid):
    assert cid not in use_cases_of(sentence)


def test_carve_outs_are_per_concept():
    # BigScience (l) has no licensed-professional exception, Llama 1.4 and Gemma do: the same question falls in
    # medical_interpretation (BigScience only) and not in medical_practice.
    found = use_cases_of("Radiologists review every x-ray reading our model produces.")
    assert "medical_interpretation" in found and "medical_practice" not in found
    # Consent takes a question out of impersonation for every policy (Llama: without consent).
    assert "impersonation" not in use_cases_of("a voice clone of our CEO, with his written consent")
    # Gemma's own carve-outs (expressive purposes, explicit disclosure) are rules that except the category for Gemma
    # only, so the category still matches and Llama's clause still applies.
    assert "sexual" in use_cases_of("nude figure studies for an art school, for artistic purposes")
    assert "impersonation" in use_cases_of("a deepfake of a politician, clearly labelled as satire")


POLICY_DOCS = ["llama-2-aup", "llama-3-aup", "llama-3.1-aup", "llama-3.2-aup", "llama-3.3-aup", "llama-4-aup", "gemma-pup",
               "deepseek-license", "bigscience-openrail-m", "bigcode-openrail-m", "openai-terms-2023", "openai-terms-2024",
               "nvidia-open-model-license", "falcon-2-license", "stability-ai-community"]


def _paths(corpus) -> dict[str, list[str]]:
    return {d: [c.path for c in corpus.documents[d].clauses] for d in POLICY_DOCS}


def test_every_policy_document_says_where_its_prohibited_uses_are(cats):
    assert sorted(s.doc for s in cats.policies) == sorted(POLICY_DOCS)


def test_every_prohibited_use_clause_has_a_category(cats, corpus):
    paths = _paths(corpus)
    for scope in cats.policies:
        assert any(scope.covers(p) for p in paths[scope.doc]), f"{scope.doc}: restrictions match no clause"
    assert cats.unmapped(paths) == []


def test_a_new_clause_without_a_category_fails(cats, corpus):
    paths = _paths(corpus)
    paths["llama-3-aup"] = paths["llama-3-aup"] + ["2.7"]
    paths["bigcode-openrail-m"] = paths["bigcode-openrail-m"] + ["iv.o"]
    assert cats.unmapped(paths) == ["llama-3-aup:2.7", "bigcode-openrail-m:iv.o"]


def test_listed_exclusions_are_real_clauses_with_reasons(cats, corpus):
    for scope in cats.policies:
        known = {c.path for c in corpus.documents[scope.doc].clauses}
        for path, why in scope.not_categories.items():
            assert path in known and scope.covers(path), f"{scope.doc}:{path}"
            assert len(why) > 20, f"{scope.doc}:{path} needs a reason"


def test_category_clauses_are_inside_the_restriction_lists(cats):
    scopes = {s.doc: s for s in cats.policies}
    for cat in cats.categories:
        for doc, ids in cat.clauses.items():
            for cid in ids:
                assert scopes[doc].covers(cid.split(":", 1)[1]), f"{cat.id}: {cid} is not a prohibited-use clause"
        if not cat.clauses:
            assert cat.note, f"{cat.id} has no clause; its note must say why"


def test_every_use_restriction_of_the_lists_is_reachable(cats):
    # A category whose clauses sit in a document no rule reads would never change a verdict: say so here.
    inert = {d for c in cats.categories for d in c.clauses} - {
        "llama-2-aup", "llama-3-aup", "llama-3.1-aup", "llama-3.2-aup", "llama-3.3-aup", "llama-4-aup", "gemma-pup",
        "deepseek-license", "bigscience-openrail-m", "bigcode-openrail-m", "openai-terms-2023", "openai-terms-2024",
        "nvidia-open-model-license"}
    assert inert == {"stability-ai-community"}


def test_bad_scope_rows_are_reported(tmp_path):
    from retrieval.usecases import parse_categories
    cats, problems = parse_categories({"category": [{"id": "a", "label": "a", "patterns": ["x"], "like": ["nobody"]}],
                                       "policy": [{"doc": "llama-3-aup", "restrictions": "("}, {"doc": 3}]}, "t.toml")
    problems += cats.validate({"llama-3-aup:1"})
    text = "\n".join(problems)
    assert "like names 'nobody'" in text and "not a valid regular expression" in text and "policy #2" in text
    assert isinstance(cats.policies[0], PolicyScope)


# One question per family, end to end: the verdict and the exact clause of the category.
E2E = [
    ("We want Llama 3.1 8B to switch breakers for a grid operator, no human in the loop.", "llama-3.1-aup:prohibited-uses.b2.b4"),
    ("Our Llama 3 70B fine-tune will run hundreds of sock puppet accounts to push our product.", "llama-3-aup:3.6"),
    ("A Llama 4 Scout support agent that must never tell users they're talking to an AI.", "llama-4-aup:4.5"),
    ("Gemma 2 9B for a sexual chatbot app.", "gemma-pup:gemma-prohibited-use-policy.p3.p4"),
    ("Use Gemma 7B to covertly track employees' location.", "gemma-pup:gemma-prohibited-use-policy.p3.p2.p5.b6"),
    ("DeepSeek-V3 to unmask anonymous critics and publish their home addresses.", "deepseek-license:iv.use-restrictions.b6"),
    ("BLOOM to interpret patients' blood test results.", "bigscience-openrail-m:iv.attachment-a.l"),
    ("A StarCoder bot that auto-posts machine-written code to public forums without labelling it as AI.", "bigcode-openrail-m:iv.f"),
    ("Use ChatGPT to reverse engineer the model behind it.", "openai-terms-2024:using-our-services.p2.b3"),
]


@pytest.mark.integration
def test_gemma_carve_out_excepts_the_category(fake_services):
    answer = fake_services.engine.answer("Gemma 2 9B to generate nude figure studies for an art school, for artistic purposes.")
    rules = [f.rule_id for f in answer.findings]
    assert "gemma-expressive-sexual-content" in rules and "gemma-prohibited-use" not in rules, rules
    assert answer.verdict != "not_permitted"


@pytest.mark.integration
@pytest.mark.parametrize("question,clause_id", E2E)
def test_answer_cites_the_category_clause(fake_services, question, clause_id):
    answer = fake_services.engine.answer(question)
    cited = [c for f in answer.findings for c in f.clause_ids]
    assert answer.verdict == "not_permitted", (answer.summary, [f.rule_id for f in answer.findings])
    assert clause_id in cited, cited


# Carve-outs and licences without a use list, end to end (issue 11, s3use): the same concept read in every document that
# has it, each with the verdict and the exact clause its own text gives.
CARVE_OUTS = [
    ("A Llama 3.3 70B consumer app tells renters how to fight their eviction case and drafts the filings for them; "
     "no lawyer is involved.", "not_permitted", "llama-prohibited-use", "llama-3.3-aup:1.4"),
    ("Use Gemma 2 9B to work out where my ex-girlfriend is each evening from her public check-ins.",
     "not_permitted", "gemma-prohibited-use", "gemma-pup:gemma-prohibited-use-policy.p3.p2.p5.b6"),
    ("Our hosted BLOOM assistant goes through patients' lab results and explains what the numbers mean.",
     "not_permitted", "openrail-use-restriction", "bigscience-openrail-m:iv.attachment-a.l"),
    ("A StarCoder2 agent automatically issues binding purchase orders to suppliers with no human sign-off, inside our "
     "company.", "conditional", "openrail-machine-content-disclosure", "bigcode-openrail-m:iv.i"),
    ("A BLOOM agent automatically issues binding purchase orders to suppliers with no human sign-off, inside our "
     "company.", "not_permitted", "openrail-use-restriction", "bigscience-openrail-m:iv.attachment-a.h"),
    ("Our public defenders use StarCoder2 internally to query the case database; the lawyers read the results and make "
     "every decision. Does the administration of justice restriction apply?", "permitted", "openrail-human-decides",
     "bigcode-openrail-m:iv.n"),
    # the category's own carve-out takes the question out before any rule: nothing automated is left to restrict
    ("Court clerks use StarCoder2 internally to query our docket database; judges make every decision. Does the "
     "administration of justice restriction apply?", "permitted", "bigcode-use", "bigcode-openrail-m:ii.p1.p1"),
    ("I run Gemma 2 27B on my own laptop to draft an explicit love scene for my literary novel.",
     "permitted", "gemma-expressive-sexual-content", "gemma-pup:gemma-prohibited-use-policy.p3.p4"),
    ("Teachers use Gemma on their own laptops to write speeches 'as' Napoleon for class, each clearly labelled as "
     "AI-written.", "permitted", "disclosed-impersonation", "gemma-pup:gemma-prohibited-use-policy.p3.p3.b2"),
    ("Preference pairs meant to weaken the built-in safety guardrails of our Nemotron model (NVIDIA Open Model License).",
     "not_permitted", "nvidia-guardrails", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    ("A defence ministry runs Qwen2.5-72B-Instruct on its own servers to translate radio intercepts. Does the Qwen "
     "licence ban military use?", "permitted", "no-use-restrictions", "qwen-license:1.c"),
    ("StarCoder2 writes code that goes into our private repository without any 'AI-generated' marker; the repo is never "
     "published.", "permitted", "bigcode-private-context", "bigcode-openrail-m:iv.f"),
    ("¿Puedo usar BLOOM para decidir automáticamente, sin revisión humana, qué solicitudes de crédito se rechazan?",
     "not_permitted", "openrail-use-restriction", "bigscience-openrail-m:iv.attachment-a.h"),
    # the clause reading of the automated-decision items does not overturn a person who takes every decision
    ("A DeepSeek-V2 model ranks loan applications internally; a loan officer makes the final call on every application.",
     "permitted", "deepseek-use", "deepseek-license:ii.2"),
    ("A museum uses Gemma 2 on its own servers to write catalogue texts for an exhibition on the history of erotic art.",
     "permitted", "gemma-expressive-sexual-content", "gemma-pup:gemma-prohibited-use-policy.p3.p4"),
]


@pytest.mark.integration
@pytest.mark.parametrize("question,verdict,rule_id,clause_id", CARVE_OUTS)
def test_carve_outs_and_unlisted_uses_end_to_end(fake_services, question, verdict, rule_id, clause_id):
    answer = fake_services.engine.answer(question)
    fired = {f.rule_id: f.clause_ids for f in answer.findings}
    assert answer.verdict == verdict, (answer.summary, list(fired))
    assert rule_id in fired and clause_id in fired[rule_id], fired
