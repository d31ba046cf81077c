"""Signals other features listen to (e.g. the outbox puts a message to the citizen when a case is
registered), so intake does not need to know who cares."""
from blinker import Namespace

signals = Namespace()

case_registered = signals.signal("case-registered")
