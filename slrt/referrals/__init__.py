"""Referrals to agencies: drafting, sign-off, letters, agency responses."""
