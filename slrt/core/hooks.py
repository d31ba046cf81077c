"""Signals other features listen to (e.g. the outbox puts a message to the citizen when a case is
registered), so intake does not need to know who cares."""
from blinker import Namespace

signals = Namespace()

case_registered = signals.signal("case-registered")

# A referral changed its status (or its complaint): the case follows it (slrt.handling listens). The referrals
# feature sends it with the case row already locked and re-read, so two referrals of one case answered at once
# both count.
referral_changed = signals.signal("referral-changed")

# A case was closed (by the back office or by auto-close), sent in the closing transaction.
case_closed = signals.signal("case-closed")

# The intake form asks for values to start from (e.g. the number of a WhatsApp conversation): receivers get
# the user and the request's arguments and return a dict of field values, or None.
intake_prefill = signals.signal("intake-prefill")
