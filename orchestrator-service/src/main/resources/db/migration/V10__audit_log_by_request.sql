-- The rows of one request: the worker reads those of a request left for a second person's confirmation while it
-- holds the chain's lock, which every writer of the trail waits for. Without an index that read scans the whole trail.
create index audit_log_by_request on audit_log (request_id, id);
