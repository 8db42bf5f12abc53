"""Differences between two texts, line by line and word by word (difflib), for the revision
diff endpoints of chapters and of the summary.

Each op is difflib's opcode with its ranges and, for what changed, the removed and added lines
or words: `{"op": "replace", "a": [i1, i2], "b": [j1, j2], "removed": [...], "added": [...]}`
(`equal` ops carry ranges only, so an answer stays proportional to what changed plus the op
count). `unified` is the classic unified diff of the lines. Word ops are skipped (None, with
`word_ops_skipped`) when either side has more than DIFF_MAX_WORDS words: difflib's matcher can
be quadratic, and a request must stay bounded.
"""

import difflib
import re

DIFF_MAX_WORDS = 50_000
DIFF_CONTEXT_LINES = 3
_WORDS = re.compile(r"\S+")


def _ops(a: list[str], b: list[str]) -> tuple[list[dict], int, int]:
    ops, added, removed = [], 0, 0
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        op: dict = {"op": tag, "a": [i1, i2], "b": [j1, j2]}
        if tag != "equal":
            op["removed"], op["added"] = a[i1:i2], b[j1:j2]
            removed, added = removed + (i2 - i1), added + (j2 - j1)
        ops.append(op)
    return ops, added, removed


def text_diff(old: str, new: str, *, old_label: str, new_label: str) -> dict:
    """The line ops, word ops and unified diff turning `old` into `new`, with counts."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    line_ops, lines_added, lines_removed = _ops(old_lines, new_lines)
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    word_ops = None
    words_added = words_removed = None
    skipped = max(len(old_words), len(new_words)) > DIFF_MAX_WORDS
    if not skipped:
        word_ops, words_added, words_removed = _ops(old_words, new_words)
    unified = "\n".join(
        difflib.unified_diff(
            old_lines,
            new_lines,
            fromfile=old_label,
            tofile=new_label,
            n=DIFF_CONTEXT_LINES,
            lineterm="",
        )
    )
    return {
        "identical": old == new,
        "stats": {
            "lines_added": lines_added,
            "lines_removed": lines_removed,
            "words_added": words_added,
            "words_removed": words_removed,
        },
        "line_ops": line_ops,
        "word_ops": word_ops,
        "word_ops_skipped": skipped,
        "unified": unified,
    }
