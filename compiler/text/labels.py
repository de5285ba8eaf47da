"""The few words the layouts print themselves, in the edition's language.

A Khmer edition must not read "Contents" and "See also" in English inside
Khmer pages; readers and screen readers take the page's language at its word.
Languages without a table here fall back to English.
"""

from __future__ import annotations

from types import SimpleNamespace

LABELS = {
    "en": {
        "front_page": "Front page", "contents": "Contents", "cover": "Cover",
        "guide": "Guide", "stories": "Stories", "more_stories": "More stories",
        "in_this_edition": "In this edition", "also_in_this_edition": "Also in this edition",
        "read_online": "Read online", "related_online": "Related reporting online",
        "see_also": "See also:", "photo": "Photo:", "page": "page", "this_page": "this page",
        "full_story": "Full story:", "story": "story", "stories_count": "stories",
    },
    "km": {
        "front_page": "ទំព័រមុខ", "contents": "មាតិកា", "cover": "គម្រប",
        "guide": "មគ្គុទ្ទេសក៍", "stories": "អត្ថបទ", "more_stories": "អត្ថបទផ្សេងទៀត",
        "in_this_edition": "ក្នុងលេខនេះ", "also_in_this_edition": "ក្នុងលេខនេះផងដែរ",
        "read_online": "អានតាមអ៊ីនធឺណិត", "related_online": "អត្ថបទពាក់ព័ន្ធតាមអ៊ីនធឺណិត",
        "see_also": "សូមមើលផងដែរ៖", "photo": "រូបថត៖", "page": "ទំព័រ", "this_page": "ទំព័រនេះ",
        "full_story": "អត្ថបទពេញ៖", "story": "អត្ថបទ", "stories_count": "អត្ថបទ",
    },
}


def labels(language: str) -> SimpleNamespace:
    base = language.split("-")[0].lower()
    return SimpleNamespace(**LABELS.get(base, LABELS["en"]))
