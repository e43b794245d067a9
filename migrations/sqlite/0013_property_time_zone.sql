-- Each property's IANA time zone: "today" for its leases (days overdue, late fees, the rent due
-- day, notice windows, letter dates) is the property's local date.
ALTER TABLE properties ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
