//! The outbox's worker in the server. Each round:
//!
//! 1. `domain::notify::dispatch` turns the buying flow's events into notifications and
//!    mails (one transaction per event);
//! 2. with a mail server configured (`PORTFRONT_SMTP_URL`), the mails due are claimed with a
//!    lease (`domain::trade::outbox::claim`: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so
//!    several replicas never send one mail twice), rendered in the recipient's language
//!    (`app::mail::render`) and sent with `lettre`; a sent mail is marked done with its
//!    sign-in code blanked, a failed one tried again with backoff. Without a mail server,
//!    mails wait in the outbox, where staff read them (the admin panel's Outbox page).
//!
//! Rounds run every [`ROUND_EVERY`], and at once when a request wakes the worker
//! (`ServerState::mail_waiting`: someone waits for a sign-in code).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;

use domain::notify::{self, MAIL_KIND, Mail};
use domain::trade::outbox;

/// How often a round runs when nothing wakes the worker.
pub const ROUND_EVERY: Duration = Duration::from_secs(2);
/// After this many failed tries a mail is kept, with its last error, and no longer retried.
pub const MAX_ATTEMPTS: i32 = 8;

/// Sends rendered mails over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    base_url: Arc<str>,
    site_name: Arc<str>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.transport.is_some())
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// From `PORTFRONT_SMTP_URL` and `PORTFRONT_MAIL_FROM`; no URL: mail stays in the outbox.
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        let from: Mailbox = config.mail_from.parse().with_context(|| {
            format!(
                "PORTFRONT_MAIL_FROM={:?} is not a mail address (use \"Name <address@example.com>\")",
                config.mail_from
            )
        })?;
        let transport = match &config.smtp_url {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("PORTFRONT_SMTP_URL is not a usable SMTP URL")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
        };
        Ok(Self {
            transport,
            from,
            base_url: config.base_url.as_str().into(),
            site_name: config.site_name.as_str().into(),
        })
    }

    /// Whether mail goes out.
    pub fn configured(&self) -> bool {
        self.transport.is_some()
    }

    async fn send(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        mail: &Mail,
    ) -> Result<(), String> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("the address {:?} is not usable: {e}", mail.to))?;
        let rendered = app::mail::render(mail, &self.base_url, &self.site_name);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(rendered.text)
            .map_err(|e| format!("the mail could not be built: {e}"))?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("the mail server refused or did not answer: {e}"))
    }
}

/// One round: events to notifications, then the due mails out. Returns how much was done.
pub async fn round(db: &DatabaseConnection, mailer: &Mailer) -> usize {
    let now = Utc::now();
    let mut done = match notify::dispatch(db, 50, now).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "cannot dispatch notifications; trying again later");
            0
        }
    };
    let Some(transport) = &mailer.transport else {
        return done;
    };
    let claimed = match outbox::claim(db, &[MAIL_KIND], 20, chrono::Duration::minutes(2), now).await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot take mails from the outbox; trying again later");
            return done;
        }
    };
    for c in claimed {
        let result = match serde_json::from_value::<Mail>(c.payload.clone()) {
            Ok(mail) => mailer.send(transport, &mail).await,
            Err(e) => Err(format!("the mail in the outbox cannot be read: {e}")),
        };
        let stored = match result {
            Ok(()) => {
                done += 1;
                outbox::complete_with(db, c.id, notify::redacted(c.payload), Utc::now()).await
            }
            Err(error) => {
                tracing::warn!(id = %c.id, attempts = c.attempts, %error, "a mail was not sent");
                let retry_at = if c.attempts >= MAX_ATTEMPTS {
                    Utc::now() + chrono::Duration::days(3650)
                } else {
                    let jitter =
                        u32::from(u16::from_le_bytes(domain::auth::secret::random_bytes::<2>()))
                            % 1001;
                    Utc::now() + outbox::backoff(c.attempts, jitter)
                };
                outbox::fail(db, c.id, &error, retry_at).await
            }
        };
        if let Err(e) = stored {
            tracing::error!(error = %e, "cannot record a mail's outcome");
        }
    }
    done
}

/// Starts the worker; it ends with the runtime.
pub fn spawn(
    db: DatabaseConnection,
    mailer: Mailer,
    wake: Arc<tokio::sync::Notify>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            // A busy round goes again at once; an idle one waits.
            if round(&db, &mailer).await == 0 {
                tokio::select! {
                    () = tokio::time::sleep(ROUND_EVERY) => {}
                    () = wake.notified() => {}
                }
            }
        }
    })
}
