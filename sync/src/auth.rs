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

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a user (or replaces the password and role of an existing one); returns its id.
pub async fn upsert_user(
    c: &impl GenericClient,
    email: &str,
    password: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let hash = hash_password(password)?;
    let row = c
        .query_one(
            "INSERT INTO app_user (id, email, password_hash, role, created_at) VALUES ($1, lower($2), $3, $4, $5)
             ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role
             RETURNING id",
            &[&Uuid::new_v4(), &email.trim(), &hash, &role.as_str(), &now],
        )
        .await?;
    Ok(row.get(0))
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
        verify_password(
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$0000000000000000000000000000000000000000000",
            password,
        );
        return Ok(None);
    };
    let hash: String = row.get(1);
    if !verify_password(&hash, password) {
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
    fn tokens_are_stored_as_sha256_hex() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
