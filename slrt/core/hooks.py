"""Signals other features listen to (e.g. the outbox puts a message to the citizen when a case is
registered), so intake does not need to know who cares."""
from blinker import Namespace

signals = Namespace()

case_registered = signals.signal("case-registered")

# The intake form asks for values to start from (e.g. the number of a WhatsApp conversation): receivers get
# the user and the request's arguments and return a dict of field values, or None.
intake_prefill = signals.signal("intake-prefill")
