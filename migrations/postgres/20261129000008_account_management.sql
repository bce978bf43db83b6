-- Where each session was started: shown in the list of active sessions.
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;

-- Browsers that skip the code prompt for 30 days ("Remember this browser"). Only the SHA-256 of
-- the cookie's token is kept; a row counts only at the account's authentication epoch it was
-- made under, and changes to how the account logs in delete them all.
CREATE TABLE remembered_browsers (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_epoch BIGINT NOT NULL,
    user_agent TEXT,
    ip TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX remembered_browsers_by_user ON remembered_browsers (user_id);
CREATE INDEX remembered_browsers_by_expiry ON remembered_browsers (expires_at);

-- Closing an account deletes its history too: the append-only rule holds for every account
-- that is not being closed, which the closing transaction marks first.
ALTER TABLE users ADD COLUMN closing_at BIGINT;
CREATE OR REPLACE FUNCTION security_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id AND closing_at IS NOT NULL) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'security_events is append-only';
END
$$;
