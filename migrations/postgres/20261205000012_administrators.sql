-- Administrators (issue 27). An account becomes one only on the server's command line
-- (`server admin grant EMAIL`): no web request writes this table.
CREATE TABLE administrators (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    granted_at BIGINT NOT NULL
);
