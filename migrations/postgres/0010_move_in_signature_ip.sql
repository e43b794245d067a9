-- Move-in inspection signatures record where they were made (spec 4.4: "Records IP +
-- timestamp"): the address the central API saw; '' for a signature captured on a device.
ALTER TABLE move_in_inspection ADD COLUMN tenant_signed_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE move_in_inspection ADD COLUMN manager_signed_ip TEXT NOT NULL DEFAULT '';
