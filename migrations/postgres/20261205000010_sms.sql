-- Texted codes (SMS), the second method.

-- The account's mobile number, in E.164, sealed under the data key and bound to the account
-- (as the app's secret is).
CREATE TABLE sms_numbers (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    number BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- A number being set up, until a texted code proves it: the session's alone, as a pending
-- app secret is.
CREATE TABLE sms_pending_numbers (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sms_pending_numbers_by_user ON sms_pending_numbers (user_id);

-- The live texted code of a session: one at a time (a new one replaces it), kept only as a
-- keyed hash, dead after its lifetime or its last wrong try, and good only for the number it
-- was sent to (`number_hash`, keyed). `sends` counts the texts this session asked for, for the
-- growing wait between them.
CREATE TABLE sms_codes (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    number_hash TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    wrong_tries BIGINT NOT NULL,
    sends BIGINT NOT NULL
);
CREATE INDEX sms_codes_by_user ON sms_codes (user_id);
CREATE INDEX sms_codes_by_expiry ON sms_codes (expires_at);

-- Texts sent per scope (an account, a number's keyed hash, a client address, the whole
-- server) and UTC day: the daily limits against SMS pumping.
CREATE TABLE sms_sends (
    scope TEXT NOT NULL,
    day BIGINT NOT NULL,
    sent BIGINT NOT NULL,
    PRIMARY KEY (scope, day)
);
