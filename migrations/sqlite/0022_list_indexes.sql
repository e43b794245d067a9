-- Each list endpoint's order, as an index, so a page is read in order and stops after its
-- rows instead of sorting every row in the caller's scope (the counts come from the server's
-- read cache).
CREATE INDEX tenant_lease_end_id_idx ON tenant_lease(lease_end_date, id);
CREATE INDEX tenants_name_idx ON tenants(last_name, first_name, id);
CREATE INDEX renewal_recommendation_order_idx ON renewal_recommendation(churn_score DESC, created_at DESC, id);
CREATE INDEX collection_case_order_idx ON collection_case(days_overdue DESC, current_balance DESC, id);
CREATE INDEX properties_name_idx ON properties(name, id);
CREATE INDEX tenant_ledger_entry_list_idx ON tenant_ledger_entry(trans_date DESC, id);
CREATE INDEX units_maintenance_list_idx ON units_maintenance(requested_date DESC, id);
CREATE INDEX buildings_list_idx ON buildings(property_id, name, id);
CREATE INDEX vendors_name_idx ON vendors(name, id);
