//! The buying flow: request for quotation (RFQ) → quote (with versions and counters) → order.
//!
//! The rules are pure and compile for the browser too: the three state machines
//! ([`rfq`], [`quote`], [`order`]), quote and order amounts ([`amounts`]) and the per-line
//! difference between two quote versions ([`quote::diff`]). Behind the `trade` feature, the
//! services that store them ([`store`]): every change is one transaction that writes the new
//! state, its [`transition`](Transition) record and, for orders, the
//! [`OrderTransitioned`](events::OrderTransitioned) event in the outbox.

pub mod amounts;
pub mod events;
pub mod forms;
pub mod order;
pub mod quote;
pub mod rfq;
pub mod views;

#[cfg(feature = "trade")]
pub mod certificates;
#[cfg(feature = "trade")]
pub mod demo;
#[cfg(feature = "trade")]
pub mod messages;
#[cfg(feature = "trade")]
pub mod numbers;
#[cfg(feature = "trade")]
pub mod outbox;
#[cfg(feature = "trade")]
pub mod queries;
#[cfg(feature = "trade")]
pub mod quote_pdf;
#[cfg(feature = "trade")]
pub mod store;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which side of the trade acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A member of the buyer company.
    Buyer,
    /// The exporter's staff.
    Staff,
    /// The server itself (expiry, feeds, background work).
    System,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Buyer => "buyer",
            Party::Staff => "staff",
            Party::System => "system",
        }
    }
}

/// Where a transition came from (recorded with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A person in the browser.
    Ui,
    /// The machine API.
    Api,
    /// A carrier or port event feed.
    Feed,
    /// The server on its own (expiry, retries).
    System,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Ui, Source::Api, Source::Feed, Source::System];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Ui => "ui",
            Source::Api => "api",
            Source::Feed => "feed",
            Source::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Why a state machine refused a step, phrased for a person.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    /// The step does not exist from the current state (skipping, reversing, a closed record).
    #[error("the {subject} is {from}: it cannot be {step} now")]
    NotAllowed {
        subject: &'static str,
        from: &'static str,
        step: &'static str,
    },
    /// The step exists, but not for this side (a buyer calling a staff action).
    #[error("only {allowed} can {step} a {subject}")]
    WrongParty {
        subject: &'static str,
        step: &'static str,
        allowed: &'static str,
    },
    /// The step needs data that is missing; each entry names one thing to fill in.
    #[error("the {subject} cannot be {step} yet: {}", .missing.join("; "))]
    Incomplete {
        subject: &'static str,
        step: &'static str,
        missing: Vec<String>,
    },
    /// The step needs a reason (decline, cancel).
    #[error("give a reason to {step} the {subject}")]
    ReasonRequired {
        subject: &'static str,
        step: &'static str,
    },
}

impl From<TransitionError> for crate::DomainError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::WrongParty { .. } => crate::DomainError::Forbidden(e.to_string()),
            TransitionError::ReasonRequired { .. } => {
                crate::DomainError::invalid("reason", e.to_string())
            }
            TransitionError::NotAllowed { .. } | TransitionError::Incomplete { .. } => {
                crate::DomainError::Conflict(e.to_string())
            }
        }
    }
}

/// A reason as the machines accept it: trimmed, not empty.
pub(crate) fn reason_given(reason: Option<&str>) -> bool {
    reason.is_some_and(|r| !r.trim().is_empty())
}

/// Declares a status enum with its wire names, `ALL`, `as_str` and `parse`.
macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and sent in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The status named `s`, if there is one.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str().replace('_', " ").as_str())
            }
        }
    };
}
pub(crate) use status_enum;
