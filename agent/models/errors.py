"""Model errors a writer or operator can fix; the message says how."""


class ModelUnavailableError(RuntimeError):
    """The configured model cannot be loaded here (not cached, offline, no GPU for 4-bit...)."""
