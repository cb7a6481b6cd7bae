"""Of node_modules only the files the pages use are static files (core/staticfiles.py)."""

from django.contrib.staticfiles import finders

from core.staticfiles import VendorFileFinder


def test_the_named_vendor_files_are_found_and_nothing_else_of_the_packages():
    assert finders.find("vendor/htmx/htmx.min.js").endswith("node_modules/htmx.org/dist/htmx.min.js")
    assert finders.find("vendor/utrecht-tokens/index.css")
    # the file whose url(./pijltje.svg) broke collectstatic, and any other package file
    assert finders.find("vendor/utrecht-tokens/background-image-icon.css") is None
    assert finders.find("vendor/htmx/htmx.js") is None
    listed = {path for path, _storage in VendorFileFinder().list([])}
    assert listed == {"htmx.min.js", "index.css", "chart.umd.js", "chart.umd.js.map"}


def test_a_missing_vendor_file_is_a_system_check_error(settings, tmp_path):
    settings.VENDOR_STATIC_FILES = {**settings.VENDOR_STATIC_FILES, "vendor/x/gone.js": tmp_path / "gone.js"}
    errors = VendorFileFinder().check()
    assert [error.id for error in errors] == ["core.E201"] and "gone.js" in errors[0].msg
