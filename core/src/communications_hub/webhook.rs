//! The inbound email webhook's signature (spec 5.3's `/api/v2/communications/inbound/`): the
//! provider signs `"{timestamp}.{body}"` with HMAC-SHA256 under the shared secret and sends
//! `X-UnitCycle-Signature: t=<unix seconds>,v1=<hex>`. A request is refused (and stored nowhere)
//! when the signature does not match, or when its timestamp is more than five minutes from now
//! (a replay). SMS comes signed the Twilio way (`X-Twilio-Signature`, checked by the server's
//! Twilio module).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The header the email provider signs with.
pub const SIGNATURE_HEADER: &str = "x-unitcycle-signature";

/// How far a signed timestamp may be from now, in seconds.
pub const TOLERANCE_SECONDS: i64 = 300;

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let mut inner = Sha256::new();
    inner.update(pad(0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(pad(0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header value a provider sends for `body` at `at`.
pub fn sign(secret: &str, body: &[u8], at: DateTime<Utc>) -> String {
    let t = at.timestamp();
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    format!("t={t},v1={}", hex(&hmac_sha256(secret.as_bytes(), &msg)))
}

/// Why a webhook request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Missing,
    Malformed,
    Stale { seconds: i64 },
    BadSignature,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Missing => write!(f, "no {SIGNATURE_HEADER} header"),
            Refused::Malformed => write!(f, "the {SIGNATURE_HEADER} header is not t=…,v1=…"),
            Refused::Stale { seconds } => {
                write!(f, "signed {seconds} s from now (more than {TOLERANCE_SECONDS} s): a replay is refused")
            }
            Refused::BadSignature => write!(f, "the signature does not match"),
        }
    }
}

/// Checks `header` (the signature header's value, if any) for `body` at `now`.
pub fn verify(secret: &str, header: Option<&str>, body: &[u8], now: DateTime<Utc>) -> Result<(), Refused> {
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(Refused::Missing)?;
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.trim().parse::<i64>().ok(),
            Some(("v1", v)) => v1 = Some(v.trim().to_lowercase()),
            _ => {}
        }
    }
    let (t, given) = (t.ok_or(Refused::Malformed)?, v1.ok_or(Refused::Malformed)?);
    let skew = (now.timestamp() - t).abs();
    if skew > TOLERANCE_SECONDS {
        return Err(Refused::Stale { seconds: skew });
    }
    let at = DateTime::<Utc>::from_timestamp(t, 0).ok_or(Refused::Malformed)?;
    let expected = sign(secret, body, at);
    let expected = expected.rsplit_once("v1=").map(|(_, h)| h).unwrap_or_default();
    // Compared as digests, so the time taken says nothing about how much of it matched.
    if Sha256::digest(expected.as_bytes()) == Sha256::digest(given.as_bytes()) {
        Ok(())
    } else {
        Err(Refused::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at() -> DateTime<Utc> {
        "2026-03-28T14:22:00Z".parse().unwrap()
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_signed_request_passes_and_a_forged_or_replayed_one_is_refused() {
        let body = br#"{"channel":"email","from":"sarah@example.com","content":"When is rent due?"}"#;
        let header = sign("shared-secret", body, at());
        assert_eq!(verify("shared-secret", Some(&header), body, at() + Duration::seconds(30)), Ok(()));
        assert_eq!(verify("other-secret", Some(&header), body, at()), Err(Refused::BadSignature));
        assert_eq!(verify("shared-secret", Some(&header), b"{}", at()), Err(Refused::BadSignature));
        assert_eq!(
            verify("shared-secret", Some(&header), body, at() + Duration::minutes(10)),
            Err(Refused::Stale { seconds: 600 })
        );
        assert_eq!(verify("shared-secret", None, body, at()), Err(Refused::Missing));
        assert_eq!(verify("shared-secret", Some("v1=abc"), body, at()), Err(Refused::Malformed));
        // A forged signature with a fresh timestamp over the old body still fails.
        let forged = format!("t={},v1={}", at().timestamp() + 60, header.rsplit_once("v1=").unwrap().1);
        assert_eq!(verify("shared-secret", Some(&forged), body, at()), Err(Refused::BadSignature));
    }
}
