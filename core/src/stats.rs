//! Summary figures over money shared by the features (benchmarks, price checks).

use rust_decimal::Decimal;

/// The median of `sorted` (ascending): the middle value, or the mean of the two middle values
/// rounded to cents; `None` when empty.
pub fn median(sorted: &[Decimal]) -> Option<Decimal> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(((sorted[n / 2 - 1] + sorted[n / 2]) / Decimal::TWO).round_dp(2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles_in_cents() {
        let d = |v: &[i64]| v.iter().map(|&x| Decimal::from(x)).collect::<Vec<_>>();
        assert_eq!(median(&[]), None);
        assert_eq!(median(&d(&[1800, 1850, 1900])), Some(Decimal::from(1850)));
        assert_eq!(median(&d(&[1, 2])), Some(Decimal::new(150, 2)));
    }
}
