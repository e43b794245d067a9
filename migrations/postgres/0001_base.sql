-- Base entities the specification treats as already existing, plus the 1.1 lifecycle fields.
-- Same tables and columns as migrations/sqlite/0001_base.sql, with native types.

CREATE TABLE properties (
    id UUID PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    address VARCHAR(300) NOT NULL DEFAULT '',
    city VARCHAR(100) NOT NULL DEFAULT '',
    state VARCHAR(50) NOT NULL DEFAULT '',
    zip_code VARCHAR(20) NOT NULL DEFAULT '',
    property_type VARCHAR(30) NOT NULL DEFAULT 'multifamily',
    total_units INTEGER NOT NULL DEFAULT 0,
    year_built INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE buildings (
    id UUID PRIMARY KEY,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    floors INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX buildings_property_idx ON buildings(property_id);

CREATE TABLE units_unit (
    id UUID PRIMARY KEY,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    building_id UUID REFERENCES buildings(id) ON DELETE SET NULL,
    unit_number VARCHAR(20) NOT NULL,
    floor INTEGER NOT NULL DEFAULT 1,
    bedrooms INTEGER NOT NULL DEFAULT 1,
    bathrooms NUMERIC(3, 1) NOT NULL DEFAULT 1,
    square_feet INTEGER NOT NULL DEFAULT 0,
    market_rent NUMERIC(10, 2) NOT NULL DEFAULT 0,
    current_rent NUMERIC(10, 2) NOT NULL DEFAULT 0,
    status VARCHAR(20) NOT NULL DEFAULT 'vacant' CHECK (status IN ('occupied', 'vacant', 'maintenance')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (property_id, unit_number)
);
CREATE INDEX units_unit_building_idx ON units_unit(building_id);

CREATE TABLE tenants (
    id UUID PRIMARY KEY,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    email VARCHAR(254) NOT NULL DEFAULT '',
    phone VARCHAR(30) NOT NULL DEFAULT '',
    date_of_birth DATE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE tenant_lease (
    id UUID PRIMARY KEY,
    lease_number VARCHAR(30) NOT NULL UNIQUE,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    lease_begin_date DATE NOT NULL,
    lease_end_date DATE,
    monthly_rent_amount NUMERIC(10, 2) NOT NULL,
    security_deposit NUMERIC(10, 2) NOT NULL DEFAULT 0,
    rent_due_day INTEGER NOT NULL DEFAULT 1 CHECK (rent_due_day BETWEEN 1 AND 28),
    late_fee_amount NUMERIC(10, 2) NOT NULL DEFAULT 0,
    grace_period_days INTEGER NOT NULL DEFAULT 5,
    status VARCHAR(20) NOT NULL DEFAULT 'current',
    lease_status VARCHAR(20) NOT NULL DEFAULT 'active'
        CHECK (lease_status IN ('active', 'month_to_month', 'notice', 'vacant')),
    lease_status_changed_at TIMESTAMPTZ,
    lease_status_changed_by VARCHAR(50) NOT NULL DEFAULT 'system',
    holdover_start_date DATE,
    notice_date DATE,
    notice_move_out_date DATE,
    actual_move_out_date DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenant_lease_lease_status_idx ON tenant_lease(lease_status);
CREATE INDEX tenant_lease_unit_idx ON tenant_lease(unit_id, lease_begin_date);
CREATE INDEX tenant_lease_property_idx ON tenant_lease(property_id);
CREATE INDEX tenant_lease_tenant_idx ON tenant_lease(tenant_id);
CREATE INDEX tenant_lease_end_idx ON tenant_lease(lease_end_date);

CREATE TABLE lease_status_log (
    id UUID PRIMARY KEY,
    lease_id UUID NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    previous_status VARCHAR(20) NOT NULL,
    new_status VARCHAR(20) NOT NULL,
    reason VARCHAR(200) NOT NULL DEFAULT '',
    changed_by VARCHAR(100) NOT NULL DEFAULT 'system',
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lease_status_log_lease_idx ON lease_status_log(lease_id, created_at DESC);

CREATE TABLE tenant_ledger_entry (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lease_id UUID REFERENCES tenant_lease(id) ON DELETE SET NULL,
    unit_id UUID REFERENCES units_unit(id) ON DELETE SET NULL,
    property_id UUID REFERENCES properties(id) ON DELETE SET NULL,
    trans_type VARCHAR(10) NOT NULL CHECK (trans_type IN ('Charge', 'Payment')),
    category VARCHAR(30) NOT NULL DEFAULT 'rent',
    description VARCHAR(200) NOT NULL DEFAULT '',
    amount NUMERIC(10, 2) NOT NULL,
    trans_date DATE NOT NULL,
    due_date DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenant_ledger_entry_tenant_idx ON tenant_ledger_entry(tenant_id, trans_date);
CREATE INDEX tenant_ledger_entry_lease_idx ON tenant_ledger_entry(lease_id, trans_date);

CREATE TABLE vendors (
    id UUID PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    trade VARCHAR(50) NOT NULL DEFAULT 'general',
    contact_name VARCHAR(100) NOT NULL DEFAULT '',
    email VARCHAR(254) NOT NULL DEFAULT '',
    phone VARCHAR(30) NOT NULL DEFAULT '',
    license_number VARCHAR(50) NOT NULL DEFAULT '',
    insurance_expiry DATE,
    hourly_rate NUMERIC(10, 2) NOT NULL DEFAULT 0,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE units_maintenance (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_id UUID REFERENCES tenants(id) ON DELETE SET NULL,
    title VARCHAR(200) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category VARCHAR(30) NOT NULL DEFAULT 'general',
    priority VARCHAR(20) NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'emergency')),
    status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'completed', 'cancelled')),
    requested_date DATE NOT NULL,
    completed_date DATE,
    cost NUMERIC(10, 2) NOT NULL DEFAULT 0,
    assigned_vendor_id UUID REFERENCES vendors(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX units_maintenance_unit_idx ON units_maintenance(unit_id, requested_date);
CREATE INDEX units_maintenance_vendor_idx ON units_maintenance(assigned_vendor_id);

CREATE TABLE invoices (
    id UUID PRIMARY KEY,
    vendor_id UUID REFERENCES vendors(id) ON DELETE SET NULL,
    property_id UUID REFERENCES properties(id) ON DELETE SET NULL,
    unit_id UUID REFERENCES units_unit(id) ON DELETE SET NULL,
    work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL,
    invoice_number VARCHAR(50) NOT NULL,
    invoice_date DATE NOT NULL,
    due_date DATE,
    subtotal NUMERIC(12, 2) NOT NULL DEFAULT 0,
    tax NUMERIC(12, 2) NOT NULL DEFAULT 0,
    total_amount NUMERIC(12, 2) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'paid', 'rejected')),
    confidence_score DOUBLE PRECISION,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoices_vendor_idx ON invoices(vendor_id, invoice_date);

CREATE TABLE invoice_line_items (
    id UUID PRIMARY KEY,
    invoice_id UUID NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    description VARCHAR(300) NOT NULL,
    quantity NUMERIC(10, 2) NOT NULL DEFAULT 1,
    unit_price NUMERIC(12, 2) NOT NULL,
    total NUMERIC(12, 2) NOT NULL,
    gl_code VARCHAR(20) NOT NULL DEFAULT ''
);
CREATE INDEX invoice_line_items_invoice_idx ON invoice_line_items(invoice_id);

CREATE TABLE equipment (
    id UUID PRIMARY KEY,
    property_ref_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    unit_id UUID REFERENCES units_unit(id) ON DELETE SET NULL,
    name VARCHAR(200) NOT NULL,
    equipment_type VARCHAR(50) NOT NULL,
    manufacturer VARCHAR(100) NOT NULL DEFAULT '',
    model_number VARCHAR(100) NOT NULL DEFAULT '',
    install_date DATE NOT NULL,
    age_years DOUBLE PRECISION NOT NULL DEFAULT 0,
    expected_lifespan_years DOUBLE PRECISION NOT NULL CHECK (expected_lifespan_years > 0),
    warranty_expiry DATE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX equipment_property_idx ON equipment(property_ref_id);

-- Every run of a scheduled or hand-run job: what it did and when.
CREATE TABLE job_run (
    id UUID PRIMARY KEY,
    job_name VARCHAR(100) NOT NULL,
    run_date DATE NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    outcome VARCHAR(20) NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed')),
    summary TEXT NOT NULL DEFAULT '',
    counts JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX job_run_name_idx ON job_run(job_name, started_at DESC);
