"""ai-reg-tracker: watches AI regulators and reports what changed."""

__version__ = "0.1.0"
