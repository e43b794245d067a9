//! Counts and aggregates that do not cost a scan of the portfolio on every request: a list's
//! `count` and the lifecycle statistics are kept per query (its SQL and arguments, in its
//! database) and reused while nothing they read can have changed.
//!
//! "Nothing changed" is two cheap checks, read before the value is computed so a write that
//! lands meanwhile always invalidates it:
//! - the highest `sync_row_version.change_seq` (one step down its unique index): every write of
//!   a synced row, by this server or any other, enters the change log, in commit order (the
//!   log is appended under one advisory lock);
//! - this process's write generation ([`bump`]), moved by every API request that may write (any
//!   method but GET and HEAD, after it finished and before its answer leaves) and by every
//!   scheduled job, so a client that wrote and then reads never sees the old figure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio_postgres::GenericClient;

/// Moved by every write this process makes.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Entries kept before the cache is emptied (each is a query's key and one value).
const MAX_ENTRIES: usize = 4096;

struct Entry {
    generation: u64,
    seq: i64,
    value: Arc<dyn std::any::Any + Send + Sync>,
}

fn entries() -> &'static Mutex<HashMap<String, Entry>> {
    static ENTRIES: OnceLock<Mutex<HashMap<String, Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(Mutex::default)
}

/// One lock per key being computed: requests that miss together wait for the first one's
/// figure instead of each scanning the same rows (after a write, every reader misses at once).
fn computing(key: &str) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= MAX_ENTRIES {
        map.retain(|_, l| Arc::strong_count(l) > 1);
    }
    map.entry(key.to_string()).or_default().clone()
}

/// Something was (or may have been) written: every cached value is recomputed on next use.
pub fn bump() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The value of `key` (a query and its arguments; the database is added here), computed by
/// `compute` unless the cached one is still valid.
pub async fn cached<C, T, F, Fut, E>(c: &C, key: &str, compute: F) -> Result<T, E>
where
    C: GenericClient,
    T: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: From<tokio_postgres::Error>,
{
    let generation = GENERATION.load(Ordering::SeqCst);
    let row =
        c.query_one("SELECT current_database()::text, COALESCE(MAX(change_seq), 0) FROM sync_row_version", &[]).await?;
    let key = format!("{}\u{1f}{key}", row.get::<_, String>(0));
    let seq: i64 = row.get(1);
    if let Some(v) = lookup::<T>(&key, generation, seq) {
        return Ok(v);
    }
    let lock = computing(&key);
    let _computing = lock.lock().await;
    if let Some(v) = lookup::<T>(&key, generation, seq) {
        return Ok(v);
    }
    let value = compute().await?;
    let mut map = entries().lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, Entry { generation, seq, value: Arc::new(value.clone()) });
    Ok(value)
}

fn lookup<T: Clone + 'static>(key: &str, generation: u64, seq: i64) -> Option<T> {
    let map = entries().lock().unwrap_or_else(|e| e.into_inner());
    let e = map.get(key)?;
    if e.generation != generation || e.seq != seq {
        return None;
    }
    e.value.downcast_ref::<T>().cloned()
}

/// `SELECT COUNT(*) …` with `args`, cached as above.
pub async fn count<C: GenericClient>(
    c: &C,
    sql: &str,
    args: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<i64, tokio_postgres::Error> {
    let key = format!("{sql}\u{1f}{args:?}");
    cached(c, &key, || async { Ok::<i64, tokio_postgres::Error>(c.query_one(sql, args).await?.get(0)) }).await
}

/// The middleware that moves the generation after every request that may write.
pub async fn bump_after_writes(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let writes = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let response = next.run(req).await;
    if writes {
        bump();
    }
    response
}
