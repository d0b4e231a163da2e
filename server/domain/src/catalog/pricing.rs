//! Quantity rules and tier prices: minimum order quantity (MOQ), order increment, and the
//! quantity breaks that set the unit price. The product page runs this in the browser too.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codes::Currency;
use crate::error::DomainError;
use crate::money::Money;

/// The largest quantity one order line may ask for; beyond it the buyer should send an RFQ.
pub const MAX_LINE_QUANTITY: u64 = 100_000_000;

/// What quantities a product can be ordered in: at least `moq`, in steps of `increment`
/// counted from the MOQ (MOQ 100, increment 50 → 100, 150, 200, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantityRule {
    pub moq: u64,
    pub increment: u64,
}

/// Why a quantity cannot be ordered, with the nearest quantities that can.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum QuantityError {
    #[error("the minimum order quantity is {moq}")]
    BelowMoq { moq: u64 },
    #[error("order in steps of {increment} from {moq}: try {lower} or {upper}")]
    NotAnIncrement {
        moq: u64,
        increment: u64,
        lower: u64,
        upper: u64,
    },
    #[error("quantities above {max} need a quote request")]
    TooLarge { max: u64 },
}

impl QuantityRule {
    /// A rule whose MOQ is a positive multiple of a positive increment.
    pub fn new(moq: u64, increment: u64) -> Result<Self, DomainError> {
        if moq == 0 {
            return Err(DomainError::invalid(
                "moq",
                "the minimum order quantity must be at least 1",
            ));
        }
        if increment == 0 {
            return Err(DomainError::invalid(
                "order_increment",
                "the order increment must be at least 1",
            ));
        }
        if moq > MAX_LINE_QUANTITY {
            return Err(DomainError::invalid(
                "moq",
                format!("the minimum order quantity cannot exceed {MAX_LINE_QUANTITY}"),
            ));
        }
        Ok(Self { moq, increment })
    }

    /// Accepts `quantity` or says why not.
    pub fn check(&self, quantity: u64) -> Result<u64, QuantityError> {
        if quantity > MAX_LINE_QUANTITY {
            return Err(QuantityError::TooLarge {
                max: MAX_LINE_QUANTITY,
            });
        }
        if quantity < self.moq {
            return Err(QuantityError::BelowMoq { moq: self.moq });
        }
        let over = (quantity - self.moq) % self.increment;
        if over != 0 {
            let lower = quantity - over;
            return Err(QuantityError::NotAnIncrement {
                moq: self.moq,
                increment: self.increment,
                lower,
                upper: lower + self.increment,
            });
        }
        Ok(quantity)
    }
}

/// One quantity break: from `min_quantity` units on, each unit costs `unit_price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTier {
    pub min_quantity: u64,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
}

/// A product's price list: quantity breaks in one currency, sorted by quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierTable {
    currency: Currency,
    tiers: Vec<PriceTier>,
}

/// The price for a quantity: which tier applies, the unit price and the line total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierQuote {
    pub tier_index: usize,
    pub quantity: u64,
    pub unit_price: Money,
    /// Quantity × unit price, rounded to the currency's minor unit.
    pub total: Money,
}

impl TierTable {
    /// Builds a table; refuses empty tables, duplicate breaks, non-positive prices and prices
    /// that rise with quantity.
    pub fn new(currency: Currency, mut tiers: Vec<PriceTier>) -> Result<Self, DomainError> {
        if tiers.is_empty() {
            return Err(DomainError::invalid(
                "price_tiers",
                "add at least one price tier",
            ));
        }
        tiers.sort_by_key(|t| t.min_quantity);
        for (i, t) in tiers.iter().enumerate() {
            if t.min_quantity == 0 {
                return Err(DomainError::invalid(
                    "price_tiers",
                    "a tier starts at quantity 1 or more",
                ));
            }
            if t.unit_price <= Decimal::ZERO {
                return Err(DomainError::invalid(
                    "price_tiers",
                    format!(
                        "the unit price from {} units must be above zero",
                        t.min_quantity
                    ),
                ));
            }
            if t.unit_price.scale() > 4 {
                return Err(DomainError::invalid(
                    "price_tiers",
                    format!(
                        "the unit price from {} units has more than 4 decimals",
                        t.min_quantity
                    ),
                ));
            }
            if let Some(prev) = i.checked_sub(1).map(|p| tiers[p]) {
                if prev.min_quantity == t.min_quantity {
                    return Err(DomainError::invalid(
                        "price_tiers",
                        format!("two tiers start at {} units", t.min_quantity),
                    ));
                }
                if t.unit_price > prev.unit_price {
                    return Err(DomainError::invalid(
                        "price_tiers",
                        format!(
                            "the price from {} units is higher than from {} units",
                            t.min_quantity, prev.min_quantity
                        ),
                    ));
                }
            }
        }
        Ok(Self { currency, tiers })
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn tiers(&self) -> &[PriceTier] {
        &self.tiers
    }

    /// The lowest and highest unit prices ("from … to …" in listings).
    pub fn price_range(&self) -> (Money, Money) {
        let first = self.tiers.first().map_or(Decimal::ZERO, |t| t.unit_price);
        let last = self.tiers.last().map_or(Decimal::ZERO, |t| t.unit_price);
        (
            Money::new(last, self.currency),
            Money::new(first, self.currency),
        )
    }

    /// Index of the tier that applies to `quantity`: the highest break not above it.
    pub fn tier_index_for(&self, quantity: u64) -> Option<usize> {
        self.tiers.iter().rposition(|t| t.min_quantity <= quantity)
    }

    /// Prices `quantity` after checking it against `rule`.
    pub fn quote(&self, rule: QuantityRule, quantity: u64) -> Result<TierQuote, QuantityError> {
        let quantity = rule.check(quantity)?;
        let first_break = self.tiers.first().map_or(rule.moq, |t| t.min_quantity);
        let tier_index = self
            .tier_index_for(quantity)
            .ok_or(QuantityError::BelowMoq {
                moq: first_break.max(rule.moq),
            })?;
        let unit_price = self.tiers[tier_index].unit_price;
        let total = Money::new(unit_price * Decimal::from(quantity), self.currency).rounded();
        Ok(TierQuote {
            tier_index,
            quantity,
            unit_price: Money::new(unit_price, self.currency),
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn table() -> TierTable {
        TierTable::new(
            Currency::parse("USD").unwrap(),
            vec![
                PriceTier {
                    min_quantity: 1000,
                    unit_price: dec("17.20"),
                },
                PriceTier {
                    min_quantity: 100,
                    unit_price: dec("18.50"),
                },
                PriceTier {
                    min_quantity: 500,
                    unit_price: dec("17.95"),
                },
            ],
        )
        .unwrap()
    }

    fn rule() -> QuantityRule {
        QuantityRule::new(100, 10).unwrap()
    }

    #[test]
    fn picks_the_highest_break_not_above_the_quantity() {
        let t = table();
        assert_eq!(t.quote(rule(), 100).unwrap().tier_index, 0);
        assert_eq!(t.quote(rule(), 490).unwrap().tier_index, 0);
        assert_eq!(t.quote(rule(), 500).unwrap().tier_index, 1);
        assert_eq!(t.quote(rule(), 5000).unwrap().tier_index, 2);
    }

    #[test]
    fn line_total_is_quantity_times_tier_price_rounded_to_cents() {
        let q = table().quote(rule(), 510).unwrap();
        assert_eq!(q.unit_price.amount, dec("17.95"));
        assert_eq!(q.total.amount, dec("9154.50"));
    }

    #[test]
    fn rejects_quantity_below_moq() {
        assert_eq!(
            table().quote(rule(), 90),
            Err(QuantityError::BelowMoq { moq: 100 })
        );
    }

    #[test]
    fn rejects_quantity_off_the_increment_and_offers_neighbours() {
        let err = table().quote(rule(), 125).unwrap_err();
        assert_eq!(
            err,
            QuantityError::NotAnIncrement {
                moq: 100,
                increment: 10,
                lower: 120,
                upper: 130
            }
        );
        assert_eq!(
            err.to_string(),
            "order in steps of 10 from 100: try 120 or 130"
        );
    }

    #[test]
    fn increments_count_from_the_moq() {
        let r = QuantityRule::new(150, 100).unwrap();
        assert!(r.check(250).is_ok());
        assert!(r.check(200).is_err());
    }

    #[test]
    fn rejects_absurd_quantities() {
        assert_eq!(
            rule().check(MAX_LINE_QUANTITY + 10),
            Err(QuantityError::TooLarge {
                max: MAX_LINE_QUANTITY
            })
        );
    }

    #[test]
    fn rejects_inconsistent_tier_tables() {
        let usd = Currency::parse("USD").unwrap();
        let t = |q, p: &str| PriceTier {
            min_quantity: q,
            unit_price: dec(p),
        };
        assert!(TierTable::new(usd, vec![]).is_err());
        assert!(TierTable::new(usd, vec![t(10, "1.00"), t(10, "0.90")]).is_err());
        assert!(TierTable::new(usd, vec![t(10, "1.00"), t(20, "1.10")]).is_err());
        assert!(TierTable::new(usd, vec![t(10, "0")]).is_err());
        assert!(TierTable::new(usd, vec![t(10, "1.00001")]).is_err());
    }

    #[test]
    fn rejects_zero_moq_or_increment() {
        assert!(QuantityRule::new(0, 1).is_err());
        assert!(QuantityRule::new(10, 0).is_err());
    }

    #[test]
    fn price_range_runs_from_cheapest_to_dearest() {
        let (lo, hi) = table().price_range();
        assert_eq!((lo.amount, hi.amount), (dec("17.20"), dec("18.50")));
    }

    #[test]
    fn yen_totals_have_no_decimals() {
        let t = TierTable::new(
            Currency::parse("JPY").unwrap(),
            vec![PriceTier {
                min_quantity: 1,
                unit_price: dec("333.5"),
            }],
        )
        .unwrap();
        assert_eq!(
            t.quote(QuantityRule::new(1, 1).unwrap(), 3)
                .unwrap()
                .total
                .amount,
            dec("1001")
        );
    }

    proptest! {
        #[test]
        fn accepted_quantities_are_moq_plus_whole_increments(moq in 1u64..10_000, inc in 1u64..1_000, q in 0u64..100_000) {
            let r = QuantityRule::new(moq, inc).unwrap();
            match r.check(q) {
                Ok(_) => prop_assert!(q >= moq && (q - moq) % inc == 0),
                Err(QuantityError::BelowMoq { .. }) => prop_assert!(q < moq),
                Err(QuantityError::NotAnIncrement { lower, upper, .. }) => {
                    prop_assert!(lower < q && q < upper);
                    prop_assert!(r.check(lower).is_ok() && r.check(upper).is_ok());
                }
                Err(QuantityError::TooLarge { .. }) => prop_assert!(false),
            }
        }

        #[test]
        fn unit_price_never_rises_with_quantity(a in 100u64..100_000, b in 100u64..100_000) {
            let (lo, hi) = (a.min(b) / 10 * 10, a.max(b) / 10 * 10);
            let t = table();
            let p_lo = t.quote(rule(), lo).unwrap().unit_price.amount;
            let p_hi = t.quote(rule(), hi).unwrap().unit_price.amount;
            prop_assert!(p_hi <= p_lo);
        }
    }
}
