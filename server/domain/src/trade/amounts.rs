//! Quote and order amounts: line total = quantity × unit price, rounded half away from zero to
//! the currency's minor unit per line; subtotal = the sum of the rounded line totals; total =
//! subtotal + freight + insurance. Unit prices may carry up to [`UNIT_PRICE_DECIMALS`]
//! decimals (a bolt at USD 0.0125); freight and insurance are whole minor units.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codes::Currency;
use crate::money::round_to_minor_units;

/// The most decimals a unit price may have.
pub const UNIT_PRICE_DECIMALS: u32 = 4;
/// The largest quantity on one line.
pub const MAX_QUANTITY: u64 = 1_000_000_000;
/// The largest unit price, freight or insurance amount (in currency units).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Why an amount was refused; `field` names the form field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct AmountError {
    pub field: String,
    /// Stable code for the UI (`form_error_<code>`).
    pub code: &'static str,
    pub message: String,
}

/// One priced line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    pub quantity: u64,
    pub unit_price: Decimal,
}

/// The figures of a quote version or an order, all rounded to the currency's minor unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    pub currency: Currency,
    pub line_totals: Vec<Decimal>,
    pub subtotal: Decimal,
    pub freight: Decimal,
    pub insurance: Decimal,
    pub total: Decimal,
}

/// Checks a unit price: not negative, at most [`UNIT_PRICE_DECIMALS`] decimals, not absurd.
pub fn check_unit_price(field: &str, price: Decimal) -> Result<Decimal, AmountError> {
    let refuse = |code, message: String| AmountError {
        field: field.to_owned(),
        code,
        message,
    };
    if price.is_sign_negative() && !price.is_zero() {
        return Err(refuse("negative", "a price cannot be negative".to_owned()));
    }
    if price.normalize().scale() > UNIT_PRICE_DECIMALS {
        return Err(refuse(
            "too_precise",
            format!("use at most {UNIT_PRICE_DECIMALS} decimals"),
        ));
    }
    if price > Decimal::from(MAX_AMOUNT) {
        return Err(refuse("too_large", format!("use at most {MAX_AMOUNT}")));
    }
    Ok(price.normalize())
}

/// Checks freight or insurance: not negative, whole minor units of `currency`, not absurd.
pub fn check_charge(
    field: &str,
    amount: Decimal,
    currency: Currency,
) -> Result<Decimal, AmountError> {
    let refuse = |code, message: String| AmountError {
        field: field.to_owned(),
        code,
        message,
    };
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(refuse(
            "negative",
            "an amount cannot be negative".to_owned(),
        ));
    }
    if amount.normalize().scale() > currency.minor_units() {
        return Err(refuse(
            "too_precise",
            format!(
                "{currency} amounts have {} decimals",
                currency.minor_units()
            ),
        ));
    }
    if amount > Decimal::from(MAX_AMOUNT) {
        return Err(refuse("too_large", format!("use at most {MAX_AMOUNT}")));
    }
    Ok(round_to_minor_units(amount, currency))
}

/// Checks a quantity: at least 1, at most [`MAX_QUANTITY`].
pub fn check_quantity(field: &str, quantity: u64) -> Result<u64, AmountError> {
    if quantity == 0 || quantity > MAX_QUANTITY {
        return Err(AmountError {
            field: field.to_owned(),
            code: "quantity_range",
            message: format!("enter a whole number from 1 to {MAX_QUANTITY}"),
        });
    }
    Ok(quantity)
}

impl Amounts {
    /// The figures for `lines` (already checked) plus freight and insurance.
    pub fn compute(
        currency: Currency,
        lines: &[PricedLine],
        freight: Decimal,
        insurance: Decimal,
    ) -> Amounts {
        let line_totals: Vec<Decimal> = lines
            .iter()
            .map(|l| round_to_minor_units(Decimal::from(l.quantity) * l.unit_price, currency))
            .collect();
        let subtotal: Decimal = line_totals.iter().copied().sum();
        let freight = round_to_minor_units(freight, currency);
        let insurance = round_to_minor_units(insurance, currency);
        Amounts {
            currency,
            total: subtotal + freight + insurance,
            line_totals,
            subtotal,
            freight,
            insurance,
        }
    }
}

/// Decimal text as stored (canonical, no trailing zeros beyond the value's own scale).
pub fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A rounded amount as stored and sent: exactly the currency's decimals (`4925.20`, `JPY 880`).
pub fn money_text(d: Decimal, currency: Currency) -> String {
    let mut r = round_to_minor_units(d, currency);
    r.rescale(currency.minor_units());
    r.to_string()
}

/// Reads stored decimal text (the database only ever holds what [`decimal_text`] wrote).
pub fn parse_decimal(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn lines_round_one_by_one_and_the_subtotal_adds_the_rounded_lines() {
        let lines = [
            PricedLine {
                quantity: 3,
                unit_price: d("0.3333"),
            },
            PricedLine {
                quantity: 3,
                unit_price: d("0.3333"),
            },
        ];
        let a = Amounts::compute(usd(), &lines, d("120"), d("4.5"));
        assert_eq!(a.line_totals, vec![d("1.00"), d("1.00")]);
        assert_eq!(a.subtotal, d("2.00"));
        assert_eq!(a.total, d("126.50"));
    }

    #[test]
    fn yen_has_no_minor_unit() {
        let jpy = Currency::parse("JPY").unwrap();
        let a = Amounts::compute(
            jpy,
            &[PricedLine {
                quantity: 7,
                unit_price: d("12.5"),
            }],
            d("0"),
            d("0"),
        );
        assert_eq!(a.total, d("88"));
        assert!(check_charge("freight", d("10.5"), jpy).is_err());
        assert_eq!(check_charge("freight", d("1000"), jpy).unwrap(), d("1000"));
    }

    #[test]
    fn refuses_negative_over_precise_and_absurd_amounts() {
        assert_eq!(check_unit_price("p", d("-1")).unwrap_err().code, "negative");
        assert_eq!(
            check_unit_price("p", d("0.00001")).unwrap_err().code,
            "too_precise"
        );
        assert_eq!(check_unit_price("p", d("1.50000")).unwrap(), d("1.5"));
        assert_eq!(
            check_unit_price("p", d("10000000000001")).unwrap_err().code,
            "too_large"
        );
        assert_eq!(
            check_charge("freight", d("1.005"), usd()).unwrap_err().code,
            "too_precise"
        );
        assert_eq!(check_quantity("q", 0).unwrap_err().code, "quantity_range");
        assert!(check_quantity("q", MAX_QUANTITY + 1).is_err());
        assert_eq!(check_quantity("q", 12).unwrap(), 12);
    }

    #[test]
    fn stored_text_round_trips() {
        for s in ["0", "12.5", "0.0125", "1000000"] {
            assert_eq!(parse_decimal(&decimal_text(d(s))), d(s));
        }
        assert_eq!(decimal_text(d("12.500")), "12.5");
        assert_eq!(money_text(d("4925.2"), usd()), "4925.20");
        assert_eq!(money_text(d("880"), Currency::parse("JPY").unwrap()), "880");
    }

    proptest! {
        #[test]
        fn totals_add_up_and_have_the_currency_scale(
            lines in proptest::collection::vec((1u64..1_000_000, 0i64..100_000_000), 0..20),
            freight_cents in 0i64..10_000_000,
            insurance_cents in 0i64..1_000_000,
        ) {
            let lines: Vec<PricedLine> = lines
                .into_iter()
                .map(|(q, p)| PricedLine { quantity: q, unit_price: Decimal::new(p, 4) })
                .collect();
            let a = Amounts::compute(usd(), &lines, Decimal::new(freight_cents, 2), Decimal::new(insurance_cents, 2));
            prop_assert_eq!(a.line_totals.len(), lines.len());
            prop_assert_eq!(a.subtotal, a.line_totals.iter().copied().sum::<Decimal>());
            prop_assert_eq!(a.total, a.subtotal + a.freight + a.insurance);
            for (t, l) in a.line_totals.iter().zip(&lines) {
                prop_assert!(t.scale() <= 2);
                prop_assert!((*t - Decimal::from(l.quantity) * l.unit_price).abs() <= Decimal::new(5, 3));
                prop_assert!(!t.is_sign_negative() || t.is_zero());
            }
        }

        #[test]
        fn a_checked_unit_price_is_the_same_value(p in 0i64..1_000_000_000, scale in 0u32..=4) {
            let price = Decimal::new(p, scale);
            prop_assert_eq!(check_unit_price("p", price).unwrap(), price);
        }
    }
}
