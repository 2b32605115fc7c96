"""diff: what changed between two extractions, and how a lawyer reads it.

Takes two extractions, gives an ItemDiff or a DocumentDiff (typography apart) and the note an
alert leads with.
"""
