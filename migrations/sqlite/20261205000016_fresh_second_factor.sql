-- When the session's holder last proved a second factor (issue 27): at the login's code step, a
-- passkey sign-in, or the admin pages' "confirm it is you". Administrator actions need one from
-- the last 10 minutes. Empty for sessions that never proved one (no 2FA, a remembered browser).
ALTER TABLE sessions ADD COLUMN factor_checked_at BIGINT;
