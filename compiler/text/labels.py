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
        "description": "{title} for {date}: {lead}",
        "accessibility_summary": "News stories with headings for each section and story, a "
                                 "table of contents, and text alternatives for every photo. "
                                 "No hazards.",
        "page_list": "Pages",
        # The shelf's download pages (compiler/shelf/templates).
        "downloads": "Subscriber downloads", "latest_edition": "Latest edition",
        "download": "Download", "archive": "Archive", "latest": "latest", "and": "and",
        "archive_note": "Every edition we keep, newest first. Permanent links to the "
                        "newest edition:",
        "hint_pdf": "to print or read on a computer",
        "hint_epub": "for e-readers and reading apps",
        "hint_kepub": "for Kobo e-readers (.kepub.epub)", "kobo_epub": "Kobo EPUB",
        "corrected": "Corrected", "skip": "Skip to the downloads",
        "all_editions": "All editions", "all_of": "All {title} editions",
        "for_apps": "For e-reader apps:", "catalogue": "OPDS catalogue",
        "corrections": "Corrections", "updated": "Updated", "pages_count": "pages",
        "cover_alt": "Front page of {title} for {date}", "lead_story": "Lead story:",
        "of_day": "of", "page_title": "download the edition", "sentence_end": ".",
        "as_files": "as PDF and EPUB", "same_day": "The same day in another language:",
    },
    "km": {
        "front_page": "ទំព័រមុខ", "contents": "មាតិកា", "cover": "គម្រប",
        "guide": "មគ្គុទ្ទេសក៍", "stories": "អត្ថបទ", "more_stories": "អត្ថបទផ្សេងទៀត",
        "in_this_edition": "ក្នុងលេខនេះ", "also_in_this_edition": "ក្នុងលេខនេះផងដែរ",
        "read_online": "អានតាមអ៊ីនធឺណិត", "related_online": "អត្ថបទពាក់ព័ន្ធតាមអ៊ីនធឺណិត",
        "see_also": "សូមមើលផងដែរ៖", "photo": "រូបថត៖", "page": "ទំព័រ", "this_page": "ទំព័រនេះ",
        "full_story": "អត្ថបទពេញ៖", "story": "អត្ថបទ", "stories_count": "អត្ថបទ",
        "description": "{title} {date}៖ {lead}",
        "accessibility_summary": "អត្ថបទព័ត៌មាន ដែលមានចំណងជើងសម្រាប់ផ្នែក និងអត្ថបទនីមួយៗ "
                                 "មាតិកា និងការពិពណ៌នាជាអក្សរសម្រាប់រូបថតនីមួយៗ។ "
                                 "គ្មានគ្រោះថ្នាក់។",
        "page_list": "ទំព័រ",
        "downloads": "ទាញយកសម្រាប់អ្នកជាវ", "latest_edition": "លេខថ្មីបំផុត",
        "download": "ទាញយក", "archive": "បណ្ណសារ", "latest": "ថ្មីបំផុត", "and": "និង",
        "archive_note": "គ្រប់លេខដែលយើងរក្សាទុក ថ្មីបំផុតមុនគេ។ "
                        "តំណអចិន្ត្រៃយ៍ទៅលេខថ្មីបំផុត៖",
        "hint_pdf": "សម្រាប់បោះពុម្ព ឬអានលើកុំព្យូទ័រ",
        "hint_epub": "សម្រាប់ឧបករណ៍អានអេឡិចត្រូនិក និងកម្មវិធីអាន",
        "hint_kepub": "សម្រាប់ឧបករណ៍អាន Kobo (.kepub.epub)", "kobo_epub": "Kobo EPUB",
        "corrected": "បានកែតម្រូវ", "skip": "រំលងទៅការទាញយក",
        "all_editions": "គ្រប់ការបោះពុម្ពផ្សាយ", "all_of": "គ្រប់លេខនៃ {title}",
        "for_apps": "សម្រាប់កម្មវិធីអានសៀវភៅអេឡិចត្រូនិក៖", "catalogue": "កាតាឡុក OPDS",
        "corrections": "ការកែតម្រូវ", "updated": "ធ្វើបច្ចុប្បន្នភាព", "pages_count": "ទំព័រ",
        "cover_alt": "ទំព័រមុខនៃ {title} {date}", "lead_story": "អត្ថបទសំខាន់៖",
        "of_day": "នៃ", "page_title": "ទាញយកកាសែត", "sentence_end": "។",
        "as_files": "ជា PDF និង EPUB", "same_day": "ថ្ងៃដដែលនេះជាភាសាផ្សេង៖",
    },
}


READ_IN = {
    "en": {"page": "Read in English,", "online": "Read in English:", "link": "Read in English",
           "number": "page", "here": "this page"},
    "km": {"page": "អានជាភាសាខ្មែរ", "online": "អានជាភាសាខ្មែរ៖", "link": "អានជាភាសាខ្មែរ",
           "number": "ទំព័រ", "here": "ទំព័រនេះ"},
}
"""The line on a story that points at its translation, in the translation's language
("Read in English, page 12" on a Khmer story, also in an English edition)."""


def labels(language: str) -> SimpleNamespace:
    base = language.split("-")[0].lower()
    return SimpleNamespace(**LABELS.get(base, LABELS["en"]))


def read_in(language: str) -> SimpleNamespace | None:
    """The words pointing at a translation in ``language``, or None for a language
    without them here: no line then, rather than "Read in English" on a French story."""
    words = READ_IN.get(language.split("-")[0].lower())
    return SimpleNamespace(**words) if words else None
