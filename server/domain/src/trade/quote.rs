//! The quote state machine (DESIGN §4): `draft → sent → (countered → revised → sent)* →
//! accepted | declined | expired`. A quote has versions: the current version is edited while
//! `draft` or `revised`; revising a sent or countered quote starts a new version; an expired
//! quote is locked until staff re-quote it (a new version again). Also: the per-line
//! difference between two versions, and turning a buyer's counter into a revised version.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Party, TransitionError, status_enum};

status_enum! {
    /// Where a quote stands (the internal vocabulary staff see).
    QuoteStatus {
        /// Being prepared; the buyer does not see it yet.
        Draft = "draft",
        /// With the buyer, valid until its validity date.
        Sent = "sent",
        /// The buyer proposed other prices or quantities.
        Countered = "countered",
        /// Staff are preparing a new version.
        Revised = "revised",
        /// The buyer accepted: the order exists.
        Accepted = "accepted",
        /// The buyer declined.
        Declined = "declined",
        /// The validity date passed before the buyer accepted (locked).
        Expired = "expired",
    }
}

status_enum! {
    /// What a buyer sees of a quote's state.
    BuyerQuoteStatus {
        /// Not sent yet (the buyer sees the RFQ as under review).
        InPreparation = "in_preparation",
        /// Waiting for the buyer to accept, counter or decline.
        AwaitingResponse = "awaiting_response",
        /// The buyer's counter is with the exporter.
        CounterSent = "counter_sent",
        /// The exporter is preparing a new version.
        BeingRevised = "being_revised",
        Accepted = "accepted",
        Declined = "declined",
        Expired = "expired",
    }
}

/// A step in a quote's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteStep {
    /// Staff send the current version.
    Send,
    /// The buyer proposes other prices or quantities.
    Counter,
    /// Staff start a new version (from a sent or countered quote).
    Revise,
    /// The buyer accepts the current version.
    Accept,
    /// The buyer declines.
    Decline,
    /// The validity date passed (the server notices).
    Expire,
    /// Staff re-quote an expired quote (a new version).
    Requote,
}

impl QuoteStep {
    fn party(self) -> Party {
        match self {
            QuoteStep::Send | QuoteStep::Revise | QuoteStep::Requote => Party::Staff,
            QuoteStep::Counter | QuoteStep::Accept | QuoteStep::Decline => Party::Buyer,
            QuoteStep::Expire => Party::System,
        }
    }

    fn past(self) -> &'static str {
        match self {
            QuoteStep::Send => "sent",
            QuoteStep::Counter => "countered",
            QuoteStep::Revise => "revised",
            QuoteStep::Accept => "accepted",
            QuoteStep::Decline => "declined",
            QuoteStep::Expire => "expired",
            QuoteStep::Requote => "re-quoted",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            QuoteStep::Send => "send",
            QuoteStep::Counter => "counter",
            QuoteStep::Revise => "revise",
            QuoteStep::Accept => "accept",
            QuoteStep::Decline => "decline",
            QuoteStep::Expire => "expire",
            QuoteStep::Requote => "re-quote",
        }
    }

    /// Whether the step starts a new version.
    pub fn starts_version(self) -> bool {
        matches!(self, QuoteStep::Revise | QuoteStep::Requote)
    }
}

impl QuoteStatus {
    /// The status after `step` by `party`. `past_validity`: the current version's validity
    /// date has passed (a sent quote is then expired whatever is stored).
    pub fn next(
        self,
        step: QuoteStep,
        party: Party,
        past_validity: bool,
    ) -> Result<QuoteStatus, TransitionError> {
        use QuoteStatus::*;
        if party != step.party() {
            return Err(TransitionError::WrongParty {
                subject: "quote",
                step: step.verb(),
                allowed: match step.party() {
                    Party::Staff => "the exporter's staff",
                    Party::Buyer => "the buyer",
                    Party::System => "the server",
                },
            });
        }
        // Expiry looks at the stored status; every other step at the status as it is today.
        let from = if step == QuoteStep::Expire {
            self
        } else {
            self.effective(past_validity)
        };
        let to = match (from, step) {
            (Draft | Revised, QuoteStep::Send) if !past_validity => Sent,
            (Sent, QuoteStep::Counter | QuoteStep::Accept | QuoteStep::Decline)
                if !past_validity =>
            {
                match step {
                    QuoteStep::Counter => Countered,
                    QuoteStep::Accept => Accepted,
                    _ => Declined,
                }
            }
            (Countered, QuoteStep::Decline) => Declined,
            (Sent | Countered, QuoteStep::Revise) => Revised,
            (Sent | Countered, QuoteStep::Expire) if past_validity => Expired,
            (Expired, QuoteStep::Requote) => Revised,
            (Draft | Revised, QuoteStep::Send) => {
                return Err(TransitionError::Incomplete {
                    subject: "quote",
                    step: "sent",
                    missing: vec!["a validity date that has not passed".to_owned()],
                });
            }
            _ => {
                return Err(TransitionError::NotAllowed {
                    subject: "quote",
                    from: from.label(),
                    step: step.past(),
                });
            }
        };
        Ok(to)
    }

    /// The status as it is today: a sent or countered quote past its validity is expired.
    pub fn effective(self, past_validity: bool) -> QuoteStatus {
        match self {
            QuoteStatus::Sent | QuoteStatus::Countered if past_validity => QuoteStatus::Expired,
            other => other,
        }
    }

    /// The buyer-facing status.
    pub fn for_buyer(self) -> BuyerQuoteStatus {
        match self {
            QuoteStatus::Draft => BuyerQuoteStatus::InPreparation,
            QuoteStatus::Sent => BuyerQuoteStatus::AwaitingResponse,
            QuoteStatus::Countered => BuyerQuoteStatus::CounterSent,
            QuoteStatus::Revised => BuyerQuoteStatus::BeingRevised,
            QuoteStatus::Accepted => BuyerQuoteStatus::Accepted,
            QuoteStatus::Declined => BuyerQuoteStatus::Declined,
            QuoteStatus::Expired => BuyerQuoteStatus::Expired,
        }
    }

    /// Whether staff may change the current version's terms.
    pub fn editable(self) -> bool {
        matches!(self, QuoteStatus::Draft | QuoteStatus::Revised)
    }

    /// Whether the buyer has seen a version of it (sent at least once).
    pub fn visible_to_buyer(self) -> bool {
        self != QuoteStatus::Draft
    }

    fn label(self) -> &'static str {
        match self {
            QuoteStatus::Draft => "a draft",
            QuoteStatus::Sent => "sent",
            QuoteStatus::Countered => "countered",
            QuoteStatus::Revised => "being revised",
            QuoteStatus::Accepted => "accepted",
            QuoteStatus::Declined => "declined",
            QuoteStatus::Expired => "expired",
        }
    }
}

/// The terms of one quote line, as compared between versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTerms {
    /// Stable across versions: the RFQ line's position, or a new key for an added line.
    pub key: u32,
    pub description: String,
    pub quantity: u64,
    pub unit_price: Decimal,
    pub lead_time_days: u32,
}

/// The terms of one version outside its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderTerms {
    pub currency: String,
    pub incoterm: String,
    pub named_place: String,
    pub freight: Decimal,
    pub insurance: Decimal,
    pub payment_terms: String,
    /// ISO date.
    pub valid_until: String,
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's name (`unit_price`, `freight`, … — the UI translates it).
    pub field: String,
    pub old: String,
    pub new: String,
}

/// What happened to a line between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChangeKind {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// One line of a version diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub key: u32,
    pub description: String,
    pub kind: LineChangeKind,
    pub fields: Vec<FieldChange>,
}

/// What changed between two versions: the header fields, then every line in the newer
/// version's order (removed lines last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionDiff {
    pub header: Vec<FieldChange>,
    pub lines: Vec<LineChange>,
}

impl VersionDiff {
    /// Whether anything differs.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty()
            && self
                .lines
                .iter()
                .all(|l| l.kind == LineChangeKind::Unchanged)
    }
}

fn push_change(out: &mut Vec<FieldChange>, field: &str, old: String, new: String) {
    if old != new {
        out.push(FieldChange {
            field: field.to_owned(),
            old,
            new,
        });
    }
}

fn line_fields(old: &LineTerms, new: &LineTerms) -> Vec<FieldChange> {
    let mut out = Vec::new();
    push_change(
        &mut out,
        "description",
        old.description.clone(),
        new.description.clone(),
    );
    push_change(
        &mut out,
        "quantity",
        old.quantity.to_string(),
        new.quantity.to_string(),
    );
    push_change(
        &mut out,
        "unit_price",
        old.unit_price.normalize().to_string(),
        new.unit_price.normalize().to_string(),
    );
    push_change(
        &mut out,
        "lead_time_days",
        old.lead_time_days.to_string(),
        new.lead_time_days.to_string(),
    );
    out
}

/// The difference from version `old` to version `new`.
pub fn diff(
    old_header: &HeaderTerms,
    old_lines: &[LineTerms],
    new_header: &HeaderTerms,
    new_lines: &[LineTerms],
) -> VersionDiff {
    let mut header = Vec::new();
    let (o, n) = (old_header, new_header);
    push_change(
        &mut header,
        "currency",
        o.currency.clone(),
        n.currency.clone(),
    );
    push_change(
        &mut header,
        "incoterm",
        o.incoterm.clone(),
        n.incoterm.clone(),
    );
    push_change(
        &mut header,
        "named_place",
        o.named_place.clone(),
        n.named_place.clone(),
    );
    push_change(
        &mut header,
        "freight",
        o.freight.normalize().to_string(),
        n.freight.normalize().to_string(),
    );
    push_change(
        &mut header,
        "insurance",
        o.insurance.normalize().to_string(),
        n.insurance.normalize().to_string(),
    );
    push_change(
        &mut header,
        "payment_terms",
        o.payment_terms.clone(),
        n.payment_terms.clone(),
    );
    push_change(
        &mut header,
        "valid_until",
        o.valid_until.clone(),
        n.valid_until.clone(),
    );

    let mut lines: Vec<LineChange> = new_lines
        .iter()
        .map(|new| match old_lines.iter().find(|o| o.key == new.key) {
            Some(old) => {
                let fields = line_fields(old, new);
                LineChange {
                    key: new.key,
                    description: new.description.clone(),
                    kind: if fields.is_empty() {
                        LineChangeKind::Unchanged
                    } else {
                        LineChangeKind::Changed
                    },
                    fields,
                }
            }
            None => LineChange {
                key: new.key,
                description: new.description.clone(),
                kind: LineChangeKind::Added,
                fields: Vec::new(),
            },
        })
        .collect();
    lines.extend(
        old_lines
            .iter()
            .filter(|o| !new_lines.iter().any(|n| n.key == o.key))
            .map(|o| LineChange {
                key: o.key,
                description: o.description.clone(),
                kind: LineChangeKind::Removed,
                fields: Vec::new(),
            }),
    );
    VersionDiff { header, lines }
}

/// A buyer's proposal for one line: another quantity, another unit price, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterLine {
    pub key: u32,
    pub quantity: Option<u64>,
    pub unit_price: Option<Decimal>,
}

/// The current version's lines with the buyer's proposals applied: staff's one-action
/// revision. Lines the counter does not mention keep their terms; proposals for lines that
/// are not in the version are ignored.
pub fn apply_counter(lines: &[LineTerms], counter: &[CounterLine]) -> Vec<LineTerms> {
    lines
        .iter()
        .map(|line| {
            let mut line = line.clone();
            if let Some(p) = counter.iter().find(|c| c.key == line.key) {
                if let Some(q) = p.quantity {
                    line.quantity = q;
                }
                if let Some(price) = p.unit_price {
                    line.unit_price = price;
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::QuoteStatus::*;
    use super::*;

    const STEPS: [QuoteStep; 7] = [
        QuoteStep::Send,
        QuoteStep::Counter,
        QuoteStep::Revise,
        QuoteStep::Accept,
        QuoteStep::Decline,
        QuoteStep::Expire,
        QuoteStep::Requote,
    ];

    /// Every allowed step: (from, step, party, past validity, to). Everything else is refused.
    const ALLOWED: [(QuoteStatus, QuoteStep, Party, bool, QuoteStatus); 14] = [
        (Draft, QuoteStep::Send, Party::Staff, false, Sent),
        (Revised, QuoteStep::Send, Party::Staff, false, Sent),
        (Sent, QuoteStep::Counter, Party::Buyer, false, Countered),
        (Sent, QuoteStep::Accept, Party::Buyer, false, Accepted),
        (Sent, QuoteStep::Decline, Party::Buyer, false, Declined),
        (Countered, QuoteStep::Decline, Party::Buyer, false, Declined),
        (Sent, QuoteStep::Revise, Party::Staff, false, Revised),
        (Countered, QuoteStep::Revise, Party::Staff, false, Revised),
        (Sent, QuoteStep::Expire, Party::System, true, Expired),
        (Countered, QuoteStep::Expire, Party::System, true, Expired),
        (Expired, QuoteStep::Requote, Party::Staff, false, Revised),
        (Expired, QuoteStep::Requote, Party::Staff, true, Revised),
        // Past validity a stored `sent`/`countered` is expired: only re-quote applies.
        (Sent, QuoteStep::Requote, Party::Staff, true, Revised),
        (Countered, QuoteStep::Requote, Party::Staff, true, Revised),
    ];

    #[test]
    fn every_status_step_party_and_date_is_allowed_exactly_as_the_table_says() {
        for &from in QuoteStatus::ALL {
            for step in STEPS {
                for party in [Party::Buyer, Party::Staff, Party::System] {
                    for past in [false, true] {
                        let got = from.next(step, party, past);
                        let want = ALLOWED
                            .iter()
                            .find(|(f, s, p, d, _)| {
                                *f == from && *s == step && *p == party && *d == past
                            })
                            .map(|r| r.4);
                        match want {
                            Some(to) => {
                                assert_eq!(got, Ok(to), "{from} {step:?} {party:?} past={past}")
                            }
                            None => assert!(
                                got.is_err(),
                                "{from} {step:?} {party:?} past={past} was allowed: {got:?}"
                            ),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_expired_quote_cannot_be_accepted_and_says_so() {
        let e = Sent
            .next(QuoteStep::Accept, Party::Buyer, true)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the quote is expired: it cannot be accepted now"
        );
        let e = Accepted
            .next(QuoteStep::Accept, Party::Buyer, false)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the quote is accepted: it cannot be accepted now"
        );
        let e = Declined
            .next(QuoteStep::Accept, Party::Buyer, false)
            .unwrap_err();
        assert!(e.to_string().contains("declined"));
    }

    #[test]
    fn a_draft_past_its_validity_asks_for_a_new_date() {
        let e = Draft.next(QuoteStep::Send, Party::Staff, true).unwrap_err();
        assert!(matches!(e, TransitionError::Incomplete { .. }));
        assert!(e.to_string().contains("validity date"));
    }

    #[test]
    fn a_buyer_cannot_send_and_staff_cannot_accept() {
        assert!(matches!(
            Draft.next(QuoteStep::Send, Party::Buyer, false),
            Err(TransitionError::WrongParty { .. })
        ));
        assert!(matches!(
            Sent.next(QuoteStep::Accept, Party::Staff, false),
            Err(TransitionError::WrongParty { .. })
        ));
    }

    #[test]
    fn buyer_vocabulary_and_editability() {
        assert_eq!(Sent.for_buyer(), BuyerQuoteStatus::AwaitingResponse);
        assert_eq!(Sent.effective(true), Expired);
        assert_eq!(Accepted.effective(true), Accepted);
        assert!(Draft.editable() && Revised.editable() && !Sent.editable());
        assert!(!Draft.visible_to_buyer() && Revised.visible_to_buyer());
        assert!(QuoteStep::Revise.starts_version() && !QuoteStep::Send.starts_version());
        for &s in QuoteStatus::ALL {
            assert_eq!(QuoteStatus::parse(s.as_str()), Some(s));
        }
    }

    fn line(key: u32, q: u64, price: &str) -> LineTerms {
        LineTerms {
            key,
            description: format!("item {key}"),
            quantity: q,
            unit_price: price.parse().unwrap(),
            lead_time_days: 30,
        }
    }

    fn header() -> HeaderTerms {
        HeaderTerms {
            currency: "USD".into(),
            incoterm: "FOB".into(),
            named_place: "Ho Chi Minh City".into(),
            freight: Decimal::ZERO,
            insurance: Decimal::ZERO,
            payment_terms: "30% deposit, 70% against B/L copy".into(),
            valid_until: "2026-12-31".into(),
        }
    }

    #[test]
    fn the_diff_names_each_changed_field_added_and_removed_lines() {
        let old = [line(1, 100, "12.50"), line(2, 50, "3"), line(3, 10, "1")];
        let mut new_header = header();
        new_header.freight = "850".parse().unwrap();
        let new = [line(1, 120, "12.5"), line(3, 10, "1"), line(4, 5, "9")];
        let d = diff(&header(), &old, &new_header, &new);
        assert_eq!(
            d.header,
            vec![FieldChange {
                field: "freight".into(),
                old: "0".into(),
                new: "850".into()
            }]
        );
        let kinds: Vec<(u32, LineChangeKind)> = d.lines.iter().map(|l| (l.key, l.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, LineChangeKind::Changed),
                (3, LineChangeKind::Unchanged),
                (4, LineChangeKind::Added),
                (2, LineChangeKind::Removed),
            ]
        );
        // 12.50 and 12.5 are the same price: only the quantity changed.
        assert_eq!(
            d.lines[0].fields,
            vec![FieldChange {
                field: "quantity".into(),
                old: "100".into(),
                new: "120".into()
            }]
        );
        assert!(!d.is_empty());
        assert!(diff(&header(), &old, &header(), &old).is_empty());
    }

    #[test]
    fn a_counter_applies_to_the_lines_it_names() {
        let lines = [line(1, 100, "12.5"), line(2, 50, "3")];
        let counter = [
            CounterLine {
                key: 2,
                quantity: Some(80),
                unit_price: Some("2.8".parse().unwrap()),
            },
            CounterLine {
                key: 9,
                quantity: Some(1),
                unit_price: None,
            },
        ];
        let revised = apply_counter(&lines, &counter);
        assert_eq!(revised[0], lines[0]);
        assert_eq!(revised[1].quantity, 80);
        assert_eq!(revised[1].unit_price, "2.8".parse::<Decimal>().unwrap());
        assert_eq!(revised.len(), 2);
    }
}
