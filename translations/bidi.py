"""Bidirectional text: what someone typed or imported must not reorder our own sentences.

Unicode's explicit direction controls (embeddings, overrides, isolates) act until they are
closed, or until the end of the paragraph. An unclosed right-to-left override in a provider's
name would turn the rest of the bot's sentence around it backwards. `balanced` keeps only the
controls that are properly closed; `isolate` puts a value between First Strong Isolate and Pop
Directional Isolate, so whatever direction it has stays inside it.
"""

_OPENERS = {
    "\u202a": "\u202c",  # LRE ... PDF
    "\u202b": "\u202c",  # RLE
    "\u202d": "\u202c",  # LRO
    "\u202e": "\u202c",  # RLO
    "\u2066": "\u2069",  # LRI ... PDI
    "\u2067": "\u2069",  # RLI
    "\u2068": "\u2069",  # FSI
}
_CLOSERS = frozenset(_OPENERS.values())
_PARAGRAPH_ENDS = frozenset("\n\r\u2029\u0085\u001c\u001d\u001e")
FSI, PDI = "\u2068", "\u2069"


def balanced(text: str) -> str:
    """`text` without the direction controls that are not closed in the same paragraph, and
    without closers that close nothing."""
    kept: list[str] = []
    # Positions in `kept` of the controls still open in this paragraph, and what closes each.
    open_at: list[tuple[int, str]] = []

    def drop_unclosed() -> None:
        for position, _ in reversed(open_at):
            del kept[position]
        open_at.clear()

    for character in text:
        if character in _OPENERS:
            open_at.append((len(kept), _OPENERS[character]))
            kept.append(character)
        elif character in _CLOSERS:
            if open_at and open_at[-1][1] == character:
                open_at.pop()
                kept.append(character)
        else:
            if character in _PARAGRAPH_ENDS:
                drop_unclosed()
            kept.append(character)
    drop_unclosed()
    return "".join(kept)


def isolate(value: str) -> str:
    """A value placed in one of our sentences: its direction cannot leak out of it."""
    return f"{FSI}{balanced(value)}{PDI}"
