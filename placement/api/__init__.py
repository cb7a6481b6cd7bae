"""/api/v1 views of the placement app, by sub-domain: requests (with their analysis,
documents, submit, triage, withdraw and timeline) and offers and placements. Serializers
are in `placement.api.serializers`; `placement/api_urls.py` names the module of each view."""
