-- The IANA time zone the holder's browser last told at a completed login or a sign-up (issue 28):
-- the times in their mails are in it. Empty until a browser with JavaScript told one; then UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT;
