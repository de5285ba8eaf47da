"""Edition -> EPUB 3, and a book per device: the EPUB (with its cover picture, font
subsets and the print page-list) and the Kobo KEPUB made from it; the Send-to-Kindle
preflight. docs/devices.md says what each device gets."""
