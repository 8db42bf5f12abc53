"""HTML -> blocks: the block model (`model`) and the one HTML converter (`parser`) every export
renderer reads. Re-exports their public names for the renderers and the export source."""

from books.export.blocks.model import (
    Block,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    blocks_word_count,
    clean_text,
    runs_text,
)
from books.export.blocks.parser import html_to_blocks

__all__ = [
    "Block",
    "Heading",
    "ListBlock",
    "ListItem",
    "Paragraph",
    "Run",
    "blocks_word_count",
    "clean_text",
    "html_to_blocks",
    "runs_text",
]
