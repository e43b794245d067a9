//! Typed query strings. Each endpoint declares its parameters as a `#[derive(Deserialize,
//! IntoParams)]` struct (so the OpenAPI document lists them) and takes `Query<ThatStruct>`.
//! A value that does not parse is a 400 naming the parameter and the value
//! (`{"detail": "property: '42' is not a valid UUID."}`), never a 5xx; unknown parameters are
//! ignored, and a parameter given twice counts once (the last value). Range checks (`page`,
//! `page_size`, ...) are validation after deserialisation (`Whole::within`).

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::server::{ApiError, ApiResult, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

pub(crate) const NOT_A_UUID: &str = "is not a valid UUID.";
pub(crate) const NOT_A_DATE: &str = "is not a date (YYYY-MM-DD).";

/// The query string deserialised into `T`; a value that does not parse is a 400.
pub struct Query<T>(pub T);

/// The query string's parameters, each once (the last value wins), decoded.
pub(crate) fn pairs(query: Option<&str>) -> BTreeMap<String, String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect()
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs = pairs(parts.uri.query());
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let name = e.path().to_string();
            match pairs.get(&name) {
                Some(value) => ApiError::bad(format!("{name}: '{value}' {}", e.inner())),
                None => ApiError::bad(format!("Malformed query string: {}", e.inner())),
            }
        })
    }
}

/// `#[serde(default, deserialize_with = "query::uuid")]`: a UUID, or "is not a valid UUID.".
pub fn uuid<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    let text = String::deserialize(d)?;
    Uuid::parse_str(text.trim()).map(Some).map_err(|_| D::Error::custom(NOT_A_UUID))
}

/// `#[serde(default, deserialize_with = "query::date")]`: a `YYYY-MM-DD` date.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = String::deserialize(d)?;
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map(Some).map_err(|_| D::Error::custom(NOT_A_DATE))
}

/// `#[serde(default, deserialize_with = "query::amount")]`: a non-negative amount; empty is none.
pub fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text = String::deserialize(d)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.trim()
        .parse::<Decimal>()
        .ok()
        .filter(|d| *d >= Decimal::ZERO)
        .map(Some)
        .ok_or_else(|| D::Error::custom("is not an amount."))
}

/// A whole-number parameter as sent; `within` checks it after deserialisation, so a value that
/// is not a number and one out of range get the same message with the range.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Whole(String);

impl Whole {
    /// The number, `default` when absent, or "`name`: 'text' must be a whole number from
    /// `min` to `max`.".
    pub fn within(this: &Option<Whole>, name: &str, default: i64, min: i64, max: i64) -> ApiResult<i64> {
        match this {
            None => Ok(default),
            Some(Whole(text)) => match text.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::bad(format!("{name}: '{text}' must be a whole number from {min} to {max}."))),
            },
        }
    }
}

/// `page` and `page_size` of a paginated list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page, from 1.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<Whole>,
    /// Rows per page (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub page_size: Option<Whole>,
}

impl Paging {
    /// The page number and size, checked.
    pub fn get(&self) -> ApiResult<(i64, i64)> {
        Ok((
            Whole::within(&self.page, "page", 1, 1, i64::MAX / MAX_PAGE_SIZE)?,
            Whole::within(&self.page_size, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)?,
        ))
    }
}

/// A comma-separated list of a string enum's values (empty means none), each checked: the
/// canonical names, or "`name`: <the enum's error>".
pub fn enum_list<T, E>(value: &Option<String>, name: &str, as_str: fn(&T) -> &'static str) -> ApiResult<Vec<String>>
where
    T: std::str::FromStr<Err = E>,
    E: std::fmt::Display,
{
    let Some(v) = value.as_ref().filter(|v| !v.trim().is_empty()) else { return Ok(Vec::new()) };
    v.split(',')
        .map(|s| s.trim().parse::<T>().map(|t| as_str(&t).to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad(format!("{name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Q {
        #[serde(default, deserialize_with = "uuid")]
        property: Option<Uuid>,
        #[serde(default, deserialize_with = "date", rename = "end__lte")]
        end_lte: Option<NaiveDate>,
        #[serde(default, deserialize_with = "amount")]
        min_rent: Option<Decimal>,
        status: Option<String>,
    }

    async fn extract<T: DeserializeOwned>(uri: &str) -> Result<T, String> {
        let (mut parts, ()) = axum::http::Request::builder().uri(uri).body(()).unwrap().into_parts();
        Query::<T>::from_request_parts(&mut parts, &()).await.map(|q| q.0).map_err(|e| {
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
            e.detail
        })
    }

    #[tokio::test]
    async fn values_are_typed_and_bad_ones_named_with_their_text() {
        let id = Uuid::nil();
        let q: Q = extract(&format!("/x?property={id}&end__lte=2026-01-31&min_rent=1200.50&status=open&other=1"))
            .await
            .unwrap();
        assert_eq!(q.property, Some(id));
        assert_eq!(q.end_lte, NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(q.min_rent, Some(Decimal::new(120050, 2)));
        assert_eq!(q.status.as_deref(), Some("open"));
        let q: Q = extract("/x").await.unwrap();
        assert!(q.property.is_none() && q.end_lte.is_none() && q.min_rent.is_none() && q.status.is_none());
        assert_eq!(extract::<Q>("/x?min_rent=").await.unwrap().min_rent, None);

        assert_eq!(extract::<Q>("/x?property=42").await.unwrap_err(), "property: '42' is not a valid UUID.");
        assert_eq!(extract::<Q>("/x?property=").await.unwrap_err(), "property: '' is not a valid UUID.");
        assert_eq!(
            extract::<Q>("/x?end__lte=soon%20ish").await.unwrap_err(),
            "end__lte: 'soon ish' is not a date (YYYY-MM-DD)."
        );
        assert_eq!(extract::<Q>("/x?min_rent=-5").await.unwrap_err(), "min_rent: '-5' is not an amount.");
        // A parameter given twice counts once, the last value (as a map of the query did).
        assert_eq!(extract::<Q>(&format!("/x?property=42&property={id}")).await.unwrap().property, Some(id));
    }

    #[tokio::test]
    async fn whole_numbers_are_checked_after_deserialisation() {
        let p: Paging = extract("/x?page=2&page_size=10").await.unwrap();
        assert_eq!(p.get().unwrap(), (2, 10));
        let p: Paging = extract("/x").await.unwrap();
        assert_eq!(p.get().unwrap(), (1, DEFAULT_PAGE_SIZE));
        let max = i64::MAX / MAX_PAGE_SIZE;
        for (uri, detail) in [
            ("/x?page=x", format!("page: 'x' must be a whole number from 1 to {max}.")),
            ("/x?page=0", format!("page: '0' must be a whole number from 1 to {max}.")),
            ("/x?page_size=1001", format!("page_size: '1001' must be a whole number from 1 to {MAX_PAGE_SIZE}.")),
            ("/x?page_size=-1", format!("page_size: '-1' must be a whole number from 1 to {MAX_PAGE_SIZE}.")),
        ] {
            let p: Paging = extract(uri).await.unwrap();
            assert_eq!(p.get().unwrap_err().detail, detail, "{uri}");
        }
    }

    #[test]
    fn enum_lists_name_the_parameter() {
        use unitcycle_core::model::LeaseStatus;
        let list = |v: &str| enum_list::<LeaseStatus, _>(&Some(v.to_string()), "lease_status", |s| s.as_str());
        assert_eq!(list("active, notice").unwrap(), vec!["active", "notice"]);
        assert!(list(" ").unwrap().is_empty());
        assert!(list("active,expired").unwrap_err().detail.starts_with("lease_status: "));
    }
}
