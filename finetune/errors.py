"""The one error type a writer can cause while fine-tuning (bad config, no data, no preferences)."""


class FinetuneError(ValueError):
    """What was wrong and what is accepted; the CLI prints it as one line."""
