-- Server-wide policies and since when they hold (issue 27): `require_two_factor` is written at
-- the first start with --require-two-factor and deleted at a start without it, so the grace
-- period of existing accounts counts from the day the policy began.
CREATE TABLE policies (
    name TEXT PRIMARY KEY,
    since BIGINT NOT NULL
);
