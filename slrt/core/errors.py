"""The one domain error that operations raise; views turn it into a message."""


class DomainError(Exception):
    """A rule of the domain refused the action. The message is already translated for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class TransitionError(DomainError):
    """A status change that the transition table does not allow."""
