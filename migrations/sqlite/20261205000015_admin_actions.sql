-- Administrators' actions on an account (issue 27): who, on whom, when and why. Append-only:
-- nothing in the WebApp updates or deletes a row but closing the account.
CREATE TABLE admin_actions (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    given_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX admin_actions_by_user ON admin_actions (user_id);

-- Accounts an administrator sent back to the 2FA setup: every session of theirs reaches nothing
-- but a new setup until one is done (as a session an access code started does).
CREATE TABLE setup_required_accounts (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    since BIGINT NOT NULL
);
