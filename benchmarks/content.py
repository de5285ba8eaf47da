"""Deterministic benchmark editions: English news prose, large noisy photos, Khmer stories.

Everything comes from seeded generators, so the same ``(seed, stories)`` always writes the
same content folder. Story ``i`` is the same in every size (an edition of 20 is the first 20
stories of the edition of 60, apart from where related links point), and photos are cached
in a folder shared between sizes and runs (they take about a second each to paint).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_STORIES = ROOT / "editions" / "sample" / "stories"
SECTIONS = ("National", "Business", "World", "Opinion", "Sport")
SECTION_WEIGHTS = (30, 22, 22, 10, 16)
PHOTO_VERSION = 1  # bump when the painter changes, so stale cached photos are not reused
PHOTO_QUALITY = 88
LANDSCAPE = (3000, 2000)
PORTRAIT = (2000, 3000)
SITE = "https://www.phnompenhpost.com"

# --------------------------------------------------------------------------- word banks

PEOPLE = [
    ("Sok Chea", "a spokesman for the ministry"), ("Chhun Sophea", "the provincial governor"),
    ("Meas Vanna", "an economist at the Cambodia Development Resource Institute"),
    ("Keo Dara", "the director of the department"), ("Lim Bunthoeun", "a rice farmer"),
    ("Sar Kimleng", "a garment worker"), ("Pen Sothea", "the club's head coach"),
    ("Hun Sreymom", "a senior official"), ("Nhem Rithy", "a market vendor"),
    ("Ouk Phalla", "the commune chief"), ("Tep Vuthy", "a civil engineer"),
    ("Maria Santos", "the regional director of the Asian Development Bank"),
    ("James Whitfield", "a trade analyst in Singapore"),
    ("Nguyen Thi Lan", "a Vietnamese diplomat"),
    ("Anan Srisuk", "a Thai energy researcher"), ("Chan Sopheak", "a school principal"),
    ("Ros Sokunthea", "the federation's secretary-general"),
    ("Yim Sovann", "an opposition lawmaker"),
    ("Thida Kong", "a public health specialist"),
    ("David Mercer", "a visiting World Bank economist"),
]
PLACES = [
    "Phnom Penh", "Siem Reap", "Battambang", "Kampong Cham", "Kampot", "Kep", "Takeo",
    "Prey Veng", "Svay Rieng", "Kratie", "Stung Treng", "Ratanakiri", "Mondulkiri", "Pursat",
    "Kampong Speu", "Koh Kong", "Preah Sihanouk", "Banteay Meanchey", "Kandal", "Tbong Khmum",
]
ABROAD = ["Bangkok", "Hanoi", "Jakarta", "Kuala Lumpur", "Manila", "Singapore", "Vientiane",
          "Tokyo", "Seoul", "Beijing", "Geneva", "Brussels", "Washington", "New Delhi"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

TOPICS = {
    "National": {
        "org": ["the Ministry of Public Works", "the Ministry of Education",
                "the Ministry of Health",
                "the provincial administration", "the National Committee for Disaster Management",
                "Phnom Penh City Hall", "the Ministry of Rural Development",
                "Electricite du Cambodge", "the Ministry of Land Management"],
        "thing": ["drainage canals", "rural roads", "primary schools", "health centres",
                  "flood barriers", "land titles", "clean-water connections", "bridges",
                  "irrigation channels", "solar-powered street lights", "bus routes"],
        "event": ["the rainy season", "the dry-season harvest", "the Water Festival",
                  "the start of the school year", "last year's floods", "the national census"],
    },
    "Business": {
        "org": ["the Cambodia Securities Exchange", "the National Bank of Cambodia",
                "the Garment Manufacturers Association", "the Ministry of Commerce",
                "the Council for the Development of Cambodia", "the Cambodia Rice Federation",
                "the Ministry of Tourism", "the Phnom Penh Autonomous Port"],
        "thing": ["milled rice exports", "garment orders", "container throughput",
                  "foreign direct investment", "tourist arrivals", "microfinance loans",
                  "cashew processing", "electric motorbike sales", "bond issues",
                  "special economic zones", "the riel's exchange rate"],
        "event": ["the first half of the year", "the third quarter", "the Lunar New Year rush",
                  "the end of the tax year", "the new trade agreement", "the port expansion"],
    },
    "World": {
        "org": ["Asean foreign ministers", "the Mekong River Commission", "the United Nations",
                "the World Health Organization", "the European Union", "the Asian Development Bank",
                "regional disaster agencies", "the International Labour Organization"],
        "thing": ["flood warnings", "trade tariffs", "carbon targets", "refugee quotas",
                  "vaccine supplies", "fishing rights", "hydropower dams", "shipping lanes",
                  "election observers", "debt relief"],
        "event": ["the summit", "the annual ministerial meeting", "the typhoon season",
                  "the ceasefire talks", "the climate conference", "last month's election"],
    },
    "Opinion": {
        "org": ["the government", "city planners", "donors", "lawmakers", "school boards",
                "provincial authorities", "the central bank", "employers"],
        "thing": ["public transport", "teacher salaries", "flood protection", "road safety",
                  "air quality", "rental housing", "pensions", "broadband access",
                  "river fisheries", "vocational training"],
        "event": ["the next budget", "the coming election", "the rainy season",
                  "the reform programme", "the new decade", "the review next year"],
    },
    "Sport": {
        "org": ["the Football Federation of Cambodia", "the National Olympic Committee",
                "the Cambodian Premier League", "the Kun Khmer federation",
                "the volleyball association", "the national athletics squad"],
        "thing": ["the league title", "the relay record", "a place in the final",
                  "the regional championship", "qualification points", "the cup tie",
                  "the marathon course record", "the boxing belt"],
        "event": ["the SEA Games", "the weekend fixture", "the Asian Cup qualifiers",
                  "the boat races", "the national championships", "the season opener"],
    },
}

HEADLINES = {
    "National": ["{Place} to open {num_word} new {thing} before {event}",
                 "Work on {thing} in {place} falls behind schedule",
                 "{Org} pledges ${money} million for {thing} in {place}",
                 "Residents of {place} welcome {thing} ahead of {event}",
                 "Audit questions spending on {thing} in {place}"],
    "Business": ["{Thing} rise {pct} per cent in {event}",
                 "{Org} forecasts slower growth in {thing}",
                 "Investors bet on {thing} as {event} nears",
                 "Exporters in {place} report record {thing}",
                 "{Thing} slip for a second month, {org} says"],
    "World": ["{Org} agree to share data on {thing}",
              "Talks in {abroad} stall over {thing}",
              "{Abroad} braces for {event} as {thing} dominate agenda",
              "{Org} warn of shortfall in {thing}",
              "Neighbours weigh {thing} after {event}"],
    "Opinion": ["Why {thing} deserve a bigger share of {event}",
                "{Org} cannot keep postponing decisions on {thing}",
                "The quiet case for better {thing}",
                "What {place} can teach the country about {thing}",
                "Editorial: {thing} after {event}"],
    "Sport": ["{Place} clinch {thing} in dramatic finish",
              "Late goal keeps {place} in the hunt for {thing}",
              "Young squad eyes {thing} at {event}",
              "{Org} names new coach before {event}",
              "Veteran fighter from {place} defends {thing}"],
}

SUBHEADS = ["Questions over cost", "A long wait", "What happens next", "Lessons from abroad",
            "Pressure from residents", "Numbers behind the plan", "Mixed reactions",
            "A growing gap", "Looking ahead", "Critics unconvinced", "On the ground",
            "The view from {place}", "Money and time", "Who pays", "A change of approach"]

SENTENCES = [
    "{Person}, {title}, said the work on {thing} in {place} would be finished by {month}.",
    "According to figures released by {org} on {day_name}, {thing} grew by {pct} per cent "
    "compared with the same period last year.",
    "The plan, which was first announced in {month} {year}, has been delayed several times "
    "because of disagreements over funding and land.",
    "Officials in {place} said more than {big} people would benefit once the {thing} were in "
    "place, although they declined to give a firm date.",
    "{Person} told reporters that {org} had set aside ${money} million for the project and "
    "that a second phase would follow after {event}.",
    "Critics argue that the money would be better spent on maintenance, pointing to the state "
    "of existing {thing} in {place} and {place2}.",
    "Residents interviewed this week were divided, with some welcoming the attention and "
    "others saying they had heard similar promises before.",
    "The announcement came a day after {org} published a report warning that {thing} had not "
    "kept pace with demand in fast-growing districts.",
    "In {abroad}, where a similar scheme was introduced {num_word} years ago, costs rose by "
    "almost a third before the first results were visible.",
    "\u201cWe have listened to the concerns of the community and we will publish every contract "
    "online,\u201d {person} said.",
    "Analysts expect the figures for {month} to show whether the improvement in {thing} can "
    "last beyond {event}.",
    "The ministry has not said how many of the {num} contractors involved were selected "
    "through open tender.",
    "Data compiled by {org} show that spending on {thing} has roughly doubled since {year2}, "
    "while the number of people served has risen more slowly.",
    "Some of the delays were blamed on heavy rain in {month}, which flooded access roads and "
    "left machinery stranded for weeks.",
    "{Person}, {title}, warned that the timetable was ambitious and depended on the weather, "
    "the supply of materials and the patience of residents.",
    "The committee will meet again on {day_name} to review progress and consider requests from "
    "{num} districts that want to join the programme.",
    "Asked whether the budget would be enough, {person} said that {org} would return to "
    "parliament if costs rose further.",
    "For families in {place}, the changes are practical rather than abstract: shorter journeys, "
    "fewer flooded mornings and more time for work and school.",
    "The previous attempt, in {year2}, collapsed after a dispute between the provincial "
    "authorities and the company that held the contract.",
    "Independent monitors said they would publish their own assessment before {event}, "
    "including interviews with people living along the affected routes.",
    "Prices in local markets were largely unchanged on {day_name}, traders said, although "
    "several reported fewer customers than usual.",
    "The figures do not include {thing} in {place2}, which are counted separately and are "
    "expected to be published next month.",
    "\u201cIt is not enough to build; we have to maintain what we build,\u201d said {person}, "
    "{title}, at a meeting in {place}.",
    "Development partners, including {org}, have offered technical help but say that final "
    "decisions rest with the government.",
]
OPINION_SENTENCES = [
    "It would be easy to dismiss the debate over {thing} as a technical matter for engineers "
    "and accountants, but it touches almost every household in {place}.",
    "We have argued before that {org} should publish its plans early and in full; the case "
    "for doing so has only grown stronger since {event}.",
    "The honest answer is that nobody yet knows whether the money will be enough, and it would "
    "be better to admit that now than after {event}.",
    "There is a better way, and it starts with asking the people who depend on {thing} what "
    "they actually need.",
    "None of this requires a new law; it requires {org} to use the powers it already has and "
    "to report on the results each year.",
]
SPORT_SENTENCES = [
    "{Place} took the lead in the {minute}th minute when a low cross found the far post and "
    "the goalkeeper could only watch the ball cross the line.",
    "The visitors pressed hard after the break, winning {num} corners in the first quarter of "
    "an hour, but could not find a way through.",
    "{Person}, {title}, said the players had trained twice a day for {num_word} weeks and "
    "deserved the result.",
    "A crowd of about {big} people filled the stadium despite the heat, many of them waving "
    "flags in the club's colours.",
    "The win lifts {place} to {num} points, {num_small} clear of their nearest rivals with "
    "{num_small} matches left to play.",
]
QUOTES = [
    "We are not asking for special treatment. We are asking for the same roads, the same "
    "schools and the same clinics that other provinces already have.",
    "The numbers are encouraging, but one good quarter does not make a trend. We need to see "
    "this continue through the rest of the year before anyone celebrates.",
    "Every delay has a cost, and it is the families who live here who pay it, not the people "
    "who sign the contracts.",
    "This is the result of years of work by people whose names will never appear in the "
    "newspaper, and I want to thank every one of them.",
    "We will publish the data, we will answer the questions and we will let people judge the "
    "results for themselves.",
]
STANDFIRSTS = [
    "Officials say the plan will be finished before {event}, but residents of {place} have "
    "heard such promises before.",
    "New figures from {org} suggest that {thing} are recovering, though analysts warn the "
    "improvement may not last.",
    "The decision, taken after months of talks, will affect {big} people in {place} and "
    "beyond.",
    "{Person}, {title}, says the money is there; the question is whether the work can be done "
    "on time.",
]
CAPTIONS = [
    "Workers in {place} on {day_name}. {Org} says the project is on schedule.",
    "Residents of {place} gather ahead of {event}.",
    "A view of {place} from the river, where {thing} are planned.",
    "Supporters celebrate in {place} after the result was announced.",
    "Traders at a market in {place} earlier this month.",
]
CREDITS = ["Heng Chivoan", "Hong Menea", "Pan Simala", "Post Staff", "Reuters", "AFP"]
BYLINES = ["Sok Chea", "Long Kimmarita", "Hin Pisei", "Niem Chheng", "May Kunmakara",
           "Bun Sengkong", "Post Staff", "Orm Bunthoeurn", "Yon Sineat", "Khouth Sophak Chakrya"]
TAGS = {
    "National": ["infrastructure", "floods", "education", "health", "provinces", "land"],
    "Business": ["economy", "trade", "exports", "investment", "tourism", "banking"],
    "World": ["Asean", "diplomacy", "climate", "Mekong", "United Nations", "elections"],
    "Opinion": ["editorial", "policy", "transport", "public services"],
    "Sport": ["football", "Kun Khmer", "athletics", "SEA Games", "volleyball"],
}
NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]


def _fill(template: str, rng: random.Random, section: str) -> str:
    topics = TOPICS[section]
    person, title = rng.choice(PEOPLE)
    place, place2 = rng.sample(PLACES, 2)
    values = {
        "person": person, "title": title, "place": place, "place2": place2,
        "abroad": rng.choice(ABROAD), "org": rng.choice(topics["org"]),
        "thing": rng.choice(topics["thing"]), "event": rng.choice(topics["event"]),
        "month": rng.choice(MONTHS), "day_name": rng.choice(DAYS),
        "year": rng.randint(2019, 2025), "year2": rng.randint(2012, 2020),
        "pct": f"{rng.uniform(1.5, 38):.1f}", "money": rng.choice([4, 12, 18, 25, 40, 65, 120]),
        "big": f"{rng.randint(3, 250) * 1000:,}", "num": rng.randint(3, 48),
        "num_small": rng.randint(2, 9), "num_word": rng.choice(NUM_WORDS),
        "minute": rng.randint(11, 88),
    }
    for key in ("person", "place", "org", "thing", "abroad"):
        values[key.capitalize()] = values[key][:1].upper() + values[key][1:]
    return template.format(**values)


class _Deck:
    """Sentence templates drawn without replacement, so a story rarely repeats itself."""

    def __init__(self, rng: random.Random, section: str) -> None:
        self.rng = rng
        self.bank = SENTENCES + (OPINION_SENTENCES * 2 if section == "Opinion" else []) + (
            SPORT_SENTENCES * 2 if section == "Sport" else [])
        self.cards: list[str] = []

    def draw(self) -> str:
        if not self.cards:
            self.cards = self.bank[:]
            self.rng.shuffle(self.cards)
        return self.cards.pop()


def _paragraph(rng: random.Random, section: str, deck: _Deck) -> str:
    return " ".join(_fill(deck.draw(), rng, section) for _ in range(rng.randint(2, 4)))


def english_body(rng: random.Random, section: str) -> str:
    target = rng.randint(400, 900)
    subheads = rng.sample(SUBHEADS, 3)
    quote_at = rng.randint(2, 4)
    head_at = {rng.randint(3, 5): 0, rng.randint(7, 9): 1, rng.randint(11, 13): 2}
    blocks: list[str] = []
    deck = _Deck(rng, section)
    words = 0
    index = 0
    while words < target:
        if index in head_at and words < target - 80:
            blocks.append("## " + _fill(subheads[head_at[index]], rng, section))
        if index == quote_at:
            person, title = rng.choice(PEOPLE)
            quote = rng.choice(QUOTES)
            blocks.append(f"> \u201c{quote}\u201d\n>\n> \u2014 {person}, {title}")
            words += len(quote.split())
        para = _paragraph(rng, section, deck)
        blocks.append(para)
        words += len(para.split())
        index += 1
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- Khmer


def khmer_material() -> tuple[list[str], list[str]]:
    """Headlines and body paragraphs of the sample edition's Khmer stories."""
    headlines, paragraphs = [], []
    for path in sorted(SAMPLE_STORIES.glob("*-km.md")):
        text = path.read_text(encoding="utf-8")
        _, meta, body = text.split("---", 2)
        match = re.search(r'^headline:\s*"(.*)"\s*$', meta, re.M)
        if match:
            headlines.append(match.group(1))
        for block in body.strip().split("\n\n"):
            block = block.strip()
            if block and not block.startswith(("#", "-", ">", "|")):
                paragraphs.append(block)
    if not paragraphs:  # the sample changed shape; keep the benchmark running
        paragraphs = ["\u1796\u17d0\u178f\u17cc\u1798\u17b6\u1793\u1790\u17d2\u1798\u17b8\u17d4"]
        headlines = ["\u1796\u17d0\u178f\u17cc\u1798\u17b6\u1793"]
    return headlines, paragraphs


def khmer_body(rng: random.Random, paragraphs: list[str]) -> str:
    chosen = [rng.choice(paragraphs) for _ in range(rng.randint(5, 8))]
    more_news = "\u1796\u17d0\u178f\u17cc\u1798\u17b6\u1793\u1794\u1793\u17d2\u1790\u17c2\u1798"
    chosen.insert(3, "## " + more_news)
    chosen.insert(2, "> " + rng.choice(paragraphs))
    return "\n\n".join(chosen) + "\n"


# --------------------------------------------------------------------------- photos


def paint_photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """A 'street scene' of blocks and shapes, blurred, with film grain: compresses like a
    photograph (about 1.6 MB at 3000x2000), not like a flat colour block."""
    w, h = size
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)

    def field(cell: int) -> Image.Image:
        sw, sh = w // cell + 2, h // cell + 2
        small = Image.fromarray(noise.integers(40, 220, (sh, sw, 3), dtype=np.uint8), "RGB")
        return small.resize((sw * cell, sh * cell), Image.Resampling.BICUBIC).crop((0, 0, w, h))

    top = np.array([rng.randint(110, 210) for _ in range(3)], dtype=float)
    bottom = np.array([rng.randint(40, 130) for _ in range(3)], dtype=float)
    t = np.linspace(0, 1, h)[:, None, None]
    base = (top * (1 - t) + bottom * t) * np.ones((1, w, 1))
    img = Image.fromarray(base.astype(np.uint8), "RGB")
    img = Image.blend(img, field(400), 0.3)
    img = Image.blend(img, field(60), 0.12)
    draw = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.4, 0.65))
    palette = [(rng.randint(60, 200), rng.randint(50, 180), rng.randint(40, 170)) for _ in range(8)]
    for _ in range(rng.randint(25, 60)):
        x = rng.uniform(-0.1 * w, w)
        bw, bh = rng.uniform(0.02, 0.15) * w, rng.uniform(0.05, 0.4) * h
        colour = rng.choice(palette)
        if rng.random() < 0.6:
            bottom_y = horizon + rng.uniform(0, 0.3) * h
            draw.rectangle((x, horizon - bh, x + bw, bottom_y), fill=colour)
        else:
            draw.ellipse((x, horizon - bh, x + bw, horizon + bh * 0.3), fill=colour)
        for _ in range(rng.randint(0, 12)):
            wx, wy = x + rng.uniform(0, bw), horizon - bh + rng.uniform(0, bh)
            draw.rectangle((wx, wy, wx + bw * 0.08, wy + bh * 0.06),
                           fill=tuple(max(0, c - 60) for c in colour))
    img = img.filter(ImageFilter.GaussianBlur(2.2))
    pixels = np.asarray(img).astype(np.int16)
    pixels += noise.normal(0, 7, (h, w, 1)).astype(np.int16)
    pixels += noise.normal(0, 3, (h, w, 3)).astype(np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def cached_photo(cache: Path, seed: int, size: tuple[int, int]) -> Path:
    path = cache / f"v{PHOTO_VERSION}-{seed}-{size[0]}x{size[1]}.jpg"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        paint_photo(seed, size).save(tmp, "JPEG", quality=PHOTO_QUALITY)
        tmp.replace(path)
    return path


def _place_file(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


# --------------------------------------------------------------------------- edition


@dataclass
class Plan:
    index: int
    slug: str
    headline: str
    section: str
    language: str
    photo: tuple[int, int] | None
    related: list[dict] = field(default_factory=list)


def _external(k: int) -> dict:
    rng = random.Random(9000 + k)
    section = SECTIONS[k % len(SECTIONS)]
    headline = _fill(rng.choice(HEADLINES[section]), rng, section)
    slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:60]
    return {"headline": headline, "teaser": _fill(rng.choice(STANDFIRSTS), rng, section),
            "url": f"{SITE}/{section.lower()}/{slug}-{k}"}


def make_edition(root: Path, stories: int, photo_cache: Path, seed: int = 2026,
                 photos: bool = True) -> dict:
    """Write CONTENT (stories/*.md and images/) for an edition of `stories` stories;
    ``photos=False``: none at all (a shorter day of the same stories, for corrections)."""
    if root.exists():
        shutil.rmtree(root)
    (root / "stories").mkdir(parents=True)
    (root / "images").mkdir()
    km_headlines, km_paragraphs = khmer_material()
    khmer_every = max(2, round(stories * 0.04))
    khmer_slots = {round(k * stories / khmer_every) + 1 for k in range(khmer_every)}

    plans: list[Plan] = []
    for i in range(stories):
        rng = random.Random(seed * 100_003 + i)
        section = SECTIONS[0] if i == 0 else rng.choices(SECTIONS, SECTION_WEIGHTS)[0]
        khmer = i in khmer_slots and section != "Opinion"
        if khmer:
            headline = f"{rng.choice(km_headlines)} ({i})"
        else:
            headline = _fill(rng.choice(HEADLINES[section]), rng, section)
        photo = None
        if photos and (i == 0 or rng.random() < 0.5):
            photo = PORTRAIT if rng.random() < 0.2 else LANDSCAPE
        plans.append(Plan(i, f"story-{i:03d}", headline, section, "km" if khmer else "en", photo))

    # Related: about half point at other stories in the edition (by slug), the rest are
    # web-only pieces from a shared pool, so More stories has duplicates to fold.
    pool = max(4, stories // 3)
    for plan in plans:
        rng = random.Random(seed * 7919 + plan.index)
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.5 and stories > 1:
                j = (plan.index + rng.randint(1, stories - 1)) % stories
                target = plans[j]
                plan.related.append({"headline": target.headline, "slug": target.slug,
                                     "teaser": "Read the full story in this edition."})
            else:
                plan.related.append(_external(rng.randrange(pool)))

    words = 0
    photos = 0
    for plan in plans:
        rng = random.Random(seed * 31 + plan.index)
        section = plan.section
        person, title = rng.choice(PEOPLE)
        meta = {
            "headline": plan.headline,
            "section": section,
            "byline": f"By {rng.choice(BYLINES)}",
            "standfirst": _fill(rng.choice(STANDFIRSTS), rng, section),
            "published": f"2026-11-25T{rng.randint(0, 6):02d}:{rng.randint(0, 59):02d}:00+07:00",
            "priority": 1 if plan.index == 0 else rng.randint(2, 6),
            "language": plan.language,
            "slug": plan.slug,
            "url": f"{SITE}/{section.lower()}/{plan.slug}",
            "tags": rng.sample(TAGS[section], 2),
        }
        if plan.language == "km":
            body = khmer_body(rng, km_paragraphs)
        else:
            body = english_body(rng, section)
        words += len(body.split())
        lines = ["---"]
        for key, value in meta.items():
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        if plan.photo:
            photo_seed = seed * 1000 + plan.index
            source = cached_photo(photo_cache, photo_seed, plan.photo)
            name = f"photo-{plan.index:03d}.jpg"
            _place_file(source, root / "images" / name)
            photos += 1
            caption = _fill(rng.choice(CAPTIONS), rng, section)
            lines += ["image:", f"  src: ../images/{name}",
                      f"  caption: {json.dumps(caption, ensure_ascii=False)}",
                      f"  credit: {json.dumps(rng.choice(CREDITS))}",
                      f"  alt: {json.dumps('Photograph: ' + caption, ensure_ascii=False)}"]
        lines.append("related:")
        for entry in plan.related:
            first = True
            for key, value in entry.items():
                prefix = "  - " if first else "    "
                lines.append(f"{prefix}{key}: {json.dumps(value, ensure_ascii=False)}")
                first = False
        lines.append("---")
        text = "\n".join(lines) + "\n" + body
        (root / "stories" / f"{plan.slug}.md").write_text(text, encoding="utf-8")
    return {"stories": stories, "photos": photos, "words": words,
            "khmer": sum(p.language == "km" for p in plans)}


def correct_story(root: Path) -> Path:
    """Change one story's body slightly, the way a night editor fixes a figure."""
    stories = sorted((root / "stories").glob("*.md"))
    path = stories[len(stories) // 2]
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    match = re.search(r"\d+", body)
    if match:  # bump the first figure in the body, as a correction would
        body = body[: match.start()] + str(int(match.group()) + 1) + body[match.end():]
    else:
        body = body.replace(".", ", officials said.", 1)
    path.write_text(head + "\n---\n" + body, encoding="utf-8")
    return path
