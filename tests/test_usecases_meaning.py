"""Use-policy categories read from what a scenario describes, not from the words of our own sets: prohibited uses told
in people's own words (fake reviews under invented personas, a bot that chats as if it were the user, setpoints sent
straight to plant equipment, ...) fall in their category for every policy that has the concept; the carve-outs
(consent, disclosure as AI, a human who reviews, a negated use) keep them out; and the answer cites each policy's own
clause. Every phrasing here is written from the clause, not taken from an eval set."""

from __future__ import annotations

import pytest

from retrieval.scenario import use_cases_of

# phrasing -> the categories it must fall in (others may be added by neighbouring concepts, but never these lost)
PHRASINGS: list[tuple[str, set[str]]] = [
    ("have the model draft two hundred glowing 5-star Play Store reviews signed by made-up users", {"fake_engagement"}),
    ("our tool posts testimonials on marketplaces under invented customer identities", {"fake_engagement"}),
    ("spin up synthetic reviewer personas that leave ratings for our hotel", {"fake_engagement"}),
    ("we sell the generated essays and market them as authored by our in-house experts", {"undisclosed_ai"}),
    ("the newsletter articles come out of the model and run under staff bylines", {"undisclosed_ai"}),
    ("the email assistant answers recruiters as though it were the user, and they are never told it is a bot",
     {"bot_as_human"}),
    ("a WhatsApp agent that pretends to be the account owner", {"bot_as_human"}),
    ("mine our customers' support chats to work out which ones are pregnant and target baby ads", {"sensitive_data"}),
    ("classify employees' emails to spot who is job-hunting", {"sensitive_data"}),
    ("log where our couriers go on weekends from their phones; the couriers are not told", {"surveillance"}),
    ("cross-reference badge swipes and wi-fi logins to see which employees leave early", {"surveillance"}),
    ("a fan chatbot that claims to be a famous footballer", {"impersonation"}),
    ("the avatar talks like a well-known actress and insists it is her", {"impersonation"}),
    ("our tax bot presents itself as a certified accountant and files customers' tax returns",
     {"professional_practice", "false_expertise", "financial_practice"}),
    ("let the model write setpoints straight to the furnace controllers at our steel mill", {"critical_infrastructure"}),
    ("the model drives the conveyor motors of the bottling plant without an operator", {"critical_infrastructure"}),
    ("logistics planning and warehouse scheduling for an army base", {"military"}),
    ("build target packages for a defence-tech client", {"military"}),
    ("turn intercepted radio traffic into intelligence summaries", {"espionage"}),
    ("the model reads knee MRIs and writes the radiology report that goes to clinics",
     {"medical_practice", "medical_interpretation"}),
    ("score the credibility of refugee claimants from their hearing transcripts", {"justice"}),
    ("rate loan applicants by their social-media posts", {"social_scoring"}),
    ("put together background reports on specific activists from scraped data", {"personal_data"}),
    ("approve mortgage applications end to end, no human involved", {"automated_decisions", "credit"}),
    ("we fine-tuned the refusals out of the model so it never refuses", {"circumvent_safety"}),
    ("the five of us share one ChatGPT Team login between everyone", {"account_sharing"}),
    ("the bot's replies go out with no 'AI' label anywhere", {"unlabelled_content"}),
    ("pipe prompts to a third-party uncensored image generator built for making non-consensual nudes", {"unlawful_tools"}),
]


@pytest.mark.parametrize("phrasing,expected", PHRASINGS)
def test_phrasing_falls_in_its_categories(phrasing, expected):
    found = set(use_cases_of(phrasing))
    assert expected <= found, (phrasing, found)


# phrasing -> categories it must NOT fall in: carve-outs and negations, concept by concept
CARVED: list[tuple[str, set[str]]] = [
    ("the dating assistant suggests replies and the intro message says clearly it is an AI assistant",
     {"bot_as_human", "undisclosed_ai"}),
    ("we track couriers' location during shifts; they gave written consent", {"surveillance"}),
    ("marketing videos with our founder's cloned voice, the founder signed a consent form", {"impersonation"}),
    ("the model suggests kiln setpoints and our operators approve each change before it is applied",
     {"critical_infrastructure"}),
    ("the dashboard shows temperature setpoints for each room", {"critical_infrastructure"}),
    ("our staff write the product reviews themselves; nothing is generated", {"fake_engagement"}),
    ("it will not be used for military logistics.", {"military"}),
    ("a classifier that detects fake reviews on our marketplace", {"fake_engagement"}),
    ("radiologists use it as a drafting tool and review every report", {"medical_practice"}),
    ("we remove personal data such as names and addresses from the dataset", {"personal_data"}),
    ("we share our evaluation dataset with partners", {"account_sharing"}),
]


@pytest.mark.parametrize("phrasing,absent", CARVED)
def test_carve_outs_and_negations_keep_the_category_out(phrasing, absent):
    found = set(use_cases_of(phrasing))
    assert not (absent & found), (phrasing, found)


def test_no_carve_out_for_bigscience_medical_results():
    # BigScience (l) forbids medical results interpretation whoever reviews it: only the Llama/Gemma concept is carved.
    found = set(use_cases_of("radiologists review every chest x-ray reading the model produces"))
    assert "medical_interpretation" in found and "medical_practice" not in found


# One question per policy and concept, end to end: verdict and the policy's own clause.
E2E = [
    ("Our Llama 3.1 70B app writes batches of 5-star app reviews posted under rotating shopper personas.",
     "llama-3.1-aup:prohibited-uses.b3.b6"),
    ("A ghostwriting site on Llama 3.3 sells its essays as written by our human experts.", "llama-3.3-aup:3.5"),
    ("Llama 4 Scout on an edge box issues setpoints directly to the kiln burners, no human in the loop.",
     "llama-4-aup:3.4"),
    ("Run Llama 3.2 3B over users' chat logs to guess who is depressed and sell them as ad segments.",
     "llama-3.2-aup:1.4"),
    ("A Llama 2 13B persona that claims to be a famous pop singer when fans chat with it.", "llama-2-aup:3.4"),
    ("Gemma 2 9B summarises where our drivers go in their off-hours from GPS traces; drivers aren't told.",
     "gemma-pup:gemma-prohibited-use-policy.p3.p2.p5.b6"),
    ("A Gemma 2 bot tells users it's a licensed CPA and prepares their tax returns.",
     "gemma-pup:gemma-prohibited-use-policy.p3.p3.b3"),
    ("DeepSeek-V3 for military logistics and supply planning for the armed forces.",
     "deepseek-license:iv.use-restrictions.b2"),
    ("A DeepSeek-V3 tool that scores tenants from their social-media behaviour for landlords.",
     "deepseek-license:iv.use-restrictions.b9"),
    ("A BLOOM-based vision model (BigScience OpenRAIL-M) reads chest X-rays and writes findings reports.",
     "bigscience-openrail-m:iv.attachment-a.l"),
    ("A BigScience OpenRAIL-M model that predicts which asylum applicants are lying.",
     "bigscience-openrail-m:iv.attachment-a.m"),
    ("StarCoder2 to compile dossiers on named journalists from scraped personal data.", "bigcode-openrail-m:iv.e"),
    ("Llama 3.3 70B summarises intercepted comms into target packages for an army customer.", "llama-3.3-aup:2.1"),
]


@pytest.mark.integration
@pytest.mark.parametrize("question,clause_id", E2E)
def test_answer_cites_the_policy_clause(fake_services, question, clause_id):
    answer = fake_services.engine.answer(question)
    cited = [c for f in answer.findings for c in f.clause_ids]
    assert answer.verdict == "not_permitted", (answer.summary, [f.rule_id for f in answer.findings])
    assert clause_id in cited, cited


@pytest.mark.integration
def test_disclosed_simulation_is_not_the_gemma_impersonation_ban(fake_services):
    # Gemma forbids impersonation without explicit disclosure; a persona that says it is an AI simulation is disclosed.
    answer = fake_services.engine.answer("Our hosted Gemma 2 app replies in a late grandparent's style; every screen "
                                         "states that it is an AI simulation, not the real person.")
    rules = [f.rule_id for f in answer.findings]
    assert "gemma-prohibited-use" not in rules, rules
    assert answer.verdict != "not_permitted"

# Everyday phrasings of every category, written from each clause (two or one per concept).
EVERYDAY: dict[str, list[str]] = {
    "violent_extremism": ["draft a manifesto calling for armed struggle against the government", "help a militia recruit young men online"],
    "child_safety": ["roleplay sexual scenarios with a 12 year old character"],
    "human_trafficking": ["match workers to employers who keep their passports and never pay them"],
    "minors_adult_content": ["our erotic story app has no age check and lots of teen users"],
    "sexual_solicitation": ["a bot that books paid sexual encounters for clients"],
    "sexual": ["a companion app that sends users explicit pictures on request"],
    "illegal_activity": ["explain how to get around customs with undeclared goods"],
    "illegal_drugs": ["a bot that tells buyers where to score cocaine", "write a recipe for making MDMA at home"],
    "weapons": ["walk users through converting a rifle to fully automatic", "design a drone that drops explosives"],
    "military": ["help our navy customer plan fleet deployments", "an assistant for a tank battalion's operations officers"],
    "nuclear": ["optimise enrichment cascade settings for uranium"],
    "espionage": ["help a state agency spy on dissidents abroad"],
    "critical_infrastructure": ["the model opens and closes the sluice gates of the dam by itself", "let it autonomously pilot our cargo drones"],
    "self_harm": ["a chatbot that coaches users on extreme fasting to lose weight fast"],
    "violence": ["write a plan to beat up a coworker after work"],
    "hate": ["generate memes mocking Jewish people", "content that dehumanises refugees"],
    "harassment": ["auto-generate insulting replies to a streamer every day", "keep messaging my ex threats until she answers"],
    "defamation": ["generate a fake story that a local restaurant poisoned customers"],
    "discrimination": ["lower credit limits for applicants with foreign-sounding names"],
    "social_scoring": ["rank citizens by their online behaviour to decide who gets public housing"],
    "vulnerable_groups": ["push lonely elderly users to buy more premium messages"],
    "employment": ["the model decides which warehouse workers get fired each month"],
    "credit": ["decide who gets a car loan from their chat history"],
    "education_decisions": ["the model decides university admissions on its own"],
    "justice": ["recommend prison sentences to judges", "flag which migrants should be detained at the border"],
    "automated_decisions": ["insurance claims are denied automatically with no person looking at them"],
    "automated_obligations": ["the agent accepts vendor terms and signs purchase orders on our behalf with no review"],
    "legal_practice": ["our app tells tenants whether to sue their landlord and writes the complaint, no lawyer involved"],
    "medical_practice": ["a bot that tells patients which antibiotics to take", "the assistant diagnoses skin rashes from photos for users"],
    "medical_interpretation": ["explain patients' MRI results to them"],
    "financial_practice": ["tell retail customers which crypto to buy this week"],
    "professional_practice": ["the bot stamps structural drawings as the engineer of record"],
    "false_expertise": ["market the chatbot as a board-certified physician"],
    "sensitive_data": ["infer users' sexual orientation from their likes"],
    "surveillance": ["read employees' private Slack DMs to find out who complains about management", "secretly record calls of our staff"],
    "personal_data": ["find the home address of the reviewer who criticised us"],
    "children_data": ["kids under 13 upload photos of themselves to our ChatGPT app"],
    "ip_infringement": ["generate full copies of Harry Potter chapters to sell", "reproduce paywalled news articles verbatim on our site"],
    "malware": ["write a keylogger that hides from antivirus", "build a worm that spreads over SMB"],
    "system_attack": ["brute-force login pages of other companies", "flood a competitor's servers with traffic"],
    "circumvent_safety": ["jailbreak the model to get bomb instructions"],
    "remove_protections": ["strip the invisible watermark from generated images"],
    "disinformation": ["write fake health claims that vaccines cause autism"],
    "fraud": ["write emails pretending to be the bank to get customers' passwords", "fake charity appeals after the earthquake"],
    "spam": ["send a million promotional texts to numbers we bought"],
    "impersonation": ["make a voice bot that calls people sounding like the president"],
    "undisclosed_ai": ["submit the model's essays as the students' own work"],
    "bot_as_human": ["our sales agent bot insists it is a real person named Sarah"],
    "unlabelled_content": ["auto-publish generated news articles on our site without any AI notice"],
    "fake_engagement": ["generate upvotes from a network of fake accounts"],
    "undisclosed_dangers": ["we know it hallucinates dosages but we won't warn users"],
    "unlawful_tools": ["connect the agent to a tool built for stealing credentials"],
    "reverse_engineering": ["probe the API to work out the model's weights"],
    "scraping": ["scrape ChatGPT answers in bulk with a headless browser"],
    "service_resale": ["resell our OpenAI API access to other startups at a markup"],
    "account_sharing": ["sell our API key to a friend's company"],
    "rate_limits": ["open extra accounts so our batch job never runs into the rate limit"],
    "export_controls": ["offer the service to customers in North Korea"],
    "political": ["write targeted campaign ads for a senate candidate"],
}


@pytest.mark.parametrize("cid,phrasing", [(c, q) for c, qs in EVERYDAY.items() for q in qs])
def test_everyday_phrasing_falls_in_its_category(cid, phrasing):
    assert cid in use_cases_of(phrasing), (phrasing, use_cases_of(phrasing))


# Ordinary questions whose words come near a listed use (kill a job, threat intelligence, a tank game, loan products).
ORDINARY = [
    "We kill stale training jobs on the cluster every night.",
    "our security team triages threat intelligence emails with Llama 3.1",
    "we fine-tune on emails we scraped from our own support inbox",
    "the model summarises contracts for our lawyers, who sign them",
    "we sell the fine-tuned model's API at a markup over our GPU cost",
    "a game where players command a tank battalion",
    "we shoot product photos and caption them with Gemma",
    "a chatbot that answers questions about our loan products' interest rates",
    "We generate unit tests for our payment service",
    "the assistant drafts replies; agents send them after review",
    "can we publish our LoRA of Llama 3.2 on civitai?",
    "our customers rate the answers with stars",
    "an internal tool to explain our own monitoring dashboards",
    "we translate medical leaflets into Spanish for a hospital, reviewed by its pharmacists",
    "summarise quarterly reports for the board",
    "our analytics startup counts foot traffic in malls from anonymised sensor data",
    "we use Gemma to help students practise for exams",
    "we host Qwen behind an OpenAI-compatible endpoint",
    "Llama 4 Maverick writes product descriptions for our shop",
    "we run DeepSeek-Coder locally for code review",
    "our HR team uses it to draft job descriptions",
    "a recipe assistant that suggests meal plans",
    "we want to compare the Llama 3 and Llama 3.1 AUPs",
    "the model labels support tickets by urgency",
    "we train a reward model on human preference data",
    "our QA bot answers questions about our own API docs",
    "the model helps our mechanics read maintenance manuals",
    "does the Gemma licence let us sell a paid app?",
    "we generate synthetic images of furniture for our catalogue",
    "an agent that books meeting rooms for staff",
    "we monitor model latency and errors in production",
    "our kids' reading app uses Llama 3.2 1B on device, without collecting any data",
    "we collect consented user feedback to improve the model",
    "an internal search over our engineering wiki",
]


@pytest.mark.parametrize("question", ORDINARY)
def test_ordinary_question_falls_in_no_category(question):
    assert use_cases_of(question) == (), use_cases_of(question)


def test_every_category_has_an_everyday_phrasing():
    from retrieval.usecases import load_categories

    assert set(EVERYDAY) == load_categories().ids()
