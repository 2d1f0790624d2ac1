"""What the demo forum talks about (seed_demo): members with jobs and voices, and topics whose
replies answer them, so a newcomer sees what the forum is for.

Each subject has an opening post and points that answer it; a reply is a member's opening words,
one or two of those points and, sometimes, their sign-off, so different members say different
things in their own way. Paragraphs are separate Markdown blocks: seed_demo renders each once.
"""

import random
from functools import cache

FIRST_NAMES = [
    "Aisha", "Ben", "Carla", "Dev", "Eva", "Farah", "Gareth", "Hannah", "Isaac", "Jo", "Kwame",
    "Lena", "Marek", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tomasz", "Uma", "Viktor",
    "Wendy", "Yusuf", "Zoe", "Alice", "Bilal", "Chloe", "Dan", "Ellie", "Femi", "Grace", "Hugo",
    "Ines", "Jamal", "Kirsty", "Liam", "Maya", "Niall", "Olu", "Paula", "Raj", "Siobhan", "Theo",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Harris", "Mendes", "Patel", "Novak", "Rahman", "Jones", "Schmidt", "Mensah",
    "Kowalski", "Byrne", "Costa", "Duarte", "Evans", "Fischer", "Gallagher", "Hughes", "Ibrahim",
    "Jensen", "Khan", "Lindqvist", "Murphy", "Nowak", "O'Neill", "Petrov", "Reid", "Silva",
    "Taylor", "Usman", "Varga", "Walsh", "Young", "Zielinski", "Adeyemi", "Brennan", "Chen",
]  # fmt: skip
JOBS = [
    "Workforce planner", "Team leader", "Quality analyst", "Contact centre manager",
    "Customer service agent", "Real-time analyst", "Operations manager", "Trainer",
    "CX director", "Head of workforce management", "Senior agent", "Complaints handler",
    "Knowledge manager", "Telephony engineer", "Resourcing analyst", "Coach",
]  # fmt: skip
COMPANIES = [
    "Northwind Telecom", "Brightline Energy", "Atlas Insurance", "Harbour Bank", "Meridian Water",
    "Keystone Retail", "Blue Fern Travel", "Cobalt Health", "Riverside Council", "Parcelwise",
    "Lumen Broadband", "Oakridge Building Society", "", "", "",
]  # fmt: skip
PLACES = [
    "Leeds", "Glasgow", "Lisbon", "Manchester", "Cardiff", "Dublin", "Belfast", "Newcastle",
    "Krakow", "Cape Town", "Bristol", "Edinburgh", "Sunderland", "Porto", "", "",
]  # fmt: skip

# How members open and close a reply: each has a voice, picked by their number.
OPENERS = [
    "",
    "Good question.",
    "We went through exactly this last year.",
    "Speaking from a {size} centre in {sector}:",
    "Short version from me:",
    "I have been burned by this before, so here is what I would do.",
    "Agree with most of the above.",
    "Not an expert, but this is what works on our floor.",
    "We are still figuring this out, honestly.",
    "This comes up every quarter for us.",
    "From the team leader side of things:",
    "Our WFM team would say something different, but:",
]
CLOSERS = [
    "",
    "",
    "Happy to share our template if it helps.",
    "Curious what others have seen.",
    "Good luck with it!",
    "Let us know how it goes.",
    "Hope that helps.",
    "Would love to hear if anyone measured this properly.",
]
SIZES = ["small", "40-seat", "200-seat", "multi-site", "outsourced", "fully remote"]
SECTORS = ["utilities", "banking", "retail", "insurance", "telecoms", "travel", "public services"]

# category slug, title variants, opening post, points that answer it
SUBJECTS = [
    (
        "workforce-planning",
        [
            "How do you forecast for a product launch with no history?",
            "Forecasting a launch when there is no past data",
            "New product, no history: where do you start with the forecast?",
        ],
        'We launch a new broadband bundle in six weeks and marketing expects "a lot" of calls. '
        "There is no history for anything like it. How do you build a first forecast?",
        [
            "Borrow the curve from the closest launch you have, even if it was a different "
            "product, and scale it by the size of the mailing.",
            "Get marketing's send dates in writing. Most of our launch spikes were **within two "
            "days of an email going out**.",
            "Plan three scenarios (low, expected, high) and agree in advance which one triggers "
            "overtime, so nobody argues on the day.",
            "Re-forecast daily for the first two weeks. The first three days tell you more than "
            "any model.",
            "Ask the agents who sold the last bundle what customers asked about. It shaped our "
            "handle-time assumption far better than the spreadsheet did.",
        ],
    ),
    (
        "workforce-planning",
        [
            "Shrinkage assumptions: what do you use for training and meetings?",
            "What shrinkage figure do you plan with?",
            "Is 35% shrinkage normal?",
        ],
        "Finance challenged our 35% shrinkage. It includes holidays, sickness, training, "
        "coaching and team meetings. What do you plan with, and how do you split it?",
        [
            "Split planned and unplanned shrinkage. Finance accepts planned shrinkage much more "
            "easily once it is itemised by activity.",
            "We run at about 32% in total: 12% holidays, 6% sickness, the rest coaching, training "
            "and one-to-ones.",
            "Track it by interval, not just by week. Our Monday mornings are far worse than the "
            "weekly average suggests.",
            "Coaching time that is not in the schedule does not happen. Put it in as shrinkage "
            "or it disappears the first busy day.",
        ],
    ),
    (
        "wfm-tools",
        [
            "Real-time adherence: how strict is too strict?",
            "Adherence targets that agents do not hate",
            "Do you still report on schedule adherence?",
        ],
        "Our RTA team messages agents the minute they are out of adherence. Morale is suffering. "
        "What thresholds and tone do you use?",
        [
            "We give a five-minute grace window and only look at patterns over a week, never at "
            "a single break.",
            "Measure **conformance** as well as adherence. It tells you whether the hours were "
            "worked, not whether each minute matched.",
            "The RTA team should message the team leader, not the agent. It changed the tone "
            "overnight for us.",
            "Publish the rules. When agents know what is tracked and why, most of the friction "
            "goes away.",
        ],
    ),
    (
        "quality-and-coaching",
        [
            "Calibration sessions that do not turn into arguments",
            "Making quality calibration useful",
            "How often do you calibrate your quality scores?",
        ],
        "Our weekly calibration is an hour of people defending their scores. How do you run "
        "calibration so it actually lines people up?",
        [
            "Score the call separately first, then reveal. Discussing before scoring just "
            "anchors everyone on the loudest person.",
            "Calibrate on behaviours, not on the total score. Two evaluators can reach 80% for "
            "completely different reasons.",
            "Our quality form went from 40 questions to 12 and calibration got much easier.",
            "Invite an agent to every session. They spot what the form misses.",
            'Keep a shared log of decisions ("a warm transfer counts as resolved if ...") so '
            "you do not have the same argument twice.",
        ],
    ),
    (
        "quality-and-coaching",
        [
            "Coaching remote agents: what has worked for you?",
            "One-to-ones over video: tips?",
            "Coaching when the team is fully remote",
        ],
        "Half my team now works from home. Side-by-side coaching was our main tool. What do you "
        "do instead?",
        [
            "Listen to calls together over screen share, with the agent driving the playback. "
            "They pick the moment to discuss.",
            "Short and often beats long and rare: fifteen minutes twice a week instead of an "
            "hour a month.",
            "We keep one coaching goal per agent at a time, written down, and check it at every "
            "session.",
            "Cameras optional, agenda mandatory. People prepare better when they know what is "
            "coming.",
        ],
    ),
    (
        "quality-and-coaching",
        [
            "Scorecards: what do you measure on each call?",
            "Redesigning our quality scorecard",
            "Quality scorecards that agents trust",
        ],
        "We are redesigning the quality scorecard. Right now it rewards saying the script. "
        "What belongs on a good scorecard?",
        [
            "Empathy and ownership, measured by what the agent did, not by phrases they said.",
            "Separate compliance items (pass or fail) from customer experience items (scored).",
            "Weight the outcome: did the customer get what they needed, and will they need to "
            "call back?",
            "Let agents score one of their own calls each month with the same scorecard. Their "
            "self-scores are often harsher than ours.",
        ],
    ),
    (
        "customer-experience",
        [
            "Moving from AHT targets to quality targets: did it work?",
            "Dropping handle-time targets",
            "Has anyone removed AHT from agent objectives?",
        ],
        "Leadership is considering removing AHT targets for agents. Has anyone done it, and "
        "what happened to queues?",
        [
            "We did. AHT went up 8% for two months and then settled 3% above where it was, while "
            "repeat calls fell by a fifth.",
            "Keep AHT as a planning number, just not as an agent target. Planners still need it.",
            "Watch for a rise in after-call work. Some of the handle time moves there if "
            "nobody is looking.",
            "It only worked once team leaders were coached on what to look at instead.",
        ],
    ),
    (
        "customer-experience",
        [
            "First-contact resolution: how do you measure it honestly?",
            "Measuring FCR without fooling ourselves",
            "Repeat contact rate or survey-based FCR?",
        ],
        "Our FCR comes from a post-call survey and looks great. Repeat contacts tell another "
        "story. How do you measure it?",
        [
            "We count a repeat contact from the same customer within seven days, any channel, "
            "as unresolved. It is blunt but hard to game.",
            "Use both: the survey tells you what the customer thinks, the repeat rate tells you "
            "what they did.",
            "Exclude planned follow-ups (a call back we promised) or you punish good agents.",
            "Break it down by contact reason. Our billing queue and our faults queue are two "
            "different worlds.",
        ],
    ),
    (
        "technology",
        [
            "Which CCaaS platform are you on, and would you choose it again?",
            "Moving to a cloud contact centre platform",
            "CCaaS migration: lessons learned",
        ],
        "We are about to go to tender for a cloud contact centre platform. What are you on, and "
        "what would you do differently?",
        [
            "Test the reporting before you sign. The demo dashboards always look better than "
            "what your analysts can actually export.",
            "Run a pilot on one real queue for a month. Agents find the rough edges in a day.",
            "Check how the platform handles your existing IVR logic; ours needed a full rebuild.",
            "Budget for integration with the CRM separately. It was half our project.",
        ],
    ),
    (
        "technology",
        [
            "Chatbots that hand over to a human gracefully",
            "Bot to agent handover: what good looks like",
            "Is your chatbot helping or hurting?",
        ],
        "Our chatbot contains 60% of chats but customers who reach an agent are furious. How do "
        "you design the handover?",
        [
            "Pass the whole transcript to the agent and **never** make the customer repeat "
            "themselves.",
            "Offer a human after two failed intents, not after five.",
            "Look at the contained chats too. Some of them are customers who simply gave up.",
            "Tell the customer the wait time before the handover, not after.",
        ],
    ),
    (
        "careers",
        [
            "Team leader to operations manager: advice welcome",
            "Stepping up from team leader",
            "What helped you move into operations management?",
        ],
        "I have been a team leader for four years and an operations manager role just opened. "
        "What should I be ready for?",
        [
            "You will spend more time with finance and planning than with agents. Learn the "
            "budget before the interview.",
            "Find a peer in another department to compare notes with. The job is lonelier than "
            "it looks.",
            "Your team leaders become your agents. Coach them the way you would want to be "
            "coached.",
            "Ask what the last person in the role struggled with. It tells you what they really "
            "need.",
        ],
    ),
    (
        "careers",
        [
            "Handling abusive callers: policies and support for agents",
            "When can an agent end an abusive call?",
            "Supporting agents after a difficult call",
        ],
        "An agent on my team had a horrible call yesterday and was shaken for the rest of the "
        "shift. What policies do you have for abusive callers?",
        [
            "Our agents can end a call after one clear warning, no manager approval needed. "
            "Trusting them matters.",
            "Give the agent ten minutes off the phone afterwards, paid and without asking.",
            "Log every abusive call. The data helped us get a wellbeing budget.",
            "Team leaders should call the agent back the next day too. The effect often hits "
            "later.",
        ],
    ),
    (
        "workforce-planning",
        [
            "Erlang C still good enough for chat queues?",
            "Staffing chat with concurrency",
            "How do you calculate staffing for chat?",
        ],
        "Our agents handle up to three chats at once. Erlang C assumes one contact per agent. "
        "How do you staff chat?",
        [
            "We divide the handle time by an effective concurrency of about 1.7, not the "
            "maximum of three.",
            "Simulate it. Even a simple spreadsheet simulation beats Erlang for concurrent work.",
            "Concurrency falls when chats get complex, so forecast by contact reason.",
            "Measure the customer's wait between replies, not just the wait to connect.",
        ],
    ),
]

LONG_THREAD_INTROS = [
    "Post your wins from this week, big or small. We will start: our team hit its service "
    "level every day for the first time since spring.",
]


def member_profile(i: int) -> tuple[str, str, str, str, str]:
    """(username, display name, job title, company, location) of demo member number i."""
    rng = random.Random(i)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    style = i % 4
    if style == 0:
        username = f"{first}.{last}".lower().replace("'", "")
    elif style == 1:
        username = f"{first[0]}{last}".lower().replace("'", "")
    elif style == 2:
        username = f"{first}_{last[0]}".lower()
    else:
        username = f"{first}{last[:3]}".lower().replace("'", "")
    username = f"{username}{i}"[:30]
    named = rng.random() < 0.8  # a few members leave their profile empty
    return (
        username,
        f"{first} {last}" if named else "",
        rng.choice(JOBS) if named else "",
        rng.choice(COMPANIES) if named else "",
        rng.choice(PLACES) if named else "",
    )


def subject_for(topic_number: int):
    return SUBJECTS[topic_number % len(SUBJECTS)]


def topic_title(topic_number: int) -> str:
    _, titles, _, _ = subject_for(topic_number)
    round_ = topic_number // len(SUBJECTS)
    title = titles[round_ % len(titles)]
    if round_ >= len(titles):
        sector = SECTORS[(round_ // len(titles)) % len(SECTORS)]
        title = f"{title.rstrip('?')} ({sector})" + ("?" if title.endswith("?") else "")
    return title


@cache
def subject_of(title: str) -> int:
    """The number of the subject a demo topic's title was made from."""
    plain = title.split(" (")[0].rstrip("?")
    for number, (_, titles, _, _) in enumerate(SUBJECTS):
        if any(plain == t.rstrip("?") for t in titles):
            return number
    return 0


def opening_paragraphs(title: str) -> list[str]:
    _, _, opening, _ = SUBJECTS[subject_of(title)]
    return [opening]


def reply_paragraphs(title: str, topic_id: int, author_number: int, position: int) -> list[str]:
    """A reply to the topic `title` by member `author_number`, at `position` in the topic."""
    _, _, _, points = SUBJECTS[subject_of(title)]
    rng = random.Random(topic_id * 7919 + position)
    voice = random.Random(author_number)
    opener = OPENERS[voice.randrange(len(OPENERS))].format(
        size=voice.choice(SIZES), sector=voice.choice(SECTORS)
    )
    first = points[rng.randrange(len(points))]
    paragraphs = [opener, first] if opener else [first]
    if rng.random() < 0.4:
        second = points[rng.randrange(len(points))]
        if second != first:
            paragraphs.append(second)
    closer = CLOSERS[voice.randrange(len(CLOSERS))]
    if closer and rng.random() < 0.5:
        paragraphs.append(closer)
    return paragraphs
