"""Renderers: an ``Answer`` (and the other results) as markdown, as JSON, as English sentences.

Each is small and decides nothing about what to show, only how: ``speech`` turns a statement
or refusal into an English sentence, ``markdown`` lays an answer out for terminals (plain) and
for the chat (escaped), ``json`` gives every command's ``--json`` object. The chat's cards
(``ui/cards.py``) use the same pieces.
"""
