//! Display formats shared by every screen, letter and report.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// `$1,850.00`, `-$75.50`: dollars with thousands separators and cents.
/// The plural "s" for `n` of something ("1 lease", "2 leases").
pub fn plural_s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn money(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}${grouped}.{cents}", if negative { "-" } else { "" })
}

/// The largest amount a money column holds (`NUMERIC(10, 2)` in both stores).
// 9,999,999,999 cents: lo and mid words of the 96-bit mantissa.
pub const MAX_MONEY: Decimal = Decimal::from_parts(1_410_065_407, 2, 0, false, 2);

/// Whether `amount` fits a money column (at most `MAX_MONEY` either way). Every amount a person
/// or a file gives is checked against it before any arithmetic, so a huge figure is refused with
/// a message, never an overflow.
pub fn fits_money(amount: Decimal) -> bool {
    amount.abs() <= MAX_MONEY
}

/// The refusal for an amount beyond `MAX_MONEY`.
pub fn money_too_large(what: &str, amount: Decimal) -> String {
    format!("{what} {amount} is more than UnitCycle stores ({}).", money(MAX_MONEY))
}

/// Checks an amount a person or a file gives for a money field: not negative, within a money
/// column, at most two decimals. `what` names the field in the refusal.
pub fn check_amount(what: &str, amount: Decimal) -> Result<Decimal, String> {
    if !fits_money(amount) {
        return Err(money_too_large(what, amount));
    }
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(format!("{what} cannot be negative (got {amount})."));
    }
    if amount.scale() > 2 && amount.round_dp(2) != amount {
        return Err(format!("{what} has more than two decimals (got {amount})."));
    }
    Ok(amount)
}

/// The calendar UnitCycle accepts: 1900-01-01 to 2199-12-31. Every date a person, a file or a
/// replica gives is checked against it where it enters the core, so no row holds a date other
/// software (or PostgreSQL's text form, `+10000-01-01`) cannot read back.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// Checks a date against [`FIRST_DATE`]..=[`LAST_DATE`]; `what` names the field as people know it.
pub fn check_date(what: &str, d: NaiveDate) -> Result<NaiveDate, String> {
    if d < FIRST_DATE || d > LAST_DATE {
        return Err(format!("{what} {d} is outside the dates UnitCycle keeps (1900-01-01 to 2199-12-31)."));
    }
    Ok(d)
}

/// Checks a text field: trimmed, present when `required`, at most `max` characters, no control
/// characters. Returns the trimmed text.
pub fn check_text(what: &str, text: &str, max: usize, required: bool) -> Result<String, String> {
    let t = text.trim();
    if required && t.is_empty() {
        return Err(format!("{what} is required."));
    }
    if t.chars().count() > max {
        return Err(format!("{what} is longer than {max} characters."));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("{what} has a control character."));
    }
    Ok(t.to_string())
}

/// Checks an email address: trimmed and lower-cased, one `@` with a dotted domain, no
/// whitespace, at most 254 characters. Returns the address as stored.
pub fn check_email(email: &str) -> Result<String, String> {
    let e = email.trim().to_lowercase();
    let ok = e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'));
    if ok && !e.contains(char::is_whitespace) && e.len() <= 254 {
        Ok(e)
    } else {
        Err(format!("Email '{}' is not an email address.", email.trim()))
    }
}

/// Reads an amount typed by a person: `1850`, `1,850.00`, `$1,850.5`; at most two decimals and
/// at most `MAX_MONEY`.
pub fn parse_money(text: &str) -> Result<Decimal, String> {
    let clean: String = text.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    let amount = clean
        .parse::<Decimal>()
        .ok()
        .filter(|d| d.scale() <= 2)
        .ok_or_else(|| format!("invalid amount '{text}': expected dollars and cents, e.g. 1850.00"))?;
    if !fits_money(amount) {
        return Err(money_too_large("Amount", amount));
    }
    Ok(amount)
}

/// Reads an amount as a person types or a client sends it (`1850`, `$1,850.005`, `-3`) without
/// judging it: the core function the amount is for refuses a sign, size or cents it cannot take,
/// so every boundary gives the same message.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let clean: String = text.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
    clean.parse::<Decimal>().map_err(|_| format!("invalid amount '{text}': expected dollars and cents, e.g. 1850.00"))
}

/// Reads a `YYYY-MM-DD` date; the core function the date is for checks its window
/// ([`check_date`]), so every boundary gives the same message.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date '{text}': expected YYYY-MM-DD, e.g. 2026-03-15"))
}

/// Serde for amounts and dates in requests and pushed actions: read by [`parse_amount`] and
/// [`parse_date`] (so the API and sync push refuse as the CLI does), written as before.
pub mod wire {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
        Float(f64),
    }

    fn amount(raw: Raw) -> Result<Decimal, String> {
        match raw {
            Raw::Text(t) => super::parse_amount(&t),
            Raw::Int(n) => Ok(Decimal::from(n)),
            Raw::Float(f) => super::parse_amount(&f.to_string()),
        }
    }

    pub mod money {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
            Serialize::serialize(d, s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
            amount(Raw::deserialize(d)?).map_err(D::Error::custom)
        }
    }

    /// Money as a JSON number, for figures built into JSON by hand.
    pub fn decimal_number(d: Decimal) -> serde_json::Value {
        use rust_decimal::prelude::ToPrimitive;
        serde_json::json!(d.to_f64().unwrap_or_default())
    }

    /// Money as a JSON number (`127450.0`), where a spec's example shows figures as numbers.
    pub mod number_money {
        use super::*;
        use rust_decimal::prelude::ToPrimitive;

        pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_f64(d.to_f64().unwrap_or_default())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
            amount(Raw::deserialize(d)?).map_err(D::Error::custom)
        }
    }

    pub mod opt_money {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            Serialize::serialize(d, s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            Option::<Raw>::deserialize(d)?.map(amount).transpose().map_err(D::Error::custom)
        }
    }

    pub mod date {
        use super::*;

        pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
            Serialize::serialize(d, s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
            super::super::parse_date(&String::deserialize(d)?).map_err(D::Error::custom)
        }
    }

    pub mod opt_date {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            Serialize::serialize(d, s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|t| super::super::parse_date(&t))
                .transpose()
                .map_err(D::Error::custom)
        }
    }
}

/// Month names in lower case, January first (for reading dates written in words).
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `Mar 15, 2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%b %-d, %Y").to_string()
}

/// A date or an em dash when there is none.
pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn amounts_beyond_a_money_column_are_refused_with_a_message() {
        assert_eq!(MAX_MONEY, dec!(99999999.99));
        assert_eq!(parse_money("99,999,999.99"), Ok(dec!(99999999.99)));
        assert_eq!(
            parse_money("1000000000").unwrap_err(),
            "Amount 1000000000 is more than UnitCycle stores ($99,999,999.99)."
        );
        assert!(!fits_money(Decimal::MAX));
    }

    #[test]
    fn money_groups_thousands_and_keeps_cents() {
        let cases = [
            (dec!(0), "$0.00"),
            (dec!(5), "$5.00"),
            (dec!(950.5), "$950.50"),
            (dec!(1850), "$1,850.00"),
            (dec!(1234567.891), "$1,234,567.89"),
            (dec!(-75.5), "-$75.50"),
            (dec!(0.005), "$0.01"),
            (dec!(-0.001), "$0.00"),
        ];
        for (amount, text) in cases {
            assert_eq!(money(amount), text, "{amount}");
        }
    }

    #[test]
    fn typed_amounts_parse_to_cents_or_say_why_not() {
        for (text, amount) in [("1850", dec!(1850)), ("$1,850.50", dec!(1850.50)), (" 0.05 ", dec!(0.05))] {
            assert_eq!(parse_money(text), Ok(amount), "{text}");
        }
        for text in ["", "abc", "1.005", "$"] {
            let e = parse_money(text).unwrap_err();
            assert!(e.contains("expected dollars and cents"), "{text}: {e}");
        }
    }

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date(d), "Mar 5, 2026");
        assert_eq!(opt_date(None), "—");
    }
}
