//! The words a manager uses for the fields the core's messages name by column: a refusal
//! shown on screen says "move-out date", not `notice_move_out_date`.

/// Column names and what the screens call them.
const WORDS: &[(&str, &str)] = &[
    ("notice_move_out_date", "move-out date"),
    ("actual_move_out_date", "actual move-out date"),
    ("notice_date", "notice date"),
    ("lease_begin_date", "lease start date"),
    ("lease_end_date", "lease end date"),
    ("monthly_rent_amount", "monthly rent"),
    ("security_deposit", "deposit"),
    ("rent_due_day", "rent due day"),
    ("grace_period_days", "grace period"),
    ("late_fee_amount", "late fee"),
    ("date_of_birth", "date of birth"),
    ("trans_date", "date"),
    ("due_date", "due date"),
    ("year_built", "year built"),
    ("square_feet", "square feet"),
    ("market_rent", "market rent"),
    ("current_rent", "current rent"),
    ("unit_number", "unit number"),
    ("time_zone", "time zone"),
    ("first_name", "first name"),
    ("last_name", "last name"),
    ("property_type", "property type"),
];

/// `message` with each column name in it (a whole word) put in words, and its first letter
/// upper case when the message starts with one.
pub fn humanize(message: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    let mut first = true;
    while !rest.is_empty() {
        let start = rest.find(|c: char| is_word(c)).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        let word = &rest[..end];
        match WORDS.iter().find(|(column, _)| *column == word) {
            Some((_, words)) if first && start == 0 => {
                let mut c = words.chars();
                out.extend(c.next().map(|c| c.to_ascii_uppercase()));
                out.push_str(c.as_str());
            }
            Some((_, words)) => out.push_str(words),
            None => out.push_str(word),
        }
        first = false;
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::humanize;

    #[test]
    fn column_names_become_words() {
        for (message, shown) in [
            (
                "notice_move_out_date (2026-11-01) must be on or after notice_date (2026-11-25).",
                "Move-out date (2026-11-01) must be on or after notice date (2026-11-25).",
            ),
            (
                "lease_end_date (2026-01-01) must be after lease_begin_date",
                "Lease end date (2026-01-01) must be after lease start date",
            ),
            ("rent_due_day must be from 1 to 28 (got 30).", "Rent due day must be from 1 to 28 (got 30)."),
            ("No tenant has the email 'a_b@x.org'.", "No tenant has the email 'a_b@x.org'."),
            ("", ""),
        ] {
            assert_eq!(humanize(message), shown);
        }
    }
}
