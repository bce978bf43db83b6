-- Guessing limits, one row per scope ("second-factor:<user id>", "password:<email>",
-- "ip:<address>"), shared by every server instance. `version` makes each update a
-- compare-and-swap, so parallel attempts are all counted.
CREATE TABLE attempt_limits (
    scope TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    day_start BIGINT NOT NULL,
    day_failures BIGINT NOT NULL,
    version BIGINT NOT NULL
);
