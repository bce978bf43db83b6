-- A pending secret belongs to the session that asked for it: another session of the account
-- (a password thief's, say) never sees it. Pending secrets live 15 minutes, so none worth
-- keeping is lost by starting the table anew.
DROP TABLE totp_pending;
CREATE TABLE totp_pending (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Sealed under the data key, bound to the account (as in totp_credentials).
    secret BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX totp_pending_by_user ON totp_pending (user_id);

-- The authentication epoch: bumped by every change to how the account logs in (2FA on or off,
-- new backup codes). A session carries the epoch it was started under and is over once the
-- account's has moved on, whichever instance started it and whenever its insert landed.
ALTER TABLE users ADD COLUMN auth_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN auth_epoch BIGINT NOT NULL DEFAULT 0;

CREATE INDEX backup_code_downloads_by_age ON backup_code_downloads (created_at);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
