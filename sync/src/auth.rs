//! Users, passwords (argon2), bearer tokens (stored as sha256, revocable, expiring), roles
//! and per-property grants.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use deadpool_postgres::Pool;
use sha2::{Digest, Sha256};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::pg::{PgError, Result};

/// What a user may do. Every role sees only the properties granted to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads and changes the granted properties.
    Manager,
    /// Reads and changes the granted properties (day-to-day operations).
    Staff,
    /// Reads only.
    ReadOnly,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Staff => "staff",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "manager" => Some(Role::Manager),
            "staff" => Some(Role::Staff),
            "read_only" => Some(Role::ReadOnly),
            _ => None,
        }
    }

    pub fn can_write(self) -> bool {
        self != Role::ReadOnly
    }
}

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub token_id: Uuid,
    /// The properties this user may see and change.
    pub properties: Vec<Uuid>,
}

impl Principal {
    /// The actor recorded on changes (`lease_status_changed_by`), as in the spec's example.
    pub fn actor(&self) -> String {
        format!("user:{}", self.email)
    }
}

/// How long a token from `login` stays valid.
pub const TOKEN_TTL_DAYS: i64 = 30;

pub fn hash_password(password: &str) -> Result<String> {
    // 16 random bytes (a v4 UUID's randomness comes from the operating system).
    let salt = SaltString::encode_b64(Uuid::new_v4().as_bytes())
        .map_err(|e| PgError::Setup(format!("cannot make a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PgError::Setup(format!("cannot hash password: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// `verify_password` on a blocking thread: argon2 takes tens of milliseconds of CPU, which must
/// not stall the async workers serving other requests.
async fn verify_off_runtime(hash: String, password: &str) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || verify_password(&hash, &password)).await.unwrap_or(false)
}

/// Failed logins allowed per email and per client address in `LOGIN_WINDOW`; more are refused
/// (HTTP 429) until the window passes, so passwords cannot be guessed at speed.
pub const LOGIN_ATTEMPTS: usize = 5;
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);

/// Recent failed logins, by key (`email:…`, `ip:…`), kept in memory per server process.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: std::sync::Mutex<std::collections::HashMap<String, Vec<DateTime<Utc>>>>,
}

impl LoginThrottle {
    /// The keys of one attempt: the email and, when known, the client's address.
    pub fn keys(email: &str, ip: Option<std::net::IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("email:{}", email.trim().to_lowercase())];
        keys.extend(ip.map(|ip| format!("ip:{ip}")));
        keys
    }

    /// When the caller may try again, if any key is over its limit at `now`.
    pub fn retry_after(&self, keys: &[String], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| {
                let times = map.get_mut(k)?;
                times.retain(|t| *t > now - LOGIN_WINDOW);
                (times.len() >= LOGIN_ATTEMPTS).then(|| times[0] + LOGIN_WINDOW)
            })
            .max()
    }

    pub fn failed(&self, keys: &[String], now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Forget stale keys now and then, so the map cannot grow without bound.
        if map.len() > 10_000 {
            map.retain(|_, times| times.iter().any(|t| *t > now - LOGIN_WINDOW));
        }
        for k in keys {
            map.entry(k.clone()).or_default().push(now);
        }
    }

    pub fn succeeded(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = keys.first() {
            map.remove(k);
        }
    }
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a user (or replaces the password and role of an existing one); returns its id. A reset
/// revokes every token the user holds, so a leaked token or a lowered role ends at once.
pub async fn upsert_user(
    c: &impl GenericClient,
    email: &str,
    password: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let password = password.to_string();
    // Argon2 is deliberately slow: off the async runtime.
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| PgError::Setup(format!("cannot hash password: {e}")))??;
    let row = c
        .query_one(
            "INSERT INTO app_user (id, email, password_hash, role, created_at) VALUES ($1, lower($2), $3, $4, $5)
             ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role
             RETURNING id",
            &[&Uuid::new_v4(), &email.trim(), &hash, &role.as_str(), &now],
        )
        .await?;
    let user: Uuid = row.get(0);
    revoke_all(c, user, now).await?;
    Ok(user)
}

/// Revokes every live token of `user`; returns how many.
pub async fn revoke_all(c: &impl GenericClient, user: Uuid, now: DateTime<Utc>) -> Result<u64> {
    Ok(c.execute("UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", &[&user, &now])
        .await?)
}

/// The id of the user with `email`, if there is one.
pub async fn user_id(c: &impl GenericClient, email: &str) -> Result<Option<Uuid>> {
    Ok(c.query_opt("SELECT id FROM app_user WHERE email = lower($1)", &[&email.trim()]).await?.map(|r| r.get(0)))
}

/// Withdraws `user`'s access to `properties`; returns how many grants went.
pub async fn revoke_grants(c: &impl GenericClient, user: Uuid, properties: &[Uuid]) -> Result<u64> {
    Ok(c.execute("DELETE FROM property_grant WHERE user_id = $1 AND property_id = ANY($2)", &[&user, &properties])
        .await?)
}

/// Grants `user` access to `properties`.
pub async fn grant(c: &impl GenericClient, user: Uuid, properties: &[Uuid]) -> Result<()> {
    c.execute(
        "INSERT INTO property_grant (user_id, property_id) SELECT $1, p FROM unnest($2::uuid[]) p ON CONFLICT DO NOTHING",
        &[&user, &properties],
    )
    .await?;
    Ok(())
}

/// Checks the password and issues a new token. `None` when the email or password is wrong.
pub async fn login(
    pool: &Pool,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<(String, Principal)>> {
    let client = pool.get().await?;
    let Some(row) = client
        .query_opt("SELECT id, password_hash, role FROM app_user WHERE email = lower($1)", &[&email.trim()])
        .await?
    else {
        // Spend the same effort as a real check, so timing does not reveal which emails exist.
        let dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$0000000000000000000000000000000000000000000";
        verify_off_runtime(dummy.into(), password).await;
        return Ok(None);
    };
    let hash: String = row.get(1);
    if !verify_off_runtime(hash, password).await {
        return Ok(None);
    }
    let user_id: Uuid = row.get(0);
    let token = format!("uc_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let token_id = Uuid::new_v4();
    client
        .execute(
            "INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[&token_id, &user_id, &token_hash(&token), &now, &(now + Duration::days(TOKEN_TTL_DAYS))],
        )
        .await?;
    let principal = authenticate(pool, &token, now).await?.ok_or_else(|| PgError::Setup("token vanished".into()))?;
    Ok(Some((token, principal)))
}

/// The principal behind a bearer token, or `None` if it is unknown, revoked or expired.
pub async fn authenticate(pool: &Pool, token: &str, now: DateTime<Utc>) -> Result<Option<Principal>> {
    let client = pool.get().await?;
    let Some(row) = client
        .query_opt(
            "SELECT t.id, u.id, u.email::text, u.role::text,
                    ARRAY(SELECT g.property_id FROM property_grant g WHERE g.user_id = u.id ORDER BY g.property_id)
             FROM api_token t JOIN app_user u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)",
            &[&token_hash(token), &now],
        )
        .await?
    else {
        return Ok(None);
    };
    let role: String = row.get(3);
    Ok(Some(Principal {
        token_id: row.get(0),
        user_id: row.get(1),
        email: row.get(2),
        role: Role::parse(&role).unwrap_or(Role::ReadOnly),
        properties: row.get(4),
    }))
}

/// Revokes one token (logout).
pub async fn revoke(pool: &Pool, token_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    pool.get().await?.execute("UPDATE api_token SET revoked_at = $2 WHERE id = $1", &[&token_id, &now]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "correct horse"));
    }

    #[test]
    fn five_failed_logins_lock_the_email_and_the_address_for_fifteen_minutes() {
        let t = LoginThrottle::default();
        let now: DateTime<Utc> = "2026-12-03T10:00:00Z".parse().unwrap();
        let keys = LoginThrottle::keys(" Ann@Example.com", Some([10, 0, 0, 1].into()));
        assert_eq!(keys, ["email:ann@example.com", "ip:10.0.0.1"]);
        for i in 0..LOGIN_ATTEMPTS {
            assert_eq!(t.retry_after(&keys, now), None, "attempt {i}");
            t.failed(&keys, now + Duration::seconds(i as i64));
        }
        assert_eq!(t.retry_after(&keys, now + Duration::minutes(1)), Some(now + LOGIN_WINDOW));
        // Another email from the same address is refused too; the limit lifts after the window.
        let other = LoginThrottle::keys("bob@example.com", Some([10, 0, 0, 1].into()));
        assert!(t.retry_after(&other, now + Duration::minutes(1)).is_some());
        assert_eq!(t.retry_after(&keys, now + LOGIN_WINDOW + Duration::seconds(5)), None);
    }

    #[test]
    fn tokens_are_stored_as_sha256_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
