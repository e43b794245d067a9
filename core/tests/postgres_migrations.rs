//! The PostgreSQL migrations apply cleanly to a real server (127.0.0.1:5432, trust auth).
//! Each run uses a fresh database of its own.

use unitcycle_core::migrations::POSTGRES;

fn admin_url() -> String {
    std::env::var("UNITCYCLE_TEST_PG").unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".into())
}

#[test]
fn postgres_migrations_apply_to_a_fresh_database() {
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls)
        .expect("PostgreSQL on 127.0.0.1:5432 (start it with .ci/run or pg_ctlcluster)");
    let name = format!("uc_migrations_{}", std::process::id());
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();

    let url = format!("{} dbname={name}", admin_url().replace("dbname=test", ""));
    let result = std::panic::catch_unwind(|| {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        for m in POSTGRES {
            let mut tx = db.transaction().unwrap();
            tx.batch_execute(m.sql).unwrap_or_else(|e| panic!("{}: {e}", m.name));
            tx.commit().unwrap();
        }
        let tables: Vec<String> = db
            .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        for t in [
            "properties",
            "units_unit",
            "tenants",
            "tenant_lease",
            "lease_status_log",
            "tenant_ledger_entry",
            "units_maintenance",
            "vendors",
            "invoices",
            "invoice_line_items",
            "equipment",
        ] {
            assert!(tables.contains(&t.to_string()), "{t} missing from {tables:?}");
        }
        // The lifecycle columns of spec 1.1 exist with their defaults.
        let default: String = db
            .query_one(
                "SELECT column_default::text FROM information_schema.columns WHERE table_name = 'tenant_lease' AND column_name = 'lease_status'",
                &[],
            )
            .unwrap()
            .get(0);
        assert!(default.contains("active"), "{default}");
    });
    drop(admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")));
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
