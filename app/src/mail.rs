//! The mails the site sends, in the recipient's language: a one-time sign-in code, and a
//! notification of what happened to an RFQ or order with the link to open it. The server's
//! mailer sends what [`render`] gives; the admin panel's Outbox page shows the same text.

use domain::notify::{Mail, MailMessage, PathKind};

use crate::i18n::{Locale, fill};
use crate::paths;

/// A mail ready to send: its subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
}

/// The page a notification mail links to, site-relative.
pub fn link_path(locale: Locale, kind: PathKind, number: &str) -> String {
    match kind {
        PathKind::BuyerRfq => paths::rfq(locale, number),
        PathKind::BuyerOrder => paths::order(locale, number),
        PathKind::StaffRfq => paths::admin_rfq(locale, number),
        PathKind::StaffOrder => paths::admin_section(locale, &format!("orders/{number}")),
    }
}

/// The mail's subject and text. `base_url` is the public origin (links), `site_name` the
/// exporter's trading name.
pub fn render(mail: &Mail, base_url: &str, site_name: &str) -> RenderedMail {
    let locale = Locale::from_tag(&mail.locale).unwrap_or(Locale::DEFAULT);
    let t = locale.messages();
    match &mail.message {
        MailMessage::SignInCode { code, minutes } => RenderedMail {
            subject: fill(
                t.mail_sign_in_code_subject,
                &[("site", &site_name), ("code", code)],
            ),
            text: fill(
                t.mail_sign_in_code_body,
                &[("site", &site_name), ("code", code), ("minutes", minutes)],
            ),
        },
        MailMessage::Trade {
            kind,
            number,
            status,
            path_kind,
        } => {
            let staff = matches!(path_kind, PathKind::StaffRfq | PathKind::StaffOrder);
            let what =
                crate::notifications::notification_text(t, kind, number, status.as_deref(), staff);
            let link = format!("{base_url}{}", link_path(locale, *path_kind, number));
            RenderedMail {
                subject: fill(
                    t.mail_notification_subject,
                    &[("site", &site_name), ("what", &what)],
                ),
                text: fill(
                    t.mail_notification_body,
                    &[("site", &site_name), ("what", &what), ("link", &link)],
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_mail_carries_the_code_in_the_recipients_language() {
        let mail = Mail {
            to: "kenji@example.jp".into(),
            locale: "ja".into(),
            message: MailMessage::SignInCode {
                code: "482913".into(),
                minutes: 10,
            },
        };
        let r = render(&mail, "https://shop.example", "Harbourline");
        assert!(r.subject.contains("482913"), "{}", r.subject);
        assert!(r.text.contains("482913"));
        assert!(r.text.contains("10"));
        assert_ne!(
            r.text,
            render(
                &Mail {
                    locale: "en".into(),
                    ..mail
                },
                "https://shop.example",
                "Harbourline"
            )
            .text
        );
    }

    #[test]
    fn a_notification_mail_links_to_the_page_of_its_side() {
        let mail = Mail {
            to: "sales@harbourline.example".into(),
            locale: "en".into(),
            message: MailMessage::Trade {
                kind: "order_transitioned".into(),
                number: "ORD-2026-00004".into(),
                status: Some("in_production".into()),
                path_kind: PathKind::BuyerOrder,
            },
        };
        let r = render(&mail, "https://shop.example", "Harbourline");
        assert!(
            r.text
                .contains("https://shop.example/en/orders/ORD-2026-00004"),
            "{}",
            r.text
        );
        assert!(r.subject.contains("ORD-2026-00004"));
        assert!(r.subject.contains("In production"), "{}", r.subject);
    }
}
