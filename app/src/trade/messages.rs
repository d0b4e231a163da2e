//! The message thread on an RFQ page, the same for the buyer (`/{locale}/rfqs/{number}`) and
//! staff (`/{locale}/admin/rfqs/{number}`): the messages oldest first with their files, and a
//! plain multipart form (no JavaScript needed) posted to `/rfqs/{number}/messages`, which
//! `server::trade_forms` answers with a redirect back here carrying the outcome
//! (`message_sent`, or `message_error` with `message_file`).

use leptos::prelude::*;

use domain::trade::forms::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_BODY_CHARS};
use domain::trade::views::MessageView;

use super::server_fns::RfqThread;
use crate::admin::short_time;
use crate::components::form::CsrfField;
use crate::i18n::{Locale, Messages, fill};
use crate::paths;

/// The query parameters the message form's redirect sets on the RFQ page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageOutcome {
    pub sent: bool,
    /// `required`, `too_long`, `file_too_large`, `file_type`, `too_many`,
    /// `request_too_large`, `unavailable`.
    pub error: Option<String>,
    /// The file an error is about.
    pub file: Option<String>,
}

impl MessageOutcome {
    /// Reads the outcome from the page's query.
    pub fn from_query(query: &leptos_router::params::ParamsMap) -> Self {
        Self {
            sent: query.get("message_sent").is_some(),
            error: query.get("message_error"),
            file: query.get("message_file"),
        }
    }
}

const MB: usize = 1024 * 1024;

/// The translated sentence for a message form error code.
pub fn message_error_text(t: &'static Messages, code: &str, file: &str) -> String {
    let mb = MAX_ATTACHMENT_BYTES / MB;
    match code {
        "required" => t.message_error_required.to_owned(),
        "too_long" => fill(t.message_error_too_long, &[("max", &MAX_BODY_CHARS)]),
        "file_too_large" => fill(
            t.message_error_file_too_large,
            &[("file", &file), ("mb", &mb)],
        ),
        "file_type" => fill(t.message_error_file_type, &[("file", &file)]),
        "too_many" => fill(t.message_error_too_many, &[("count", &MAX_ATTACHMENTS)]),
        "request_too_large" => t.message_error_request_too_large.to_owned(),
        _ => t.message_error_unavailable.to_owned(),
    }
}

/// A file size in kilobytes, at least 1.
fn size_shown(locale: Locale, bytes: u64) -> String {
    let kb = bytes.div_ceil(1024).max(1);
    fill(
        locale.messages().message_size_kb,
        &[("size", &locale.format_count(kb))],
    )
}

/// Who wrote a message, as the reader sees it: the exporter's staff stay anonymous to buyers.
fn author_shown(t: &'static Messages, m: &MessageView) -> String {
    if m.author.is_empty() {
        t.trade_actor_staff.to_owned()
    } else {
        m.author.clone()
    }
}

/// The thread and its form.
#[component]
pub fn MessageThread(
    locale: Locale,
    number: String,
    thread: RfqThread,
    outcome: MessageOutcome,
) -> impl IntoView {
    let t = locale.messages();
    let messages = if thread.messages.is_empty() {
        view! { <p class="empty" data-testid="messages-empty">{t.messages_empty}</p> }.into_any()
    } else {
        let items = thread
            .messages
            .iter()
            .map(|m| {
                let class = format!("message from-{}", m.party);
                let files = (!m.attachments.is_empty()).then(|| {
                    let links = m
                        .attachments
                        .iter()
                        .map(|a| {
                            let label = fill(t.message_download, &[("file", &a.file_name)]);
                            view! {
                                <li>
                                    <a href=paths::attachment(&a.id) download=a.file_name.clone() aria-label=label data-testid="attachment-link">{a.file_name.clone()}</a>
                                    " "<span class="muted small">{size_shown(locale, a.size_bytes)}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="attachments plain">{links}</ul> }
                });
                view! {
                    <li class=class data-testid="message" data-party=m.party.clone()>
                        <p class="message-meta">
                            <strong>{author_shown(t, m)}</strong>
                            " · "<time datetime=m.created_at.clone()>{short_time(&m.created_at)}</time>
                        </p>
                        {(!m.body.is_empty()).then(|| view! { <p class="message-body">{m.body.clone()}</p> })}
                        {files}
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="messages plain">{items}</ol> }.into_any()
    };
    let notice = match (&outcome.error, outcome.sent) {
        (Some(code), _) => Some(
            view! {
                <p class="notice error" role="alert" data-testid="message-error">
                    {message_error_text(t, code, outcome.file.as_deref().unwrap_or_default())}
                </p>
            }
            .into_any(),
        ),
        (None, true) => Some(
            view! {
                <p class="notice ok" role="status" data-testid="message-sent">{t.message_sent}</p>
            }
            .into_any(),
        ),
        _ => None,
    };
    let hint = fill(
        t.message_files_hint,
        &[
            ("count", &MAX_ATTACHMENTS),
            ("mb", &(MAX_ATTACHMENT_BYTES / MB)),
        ],
    );
    view! {
        <section class="panel thread" id="messages" aria-labelledby="messages-title">
            <h2 id="messages-title">{t.messages_title}</h2>
            {messages}
            {notice}
            <form method="post" action=paths::rfq_messages(&number) enctype="multipart/form-data" class="message-form" data-testid="message-form">
                <CsrfField token=thread.csrf />
                <input type="hidden" name="locale" value=locale.tag() />
                <label for="message-body">{t.message_body_label}</label>
                <textarea id="message-body" name="body" rows="4" maxlength=MAX_BODY_CHARS.to_string()></textarea>
                <label for="message-files">{t.message_files_label}</label>
                <input id="message-files" type="file" name="files" multiple accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" aria-describedby="message-files-hint" />
                <p class="hint" id="message-files-hint">{hint}</p>
                <p><button type="submit" class="button primary">{t.message_send}</button></p>
            </form>
        </section>
    }
}
