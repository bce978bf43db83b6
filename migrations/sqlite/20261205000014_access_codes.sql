-- Temporary access codes (issue 27): given to a person who lost every second factor, by an
-- administrator or on the command line, with a reason. Kept as the SHA-256 of the code (80
-- random bits), single use, dead at `expires_at` (at most 24 hours). The rows stay as the record
-- of who gave which account a code, when and why.
CREATE TABLE access_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    given_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX access_codes_by_user ON access_codes (user_id);

-- Sessions started with an access code: they reach nothing but a new 2FA setup, whose
-- completion replaces every old method and backup code.
CREATE TABLE setup_only_sessions (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
