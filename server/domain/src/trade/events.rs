//! Domain events written to the outbox in the same transaction as the change they describe.
//! Subscribers (notifications now; e-CO issuance and live updates later) read them from the
//! outbox, never from a direct call in the UI code.

use serde::{Deserialize, Serialize};

use super::Source;
use super::order::OrderStatus;

/// An order moved from one status to another (or was created: `from` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTransitioned {
    pub order_id: String,
    pub number: String,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub source: Source,
}

/// Something happened in the buying flow that someone should hear about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TradeEvent {
    RfqSubmitted {
        rfq_id: String,
        number: String,
    },
    InfoRequested {
        rfq_id: String,
        number: String,
    },
    InfoProvided {
        rfq_id: String,
        number: String,
    },
    RfqDeclined {
        rfq_id: String,
        number: String,
    },
    RfqCancelled {
        rfq_id: String,
        number: String,
    },
    QuoteSent {
        quote_id: String,
        number: String,
        version: u32,
    },
    QuoteCountered {
        quote_id: String,
        number: String,
        version: u32,
    },
    QuoteDeclined {
        quote_id: String,
        number: String,
        version: u32,
    },
    QuoteAccepted {
        quote_id: String,
        number: String,
        version: u32,
    },
    OrderTransitioned(OrderTransitioned),
    /// An order's certificate of origin was issued (signed and stored; a replacement too).
    EcoIssued {
        order_id: String,
        /// The order's number.
        number: String,
        /// The certificate's number.
        certificate: String,
    },
    /// A message (with or without attachments) on an RFQ's thread.
    MessagePosted {
        rfq_id: String,
        number: String,
        message_id: String,
        /// `buyer` or `staff`: the other side is told.
        party: String,
    },
}

impl TradeEvent {
    /// Every kind [`TradeEvent::kind`] gives.
    pub const KINDS: &'static [&'static str] = &[
        "rfq_submitted",
        "info_requested",
        "info_provided",
        "rfq_declined",
        "rfq_cancelled",
        "quote_sent",
        "quote_countered",
        "quote_declined",
        "quote_accepted",
        "order_transitioned",
        "eco_issued",
        "message_posted",
    ];

    /// The event's kind as stored in `outbox.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            TradeEvent::RfqSubmitted { .. } => "rfq_submitted",
            TradeEvent::InfoRequested { .. } => "info_requested",
            TradeEvent::InfoProvided { .. } => "info_provided",
            TradeEvent::RfqDeclined { .. } => "rfq_declined",
            TradeEvent::RfqCancelled { .. } => "rfq_cancelled",
            TradeEvent::QuoteSent { .. } => "quote_sent",
            TradeEvent::QuoteCountered { .. } => "quote_countered",
            TradeEvent::QuoteDeclined { .. } => "quote_declined",
            TradeEvent::QuoteAccepted { .. } => "quote_accepted",
            TradeEvent::OrderTransitioned(_) => "order_transitioned",
            TradeEvent::EcoIssued { .. } => "eco_issued",
            TradeEvent::MessagePosted { .. } => "message_posted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_their_kind_in_the_json() {
        let e = TradeEvent::OrderTransitioned(OrderTransitioned {
            order_id: "0192".into(),
            number: "ORD-2026-00001".into(),
            from: Some(OrderStatus::ReadyToShip),
            to: OrderStatus::ExportCleared,
            source: Source::Api,
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], e.kind());
        assert_eq!(json["to"], "export_cleared");
        assert_eq!(json["source"], "api");
        assert_eq!(serde_json::from_value::<TradeEvent>(json).unwrap(), e);
        assert!(TradeEvent::KINDS.contains(&e.kind()));
        assert_eq!(TradeEvent::KINDS.len(), 12, "one per variant");
    }
}
