"""API serializers of the placement app, by sub-domain: requests (youth, analysis,
documents, triage, timeline) and offers (matching, offers, referral, placements); the
output fields they share are in `fields`. Every response body is one of these
serializers' output."""
