-- The language of the account's mails: the one it signed up in, then the one last chosen in the
-- language menu while logged in.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'nl'));
