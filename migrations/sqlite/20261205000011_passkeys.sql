-- Passkeys (WebAuthn), the third method: phishing-proof, and a login of their own.

-- The account's user handle, which its passkeys keep and give back when signing in without an
-- email: random, never the account id or the address.
CREATE TABLE passkey_handles (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle TEXT NOT NULL UNIQUE
);

-- The account's passkeys. A credential id is the account's alone (UNIQUE across accounts):
-- webauthn-rs leaves that check to the caller. `credential` is the library's record (public
-- key, signature counter, backup state) as JSON: nothing secret.
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- A ceremony's state, kept on the server: found by the SHA-256 of the token the client got,
-- used once (deleted as it is read), dead at `expires_at`, and bound to the session that began
-- it (none for a sign-in without a password).
CREATE TABLE passkey_challenges (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_by_expiry ON passkey_challenges (expires_at);
CREATE INDEX passkey_challenges_by_session ON passkey_challenges (session_id);
