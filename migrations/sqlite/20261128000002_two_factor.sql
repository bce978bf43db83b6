-- A secret issued by "begin setup", waiting for the first code from the app. Sealed with
-- AES-256-GCM under the server's key file.
CREATE TABLE totp_pending (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

-- The account's authenticator: a row exists exactly while 2FA is on.
CREATE TABLE totp_credentials (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret BLOB NOT NULL,
    enabled_at BIGINT NOT NULL,
    -- The last accepted time step: a code of this step or earlier is refused (RFC 6238 §5.2).
    last_step BIGINT NOT NULL
);

CREATE TABLE backup_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- argon2id PHC string of the canonical code
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX backup_codes_by_user ON backup_codes (user_id);

-- Fresh backup codes, sealed, downloadable for a few minutes by the session that made them.
CREATE TABLE backup_code_downloads (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    codes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
