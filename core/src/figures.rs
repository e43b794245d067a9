//! Nothing false reaches a tenant: every dollar figure a letter states must be one of the
//! figures of the record it is about. A letter drafted earlier (by Claude or the offline
//! templates) is checked against the current record just before it is sent.

use rust_decimal::Decimal;

use crate::format::money;

/// The dollar amounts written in `text` (`$2,325`, `$2,325.00`, `$75.5`), in order.
pub fn amounts(text: &str) -> Vec<Decimal> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
        // A sentence may end right after the figure ("… of $2,325.").
        let clean: String = digits.trim_end_matches(['.', ',']).chars().filter(|c| *c != ',').collect();
        if let Ok(d) = clean.parse::<Decimal>() {
            out.push(d);
        }
    }
    out
}

/// Checks that every amount in `text` is one of `allowed` (to the cent). The refusal names the
/// figure, what the record holds, and what to do.
pub fn check(text: &str, allowed: &[Decimal], what: &str) -> Result<(), String> {
    let allowed: Vec<Decimal> = allowed.iter().map(|d| d.round_dp(2)).collect();
    for a in amounts(text) {
        if !allowed.contains(&a.round_dp(2)) {
            let held: Vec<String> = allowed.iter().map(|d| money(*d)).collect();
            return Err(format!(
                "The {what} states {}, which is not a figure of the record ({}): redraft it before sending.",
                money(a),
                held.join(", ")
            ));
        }
    }
    Ok(())
}

/// Checks that `text` states `figure` (the letter's point, e.g. the offered rent).
pub fn require(text: &str, figure: Decimal, label: &str, what: &str) -> Result<(), String> {
    if amounts(text).iter().any(|a| a.round_dp(2) == figure.round_dp(2)) {
        return Ok(());
    }
    Err(format!("The {what} does not state the {label} of the record ({}): redraft it before sending.", money(figure)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_letter_may_state_only_the_records_figures() {
        let text =
            "We are offering a 12-month renewal at $2,400.00 per month, up $75 from your current rent of $2,325.";
        assert_eq!(amounts(text), vec![dec!(2400.00), dec!(75), dec!(2325)]);
        assert!(check(text, &[dec!(2325), dec!(2400), dec!(75)], "renewal letter").is_ok());
        // A letter left from before the rent changed states only true figures, but not the offer.
        let stale = "We are offering a renewal with no change to your rent of $2,325.00 per month.";
        assert!(check(stale, &[dec!(2325), dec!(2400), dec!(75)], "renewal letter").is_ok());
        assert_eq!(
            require(stale, dec!(2400), "offered rent", "renewal letter").unwrap_err(),
            "The renewal letter does not state the offered rent of the record ($2,400.00): redraft it before sending."
        );
        let e = check("Your new rent is $2,350.00.", &[dec!(2325), dec!(2400)], "renewal letter").unwrap_err();
        assert_eq!(
            e,
            "The renewal letter states $2,350.00, which is not a figure of the record ($2,325.00, $2,400.00): redraft it before sending."
        );
        assert!(amounts("No figures, just $ signs $ and $x.").is_empty());
    }
}
