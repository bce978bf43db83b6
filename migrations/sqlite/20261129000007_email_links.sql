-- When the account's address was confirmed through the link mailed at sign-up; NULL until then.
-- Password reset links go to confirmed addresses only.
ALTER TABLE users ADD COLUMN email_confirmed_at BIGINT;

-- Tokens of links sent by mail. Only the SHA-256 of a token is kept; a row is deleted when its
-- link is used (single use) and by the cleanup once it has expired.
CREATE TABLE email_links (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    -- The address the link went to: confirming it confirms this address, not a later one.
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX email_links_by_user ON email_links (user_id);
CREATE INDEX email_links_by_expiry ON email_links (expires_at);
