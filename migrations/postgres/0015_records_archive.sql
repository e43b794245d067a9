-- Records are archived, never deleted: a property, building, unit or tenant with history stays
-- for its leases, ledger and logs, hidden from lists and refused for new leases.
ALTER TABLE properties ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE buildings ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE units_unit ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE tenants ADD COLUMN archived_at TIMESTAMPTZ;
