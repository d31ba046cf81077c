"""The one domain error that operations raise; views turn it into a message."""


class DomainError(Exception):
    """A rule of the domain refused the action. The message is already translated for the user."""

    def __init__(self, message, field: str | None = None, errors: dict[str, list[str]] | None = None):
        # Made `str` here: a lazy translated string counts as safe HTML in Jinja, and a message may
        # carry a value someone typed.
        self.message = str(message)
        super().__init__(self.message)
        self.field = field
        # every field at fault at once, where a rule found several ({field: [messages]}); `field` is the first
        self.errors = errors or {}


class TransitionError(DomainError):
    """A status change that the transition table does not allow."""
