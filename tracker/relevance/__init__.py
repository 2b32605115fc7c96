"""relevance: is an item about AI, and is it a rule, an enforcement action or other.

Takes titles, summaries and the source's metadata, gives a Relevance with the evidence that decided it.
"""
