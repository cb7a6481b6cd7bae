"""Uploads are kept in memory only (settings.FILE_UPLOAD_HANDLERS).

Django's default handlers write an upload larger than 2.5 MB to a temporary file while the
request is read; a web process killed (-9) in the middle leaves that partial file, with
the plaintext of the document, in the temporary directory. This handler keeps every
uploaded file in memory, whatever the request's length, and keeps at most one byte more
than MAX_UPLOAD_BYTES of it: the reported size stays the real one, so the form or API
still says "too large" next to the field. What is stored is written encrypted only
(core.private_files).
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()

    def receive_data_chunk(self, raw_data, start):
        room = settings.MAX_UPLOAD_BYTES + 1 - self.file.tell()
        if room > 0:
            self.file.write(raw_data[:room])
        return None  # the last handler: nothing goes to another (disk) handler

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
