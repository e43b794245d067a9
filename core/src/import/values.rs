//! Cell values as other systems export them: money (`$1,850.00`, `(125.00)`, `1850`), dates
//! (`MM/DD/YYYY`, `YYYY-MM-DD`, `M/D/YY`), counts (`2`, `2 BR`, `Studio`), names (`Last, First`).

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::format;

/// An amount as exported: `$1,850.00`, `1850`, `-75.50`, `(125.00)` (negative), `$(125.00)`.
/// Checked with `format::parse_money` (two decimals, at most `MAX_MONEY`).
pub fn money(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let (negative, body) = if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        (true, inner.trim())
    } else if let Some(inner) = t.strip_prefix("$(").and_then(|s| s.strip_suffix(')')) {
        (true, inner.trim())
    } else if let Some(rest) = t.strip_prefix('-') {
        (true, rest.trim())
    } else if let Some(rest) = t.strip_prefix("$-") {
        (true, rest.trim())
    } else {
        (false, t)
    };
    if body.starts_with('-') || body.starts_with('(') {
        return Err(format!("invalid amount '{text}': expected dollars and cents, e.g. 1850.00"));
    }
    let amount = format::parse_money(body).map_err(|e| e.replace(&format!("'{body}'"), &format!("'{text}'")))?;
    Ok(if negative { -amount } else { amount })
}

/// A date as exported: `03/15/2026`, `3/15/26`, `2026-03-15` (a time after a space is ignored).
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let t = t.split_whitespace().next().unwrap_or("");
    let bad = || format!("invalid date '{}': expected MM/DD/YYYY, M/D/YY or YYYY-MM-DD", text.trim());
    let num = |s: &str| {
        s.parse::<u32>().ok().filter(|_| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
    };
    let parts: Vec<&str> = if t.contains('/') { t.split('/').collect() } else { t.split('-').collect() };
    if parts.len() != 3 {
        return Err(bad());
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (num(parts[0]).ok_or_else(bad)? as i32, num(parts[1]).ok_or_else(bad)?, num(parts[2]).ok_or_else(bad)?)
    } else {
        let year = match parts[2].len() {
            4 => num(parts[2]).ok_or_else(bad)? as i32,
            2 => {
                let y = num(parts[2]).ok_or_else(bad)? as i32;
                if y < 70 {
                    2000 + y
                } else {
                    1900 + y
                }
            }
            _ => return Err(bad()),
        };
        (year, num(parts[0]).ok_or_else(bad)?, num(parts[1]).ok_or_else(bad)?)
    };
    if parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return Err(bad());
    }
    let day = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("invalid date '{}': no such day", text.trim()))?;
    crate::format::check_date("date", day)
}

/// A whole count: `2`, `2.0`, `2 BR`, `2bd`, `Studio` (0 bedrooms), `1,050` (square feet).
pub fn count(text: &str, what: &str, max: i32) -> Result<i32, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("studio") || t.eq_ignore_ascii_case("std") {
        return Ok(0);
    }
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(t.len());
    let (num, rest) = t.split_at(split);
    let num: String = num.chars().filter(|c| *c != ',').collect();
    let value = num
        .parse::<Decimal>()
        .ok()
        .filter(|d| d.fract().is_zero() && rest.trim().chars().all(|c| c.is_ascii_alphabetic() || c == ' '))
        .and_then(|d| d.to_i32())
        .ok_or_else(|| format!("invalid {what} '{t}': expected a whole number"))?;
    if value > max {
        return Err(format!("{what} {value} is more than {max}"));
    }
    Ok(value)
}

/// A combined bedrooms/bathrooms cell (`2/1`, `Studio/1`, `2x1.5`) as its two parts.
pub fn bed_bath(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    t.split_once('/').or_else(|| t.split_once(['x', 'X'])).map(|(a, b)| (a.trim(), b.trim()))
}

/// Bathrooms: `1`, `1.5`, `2 BA`.
pub fn bathrooms(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let num: String = t.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let rest = t[num.len()..].trim();
    num.parse::<Decimal>()
        .ok()
        .filter(|d| {
            rest.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') && *d <= Decimal::from(20) && d.scale() <= 1
        })
        .ok_or_else(|| format!("invalid bathrooms '{t}': expected a number such as 1 or 1.5"))
}

/// `Last, First` or `First Last` (`First Middle Last` keeps the middle with the first name).
pub fn split_name(text: &str) -> (String, String) {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((last, first)) = t.split_once(',') {
        return (first.trim().to_string(), last.trim().to_string());
    }
    match t.rsplit_once(' ') {
        Some((first, last)) => (first.to_string(), last.to_string()),
        None => (t, String::new()),
    }
}

/// An email address with one `@` and a dot in its domain.
pub fn email(text: &str) -> Result<String, String> {
    let t = text.trim().to_ascii_lowercase();
    let ok = match t.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !t.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(t)
    } else {
        Err(format!("invalid email '{}'", text.trim()))
    }
}

/// The digits of a phone number, for matching (`(555) 201-3344` = `555.201.3344`).
pub fn phone_key(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn export_amounts_parse_with_their_sign() {
        for (text, amount) in [
            ("$1,850.00", dec!(1850)),
            ("1850", dec!(1850)),
            ("(125.00)", dec!(-125)),
            ("$(125.00)", dec!(-125)),
            ("-75.5", dec!(-75.5)),
            (" $0.00 ", dec!(0)),
        ] {
            assert_eq!(money(text), Ok(amount), "{text}");
        }
        for text in ["abc", "12.345", "(12", "--5", "$"] {
            assert!(money(text).is_err(), "{text}");
        }
        assert!(money("1000000000").unwrap_err().contains("more than UnitCycle stores"));
    }

    #[test]
    fn export_dates_parse() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        for text in ["03/05/2026", "3/5/2026", "3/5/26", "2026-03-05", "3/5/2026 0:00"] {
            assert_eq!(date(text), Ok(d), "{text}");
        }
        for text in ["13/01/2026", "2026-02-30", "5 March", "3/5", "03/05/202"] {
            assert!(date(text).is_err(), "{text}");
        }
    }

    #[test]
    fn counts_names_and_emails() {
        assert_eq!(count("2 BR", "bedrooms", 20), Ok(2));
        assert_eq!(count("Studio", "bedrooms", 20), Ok(0));
        assert_eq!(count("1,050", "square feet", 100_000), Ok(1050));
        assert!(count("two", "bedrooms", 20).is_err());
        assert!(count("1.5", "bedrooms", 20).is_err());
        assert_eq!(bathrooms("1.5"), Ok(dec!(1.5)));
        assert_eq!(split_name("Rivera, Ana"), ("Ana".into(), "Rivera".into()));
        assert_eq!(split_name("Ana  Maria Rivera"), ("Ana Maria".into(), "Rivera".into()));
        assert_eq!(email(" Ana@Mail.Example "), Ok("ana@mail.example".into()));
        assert!(email("ana@example").is_err());
        assert_eq!(phone_key("(555) 201-3344"), "5552013344");
    }
}
