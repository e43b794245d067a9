-- The hourly rent job's per-lease summary (`RentPort::ledger_summaries`) reads only this index:
-- grouped by lease in index order, without the table's wide rows.
CREATE INDEX tenant_ledger_entry_summary_idx
    ON tenant_ledger_entry(lease_id, trans_type, category, amount, due_date, trans_date);
