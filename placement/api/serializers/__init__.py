"""API serializers of the placement app, by sub-domain: requests (youth, analysis,
documents, triage) and offers (offers, referral, placements)."""
