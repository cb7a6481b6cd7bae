"""Vendor assets from node_modules: only the files the pages use (issue 13, prod).

Whole `dist/` folders of the npm packages would also bring files we never serve, and one of
them (@utrecht/design-tokens' background-image-icon.css) points at a `pijltje.svg` the
package does not ship, so `collectstatic` with the hashed manifest storage of production
failed on it. This finder offers exactly the files named in `settings.VENDOR_STATIC_FILES`
(`{"vendor/htmx/htmx.min.js": <path in node_modules>, ...}`), in development as in
production, and nothing else of node_modules. A named file that is missing is a system
check error (`manage.py check`), not a surprise at `collectstatic`.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = {name: Path(source) for name, source in settings.VENDOR_STATIC_FILES.items()}

    def check(self, **kwargs):
        return [
            Error(f"VENDOR_STATIC_FILES: {source} (for {name}) does not exist.", id="core.E201")
            for name, source in self.files.items()
            if not source.is_file()
        ]

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        source = self.files.get(path)
        if source is None or not source.is_file():
            return []  # Django's finders answer "nothing" with an empty list, in both modes
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for name, source in self.files.items():
            prefix, _, filename = name.rpartition("/")
            if source.name != filename:
                raise ValueError(f"VENDOR_STATIC_FILES: {name} must keep the file name of {source}")
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = prefix  # collectstatic writes the file under this static path
            yield filename, storage


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    """The apps' static files without what no page serves (issue 13, prod): the sidecar's
    ReDoc bundle (15 MB; the API docs are Swagger UI, config/urls.py). Kept out here rather
    than in an AppConfig for django.contrib.staticfiles, whose INSTALLED_APPS name
    pytest-django's live server looks for."""

    IGNORED = ("redoc",)

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *self.IGNORED])
