//! The RFQ thread on both engines: buyer and staff write with attachments; the type comes from
//! the bytes; a refused file writes neither a row nor a file; another company sees nothing;
//! every message leaves an outbox event.

use crate::common;

use chrono::Utc;
use domain::DomainError;
use domain::entities::{attachment, company_member, outbox_message, rfq, rfq_message, user};
use domain::trade::messages::{self, Upload};
use domain::trade::store::Caller;
use domain::trade::{Party, Source};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn demo_buyer(db: &sea_orm::DatabaseConnection, email: &str) -> Caller {
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
        .expect("test setup")
        .expect("demo buyer");
    let m = company_member::Entity::find_by_id(u.id)
        .one(db)
        .await
        .expect("test setup")
        .expect("member");
    Caller::buyer(u.id, email, m.company_id)
}

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "Mai (sales)".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Ui,
    }
}

#[tokio::test]
async fn both_sides_write_with_files_and_nobody_else_reads_them() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let dir = tempfile::tempdir().unwrap();
        domain::catalog::demo::seed(db).await.unwrap();
        domain::trade::demo::seed(db, now).await.unwrap();
        let jp = demo_buyer(db, "kenji.mori@osaka-kogyo.example").await;
        let vn = demo_buyer(db, "thu.nguyen@saigon-parts.example").await;
        let number = rfq::Entity::find()
            .filter(rfq::Column::CompanyId.eq(jp.company_id.unwrap()))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .number;

        let pdf = Upload {
            file_name: "../drawing rev B.pdf".into(),
            bytes: b"%PDF-1.7\n%test".to_vec(),
        };
        let png = Upload {
            file_name: "label.png".into(),
            bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        };
        let m = messages::post_message(
            db,
            dir.path(),
            &jp,
            &number,
            "Drawing and label attached.",
            &[pdf, png],
            now,
        )
        .await
        .unwrap();
        assert_eq!(m.attachments.len(), 2, "{}", t.engine);
        assert_eq!(
            m.attachments[0].file_name, "drawing rev B.pdf",
            "{}",
            t.engine
        );
        assert_eq!(m.attachments[1].content_type, "image/png", "{}", t.engine);
        for a in &m.attachments {
            let (row, path) =
                messages::attachment_for(db, dir.path(), &staff(), a.id.parse().unwrap())
                    .await
                    .unwrap();
            assert_eq!(
                std::fs::read(&path).unwrap().len() as i64,
                row.size_bytes,
                "{}",
                t.engine
            );
        }
        messages::post_message(
            db,
            dir.path(),
            &staff(),
            &number,
            "Thanks, we quote by Friday.",
            &[],
            now,
        )
        .await
        .unwrap();

        // Staff see who wrote; the buyer sees that the exporter wrote.
        let for_staff = messages::thread(db, &staff(), &number).await.unwrap();
        assert_eq!(for_staff.len(), 2, "{}", t.engine);
        assert_eq!(for_staff[0].author, "Kenji Mori", "{}", t.engine);
        assert_eq!(for_staff[1].author, "Mai (sales)", "{}", t.engine);
        let for_buyer = messages::thread(db, &jp, &number).await.unwrap();
        assert_eq!(
            (for_buyer[1].author.as_str(), for_buyer[1].party.as_str()),
            ("", "staff"),
            "{}",
            t.engine
        );

        // Another company: not found, for the thread, a message and a file.
        assert!(
            matches!(
                messages::thread(db, &vn, &number).await,
                Err(DomainError::NotFound { .. })
            ),
            "{}",
            t.engine
        );
        assert!(
            matches!(
                messages::post_message(db, dir.path(), &vn, &number, "hi", &[], now).await,
                Err(DomainError::NotFound { .. })
            ),
            "{}",
            t.engine
        );
        let file = m.attachments[0].id.parse().unwrap();
        assert!(
            matches!(
                messages::attachment_for(db, dir.path(), &vn, file).await,
                Err(DomainError::NotFound { .. })
            ),
            "{}",
            t.engine
        );

        // A file that is not what it claims: refused, nothing written.
        let before = (
            rfq_message::Entity::find().count(db).await.unwrap(),
            attachment::Entity::find().count(db).await.unwrap(),
        );
        let files_before = std::fs::read_dir(dir.path().join("attachments"))
            .unwrap()
            .count();
        let fake = Upload {
            file_name: "invoice.pdf".into(),
            bytes: b"MZ\x90\0".to_vec(),
        };
        let good = Upload {
            file_name: "ok.pdf".into(),
            bytes: b"%PDF-1.4".to_vec(),
        };
        let Err(DomainError::Fields(errors)) =
            messages::post_message(db, dir.path(), &jp, &number, "x", &[good, fake], now).await
        else {
            panic!("{}: the fake PDF was accepted", t.engine);
        };
        assert_eq!(errors[0].field, "files[1]", "{}", t.engine);
        assert_eq!(errors[0].code, "file_type", "{}", t.engine);
        let after = (
            rfq_message::Entity::find().count(db).await.unwrap(),
            attachment::Entity::find().count(db).await.unwrap(),
        );
        assert_eq!(before, after, "{}", t.engine);
        assert_eq!(
            std::fs::read_dir(dir.path().join("attachments"))
                .unwrap()
                .count(),
            files_before,
            "{}",
            t.engine
        );
        assert!(
            matches!(
                messages::post_message(db, dir.path(), &jp, &number, "  ", &[], now).await,
                Err(DomainError::Fields(_))
            ),
            "{}",
            t.engine
        );

        let events = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("message_posted"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(events, 2, "{}", t.engine);
    }
}
