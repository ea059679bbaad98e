"""Footer labels in the app's language: bindings are declared once, labelled from the catalogue."""
from __future__ import annotations

from dataclasses import replace


def relabel(node, tr) -> None:
    """Give each binding of `node` the catalogue text `keys.<action>` (when the catalogue has it)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=tr("keys." + b.action)) if b.description else b for b in bindings]
    node.refresh_bindings()
