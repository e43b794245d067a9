-- Where letters reach a tenant who has moved out (a balance left on a former residence is
-- never posted to the empty unit). Empty when none was left.
ALTER TABLE tenants ADD COLUMN forwarding_address TEXT NOT NULL DEFAULT '';
