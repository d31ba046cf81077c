"""Short messages to the citizen (SMS-sized), queued in an outbox and sent after the commit."""
