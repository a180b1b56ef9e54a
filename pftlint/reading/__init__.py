"""Reading: the bytes of a file -> lines -> records (RecordUnit) or file-structure findings (Issue).

sniff (is the file text at all), reader (the streaming reader, line by line), documents (JSON text
that is not one record per line), issues (Issue: what the reader found, as plain data), textcheck
(what a record's text shows and its decoded value hides), streams (LineStream and record_lines),
sources (gzip and Parquet as JSON lines), discovery (which files a run checks), locate (a JSON path
-> line and column, only when a rule reports).
"""
