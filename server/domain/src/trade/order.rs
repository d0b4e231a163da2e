//! The order lifecycle (DESIGN §5) as a pure state machine: `confirmed → in_production →
//! ready_to_ship → export_cleared → departed → arrived → delivered`, one step at a time, plus
//! `cancelled` (with a reason) until the goods have left. `export_cleared` is the export
//! status: it needs the port of loading, the invoice number and a shipment reference.

use serde::{Deserialize, Serialize};

use super::{Party, TransitionError, reason_given, status_enum};

status_enum! {
    /// Where an order stands (the internal vocabulary staff see).
    OrderStatus {
        Confirmed = "confirmed",
        InProduction = "in_production",
        ReadyToShip = "ready_to_ship",
        /// The export status: customs released the goods for export.
        ExportCleared = "export_cleared",
        Departed = "departed",
        Arrived = "arrived",
        Delivered = "delivered",
        Cancelled = "cancelled",
    }
}

status_enum! {
    /// What a buyer sees of an order's state.
    BuyerOrderStatus {
        Confirmed = "confirmed",
        InProduction = "in_production",
        PreparingShipment = "preparing_shipment",
        ClearedForExport = "cleared_for_export",
        InTransit = "in_transit",
        Arrived = "arrived",
        Delivered = "delivered",
        Cancelled = "cancelled",
    }
}

/// The lifecycle in order, without `cancelled`.
pub const LIFECYCLE: [OrderStatus; 7] = [
    OrderStatus::Confirmed,
    OrderStatus::InProduction,
    OrderStatus::ReadyToShip,
    OrderStatus::ExportCleared,
    OrderStatus::Departed,
    OrderStatus::Arrived,
    OrderStatus::Delivered,
];

/// What the guards look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    pub port_of_loading: Option<String>,
    pub invoice_number: Option<String>,
    pub shipment_references: usize,
}

impl OrderStatus {
    /// Where the status sits in the lifecycle (`cancelled` after all).
    pub fn position(self) -> usize {
        LIFECYCLE
            .iter()
            .position(|s| *s == self)
            .unwrap_or(LIFECYCLE.len())
    }

    /// The next status in the lifecycle, if any.
    pub fn following(self) -> Option<OrderStatus> {
        let i = LIFECYCLE.iter().position(|s| *s == self)?;
        LIFECYCLE.get(i + 1).copied()
    }

    /// Whether the order can still be cancelled (the goods have not left).
    pub fn cancellable(self) -> bool {
        matches!(
            self,
            OrderStatus::Confirmed
                | OrderStatus::InProduction
                | OrderStatus::ReadyToShip
                | OrderStatus::ExportCleared
        )
    }

    /// Whether the order is finished (delivered or cancelled).
    pub fn is_closed(self) -> bool {
        matches!(self, OrderStatus::Delivered | OrderStatus::Cancelled)
    }

    /// Checks the step from `self` to `to` by `party`: the next status only (no skipping, no
    /// going back), `cancelled` with a reason while [`cancellable`](Self::cancellable), and
    /// the data each status needs. A buyer may only confirm delivery.
    pub fn check(
        self,
        to: OrderStatus,
        party: Party,
        facts: &OrderFacts,
        reason: Option<&str>,
    ) -> Result<(), TransitionError> {
        let party_ok = match party {
            Party::Staff | Party::System => true,
            Party::Buyer => to == OrderStatus::Delivered,
        };
        if !party_ok {
            return Err(TransitionError::WrongParty {
                subject: "order",
                step: "move",
                allowed: "the exporter's staff",
            });
        }
        let allowed = if to == OrderStatus::Cancelled {
            self.cancellable()
        } else {
            self.following() == Some(to)
        };
        if !allowed {
            return Err(TransitionError::NotAllowed {
                subject: "order",
                from: self.label(),
                step: to.moved_to(),
            });
        }
        if to == OrderStatus::Cancelled && !reason_given(reason) {
            return Err(TransitionError::ReasonRequired {
                subject: "order",
                step: "cancel",
            });
        }
        let missing = to.missing(facts);
        if !missing.is_empty() {
            return Err(TransitionError::Incomplete {
                subject: "order",
                step: to.moved_to(),
                missing,
            });
        }
        Ok(())
    }

    /// What `facts` lack for an order to enter this status, as field names
    /// (`port_of_loading`, `invoice_number`, `shipment_reference`) the UI translates.
    pub fn missing_fields(self, facts: &OrderFacts) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if matches!(self, OrderStatus::ReadyToShip | OrderStatus::ExportCleared)
            && blank(&facts.port_of_loading)
        {
            missing.push("port_of_loading");
        }
        if self == OrderStatus::ExportCleared {
            if blank(&facts.invoice_number) {
                missing.push("invoice_number");
            }
            if facts.shipment_references == 0 {
                missing.push("shipment_reference");
            }
        }
        missing
    }

    /// What `facts` lack for an order to enter this status, in words.
    pub fn missing(self, facts: &OrderFacts) -> Vec<String> {
        self.missing_fields(facts)
            .into_iter()
            .map(|f| {
                match f {
                    "port_of_loading" => "the port of loading",
                    "invoice_number" => "the commercial invoice number",
                    _ => "a shipment reference (booking, bill of lading or container)",
                }
                .to_owned()
            })
            .collect()
    }

    /// The buyer-facing status.
    pub fn for_buyer(self) -> BuyerOrderStatus {
        match self {
            OrderStatus::Confirmed => BuyerOrderStatus::Confirmed,
            OrderStatus::InProduction => BuyerOrderStatus::InProduction,
            OrderStatus::ReadyToShip => BuyerOrderStatus::PreparingShipment,
            OrderStatus::ExportCleared => BuyerOrderStatus::ClearedForExport,
            OrderStatus::Departed => BuyerOrderStatus::InTransit,
            OrderStatus::Arrived => BuyerOrderStatus::Arrived,
            OrderStatus::Delivered => BuyerOrderStatus::Delivered,
            OrderStatus::Cancelled => BuyerOrderStatus::Cancelled,
        }
    }

    fn label(self) -> &'static str {
        match self {
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::InProduction => "in production",
            OrderStatus::ReadyToShip => "ready to ship",
            OrderStatus::ExportCleared => "export-cleared",
            OrderStatus::Departed => "departed",
            OrderStatus::Arrived => "arrived",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    fn moved_to(self) -> &'static str {
        match self {
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::InProduction => "put in production",
            OrderStatus::ReadyToShip => "marked ready to ship",
            OrderStatus::ExportCleared => "marked export-cleared",
            OrderStatus::Departed => "marked departed",
            OrderStatus::Arrived => "marked arrived",
            OrderStatus::Delivered => "marked delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    fn complete() -> OrderFacts {
        OrderFacts {
            port_of_loading: Some("VNCMT".into()),
            invoice_number: Some("INV-2026-0042".into()),
            shipment_references: 1,
        }
    }

    #[test]
    fn every_pair_of_statuses_is_allowed_or_refused_as_the_lifecycle_says() {
        for &from in OrderStatus::ALL {
            for &to in OrderStatus::ALL {
                let got = from.check(to, Party::Staff, &complete(), Some("buyer withdrew"));
                let forward = LIFECYCLE
                    .iter()
                    .position(|s| *s == from)
                    .is_some_and(|i| LIFECYCLE.get(i + 1) == Some(&to));
                let cancel = to == Cancelled
                    && matches!(from, Confirmed | InProduction | ReadyToShip | ExportCleared);
                assert_eq!(got.is_ok(), forward || cancel, "{from} → {to}: {got:?}");
            }
        }
    }

    #[test]
    fn skipping_and_reversing_are_refused_with_the_current_status() {
        let e = Confirmed
            .check(ReadyToShip, Party::Staff, &complete(), None)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the order is confirmed: it cannot be marked ready to ship now"
        );
        let e = Departed
            .check(ExportCleared, Party::Staff, &complete(), None)
            .unwrap_err();
        assert!(matches!(e, TransitionError::NotAllowed { .. }));
        assert!(
            Departed
                .check(Cancelled, Party::Staff, &complete(), Some("x"))
                .is_err()
        );
        assert!(
            Cancelled
                .check(Confirmed, Party::Staff, &complete(), None)
                .is_err()
        );
    }

    #[test]
    fn export_clearance_lists_everything_missing() {
        let e = ReadyToShip
            .check(ExportCleared, Party::Staff, &OrderFacts::default(), None)
            .unwrap_err();
        let TransitionError::Incomplete { missing, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(missing.len(), 3);
        assert!(e.to_string().starts_with("the order cannot be marked export-cleared yet: the port of loading; the commercial invoice number; a shipment reference"));
        let mut facts = complete();
        facts.invoice_number = Some("  ".into());
        assert_eq!(
            ExportCleared.missing(&facts),
            vec!["the commercial invoice number".to_owned()]
        );
        assert_eq!(
            InProduction.check(ReadyToShip, Party::Staff, &OrderFacts::default(), None),
            Err(TransitionError::Incomplete {
                subject: "order",
                step: "marked ready to ship",
                missing: vec!["the port of loading".into()],
            })
        );
    }

    #[test]
    fn cancelling_needs_a_reason_and_buyers_only_confirm_delivery() {
        assert!(matches!(
            Confirmed.check(Cancelled, Party::Staff, &complete(), Some(" ")),
            Err(TransitionError::ReasonRequired { .. })
        ));
        assert!(matches!(
            Confirmed.check(InProduction, Party::Buyer, &complete(), None),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(matches!(
            Confirmed.check(
                Cancelled,
                Party::Buyer,
                &complete(),
                Some("changed our mind")
            ),
            Err(TransitionError::WrongParty { .. })
        ));
        assert_eq!(
            Arrived.check(Delivered, Party::Buyer, &complete(), None),
            Ok(())
        );
        assert_eq!(
            ReadyToShip.check(ExportCleared, Party::System, &complete(), None),
            Ok(())
        );
    }

    #[test]
    fn vocabulary() {
        assert_eq!(Departed.for_buyer(), BuyerOrderStatus::InTransit);
        assert_eq!(Delivered.following(), None);
        assert_eq!(Cancelled.following(), None);
        assert!(Delivered.is_closed() && Cancelled.is_closed() && !Arrived.is_closed());
        for &s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }
}
