"""Reading: the bytes of a file -> lines -> records (RecordUnit) or file-structure findings (Issue).

reader (the streaming reader), textcheck (what a record's text shows and its decoded value hides),
streams (LineStream and record_lines), discovery (which files a run checks), locate (a JSON path ->
line and column, only when a rule reports).
"""
