//! The quantity field of the product page: enforces MOQ and order increment and shows the
//! applicable tier price and line total as the buyer types (an island: this and the gallery
//! are all a buyer's browser runs of the product page). Without JavaScript the same form
//! submits `?qty=` and the server renders the result.

use leptos::prelude::*;

use domain::catalog::pricing::{QuantityRule, TierTable};
use domain::codes::UnitCode;

use crate::catalog::trade_labels::{quantity_error, unit_name};
use crate::i18n::{Locale, fill};

/// What the calculator shows for the current input.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Priced {
        tier_index: usize,
        unit_price: String,
        total: String,
    },
    Rejected(String),
}

fn evaluate(
    locale: Locale,
    table: &TierTable,
    rule: QuantityRule,
    unit: UnitCode,
    input: &str,
) -> Outcome {
    let t = locale.messages();
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '.' | ' ' | '_'))
        .collect();
    let Ok(qty) = cleaned.parse::<u64>() else {
        return Outcome::Rejected(t.qty_error_not_a_number.to_owned());
    };
    match table.quote(rule, qty) {
        Ok(q) => Outcome::Priced {
            tier_index: q.tier_index,
            unit_price: locale.format_money(&q.unit_price),
            total: locale.format_money(&q.total),
        },
        Err(e) => Outcome::Rejected(quantity_error(locale, unit, &e)),
    }
}

/// `qty` is the quantity of the page's URL (`?qty=`), if any.
#[island]
pub fn QuantityCalculator(
    locale: Locale,
    table: TierTable,
    rule: QuantityRule,
    unit: UnitCode,
    qty: Option<String>,
) -> impl IntoView {
    let t = locale.messages();
    let unit_label = unit_name(t, unit);
    let initial: String = qty
        .unwrap_or_else(|| rule.moq.to_string())
        .chars()
        .take(20)
        .collect();
    let (input, set_input) = signal(initial.clone());
    let table_for_outcome = table.clone();
    let outcome =
        Memo::new(move |_| evaluate(locale, &table_for_outcome, rule, unit, &input.get()));
    let active_tier = move || match outcome.get() {
        Outcome::Priced { tier_index, .. } => Some(tier_index),
        Outcome::Rejected(_) => None,
    };
    let rows = table
        .tiers()
        .iter()
        .enumerate()
        .map(|(i, tier)| {
            let next = table.tiers().get(i + 1).map(|n| n.min_quantity);
            let range = match next {
                Some(n) => fill(
                    t.tier_range,
                    &[
                        ("from", &locale.format_count(tier.min_quantity)),
                        ("to", &locale.format_count(n - 1)),
                    ],
                ),
                None => fill(
                    t.tier_range_open,
                    &[("from", &locale.format_count(tier.min_quantity))],
                ),
            };
            let price = locale.format_money(&domain::money::Money::new(
                tier.unit_price,
                table.currency(),
            ));
            let is_active = move || active_tier() == Some(i);
            view! {
                <tr class:active=is_active aria-current=move || is_active().then_some("true")>
                    <td>{range}" "{unit_label}</td>
                    <td class="num">{price}</td>
                </tr>
            }
        })
        .collect_view();
    let hint = fill(
        t.qty_hint,
        &[
            ("moq", &locale.format_count(rule.moq)),
            ("increment", &locale.format_count(rule.increment)),
            ("unit", &unit_label),
        ],
    );
    view! {
        <div class="price-panel">
            <table class="tier-table">
                <caption>{t.tier_table_caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.tier_quantity}</th>
                        <th scope="col" class="num">{fill(t.tier_unit_price, &[("unit", &unit_label)])}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <form class="qty-form" method="get" on:submit=|ev| ev.prevent_default()>
                <label for="qty">{fill(t.qty_label, &[("unit", &unit_label)])}</label>
                <div class="qty-row">
                    <input
                        id="qty"
                        name="qty"
                        type="number"
                        inputmode="numeric"
                        min=rule.moq.to_string()
                        step=rule.increment.to_string()
                        value=initial
                        aria-describedby="qty-hint qty-result"
                        on:input=move |ev| set_input.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button">{t.qty_calculate}</button>
                </div>
                <p id="qty-hint" class="muted small">{hint}</p>
            </form>
            <div id="qty-result" class="qty-result" aria-live="polite">
                {move || match outcome.get() {
                    Outcome::Priced { unit_price, total, .. } => view! {
                        <dl class="quote">
                            <div><dt>{t.qty_unit_price}</dt><dd data-testid="unit-price">{unit_price}</dd></div>
                            <div class="total"><dt>{t.qty_total}</dt><dd data-testid="line-total">{total}</dd></div>
                        </dl>
                    }.into_any(),
                    Outcome::Rejected(msg) => view! {
                        <p class="form-error" role="alert" data-testid="qty-error">{msg}</p>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::catalog::pricing::PriceTier;
    use domain::codes::Currency;
    use rust_decimal::Decimal;

    fn table() -> TierTable {
        TierTable::new(
            Currency::parse("USD").unwrap(),
            vec![
                PriceTier {
                    min_quantity: 100,
                    unit_price: Decimal::new(1850, 2),
                },
                PriceTier {
                    min_quantity: 500,
                    unit_price: Decimal::new(1795, 2),
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn prices_valid_quantities_with_the_right_tier() {
        let r = QuantityRule::new(100, 10).unwrap();
        let out = evaluate(Locale::En, &table(), r, UnitCode::PCE, "510");
        assert_eq!(
            out,
            Outcome::Priced {
                tier_index: 1,
                unit_price: "USD 17.95".into(),
                total: "USD 9,154.50".into()
            }
        );
    }

    #[test]
    fn explains_rejections_in_the_buyers_language() {
        let r = QuantityRule::new(100, 10).unwrap();
        let Outcome::Rejected(msg) = evaluate(Locale::En, &table(), r, UnitCode::PCE, "95") else {
            panic!("95 is below the MOQ");
        };
        assert!(msg.contains("100"), "{msg}");
        assert!(matches!(
            evaluate(Locale::En, &table(), r, UnitCode::PCE, "abc"),
            Outcome::Rejected(_)
        ));
    }
}
