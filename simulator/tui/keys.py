"""Footer labels in the app's language (bindings are declared once, labelled from the catalogue),
and the key that moves typing from a list into a text box."""
from __future__ import annotations

from dataclasses import replace


def relabel(node, tr) -> None:
    """Give each binding of `node` the catalogue text `keys.<action>` (when the catalogue has it)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=tr("keys." + b.action)) if b.description else b for b in bindings]
    node.refresh_bindings()


def type_into(box, event) -> None:
    """A character typed where there is no text box goes to `box`: it takes the focus and the
    key (the box must not select its text on focus, or the next key would replace this one)."""
    event.stop()
    event.prevent_default()
    # At once, not box.focus() (which waits for the next turn of the event loop): keys typed fast
    # after this one would reach the list and its one-letter bindings ("Wang Fang" lost its g's).
    box.screen.set_focus(box)
    box.insert_text_at_cursor(event.character)
