-- Signing out revokes every session of the account issued before it: a session's
-- cookie is a signed token the server cannot take back, and a response already in
-- flight when the staff member signs out may set it again.
ALTER TABLE "staff_users" ADD COLUMN "sessionsValidAfter" TIMESTAMP(3);
