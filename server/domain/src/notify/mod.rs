//! Notifications: who hears about what happened in the buying flow, in the app and by mail.
//!
//! Every change in `trade::store` writes a [`TradeEvent`] to the outbox in its own
//! transaction. [`dispatch`] takes those events out (with a lease, `trade::outbox::claim`) and,
//! in one transaction per event, writes a `notifications` row for each person who should know
//! — the buyer company's members for what the exporter did, the RFQ's assignee (else every
//! staff member) for what the buyer did — and a [`Mail`] to each of them in the outbox (kind
//! `mail`), then marks the event done. A mailer (the server's, over SMTP) sends the mails;
//! without a mail server they stay in the outbox, which staff read in the admin panel
//! ([`outbox_page`]). Events older than [`MAIL_FRESH_FOR`] when dispatched (the demo's
//! history, or a backlog after an outage) give the in-app notification only.

use serde::{Deserialize, Serialize};

#[cfg(feature = "trade")]
mod store;
#[cfg(feature = "trade")]
pub use store::*;

/// The outbox kind of a mail waiting to be sent.
pub const MAIL_KIND: &str = "mail";

/// A mail to one person, as the outbox keeps it until a mailer renders and sends it in the
/// recipient's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    /// A UI locale tag (`ja`, `zh-Hans`, …).
    pub locale: String,
    pub message: MailMessage,
}

/// What a mail says (the texts are the UI's, per locale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum MailMessage {
    /// A one-time sign-in code. The code is blanked in the outbox once the mail is sent.
    SignInCode { code: String, minutes: i64 },
    /// Something happened to an RFQ or order: `kind` is the event's (`quote_sent`, …),
    /// `status` the order's new status, `path_kind` the page it opens.
    Trade {
        kind: String,
        number: String,
        status: Option<String>,
        path_kind: PathKind,
    },
}

/// Which page a notification opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathKind {
    BuyerRfq,
    BuyerOrder,
    StaffRfq,
    StaffOrder,
}

/// Blanks what must not stay readable once a mail is sent (a sign-in code).
pub fn redacted(mut payload: serde_json::Value) -> serde_json::Value {
    if let Some(message) = payload.get_mut("message")
        && message.get("template").and_then(|t| t.as_str()) == Some("sign_in_code")
    {
        message["code"] = serde_json::Value::String("••••••".to_owned());
    }
    payload
}

/// A notification as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub number: String,
    pub status: Option<String>,
    pub created_at: String,
    pub read: bool,
}

/// One outbox row as the admin panel's Outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    /// `pending`, `retrying`, `done`.
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub processed_at: Option<String>,
    /// For mails: the mail (a sent sign-in code blanked).
    pub mail: Option<Mail>,
    /// For events: the number it is about.
    pub number: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_sign_in_code_is_blanked_and_other_mails_kept() {
        let code = Mail {
            to: "a@b.example".into(),
            locale: "ja".into(),
            message: MailMessage::SignInCode {
                code: "123456".into(),
                minutes: 10,
            },
        };
        let json = redacted(serde_json::to_value(&code).unwrap());
        assert_eq!(json["message"]["code"], "••••••");
        assert_eq!(json["message"]["template"], "sign_in_code");
        let trade = Mail {
            to: "a@b.example".into(),
            locale: "en".into(),
            message: MailMessage::Trade {
                kind: "quote_sent".into(),
                number: "RFQ-2026-00001".into(),
                status: None,
                path_kind: PathKind::BuyerRfq,
            },
        };
        let json = serde_json::to_value(&trade).unwrap();
        assert_eq!(redacted(json.clone()), json);
        assert_eq!(serde_json::from_value::<Mail>(json).unwrap(), trade);
    }
}
