"""Privacy: the AVG rights of the youth whose data the product holds.

- A retention policy per region and record type (`RetentionPolicy`), carried out every
  night by `privacy.tasks.retention_apply` (pseudonymise identity, delete documents and
  old notifications), each run recorded as a `RetentionRun`.
- Inzage (AVG art. 15): an export of everything held about one youth, plus who read it.
- Erasure on request (AVG art. 17, Jeugdwet art. 7.3.9) where the law allows.

Retention and erasure share one pseudonymisation (`services.youth_pseudonymise`).
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy (AVG)")
