"""Prohibited uses told in everyday words, one concept at a time (issue 11, s4use): the model names the illness, reads a
scan into findings, turns people down for a flat, is talked past its safety training, writes campaign messages for
each voter, sends binding orders nobody approves, coaches someone through their own court case, grades job seekers,
feeds a tool built for unlawful content, insists it is a person, publishes through a bot, invents news, sells the
phone numbers of private people. Each phrasing here is written from the clause, not taken from an eval set, and each
concept has near misses beside it that must stay out. A use restriction binds whatever the deployment: the same use
gives the same verdict and clause run internally, as a hosted service, or with the deployment unstated."""

from __future__ import annotations

import pytest

from retrieval.scenario import use_cases_of

PHRASINGS: list[tuple[str, set[str]]] = [
    # the model names the illness, or reads results out to the patient
    ("patients type in how they feel and the assistant tells them which condition they probably have", {"medical_practice"}),
    ("the bot replies with a differential diagnosis for each user", {"medical_practice"}),
    ("people upload their cholesterol panel and the app explains what the figures indicate",
     {"medical_practice", "medical_interpretation"}),
    ("the tool tells users whether they need to go to the emergency room", {"medical_practice"}),
    ("we pass mammograms to the model and it generates the impression section", {"medical_interpretation"}),
    ("knee MRIs go in and the model writes the report that goes to the clinic", {"medical_interpretation"}),
    # machine output presented as a person's own work
    ("we assure subscribers every column was typed by the author herself", {"undisclosed_ai"}),
    ("clients are led to believe the speeches were penned personally by the CEO", {"undisclosed_ai"}),
    ('the agency sells the posts as made by "real human writers"', {"undisclosed_ai"}),
    # housing and other decisions on people
    ("the agent reads tenancy applications and declines families from particular postcodes", {"credit", "discrimination"}),
    ("our model picks which applicants get the council house", {"credit"}),
    ("it automatically turns down borrowers with thin files", {"credit"}),
    # past the safety training
    ("a prompt pack that talks the model out of its content policy", {"circumvent_safety"}),
    ("fine-tune it until it no longer says no to anything", {"circumvent_safety"}),
    ("sidestep the model's guardrails with role-play prompts", {"circumvent_safety"}),
    ("a trick that gets the chatbot around its moderation", {"circumvent_safety"}),
    # campaigning
    ("write door-knocking scripts for the senator's volunteers, adapted to each voter", {"political"}),
    ("generate persuasion texts aimed at wavering constituents", {"political"}),
    # binding obligations with no person deciding
    ("the agent renews customer leases by itself and no one checks them before they become binding", {"automated_obligations"}),
    ("the agent signs supplier contracts by itself with no human review", {"automated_obligations"}),
    ("loan applications are declined with no human review", {"credit", "automated_decisions"}),
    # the user's own legal matter, handled with no lawyer
    ("it walks tenants through their eviction hearing and fills in the forms they lodge with the tribunal", {"legal_practice"}),
    ("the app prepares the papers people file in court for their custody dispute", {"legal_practice"}),
    # hiring
    ("rate job hunters on their body language during video interviews", {"employment"}),
    # a tool made for unlawful content, fed by the model
    ("our agent relays requests to an external 'anything goes' image service", {"unlawful_tools"}),
    ("it chains into a generator whose sole purpose is to make non-consensual deepfakes", {"unlawful_tools"}),
    # a bot that says it is a person
    ("when a caller asks if they are speaking to a computer, the voice agent says no", {"bot_as_human"}),
    ("the agent swears it is a flesh-and-blood employee", {"bot_as_human"}),
    # generated content published without a word
    ("a bot shares generated headlines on our Mastodon account", {"unlabelled_content"}),
    ("at no point does the feed mention that a model writes it", {"unlabelled_content"}),
    # invented news
    ("churn out bogus press releases saying the rival firm's product was recalled", {"disinformation"}),
    ("doctored quotes from the mayor for our newsletter", {"disinformation"}),
    # personal data of private people
    ("a lookup service listing the phone numbers of ordinary residents, taken from a hacked dump", {"personal_data"}),
    ("compile files on certain, named reporters", {"personal_data"}),
    ("the doorbell cameras estimate each visitor's gender and age", {"sensitive_data"}),
]

# sentences close to a concept that are not the use: each must stay out of the category named
NEAR_MISSES: list[tuple[str, str]] = [
    ("our car-repair assistant gives a likely diagnosis of the fault from the engine noise", "medical_practice"),
    ("the chatbot tells the buyer which condition the car has", "medical_practice"),
    ("a diary app where users log their symptoms and medication", "medical_practice"),
    ("we train on chest x-ray datasets and produce a report on model accuracy", "medical_interpretation"),
    ("explain what the config values mean in our deployment guide", "medical_practice"),
    ("the bot filters maintenance requests from tenants by urgency", "credit"),
    ("our rental properties chatbot answers tenants' questions about repairs", "credit"),
    ("can we ignore the use restrictions if we only run it internally?", "circumvent_safety"),
    ("the chatbot answers questions from job seekers about our open roles", "employment"),
    ("each voter registration form is scanned and summarised", "political"),
    ("the assistant states that it is a human-in-the-loop tool", "bot_as_human"),
    ("we cut false positive reports from the classifier", "disinformation"),
    ("the support team looks up people in our CRM", "personal_data"),
    ("we store customers' home addresses and phone numbers for delivery", "personal_data"),
    ("the procurement manager approves each purchase order before it goes to the supplier", "automated_obligations"),
    # a contract the model concludes alone is an automated obligation, not a decision on someone's credit
    ("the agent signs supplier contracts by itself with no human review", "credit"),
    ("the agent signs supplier contracts by itself with no human review", "automated_decisions"),
    ("a rail company that operates trains uses the model for customer service", "critical_infrastructure"),
    ("the login page asks for their password", "fraud"),
    ("the classifier falsely flags benign posts", "defamation"),
    ("persuade users to buy bitcoin on our exchange", "fraud"),
    ("it predicts which neighbourhood residents will commit crimes", "illegal_activity"),
    ("a bedtime-story app where parents type in a favourite toy", "children_data"),
    # carve-outs and negations the text itself states: a person decides, consent, disclosure, detection, teaching
    ('a loan officer makes every final call; the model only summarises the file', 'automated_decisions'),
    ('radiologists review and sign every report the model drafts', 'medical_practice'),
    ('we never use it to track anyone', 'surveillance'),
    ('employees agreed in writing to location tracking on company vans', 'surveillance'),
    ('the bot tells every customer up front that it is an AI assistant', 'bot_as_human'),
    ("every generated post carries a clear 'written by AI' label", 'unlabelled_content'),
    ('we train a spam filter that detects phishing emails', 'fraud'),
    ('a classifier that flags hate speech for moderators', 'hate'),
    ('a history lesson on the causes of the first world war for schools', 'military'),
    ('we translate customer emails for our support team', 'personal_data'),
    ('the app explains what the terms in a rental contract mean', 'legal_practice'),
    ('we use it to write the README for our library', 'unlabelled_content'),
    ('a detective novel where the villain poisons the butler', 'violence'),
    ('summarise published research on drug addiction treatment', 'illegal_drugs'),
    ('an HR tool that answers staff questions about holiday policy', 'employment'),
    ('our clinicians use it to draft discharge letters that they edit and sign', 'medical_practice'),
    ('we do not produce any political content', 'political'),
    ('the consent form lets users opt in before we analyse their voice', 'sensitive_data'),
]


# one everyday sentence per category, the way someone describes the activity rather than names the category
EVERYDAY: list[tuple[str, str]] = [
    ('the bot decides who gets a flat in our housing co-op', 'credit'),
    ('it scores job applicants from their cover letters', 'employment'),
    ('it writes fake reviews for our restaurant on Google', 'fake_engagement'),
    ("the app tracks where a person is using their phone's GPS without them knowing", 'surveillance'),
    ('the model runs the breaker switching of the grid', 'critical_infrastructure'),
    ('it chooses which staff get laid off next quarter', 'employment'),
    ('we have it approve or refuse insurance claims on its own', 'credit'),
    ('it works out which students pass the final exam, no teacher checks', 'education_decisions'),
    ('it predicts which neighbourhood residents will commit crimes so police can patrol', 'justice'),
    ('generate a ransomware payload that encrypts hospital files', 'malware'),
    ("write a script to brute-force logins on our competitor's site", 'system_attack'),
    ("texts pretending to be the victim's bank asking for their PIN", 'fraud'),
    ('mass-send promotional SMS to numbers we bought', 'spam'),
    ('a voice clone of a famous actor reading ads without his agreement', 'impersonation'),
    ('write posts telling teenagers how to hide their cutting from parents', 'self_harm'),
    ('a recipe for making nerve gas at home', 'weapons'),
    ('planning routes for smuggling migrants across the border', 'human_trafficking'),
    ('copy whole chapters of a bestselling novel and sell them as our ebook', 'ip_infringement'),
    ('write threatening messages to send to my ex every day', 'harassment'),
    ('generate slurs and memes that demean immigrants', 'hate'),
    ('claim in our ads that the chatbot is a board-certified physician', 'false_expertise'),
    ('tell customers which shares to buy for their retirement savings', 'financial_practice'),
    ('an AI that steers the trains on the metro line with no driver', 'critical_infrastructure'),
    ('it opens and closes the valves at the water treatment works on its own', 'critical_infrastructure'),
    ('it picks targets for drone strikes for the air force', 'military'),
    ('the model decides which benefit claimants lose their payments', 'credit'),
    ('a tool that helps users dodge taxes by hiding income offshore', 'illegal_activity'),
    ('we sell access to our ChatGPT Plus login to ten friends', 'account_sharing'),
    ('the chatbot flirts with lonely pensioners to get them to buy gift cards', 'vulnerable_groups'),
    ("guess from users' chats whether they are gay and show ads accordingly", 'sensitive_data'),
    ('post thousands of comments from bot accounts praising our candidate', 'fake_engagement'),
    ('it writes the whole essay and students hand it in as their own work', 'undisclosed_ai'),
    ('erase the invisible watermark from generated images', 'remove_protections'),
    ('run it for a customer based in Iran', 'export_controls'),
    ("send children's names and photos from our kids app to the API", 'children_data'),
    ('make the model answer bomb-making questions by fine-tuning away its refusals', 'circumvent_safety'),
    ('the model ranks tenants by how trustworthy their Instagram looks', 'social_scoring'),
    ('it writes an article falsely claiming a local baker poisoned customers', 'defamation'),
    ('the system sets the pressure on the gas pipeline compressors by itself', 'critical_infrastructure'),
    ('an app where strangers can find out where any woman lives from one photo', 'personal_data'),
    ('the chatbot rejects mortgage applicants whose surnames sound foreign', 'discrimination'),
    ('the model tells users how much insulin to inject', 'medical_practice'),
    ("our bot lets them think it's a real girl they are dating", 'bot_as_human'),
    ('the assistant decides whether each loan gets the green light', 'credit'),
    ('it shortlists which nurses we hire', 'employment'),
    ('we want it to read CVs and bin the weak ones', 'employment'),
    ('it writes glowing testimonials we post under made-up names', 'fake_engagement'),
    ("it keeps an eye on where my teenage daughter goes after school, she doesn't know", 'surveillance'),
    ('the model flips the switches at the electrical substation', 'critical_infrastructure'),
    ('the model sets the dosing of chlorine at the water plant on its own', 'critical_infrastructure'),
    ('an app that grades tenants and tells landlords whom to refuse', 'credit'),
    ('the bot advises users which antidepressant to start on', 'medical_practice'),
    ('it answers as if it were me in my work email', 'bot_as_human'),
    ('generate a deepfake video of our rival mayor taking a bribe', 'impersonation'),
    ('a companion app that exchanges nude selfies with users', 'sexual'),
    ('it writes code for a keylogger that emails passwords to us', 'malware'),
    ("it helps us get into our neighbour's wifi without the password", 'system_attack'),
    ('design a drone that can drop grenades', 'weapons'),
    ('it coordinates shipments of cocaine for a cartel', 'illegal_drugs'),
    ('recruit young men online to join our armed militia', 'violent_extremism'),
    ('it writes pieces saying the holocaust never happened', 'hate'),
    ('the model turns down visa applicants it thinks are lying', 'justice'),
    ('it decides which pupils get into the grammar school', 'education_decisions'),
    ('spread claims that the vaccine contains microchips', 'disinformation'),
    ('the bot replies to tweets pretending to be a grassroots supporter, we run 500 such accounts', 'fake_engagement'),
    ("we use it to clone a singer's voice for a new song without asking her", 'impersonation'),
    ('an assistant that picks which employees to let go', 'employment'),
    ('it reverse-engineers the API to copy the model weights', 'reverse_engineering'),
    ('the model chooses which families are offered the social housing units', 'credit'),
    ('it ranks the people applying for our graduate scheme', 'employment'),
    ('it pumps out five-star ratings for our app from accounts we control', 'fake_engagement'),
    ("it follows a person's movements through the city using public cameras", 'surveillance'),
    ('the model opens and closes the circuit breakers at the substation by itself', 'critical_infrastructure'),
    ('it decides if an insurance claim is paid, nobody looks at it', 'credit'),
    ('the tool writes messages to my colleague every hour calling her worthless until she quits', 'harassment'),
    ('we generate a fake letter from the tax office demanding payment', 'fraud'),
    ('it tells people with chest pain whether they are having a heart attack', 'medical_practice'),
    ('our agent books sex workers for clients', 'sexual_solicitation'),
    ('the bot gives step-by-step instructions for cooking meth', 'illegal_drugs'),
    ('it writes a manifesto calling for attacks on a religious group', 'violent_extremism'),
    ('our AI lawyer tells people whether to plead guilty', 'legal_practice'),
    ('it generates pictures of a real classmate undressed', 'sexual'),
    ('it figures out the sexual orientation of our users from their likes', 'sensitive_data'),
    ('it auto-publishes AI-written news articles on our site without saying so', 'unlabelled_content'),
    ('customers are told the replies come from our staff, but the model writes them', 'undisclosed_ai'),
    ("a bot on Tinder that chats with matches and never says it's software", 'bot_as_human'),
    ('it writes malware that spreads over USB sticks', 'malware'),
    ('the model designs a virus that spreads faster between people', 'weapons'),
    ('it crafts messages to convince a depressed teen to end their life', 'self_harm'),
    ('the model steers the autonomous forklifts in our warehouse', 'critical_infrastructure'),
    ("we feed it gamblers' histories so it can push them to keep betting", 'vulnerable_groups'),
    ('it predicts which tenants will pay late from their Facebook friends', 'social_scoring'),
    ('it invents a quote from the health minister to make our point', 'disinformation'),
    ('the model approves or turns away people asking for a bank overdraft', 'credit'),
    ('it picks out which warehouse workers get their contracts renewed', 'employment'),
    ('the bot leaves hundreds of made-up customer stories on our Trustpilot page', 'fake_engagement'),
    ('it pieces together where my ex spends her evenings from her gym check-ins', 'surveillance'),
    ('the model is in charge of the sluice gates at the reservoir', 'critical_infrastructure'),
    ('it tells callers which pills to take for their chest infection', 'medical_practice'),
    ('the chatbot says it is a human advisor named Tom when asked', 'bot_as_human'),
    ('it writes essays that students then hand in as if they had written them', 'undisclosed_ai'),
    ("it drafts threatening letters to a journalist's family", 'harassment'),
    ("the model writes a phishing page that looks like our customers' bank login", 'fraud'),
    ('it teaches users how to make a pipe bomb', 'weapons'),
    ('it prices car insurance higher for drivers with Muslim names', 'discrimination'),
    ('it generates explicit images of a schoolgirl', 'child_safety'),
    ('the bot writes propaganda to recruit fighters for ISIS', 'violent_extremism'),
    ('it decides on its own which asylum seekers get deported', 'justice'),
    ('it advises retail investors which penny stocks to buy', 'financial_practice'),
    ('it takes the safety filter off the model so it answers anything', 'circumvent_safety'),
    ("a bot posts replies on Reddit written by the model with nothing to say it's a bot", 'unlabelled_content'),
    ('the agent signs leases with tenants on our behalf with nobody checking', 'automated_obligations'),
    ('it helps people buy guns without a background check', 'weapons'),
]


@pytest.mark.parametrize("sentence,cid", EVERYDAY)
def test_everyday_activity_names_its_category(sentence, cid):
    assert cid in use_cases_of(sentence), (sentence, use_cases_of(sentence))


@pytest.mark.parametrize("sentence,expected", PHRASINGS)
def test_everyday_wording_falls_in_its_category(sentence, expected):
    found = set(use_cases_of(sentence))
    assert expected <= found, (sentence, found)


@pytest.mark.parametrize("sentence,cid", NEAR_MISSES)
def test_near_miss_stays_out(sentence, cid):
    assert cid not in use_cases_of(sentence), sentence


@pytest.mark.parametrize("sentence,cid", [
    ("nowhere does the bot claim it is a flesh-and-blood employee", "bot_as_human"),
    ("we never trick it past its safety filters", "circumvent_safety"),
    ("we won't let it anywhere near medical advice", 'medical_practice'),
    ('there is no military use of any kind', 'military'),
    ('the bot is clearly introduced as an AI at the start of every chat', 'bot_as_human'),
    ("with each person's signed consent we log their location", 'surveillance'),
    ('a pharmacist checks every dosage suggestion before it reaches the patient', 'medical_practice'),
    ("we're not doing anything military", 'military'),
    ('we never claim the essays are human-written', 'undisclosed_ai'),
    ('it will never be used for surveillance', 'surveillance'),
    ('it refuses to give legal advice and sends users to a lawyer', 'legal_practice'),
    ('the app is not for anyone under 18 and we verify age with ID', 'minors_adult_content'),
    ('none of the output is political', 'political'),
    ('no decisions about people are automated; staff decide', 'automated_decisions'),
    ('we label every post as AI-generated', 'unlabelled_content'),
    ('nothing it writes is presented as human work', 'undisclosed_ai'),
    ('users know they are chatting with a bot', 'bot_as_human'),
    ('we build a jailbreak detector to block attempts to bypass the safety filters', 'circumvent_safety'),
    ('red-teaming our own model to measure how easily its guardrails can be bypassed', 'circumvent_safety'),
    ('a tool that helps moderators spot fake reviews', 'fake_engagement'),
    ('researchers study extremist propaganda to counter it', 'violent_extremism'),
    ('a nurse hotline assistant that escalates suicidal callers to a crisis team', 'self_harm'),
    ('hospital doctors use it to summarise literature, and they make every clinical decision', 'medical_practice'),
    ('the lawyers at our firm use it to draft, and a partner signs every filing', 'legal_practice'),
    ('the employees opted in to the location sharing', 'surveillance'),
    ('we anonymise the data and remove all personal information before training', 'personal_data'),
    ('it must not diagnose anyone', 'medical_practice'),
    ('we do not want it to make hiring decisions', 'employment'),
    ('the housing charity uses it to answer questions about how to apply', 'credit'),
    ('it helps job seekers polish their own CVs', 'employment'),
    ('a weather app that tells people whether to take an umbrella', 'medical_practice'),
    ('our newsroom labels every AI-assisted article at the top', 'unlabelled_content'),
    ('it explains the history of nuclear power for a school project', 'critical_infrastructure'),
    ('the game lets players drive trains around a model railway', 'critical_infrastructure'),
    ('we summarise customer reviews for the product team', 'fake_engagement'),
    ('it drafts a polite reminder email to customers who pay late', 'social_scoring'),
    ('a bank chatbot that explains overdraft fees', 'credit'),
    ('it writes onboarding guides for new warehouse workers', 'employment'),
    ("the reservoir's visitor centre uses it to answer questions from tourists", 'critical_infrastructure'),
    ('a pharmacy chatbot that tells callers the opening hours', 'medical_practice'),
    ('students use it to check their own grammar', 'undisclosed_ai'),
    ('the safety team uses it to test our filters for weaknesses', 'circumvent_safety'),
    ('our insurance FAQ bot explains what a premium is', 'credit'),
    ("a history lesson about the Second World War's weapons for a museum", 'weapons'),
])
def test_negated_wording_is_no_use(sentence, cid):
    assert cid not in use_cases_of(sentence)


def test_quote_marks_do_not_hide_a_use():
    plain = use_cases_of("it pipes prompts to a no-filter image generator")
    quoted = use_cases_of("it pipes prompts to a 'no-filter' image generator")
    assert "unlawful_tools" in plain and "unlawful_tools" in quoted


# one prohibited use, three deployments: the restriction binds each of them with the same clause
DEPLOYMENTS = ["We run it inside our company only.", "We offer it to customers as a hosted service.", ""]
USES = [
    ("Llama 3.3 70B", "Patients describe their symptoms and the assistant replies with the most probable diagnosis; "
     "no doctor is involved.", "llama-prohibited-use", "llama-3.3-aup:1.4"),
    ("Gemma 2 9B", "A prompt pack gets it past its safety filtering so it answers anything.", "gemma-prohibited-use",
     "gemma-pup:gemma-prohibited-use-policy.p3.p2.p4"),
    ("BLOOM", "Chest X-rays go in and the model drafts the written findings for clinics.", "openrail-use-restriction",
     "bigscience-openrail-m:iv.attachment-a.l"),
    ("a DeepSeek License model (DeepSeek-V2)", "It puts together files on specific, named journalists from scraped "
     "personal information.", "openrail-use-restriction", "deepseek-license:iv.use-restrictions.b6"),
]


@pytest.mark.integration
@pytest.mark.parametrize("deployment", DEPLOYMENTS)
@pytest.mark.parametrize("model,use,rule_id,clause_id", USES)
def test_use_restriction_binds_whatever_the_deployment(fake_services, model, use, rule_id, clause_id, deployment):
    answer = fake_services.engine.answer(f"We use {model}. {use} {deployment}".strip())
    fired = {f.rule_id: f.clause_ids for f in answer.findings}
    assert answer.verdict == "not_permitted", (answer.summary, list(fired), answer.facts.deployments)
    assert rule_id in fired and clause_id in fired[rule_id], fired


@pytest.mark.integration
@pytest.mark.parametrize("deployment", DEPLOYMENTS)
def test_lawful_adult_fiction_is_not_sexual_solicitation(fake_services, deployment):
    # Llama's item is "sexual solicitation": an adults-only, age-verified story app is not that, so no Llama clause
    # on sex forbids it, in the rules table or in the clause reading
    answer = fake_services.engine.answer(
        f"Adults who passed an ID check co-write sexually explicit stories in our app on Llama 3.1 70B. {deployment}".strip())
    assert answer.verdict != "not_permitted", answer.summary
    assert "llama-3.1-aup:prohibited-uses.b1.b1.b5" not in (answer.clause_verdict.clause_ids if answer.clause_verdict else ())
