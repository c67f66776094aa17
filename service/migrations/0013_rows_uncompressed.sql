-- A row is compressed when it is longer than the table's toast_tuple_target (2,032 bytes by
-- default). A trainee's read-model row is about 2.9 KB, most of it the document, and a
-- registration event about 3.2 KB, most of it sealed and so incompressible: every write paid
-- for a compression attempt, and every read of a document for its decompression. Kept whole
-- in the row up to the longest target a page allows, they are written and read as they are;
-- a longer row is still compressed, then moved out of line. Rows stored before this stay as
-- they are until they are next written. A rebuild's fresh tables take the live tables'
-- storage parameters with them.
ALTER TABLE trainees SET (toast_tuple_target = 8160);
ALTER TABLE traineeregister_events SET (toast_tuple_target = 8160);
