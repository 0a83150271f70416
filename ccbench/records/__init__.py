"""LivePerson Messaging Interactions conversation records, in and out (docs/formats.md).

:func:`export_records` writes an event log as the pages the conversations-search API
returns; the importer reads such pages (or one record per line) back into an event
log, reporting every oddity of a real export with the conversation, the field and the
value. Kinds a record cannot carry are listed in :data:`UNRECORDED_KINDS` and declared
in the imported log's roster, so the oracle reports their metrics as unavailable.
This package imports only the event-log contract and the error tree: the reference
backend uses it without importing the oracle.
"""

from ._export import ExportSummary, conversation_records, export_records, page_document
from ._feed import RecordFeed
from ._import import RecordsImport, import_files, import_records
from ._problems import Problem
from ._vocab import UNRECORDED_KINDS

__all__ = [
    "UNRECORDED_KINDS",
    "ExportSummary",
    "Problem",
    "RecordFeed",
    "RecordsImport",
    "conversation_records",
    "export_records",
    "import_files",
    "import_records",
    "page_document",
]
