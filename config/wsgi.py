import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

if os.environ.get("IDENTITY_CHECK_WARM_UP", "1") != "0":
    # Load the identifying-data model (deduce, ~1 GB, seconds to minutes) in the
    # background now, so the first offer composer does not wait for it.
    from config.process import freeze_when_done
    from placement.anonymisation import deduce_warm_up

    # Issue 15 (perf-tuning): freeze the model's objects too once it is loaded.
    freeze_when_done(deduce_warm_up())
