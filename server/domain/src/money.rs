//! Money: a decimal amount in a currency, rounded the commercial way (half away from zero)
//! to the currency's minor unit. Never floating point.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::codes::Currency;

/// An amount of money. The amount is kept exact; [`Money::rounded`] gives the payable figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// The amount rounded half away from zero to the currency's minor unit.
    pub fn rounded(&self) -> Self {
        Self {
            amount: round_to_minor_units(self.amount, self.currency),
            currency: self.currency,
        }
    }

    /// The amount with exactly the currency's decimals and `,` thousands grouping: `12,480.50`.
    pub fn format_amount(&self) -> String {
        format_decimal(
            round_to_minor_units(self.amount, self.currency),
            self.currency.minor_units(),
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.format_amount())
    }
}

/// Rounds half away from zero to the currency's minor unit.
pub fn round_to_minor_units(amount: Decimal, currency: Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Formats with a fixed number of decimals and `,` grouping of thousands.
pub fn format_decimal(amount: Decimal, decimals: u32) -> String {
    let mut fixed = amount.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    fixed.rescale(decimals);
    let text = fixed.abs().to_string();
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(text.len() + text.len() / 3 + 1);
    if fixed.is_sign_negative() && !fixed.is_zero() {
        grouped.push('-');
    }
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if let Some(f) = frac_part {
        grouped.push('.');
        grouped.push_str(f);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero_to_cents() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(round_to_minor_units(d("2.345"), usd()), d("2.35"));
        assert_eq!(round_to_minor_units(d("2.344"), usd()), d("2.34"));
        assert_eq!(round_to_minor_units(d("-2.345"), usd()), d("-2.35"));
    }

    #[test]
    fn yen_has_no_decimals() {
        let jpy = Currency::parse("JPY").unwrap();
        let m = Money::new(Decimal::from_str("1234567.5").unwrap(), jpy);
        assert_eq!(m.format_amount(), "1,234,568");
        assert_eq!(m.to_string(), "JPY 1,234,568");
    }

    #[test]
    fn formats_with_grouping_and_fixed_decimals() {
        let m = Money::new(Decimal::from_str("12480.5").unwrap(), usd());
        assert_eq!(m.format_amount(), "12,480.50");
        assert_eq!(
            format_decimal(Decimal::from_str("999.999").unwrap(), 2),
            "1,000.00"
        );
        assert_eq!(
            format_decimal(Decimal::from_str("-0.001").unwrap(), 2),
            "0.00"
        );
    }

    proptest! {
        #[test]
        fn rounding_moves_at_most_half_a_minor_unit(cents in -10_000_000_000i64..10_000_000_000, extra in 0u32..1000) {
            let amount = Decimal::new(cents * 1000 + i64::from(extra), 5);
            let r = round_to_minor_units(amount, usd());
            prop_assert!((r - amount).abs() <= Decimal::new(5, 3));
            prop_assert!(r.scale() <= 2);
        }

        #[test]
        fn formatted_amount_parses_back_to_the_rounded_amount(cents in -1_000_000_000_000i64..1_000_000_000_000) {
            let amount = Decimal::new(cents, 2);
            let text = format_decimal(amount, 2).replace(',', "");
            prop_assert_eq!(Decimal::from_str(&text).unwrap(), amount);
        }
    }
}
