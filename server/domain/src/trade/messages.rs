//! The message thread of an RFQ and its quote: both sides write, with attachments (PDF, PNG,
//! JPEG — the type is sniffed from the bytes, never taken from the name —, at most
//! [`MAX_ATTACHMENT_BYTES`] each). Files are written under
//! `<data dir>/attachments/<id>` before the transaction that records the message, its
//! attachments and the outbox event; if that transaction fails the files are removed, so a
//! message is there with all its files or not at all. Only the buyer company's members and
//! staff see a thread or download its files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Party;
use super::events::TradeEvent;
use super::outbox;
use super::store::{Caller, find_rfq};
use super::views::{AttachmentRef, MessageView};
use crate::entities::{attachment, rfq, rfq_message, user};
use crate::views::time_text;
use crate::{DomainError, DomainResult};

pub use super::forms::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_BODY_CHARS};

/// The kinds of file a thread accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
        }
    }
}

/// What the bytes are, by their signature: `%PDF-`, the PNG signature, or a JPEG SOI marker
/// followed by another marker. Anything else is refused, whatever its name says.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.len() > 3 && bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else {
        None
    }
}

/// The uploaded name without any path, control or quoting characters, at most 120
/// characters, with the extension of what the bytes are.
pub fn clean_file_name(name: &str, kind: FileKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let cleaned: String = stem
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>' | '*' | '?' | ':' | '|')
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.');
    let stem = if cleaned.is_empty() {
        "attachment"
    } else {
        cleaned
    };
    format!("{stem}.{}", kind.extension())
}

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Where the bytes of attachment `id` live.
pub fn attachment_path(data_dir: &Path, id: Uuid) -> PathBuf {
    data_dir.join("attachments").join(id.to_string())
}

struct Checked {
    id: Uuid,
    file_name: String,
    kind: FileKind,
    sha256: String,
    size: usize,
}

fn check_uploads(files: &[Upload]) -> DomainResult<Vec<Checked>> {
    let mut check = crate::form::FormCheck::new();
    if files.len() > MAX_ATTACHMENTS {
        check.add(
            "files",
            "too_many",
            format!("attach at most {MAX_ATTACHMENTS} files to one message"),
        );
    }
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let field = format!("files[{i}]");
        if f.bytes.len() > MAX_ATTACHMENT_BYTES {
            check.add(
                &field,
                "file_too_large",
                format!(
                    "“{}” is larger than {} MB",
                    f.file_name.chars().take(60).collect::<String>(),
                    MAX_ATTACHMENT_BYTES / (1024 * 1024)
                ),
            );
            continue;
        }
        let Some(kind) = sniff(&f.bytes) else {
            check.add(
                &field,
                "file_type",
                format!(
                    "“{}” is not a PDF, PNG or JPEG file",
                    f.file_name.chars().take(60).collect::<String>()
                ),
            );
            continue;
        };
        out.push(Checked {
            id: Uuid::now_v7(),
            file_name: clean_file_name(&f.file_name, kind),
            kind,
            sha256: hex::encode(Sha256::digest(&f.bytes)),
            size: f.bytes.len(),
        });
    }
    check.finish()?;
    Ok(out)
}

async fn remove_files(data_dir: &Path, ids: &[Uuid]) {
    for id in ids {
        let _ = tokio::fs::remove_file(attachment_path(data_dir, *id)).await;
    }
}

/// Writes a message (and its files) on the RFQ's thread. A message needs text or a file.
pub async fn post_message<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    data_dir: &Path,
    caller: &Caller,
    rfq_number: &str,
    body: &str,
    files: &[Upload],
    now: DateTime<Utc>,
) -> DomainResult<MessageView> {
    if caller.party == Party::System {
        return Err(DomainError::Forbidden(
            "messages are written by people".to_owned(),
        ));
    }
    let r = find_rfq(db, caller, rfq_number).await?;
    let body = body.trim();
    let mut check = crate::form::FormCheck::new();
    if body.is_empty() && files.is_empty() {
        check.add("body", "required", "write a message or attach a file");
    }
    if body.chars().count() > MAX_BODY_CHARS {
        check.add(
            "body",
            "too_long",
            format!("use at most {MAX_BODY_CHARS} characters"),
        );
    }
    check.finish()?;
    let checked = check_uploads(files)?;
    let dir = data_dir.join("attachments");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| DomainError::Storage(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    for (c, f) in checked.iter().zip(files) {
        let path = attachment_path(data_dir, c.id);
        if let Err(e) = tokio::fs::write(&path, &f.bytes).await {
            remove_files(data_dir, &written).await;
            return Err(DomainError::Storage(format!(
                "cannot write {}: {e}",
                path.display()
            )));
        }
        written.push(c.id);
    }
    let result = record(db, caller, &r, body, &checked, now).await;
    if result.is_err() {
        remove_files(data_dir, &written).await;
    }
    result
}

async fn record<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    r: &rfq::Model,
    body: &str,
    checked: &[Checked],
    now: DateTime<Utc>,
) -> DomainResult<MessageView> {
    let author_name = match caller.user_id {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map_or_else(|| caller.name.clone(), |u| u.display_name),
        None => caller.name.clone(),
    };
    let txn = db.begin().await?;
    let id = Uuid::now_v7();
    rfq_message::ActiveModel {
        id: Set(id),
        rfq_id: Set(r.id),
        author_id: Set(caller.user_id),
        author_name: Set(author_name.chars().take(254).collect()),
        party: Set(caller.party.as_str().to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for c in checked {
        attachment::ActiveModel {
            id: Set(c.id),
            rfq_id: Set(r.id),
            message_id: Set(id),
            file_name: Set(c.file_name.clone()),
            content_type: Set(c.kind.content_type().to_owned()),
            size_bytes: Set(i64::try_from(c.size).unwrap_or(i64::MAX)),
            sha256: Set(c.sha256.clone()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    outbox::enqueue(
        &txn,
        &TradeEvent::MessagePosted {
            rfq_id: r.id.to_string(),
            number: r.number.clone(),
            message_id: id.to_string(),
            party: caller.party.as_str().to_owned(),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(MessageView {
        id: id.to_string(),
        author: shown_author(caller.party, &author_name, caller.party == Party::Buyer),
        party: caller.party.as_str().to_owned(),
        body: body.to_owned(),
        attachments: checked
            .iter()
            .map(|c| AttachmentRef {
                id: c.id.to_string(),
                file_name: c.file_name.clone(),
                content_type: c.kind.content_type().to_owned(),
                size_bytes: u64::try_from(c.size).unwrap_or(0),
            })
            .collect(),
        created_at: time_text(now),
    })
}

/// Buyers see that the exporter wrote, not which staff member.
fn shown_author(party: Party, name: &str, for_buyer: bool) -> String {
    if for_buyer && party == Party::Staff {
        String::new()
    } else {
        name.to_owned()
    }
}

/// The RFQ's thread, oldest first.
pub async fn thread<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    rfq_number: &str,
) -> DomainResult<Vec<MessageView>> {
    let r = find_rfq(db, caller, rfq_number).await?;
    let messages = rfq_message::Entity::find()
        .filter(rfq_message::Column::RfqId.eq(r.id))
        .order_by_asc(rfq_message::Column::CreatedAt)
        .order_by_asc(rfq_message::Column::Id)
        .all(db)
        .await?;
    let files = attachment::Entity::find()
        .filter(attachment::Column::RfqId.eq(r.id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    let for_buyer = caller.party == Party::Buyer;
    Ok(messages
        .into_iter()
        .map(|m| {
            let party = if m.party == "staff" {
                Party::Staff
            } else {
                Party::Buyer
            };
            MessageView {
                id: m.id.to_string(),
                author: shown_author(party, &m.author_name, for_buyer),
                party: m.party.clone(),
                body: m.body,
                attachments: files
                    .iter()
                    .filter(|f| f.message_id == m.id)
                    .map(|f| AttachmentRef {
                        id: f.id.to_string(),
                        file_name: f.file_name.clone(),
                        content_type: f.content_type.clone(),
                        size_bytes: u64::try_from(f.size_bytes).unwrap_or(0),
                    })
                    .collect(),
                created_at: time_text(m.created_at),
            }
        })
        .collect())
}

/// An attachment the caller may download, with where its bytes are; "not found" for anyone
/// outside the buyer company and staff.
pub async fn attachment_for<C: ConnectionTrait>(
    db: &C,
    data_dir: &Path,
    caller: &Caller,
    id: Uuid,
) -> DomainResult<(attachment::Model, PathBuf)> {
    let not_found = || DomainError::not_found("attachment");
    let a = attachment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let r = rfq::Entity::find_by_id(a.rfq_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    // The same visibility as the RFQ itself.
    find_rfq(db, caller, &r.number)
        .await
        .map_err(|_| not_found())?;
    let path = attachment_path(data_dir, a.id);
    Ok((a, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileKind::Png));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(sniff(b"MZ\x90\0 an exe called invoice.pdf"), None);
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_paths_and_take_the_real_extension() {
        assert_eq!(
            clean_file_name("../../etc/passwd.pdf", FileKind::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            clean_file_name("C:\\Users\\a\\spec sheet.exe", FileKind::Png),
            "spec sheet.png"
        );
        assert_eq!(clean_file_name("\"x\";\r\n.pdf", FileKind::Pdf), "x.pdf");
        assert_eq!(clean_file_name("", FileKind::Jpeg), "attachment.jpg");
        assert_eq!(
            clean_file_name("図面 A-3.PDF", FileKind::Pdf),
            "図面 A-3.pdf"
        );
    }

    #[test]
    fn oversized_unknown_and_too_many_files_are_refused_by_field() {
        let pdf = |n: usize| Upload {
            file_name: format!("f{n}.pdf"),
            bytes: b"%PDF-1.4".to_vec(),
        };
        let Err(DomainError::Fields(errors)) = check_uploads(&[
            pdf(0),
            Upload {
                file_name: "big.pdf".into(),
                bytes: [b"%PDF-".as_slice(), &vec![0; MAX_ATTACHMENT_BYTES]].concat(),
            },
            Upload {
                file_name: "x.pdf".into(),
                bytes: b"not a pdf".to_vec(),
            },
        ]) else {
            panic!("refused");
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [("files[1]", "file_too_large"), ("files[2]", "file_type")]
        );
        let many: Vec<Upload> = (0..=MAX_ATTACHMENTS).map(pdf).collect();
        assert!(check_uploads(&many).is_err());
        assert_eq!(check_uploads(&[pdf(1)]).map(|c| c.len()).ok(), Some(1));
    }
}
