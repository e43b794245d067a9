-- Base entities the specification treats as already existing, plus the 1.1 lifecycle fields.
-- Types: ids are UUID text, money is decimal text (exact), dates are ISO-8601 text.

CREATE TABLE properties (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    zip_code TEXT NOT NULL DEFAULT '',
    property_type TEXT NOT NULL DEFAULT 'multifamily',
    total_units INTEGER NOT NULL DEFAULT 0,
    year_built INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE buildings (
    id TEXT PRIMARY KEY NOT NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    floors INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX buildings_property_idx ON buildings(property_id);

CREATE TABLE units_unit (
    id TEXT PRIMARY KEY NOT NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    building_id TEXT REFERENCES buildings(id) ON DELETE SET NULL,
    unit_number TEXT NOT NULL,
    floor INTEGER NOT NULL DEFAULT 1,
    bedrooms INTEGER NOT NULL DEFAULT 1,
    bathrooms TEXT NOT NULL DEFAULT '1',
    square_feet INTEGER NOT NULL DEFAULT 0,
    market_rent TEXT NOT NULL DEFAULT '0',
    current_rent TEXT NOT NULL DEFAULT '0',
    status TEXT NOT NULL DEFAULT 'vacant' CHECK (status IN ('occupied', 'vacant', 'maintenance')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (property_id, unit_number)
);
CREATE INDEX units_unit_building_idx ON units_unit(building_id);

CREATE TABLE tenants (
    id TEXT PRIMARY KEY NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE tenant_lease (
    id TEXT PRIMARY KEY NOT NULL,
    lease_number TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    lease_begin_date TEXT NOT NULL,
    lease_end_date TEXT,
    monthly_rent_amount TEXT NOT NULL,
    security_deposit TEXT NOT NULL DEFAULT '0',
    rent_due_day INTEGER NOT NULL DEFAULT 1 CHECK (rent_due_day BETWEEN 1 AND 28),
    late_fee_amount TEXT NOT NULL DEFAULT '0',
    grace_period_days INTEGER NOT NULL DEFAULT 5,
    status TEXT NOT NULL DEFAULT 'current',
    lease_status TEXT NOT NULL DEFAULT 'active'
        CHECK (lease_status IN ('active', 'month_to_month', 'notice', 'vacant')),
    lease_status_changed_at TEXT,
    lease_status_changed_by TEXT NOT NULL DEFAULT 'system',
    holdover_start_date TEXT,
    notice_date TEXT,
    notice_move_out_date TEXT,
    actual_move_out_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tenant_lease_lease_status_idx ON tenant_lease(lease_status);
CREATE INDEX tenant_lease_unit_idx ON tenant_lease(unit_id, lease_begin_date);
CREATE INDEX tenant_lease_property_idx ON tenant_lease(property_id);
CREATE INDEX tenant_lease_tenant_idx ON tenant_lease(tenant_id);
CREATE INDEX tenant_lease_end_idx ON tenant_lease(lease_end_date);

CREATE TABLE lease_status_log (
    id TEXT PRIMARY KEY NOT NULL,
    lease_id TEXT NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    previous_status TEXT NOT NULL,
    new_status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    changed_by TEXT NOT NULL DEFAULT 'system',
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX lease_status_log_lease_idx ON lease_status_log(lease_id, created_at DESC);

CREATE TABLE tenant_ledger_entry (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lease_id TEXT REFERENCES tenant_lease(id) ON DELETE SET NULL,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    property_id TEXT REFERENCES properties(id) ON DELETE SET NULL,
    trans_type TEXT NOT NULL CHECK (trans_type IN ('Charge', 'Payment')),
    category TEXT NOT NULL DEFAULT 'rent',
    description TEXT NOT NULL DEFAULT '',
    amount TEXT NOT NULL,
    trans_date TEXT NOT NULL,
    due_date TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX tenant_ledger_entry_tenant_idx ON tenant_ledger_entry(tenant_id, trans_date);
CREATE INDEX tenant_ledger_entry_lease_idx ON tenant_ledger_entry(lease_id, trans_date);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    trade TEXT NOT NULL DEFAULT 'general',
    contact_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    license_number TEXT NOT NULL DEFAULT '',
    insurance_expiry TEXT,
    hourly_rate TEXT NOT NULL DEFAULT '0',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE units_maintenance (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_id TEXT REFERENCES tenants(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'general',
    priority TEXT NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'emergency')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'completed', 'cancelled')),
    requested_date TEXT NOT NULL,
    completed_date TEXT,
    cost TEXT NOT NULL DEFAULT '0',
    assigned_vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX units_maintenance_unit_idx ON units_maintenance(unit_id, requested_date);
CREATE INDEX units_maintenance_vendor_idx ON units_maintenance(assigned_vendor_id);

CREATE TABLE invoices (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    property_id TEXT REFERENCES properties(id) ON DELETE SET NULL,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL,
    invoice_number TEXT NOT NULL,
    invoice_date TEXT NOT NULL,
    due_date TEXT,
    subtotal TEXT NOT NULL DEFAULT '0',
    tax TEXT NOT NULL DEFAULT '0',
    total_amount TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'paid', 'rejected')),
    confidence_score REAL,
    created_at TEXT NOT NULL
);
CREATE INDEX invoices_vendor_idx ON invoices(vendor_id, invoice_date);

CREATE TABLE invoice_line_items (
    id TEXT PRIMARY KEY NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL DEFAULT '1',
    unit_price TEXT NOT NULL,
    total TEXT NOT NULL,
    gl_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invoice_line_items_invoice_idx ON invoice_line_items(invoice_id);

CREATE TABLE equipment (
    id TEXT PRIMARY KEY NOT NULL,
    property_ref_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    equipment_type TEXT NOT NULL,
    manufacturer TEXT NOT NULL DEFAULT '',
    model_number TEXT NOT NULL DEFAULT '',
    install_date TEXT NOT NULL,
    age_years REAL NOT NULL DEFAULT 0,
    expected_lifespan_years REAL NOT NULL CHECK (expected_lifespan_years > 0),
    warranty_expiry TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX equipment_property_idx ON equipment(property_ref_id);

-- Every run of a scheduled or hand-run job: what it did and when.
CREATE TABLE job_run (
    id TEXT PRIMARY KEY NOT NULL,
    job_name TEXT NOT NULL,
    run_date TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed')),
    summary TEXT NOT NULL DEFAULT '',
    counts TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX job_run_name_idx ON job_run(job_name, started_at DESC);
