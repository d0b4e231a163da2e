//! The RFQ state machine (DESIGN §4): `submitted ⇄ info_requested → quoted | declined |
//! cancelled`. Staff ask for information, quote or decline; the buyer answers a request for
//! information (back to `submitted`) or withdraws the RFQ.

use super::{Party, TransitionError, reason_given, status_enum};

status_enum! {
    /// Where an RFQ stands (the internal vocabulary staff see).
    RfqStatus {
        /// Sent by the buyer, waiting for staff.
        Submitted = "submitted",
        /// Staff asked the buyer for more information.
        InfoRequested = "info_requested",
        /// A quote was sent; the negotiation continues on the quote.
        Quoted = "quoted",
        /// Staff declined, with a reason.
        Declined = "declined",
        /// The buyer withdrew it.
        Cancelled = "cancelled",
    }
}

status_enum! {
    /// What a buyer sees of an RFQ's state.
    BuyerRfqStatus {
        /// With the exporter (submitted).
        UnderReview = "under_review",
        /// The exporter needs something from the buyer.
        ActionRequired = "action_required",
        /// A quote is ready.
        QuoteReceived = "quote_received",
        Declined = "declined",
        Cancelled = "cancelled",
    }
}

/// A step in an RFQ's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RfqStep {
    /// Staff ask the buyer for more information.
    RequestInfo,
    /// The buyer answers a request for information.
    ProvideInfo,
    /// Staff send the first quote.
    Quote,
    /// Staff decline (reason required).
    Decline,
    /// The buyer withdraws the RFQ.
    Cancel,
}

impl RfqStep {
    pub fn as_str(self) -> &'static str {
        match self {
            RfqStep::RequestInfo => "asked for information",
            RfqStep::ProvideInfo => "answered",
            RfqStep::Quote => "quoted",
            RfqStep::Decline => "declined",
            RfqStep::Cancel => "cancelled",
        }
    }

    fn party(self) -> Party {
        match self {
            RfqStep::RequestInfo | RfqStep::Quote | RfqStep::Decline => Party::Staff,
            RfqStep::ProvideInfo | RfqStep::Cancel => Party::Buyer,
        }
    }
}

impl RfqStatus {
    /// The status after `step` taken by `party`, or why not.
    pub fn next(
        self,
        step: RfqStep,
        party: Party,
        reason: Option<&str>,
    ) -> Result<RfqStatus, TransitionError> {
        use RfqStatus::*;
        if party != step.party() {
            return Err(TransitionError::WrongParty {
                subject: "request for quotation",
                step: step.verb(),
                allowed: if step.party() == Party::Staff {
                    "the exporter's staff"
                } else {
                    "the buyer"
                },
            });
        }
        let to = match (self, step) {
            (Submitted, RfqStep::RequestInfo) => InfoRequested,
            (InfoRequested, RfqStep::ProvideInfo) => Submitted,
            (Submitted | InfoRequested, RfqStep::Quote) => Quoted,
            (Submitted | InfoRequested, RfqStep::Decline) => Declined,
            (Submitted | InfoRequested, RfqStep::Cancel) => Cancelled,
            _ => {
                return Err(TransitionError::NotAllowed {
                    subject: "request for quotation",
                    from: self.label(),
                    step: step.as_str(),
                });
            }
        };
        if step == RfqStep::Decline && !reason_given(reason) {
            return Err(TransitionError::ReasonRequired {
                subject: "request for quotation",
                step: "decline",
            });
        }
        Ok(to)
    }

    /// The buyer-facing status.
    pub fn for_buyer(self) -> BuyerRfqStatus {
        match self {
            RfqStatus::Submitted => BuyerRfqStatus::UnderReview,
            RfqStatus::InfoRequested => BuyerRfqStatus::ActionRequired,
            RfqStatus::Quoted => BuyerRfqStatus::QuoteReceived,
            RfqStatus::Declined => BuyerRfqStatus::Declined,
            RfqStatus::Cancelled => BuyerRfqStatus::Cancelled,
        }
    }

    /// Whether staff still owe an answer (counts towards the inbox's age column).
    pub fn awaits_staff(self) -> bool {
        self == RfqStatus::Submitted
    }

    /// Whether the RFQ is closed for good.
    pub fn is_closed(self) -> bool {
        matches!(self, RfqStatus::Declined | RfqStatus::Cancelled)
    }

    fn label(self) -> &'static str {
        match self {
            RfqStatus::Submitted => "submitted",
            RfqStatus::InfoRequested => "waiting for information",
            RfqStatus::Quoted => "already quoted",
            RfqStatus::Declined => "declined",
            RfqStatus::Cancelled => "cancelled",
        }
    }
}

impl RfqStep {
    fn verb(self) -> &'static str {
        match self {
            RfqStep::RequestInfo => "ask for information on",
            RfqStep::ProvideInfo => "answer",
            RfqStep::Quote => "quote",
            RfqStep::Decline => "decline",
            RfqStep::Cancel => "withdraw",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RfqStatus::*;
    use super::*;

    const STEPS: [RfqStep; 5] = [
        RfqStep::RequestInfo,
        RfqStep::ProvideInfo,
        RfqStep::Quote,
        RfqStep::Decline,
        RfqStep::Cancel,
    ];

    /// Every allowed step: (from, step, party, to). Everything not listed is refused.
    const ALLOWED: [(RfqStatus, RfqStep, Party, RfqStatus); 8] = [
        (Submitted, RfqStep::RequestInfo, Party::Staff, InfoRequested),
        (InfoRequested, RfqStep::ProvideInfo, Party::Buyer, Submitted),
        (Submitted, RfqStep::Quote, Party::Staff, Quoted),
        (InfoRequested, RfqStep::Quote, Party::Staff, Quoted),
        (Submitted, RfqStep::Decline, Party::Staff, Declined),
        (InfoRequested, RfqStep::Decline, Party::Staff, Declined),
        (Submitted, RfqStep::Cancel, Party::Buyer, Cancelled),
        (InfoRequested, RfqStep::Cancel, Party::Buyer, Cancelled),
    ];

    #[test]
    fn every_pair_of_status_and_step_is_allowed_exactly_as_the_table_says() {
        for &from in RfqStatus::ALL {
            for step in STEPS {
                for party in [Party::Buyer, Party::Staff, Party::System] {
                    let got = from.next(step, party, Some("out of stock"));
                    let want = ALLOWED
                        .iter()
                        .find(|(f, s, p, _)| *f == from && *s == step && *p == party)
                        .map(|(_, _, _, to)| *to);
                    match want {
                        Some(to) => assert_eq!(got, Ok(to), "{from} {step:?} by {party:?}"),
                        None => assert!(got.is_err(), "{from} {step:?} by {party:?} was allowed"),
                    }
                }
            }
        }
    }

    #[test]
    fn a_buyer_calling_a_staff_step_is_told_who_may() {
        let e = Submitted
            .next(RfqStep::Quote, Party::Buyer, None)
            .unwrap_err();
        assert!(matches!(e, TransitionError::WrongParty { .. }));
        assert_eq!(
            e.to_string(),
            "only the exporter's staff can quote a request for quotation"
        );
    }

    #[test]
    fn closed_rfqs_refuse_everything_with_the_reason() {
        let e = Declined
            .next(RfqStep::Quote, Party::Staff, None)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the request for quotation is declined: it cannot be quoted now"
        );
        assert!(Declined.is_closed() && Cancelled.is_closed() && !Quoted.is_closed());
    }

    #[test]
    fn declining_needs_a_reason() {
        for reason in [None, Some(""), Some("   ")] {
            assert!(matches!(
                Submitted.next(RfqStep::Decline, Party::Staff, reason),
                Err(TransitionError::ReasonRequired { .. })
            ));
        }
    }

    #[test]
    fn buyers_see_their_own_vocabulary_and_names_round_trip() {
        assert_eq!(InfoRequested.for_buyer(), BuyerRfqStatus::ActionRequired);
        assert_eq!(Submitted.for_buyer().as_str(), "under_review");
        for &s in RfqStatus::ALL {
            assert_eq!(RfqStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(RfqStatus::parse("open"), None);
        assert!(Submitted.awaits_staff() && !InfoRequested.awaits_staff());
    }
}
