-- The account's security history, shown in Settings > Security. Append-only: nothing may
-- change or delete a row, which the trigger below enforces.
CREATE TABLE security_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    ip TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX security_events_by_user ON security_events (user_id, id);

CREATE FUNCTION security_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'security_events is append-only';
END
$$;

CREATE TRIGGER security_events_no_change BEFORE UPDATE OR DELETE ON security_events
FOR EACH ROW EXECUTE FUNCTION security_events_append_only();
