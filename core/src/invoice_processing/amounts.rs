//! Reading amounts and dates as an invoice prints them. The model is told to answer plain
//! numbers and ISO dates, but invoices from abroad, scans and manual overrides arrive as printed
//! text; reading them is ours, and a text that could mean two different things is refused
//! rather than guessed, because a misread `1.234` is a thousandfold error on a bill.

use std::str::FromStr;

use crate::format::MONTHS;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which convention the amount was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NumberStyle {
    /// `1,234.56`: comma groups thousands, dot marks the cents.
    Us,
    /// `1.234,56`: dot groups thousands, comma marks the cents.
    Eu,
    /// Decide from the text. When both `.` and `,` appear, the last one marks the cents. When
    /// only one kind appears more than once, it groups thousands. A single separator followed by
    /// other than exactly three digits marks the cents (`12,5`, `12.50`). A single separator
    /// followed by exactly three digits (`1.234`, `1,234`) is refused as ambiguous: pass `Us` or
    /// `Eu`.
    Auto,
}

/// Which convention a numeric date was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DateStyle {
    /// `03/05/2026` is March 5.
    Us,
    /// `05/03/2026` and `05.03.2026` are 5 March.
    Eu,
    /// Only `2026-03-05` (or `2026/03/05`).
    Iso,
    /// Decide from the text: year first is ISO; dots are European (the US does not print them);
    /// otherwise a first number above 12 is a day (`13/05/2026`), a second above 12 is a day
    /// (`05/13/2026`), and two numbers both 12 or under (and different) are refused as
    /// ambiguous.
    Auto,
}

/// Longest text we try to read; anything longer is not an amount or a date on an invoice.
const MAX_LEN: usize = 64;

/// Reads a printed amount: `$1,234.56`, `1.234,56`, `1 234,56`, `USD 1234.56`, `1234`,
/// `(123.45)` (negative, as accountants print credits), `-12.50`. The error says what was wrong.
pub fn parse_money(text: &str, hint: NumberStyle) -> Result<Decimal, String> {
    let original = text.trim();
    if original.is_empty() {
        return Err("the amount is empty".into());
    }
    if original.chars().count() > MAX_LEN {
        return Err(format!("the amount is too long to be an amount ({} characters)", original.chars().count()));
    }
    let mut s = original;
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    s = strip_currency(s);
    if let Some(rest) = s.strip_prefix('-') {
        if negative {
            return Err(format!("'{original}' is negative twice"));
        }
        negative = true;
        s = strip_currency(rest.trim());
    }
    if s.is_empty() {
        return Err(format!("'{original}' has no digits"));
    }
    if let Some(bad) = s.chars().find(|c| !(c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}')))
    {
        return Err(format!("'{original}' is not an amount: unexpected '{bad}'"));
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("'{original}' has no digits"));
    }
    let decimal_sep = decimal_separator(s, hint).map_err(|why| format!("'{original}' {why}"))?;
    let (whole, cents) = match decimal_sep {
        Some(sep) => {
            let mut parts = s.rsplitn(2, sep);
            let cents = parts.next().unwrap_or_default();
            (parts.next().unwrap_or_default(), Some(cents))
        }
        None => (s, None),
    };
    if let Some(cents) = cents {
        if cents.is_empty() || !cents.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{original}' has no digits after its decimal separator"));
        }
    }
    let digits = whole_digits(whole).map_err(|why| format!("'{original}' {why}"))?;
    let plain = match cents {
        Some(cents) => format!("{}.{cents}", if digits.is_empty() { "0" } else { &digits }),
        None => digits,
    };
    let value = Decimal::from_str(&plain).map_err(|_| format!("'{original}' is too large to be an amount"))?;
    Ok(if negative { -value } else { value })
}

/// Strips a currency sign or code at either end (`$`, `€`, `£`, `USD`, `EUR`, `GBP`).
fn strip_currency(s: &str) -> &str {
    let mut s = s.trim();
    for sign in ["$", "€", "£", "USD", "EUR", "GBP", "usd", "eur", "gbp"] {
        if let Some(rest) = s.strip_prefix(sign) {
            s = rest.trim();
        }
        if let Some(rest) = s.strip_suffix(sign) {
            s = rest.trim();
        }
    }
    s
}

/// The character that marks the cents, if any, under the style's rule.
fn decimal_separator(s: &str, hint: NumberStyle) -> Result<Option<char>, String> {
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    match hint {
        NumberStyle::Us => once((dots > 0).then_some('.'), dots),
        NumberStyle::Eu => once((commas > 0).then_some(','), commas),
        NumberStyle::Auto => {
            if dots > 0 && commas > 0 {
                let last = if s.rfind('.') > s.rfind(',') { '.' } else { ',' };
                return once(Some(last), if last == '.' { dots } else { commas });
            }
            let (sep, count) = if dots > 0 { ('.', dots) } else { (',', commas) };
            match count {
                0 => Ok(None),
                1 => {
                    let after = s.rsplit(sep).next().unwrap_or_default();
                    if after.len() == 3 {
                        Err(format!(
                            "is ambiguous: '{sep}' followed by three digits may group thousands or mark decimals; \
                             say whether it is US (1,234.56) or European (1.234,56)"
                        ))
                    } else {
                        Ok(Some(sep))
                    }
                }
                _ => Ok(None),
            }
        }
    }
}

fn once(sep: Option<char>, count: usize) -> Result<Option<char>, String> {
    if count > 1 {
        return Err(format!("has {count} decimal separators '{}'", sep.unwrap_or('.')));
    }
    Ok(sep)
}

/// The digits of the whole part, checking that any grouping is in threes (`1,234,567`).
fn whole_digits(whole: &str) -> Result<String, String> {
    let groups: Vec<&str> = whole.split(['.', ',', ' ', '\u{a0}', '\u{202f}']).collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err("groups its thousands wrongly (expected groups of three digits)".into());
        }
    }
    Ok(groups.concat())
}

/// Reads a printed date: `2026-03-05`, `03/05/2026` (US), `05.03.2026` / `05/03/2026` (EU),
/// `March 5, 2026`, `5 Mar 2026`, `Mar 5 2026`. A month written as a word is never ambiguous and
/// is read under every style. Two-digit years are refused: `03/05/26` could be any of three dates.
pub fn parse_date(text: &str, hint: DateStyle) -> Result<NaiveDate, String> {
    let original = text.trim();
    if original.is_empty() {
        return Err("the date is empty".into());
    }
    if original.chars().count() > MAX_LEN {
        return Err(format!("the date is too long to be a date ({} characters)", original.chars().count()));
    }
    if original.chars().any(|c| c.is_alphabetic()) {
        return parse_worded_date(original);
    }
    let sep = ['-', '/', '.'].into_iter().find(|c| original.contains(*c));
    let Some(sep) = sep else {
        return Err(format!("'{original}' is not a date: expected YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY"));
    };
    let parts: Vec<&str> = original.split(sep).map(str::trim).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("'{original}' is not a date: expected three numbers separated by '{sep}'"));
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    if parts[0].len() == 4 {
        return ymd(original, n(parts[0]) as i32, n(parts[1]), n(parts[2]));
    }
    if hint == DateStyle::Iso {
        return Err(format!("'{original}' is not an ISO date (YYYY-MM-DD)"));
    }
    if parts[2].len() != 4 {
        return Err(format!("'{original}' has no four-digit year; two-digit years are not read"));
    }
    let (a, b, year) = (n(parts[0]), n(parts[1]), n(parts[2]) as i32);
    let european = match hint {
        DateStyle::Us => false,
        DateStyle::Eu => true,
        DateStyle::Iso | DateStyle::Auto if sep == '.' => true,
        _ => {
            if a > 12 && b <= 12 {
                true
            } else if (b > 12 && a <= 12) || a == b {
                // Only the US reading is a date, or both readings are the same day.
                false
            } else if a > 12 && b > 12 {
                return Err(format!("'{original}' is not a date: neither {a} nor {b} is a month"));
            } else {
                return Err(format!(
                    "'{original}' is ambiguous: it is {} in the US and {} in Europe; say which style the invoice uses",
                    describe(year, a, b),
                    describe(year, b, a)
                ));
            }
        }
    };
    if european {
        ymd(original, year, b, a)
    } else {
        ymd(original, year, a, b)
    }
}

fn describe(year: i32, month: u32, day: u32) -> String {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date.format("%-d %B %Y").to_string(),
        None => format!("month {month} day {day}"),
    }
}

fn ymd(original: &str, year: i32, month: u32, day: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("'{original}' is not a real date (year {year}, month {month}, day {day})"))
}

/// `March 5, 2026`, `5 Mar 2026`, `Mar 5 2026`, `5th March 2026`.
fn parse_worded_date(original: &str) -> Result<NaiveDate, String> {
    let tokens: Vec<&str> = original.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
    let not_a_date = || format!("'{original}' is not a date: expected e.g. 'March 5, 2026' or '5 Mar 2026'");
    if tokens.len() != 3 {
        return Err(not_a_date());
    }
    let mut month = None;
    let mut numbers = Vec::new();
    for token in &tokens {
        let lower = token.trim_end_matches('.').to_lowercase();
        if lower.chars().all(|c| c.is_alphabetic()) {
            let found = MONTHS.iter().position(|m| lower.len() >= 3 && m.starts_with(&lower));
            match (found, month) {
                (Some(i), None) => month = Some(i as u32 + 1),
                _ => return Err(format!("'{original}' has no month named '{token}'")),
            }
        } else {
            let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if digits.is_empty() || digits.len() > 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(not_a_date());
            }
            numbers.push((digits.len(), digits.parse::<u32>().unwrap_or(0)));
        }
    }
    let Some(month) = month else { return Err(not_a_date()) };
    match numbers.as_slice() {
        [(day_len, day), (4, year)] | [(4, year), (day_len, day)] if *day_len <= 2 => {
            ymd(original, *year as i32, month, *day)
        }
        _ => Err(not_a_date()),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn amounts_as_invoices_print_them() {
        let cases = [
            ("$1,234.56", NumberStyle::Auto, dec!(1234.56)),
            ("1,234.56", NumberStyle::Us, dec!(1234.56)),
            ("1.234,56", NumberStyle::Auto, dec!(1234.56)),
            ("1.234,56", NumberStyle::Eu, dec!(1234.56)),
            ("1 234,56", NumberStyle::Auto, dec!(1234.56)),
            ("USD 1234.56", NumberStyle::Auto, dec!(1234.56)),
            ("1234", NumberStyle::Auto, dec!(1234)),
            ("(123.45)", NumberStyle::Auto, dec!(-123.45)),
            ("-12.50", NumberStyle::Auto, dec!(-12.50)),
            ("-$12.50", NumberStyle::Auto, dec!(-12.50)),
            ("12,5", NumberStyle::Auto, dec!(12.5)),
            ("1,234,567", NumberStyle::Auto, dec!(1234567)),
            ("1.234", NumberStyle::Eu, dec!(1234)),
            ("1.234", NumberStyle::Us, dec!(1.234)),
            ("1,234", NumberStyle::Us, dec!(1234)),
            ("€ 99,90", NumberStyle::Auto, dec!(99.90)),
        ];
        for (text, style, expected) in cases {
            assert_eq!(parse_money(text, style), Ok(expected), "{text} as {style:?}");
        }
    }

    #[test]
    fn an_ambiguous_or_malformed_amount_is_refused_with_the_reason() {
        let err = parse_money("1.234", NumberStyle::Auto).unwrap_err();
        assert!(err.contains("ambiguous"), "{err}");
        assert!(parse_money("1,234", NumberStyle::Auto).unwrap_err().contains("ambiguous"));
        assert!(parse_money("1,23.45", NumberStyle::Us).unwrap_err().contains("groups of three"));
        assert!(parse_money("1.234,56", NumberStyle::Us).is_err());
        assert!(parse_money("12 apples", NumberStyle::Auto).unwrap_err().contains("unexpected 'a'"));
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long_digits = "9".repeat(60);
        let too_long = "1".repeat(500);
        let odd = [
            "",
            " ",
            "$",
            "USD",
            "()",
            "(",
            "-",
            "--1",
            "(-1)",
            ".",
            ",",
            ".5",
            "5.",
            "1..2",
            "1,,2",
            "€",
            "１２３",
            "١٢٣",
            "💰12",
            "12\u{0}",
            long_digits.as_str(),
            too_long.as_str(),
            "1e5",
            "NaN",
            "- ",
            "(($1))",
        ];
        for text in odd {
            for style in [NumberStyle::Us, NumberStyle::Eu, NumberStyle::Auto] {
                let _ = parse_money(text, style);
            }
            for style in [DateStyle::Us, DateStyle::Eu, DateStyle::Iso, DateStyle::Auto] {
                let _ = parse_date(text, style);
            }
        }
        assert!(parse_money("", NumberStyle::Auto).unwrap_err().contains("empty"));
        assert!(parse_money("$", NumberStyle::Auto).unwrap_err().contains("no digits"));
        assert!(parse_money(&long_digits, NumberStyle::Auto).unwrap_err().contains("too large"));
        for text in ["99999/99999/99999", "2026-99-99", "Marchuary 5 2026", "5 5 5", "0/0/2026", "May May 2026"] {
            assert!(parse_date(text, DateStyle::Auto).is_err(), "{text}");
        }
    }

    #[test]
    fn dates_as_invoices_print_them() {
        let cases = [
            ("2026-03-05", DateStyle::Auto, day(2026, 3, 5)),
            ("2026-03-05", DateStyle::Iso, day(2026, 3, 5)),
            ("03/05/2026", DateStyle::Us, day(2026, 3, 5)),
            ("05/03/2026", DateStyle::Eu, day(2026, 3, 5)),
            ("05.03.2026", DateStyle::Eu, day(2026, 3, 5)),
            ("05.03.2026", DateStyle::Auto, day(2026, 3, 5)),
            ("March 5, 2026", DateStyle::Auto, day(2026, 3, 5)),
            ("5 Mar 2026", DateStyle::Us, day(2026, 3, 5)),
            ("Mar 5 2026", DateStyle::Eu, day(2026, 3, 5)),
            ("5th March 2026", DateStyle::Auto, day(2026, 3, 5)),
            ("13/05/2026", DateStyle::Auto, day(2026, 5, 13)),
            ("05/13/2026", DateStyle::Auto, day(2026, 5, 13)),
            ("05/05/2026", DateStyle::Auto, day(2026, 5, 5)),
        ];
        for (text, style, expected) in cases {
            assert_eq!(parse_date(text, style), Ok(expected), "{text} as {style:?}");
        }
    }

    #[test]
    fn an_ambiguous_date_is_refused_with_both_readings() {
        let err = parse_date("03/05/2026", DateStyle::Auto).unwrap_err();
        assert!(err.contains("ambiguous"), "{err}");
        assert!(err.contains("5 March 2026") && err.contains("3 May 2026"), "{err}");
        assert!(parse_date("03/05/2026", DateStyle::Iso).unwrap_err().contains("ISO"));
        assert!(parse_date("02/30/2026", DateStyle::Us).unwrap_err().contains("not a real date"));
        assert!(parse_date("03/05/26", DateStyle::Us).unwrap_err().contains("four-digit year"));
    }
}
