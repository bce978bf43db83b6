-- Mails waiting to be sent. A mail is inserted in the transaction of the change it reports,
-- so a change is never without its mail; a worker of any instance claims a few rows at a time
-- for `claimed_until` (a lease: a crashed worker's rows become due again), and deletes each row
-- once the mail server accepted it.
CREATE TABLE mail_outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient TEXT NOT NULL,
    -- Subject and bodies, sealed with AES-256-GCM under the key file and bound to the
    -- recipient: a mail may carry a link with a token that the database otherwise keeps hashed.
    sealed BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    -- Random per claim: only the worker holding the claim may finish the row.
    claim TEXT,
    -- Random, with the id in the mail's Message-ID: the same on every attempt, unique across
    -- databases.
    message_key TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
