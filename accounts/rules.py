"""The account rules, each written once: the limits of credentials and profile fields and the
bounds of the preferences. Serializers, services and the admin import them from here.

Constants only: no Django, no DRF, so any layer may import it.
"""

EMAIL_MAX = 254  # RFC 5321's longest address
PASSWORD_MAX = 128
REFRESH_TOKEN_MAX = 4096
NAME_MAX = 50  # first and last name as a profile edit accepts them
DISPLAY_NAME_MAX = 100
URL_MAX = 2083  # the longest URL browsers accept
BIO_MAX = 1000
THEME_MAX = 32

# (value, label): the labels name the choices in the OpenAPI document and keep these sets apart
# from the export endpoints' own (same values, no labels).
WRITING_STYLES = [
    ("professional", "Professional"),
    ("conversational", "Conversational"),
    ("academic", "Academic"),
    ("creative", "Creative"),
    ("technical", "Technical"),
]
EXPORT_FORMATS = [("pdf", "PDF"), ("docx", "Word"), ("epub", "EPUB"), ("markdown", "Markdown")]
PAGE_SIZES = [("letter", "US Letter"), ("A4", "A4")]
AUTO_SAVE_SECONDS = (3, 30)  # bounds of the editor's autosave interval
