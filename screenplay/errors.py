"""Errors a writer can cause with a file: one type, a message that says what is wrong and what works."""


class ScriptImportError(ValueError):
    """A draft could not be read. The message says why and which inputs are accepted."""


class ScriptExportError(ValueError):
    """A script could not be written in the requested format."""


ACCEPTED = "Fountain (.fountain, .spmd), Final Draft (.fdx), PDF (.pdf), Word (.docx) or plain text (.txt)"
