"""Referrals already sent name their documents by kind only: the title (free text that
may name the youth) is removed from every stored referral."""

from django.db import migrations


def titles_remove(apps, schema_editor):
    Offer = apps.get_model("placement", "Offer")
    for offer in Offer.objects.exclude(referral={}).only("referral").iterator():
        documents = offer.referral.get("documents") or []
        if any("title" in d for d in documents):
            offer.referral["documents"] = [{k: v for k, v in d.items() if k != "title"} for d in documents]
            offer.save(update_fields=["referral"])


class Migration(migrations.Migration):
    dependencies = [("placement", "0003_gender_codes")]

    operations = [migrations.RunPython(titles_remove, migrations.RunPython.noop)]
