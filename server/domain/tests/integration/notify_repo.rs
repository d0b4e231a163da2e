//! One-time e-mail codes and notifications on both engines: a code's mail waits in the outbox,
//! a code works once and only the newest, wrong tries burn it, staff get none; the demo's
//! events become notifications for the right people, fresh events are also mailed in the
//! recipient's language, and a notification is read by its owner only.

use crate::common;

use chrono::{Duration, Utc};
use domain::auth::audit::Actor;
use domain::auth::email_code::{self, MAX_CODES, MAX_FAILURES, Requested, Verified};
use domain::auth::role::Role;
use domain::auth::users;
use domain::entities::{notification, outbox_message, sign_in_code, user};
use domain::notify::{self, MAIL_KIND, Mail, MailMessage, PathKind};
use domain::trade::forms::RfqLineForm;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// The code in the newest mail to `to`.
async fn code_mailed_to(db: &sea_orm::DatabaseConnection, to: &str) -> Option<String> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq(MAIL_KIND))
        .order_by_desc(outbox_message::Column::CreatedAt)
        .order_by_desc(outbox_message::Column::Id)
        .all(db)
        .await
        .expect("the outbox")
        .into_iter()
        .filter_map(|m| serde_json::from_value::<Mail>(m.payload).ok())
        .find(|m| m.to == to)
        .and_then(|m| match m.message {
            MailMessage::SignInCode { code, .. } => Some(code),
            MailMessage::Trade { .. } => None,
        })
}

#[tokio::test]
async fn a_mailed_code_signs_a_buyer_in_once() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let email = "New.Buyer@Example.com";
        assert_eq!(
            email_code::request(db, email, "ja", Some("203.0.113.9"), now)
                .await
                .unwrap(),
            Requested::Sent,
            "{}",
            t.engine
        );
        let first = code_mailed_to(db, "new.buyer@example.com")
            .await
            .expect("mailed");
        // Nothing readable at rest but the mail: the table keeps a hash.
        let row = sign_in_code::Entity::find().one(db).await.unwrap().unwrap();
        assert_ne!(row.code_hash, first);
        assert!(!row.code_hash.contains(&first));
        // Asking again replaces the first code.
        email_code::request(db, email, "ja", None, now)
            .await
            .unwrap();
        let second = code_mailed_to(db, "new.buyer@example.com").await.unwrap();
        if first != second {
            assert_eq!(
                email_code::verify(db, email, &first, "ja", None, now)
                    .await
                    .unwrap(),
                Verified::Wrong {
                    left: MAX_FAILURES - 1
                },
                "{}: the replaced code",
                t.engine
            );
        }
        let Verified::SignedIn { user: u, created } =
            email_code::verify(db, email, &format!(" {second} "), "ja", None, now)
                .await
                .unwrap()
        else {
            panic!("{}: signed in", t.engine);
        };
        assert!(created);
        assert_eq!(u.email, "new.buyer@example.com");
        assert_eq!(u.role, Role::Buyer);
        let stored = user::Entity::find_by_id(u.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.email_verified, "the code proved the address");
        assert_eq!(stored.locale.as_deref(), Some("ja"));
        // Used once.
        assert_eq!(
            email_code::verify(db, email, &second, "ja", None, now)
                .await
                .unwrap(),
            Verified::Expired
        );
        // The next sign-in finds the same account.
        email_code::request(db, email, "en", None, now)
            .await
            .unwrap();
        let third = code_mailed_to(db, "new.buyer@example.com").await.unwrap();
        let Verified::SignedIn {
            user: again,
            created,
        } = email_code::verify(db, email, &third, "en", None, now)
            .await
            .unwrap()
        else {
            panic!("signed in again");
        };
        assert_eq!((again.id, created), (u.id, false));
        // An expired code does not work.
        email_code::request(db, email, "en", None, now)
            .await
            .unwrap();
        let late = code_mailed_to(db, "new.buyer@example.com").await.unwrap();
        assert_eq!(
            email_code::verify(db, email, &late, "en", None, now + Duration::minutes(11))
                .await
                .unwrap(),
            Verified::Expired
        );
    }
}

#[tokio::test]
async fn wrong_codes_burn_the_code_and_addresses_are_limited() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        let email = "guess@example.com";
        email_code::request(db, email, "en", None, now)
            .await
            .unwrap();
        let code = code_mailed_to(db, email).await.unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in (0..MAX_FAILURES).rev() {
            let v = email_code::verify(db, email, wrong, "en", None, now)
                .await
                .unwrap();
            if left == 0 {
                assert_eq!(v, Verified::Expired, "{}", t.engine);
            } else {
                assert_eq!(v, Verified::Wrong { left });
            }
        }
        assert_eq!(
            email_code::verify(db, email, &code, "en", None, now)
                .await
                .unwrap(),
            Verified::Expired,
            "{}: burned, even with the right code",
            t.engine
        );
        // At most MAX_CODES per window (one asked already).
        for _ in 1..MAX_CODES {
            assert_eq!(
                email_code::request(db, email, "en", None, now)
                    .await
                    .unwrap(),
                Requested::Sent
            );
        }
        assert!(matches!(
            email_code::request(db, email, "en", None, now)
                .await
                .unwrap(),
            Requested::TooMany { .. }
        ));
        assert_eq!(
            email_code::request(db, email, "en", None, now + Duration::minutes(16))
                .await
                .unwrap(),
            Requested::Sent
        );
        assert!(
            email_code::request(db, "not an address", "en", None, now)
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn staff_get_no_code_and_the_answer_looks_the_same() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        users::create_staff(
            db,
            "ops@harbourline.example",
            "Ops",
            Role::Admin,
            "long enough password",
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            email_code::request(db, "ops@harbourline.example", "en", None, now)
                .await
                .unwrap(),
            Requested::Sent,
            "{}",
            t.engine
        );
        assert_eq!(code_mailed_to(db, "ops@harbourline.example").await, None);
        assert_eq!(
            email_code::verify(db, "ops@harbourline.example", "123456", "en", None, now)
                .await
                .unwrap(),
            Verified::Expired
        );
    }
}

#[tokio::test]
async fn events_reach_the_right_people_in_their_language() {
    for t in common::databases().await {
        let db = &t.db;
        let now = Utc::now();
        users::create_staff(
            db,
            "sales@harbourline.example",
            "Sales",
            Role::Staff,
            "long enough password",
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        domain::catalog::demo::seed(db).await.unwrap();
        domain::trade::demo::seed(db, now).await.unwrap();
        // The demo's history: notifications, but no mail (it is days old).
        while notify::dispatch(db, 50, now).await.unwrap() > 0 {}
        let kenji = user::Entity::find()
            .filter(user::Column::Email.eq("kenji.mori@osaka-kogyo.example"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        // Saigon Parts were asked for information and declined: they hear of both.
        let thu = user::Entity::find()
            .filter(user::Column::Email.eq("thu.nguyen@saigon-parts.example"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let page = notify::list(db, thu.id, 1, 50).await.unwrap();
        let kinds: Vec<&str> = page.items.iter().map(|n| n.kind.as_str()).collect();
        assert!(kinds.contains(&"info_requested"), "{}: {kinds:?}", t.engine);
        assert!(kinds.contains(&"rfq_declined"), "{}: {kinds:?}", t.engine);
        assert!(
            !kinds.contains(&"rfq_submitted"),
            "what they did themselves goes to staff"
        );
        assert!(page.items.iter().all(|n| !n.read));
        assert_eq!(notify::unread_count(db, thu.id).await.unwrap(), page.total);
        // Only the demo's RFQ of five hours ago is fresh enough to mail (to staff).
        let mails: Vec<Mail> = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq(MAIL_KIND))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|m| serde_json::from_value(m.payload).ok())
            .collect();
        assert_eq!(
            mails.len(),
            1,
            "{}: old events are not mailed: {mails:?}",
            t.engine
        );
        assert_eq!(mails[0].to, "sales@harbourline.example");
        let pending: Vec<_> = outbox_message::Entity::find()
            .filter(outbox_message::Column::ProcessedAt.is_null())
            .filter(outbox_message::Column::Kind.ne(MAIL_KIND))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.kind, m.last_error))
            .collect();
        assert_eq!(pending, [], "{}: every event handled", t.engine);

        // A fresh RFQ from Kenji: staff hear of it by mail; a staff message back reaches
        // Kenji in Japanese.
        let buyer = domain::trade::store::Caller::buyer(
            kenji.id,
            &kenji.email,
            domain::entities::company_member::Entity::find_by_id(kenji.id)
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .company_id,
        );
        let product = domain::entities::product::Entity::find()
            .filter(domain::entities::product::Column::Published.eq(true))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let form = domain::trade::forms::RfqForm {
            lines: vec![RfqLineForm {
                product_id: product.id.to_string(),
                quantity: product.moq.to_string(),
                ..Default::default()
            }],
            currency: "USD".into(),
            incoterm: "FOB".into(),
            named_place: "Ho Chi Minh City".into(),
            destination_port: "JPOSA".into(),
            ..Default::default()
        };
        let number = domain::trade::store::submit_rfq(db, &buyer, &form, now)
            .await
            .unwrap();
        notify::dispatch(db, 50, now).await.unwrap();
        let mails: Vec<Mail> = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq(MAIL_KIND))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|m| serde_json::from_value::<Mail>(m.payload).ok())
            .filter(|m| matches!(&m.message, MailMessage::Trade { number: n, .. } if *n == number))
            .collect();
        assert_eq!(mails.len(), 1, "{}: the one staff member", t.engine);
        assert_eq!(mails[0].to, "sales@harbourline.example");
        assert_eq!(
            mails[0].message,
            MailMessage::Trade {
                kind: "rfq_submitted".into(),
                number: number.clone(),
                status: None,
                path_kind: PathKind::StaffRfq,
            }
        );
        let staff = domain::trade::store::Caller::staff(
            user::Entity::find()
                .filter(user::Column::Email.eq("sales@harbourline.example"))
                .one(db)
                .await
                .unwrap()
                .unwrap()
                .id,
            "sales@harbourline.example",
        );
        let dir = tempfile::tempdir().unwrap();
        domain::trade::messages::post_message(
            db,
            dir.path(),
            &staff,
            &number,
            "Received.",
            &[],
            now,
        )
        .await
        .unwrap();
        notify::dispatch(db, 50, now).await.unwrap();
        let to_kenji: Vec<Mail> = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq(MAIL_KIND))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|m| serde_json::from_value::<Mail>(m.payload).ok())
            .filter(|m| m.to == kenji.email)
            .collect();
        assert_eq!(to_kenji.len(), 1);
        assert_eq!(to_kenji[0].locale, "ja");

        // Read by the owner only; "read all" clears the count.
        let newest = notify::list(db, kenji.id, 1, 1)
            .await
            .unwrap()
            .items
            .remove(0);
        assert_eq!(newest.kind, "message_posted");
        assert_eq!(newest.number, number);
        let id: uuid::Uuid = newest.id.parse().unwrap();
        assert!(
            notify::open(db, staff.user_id.unwrap(), id, now)
                .await
                .is_err()
        );
        assert!(notify::open(db, kenji.id, id, now).await.unwrap().read);
        let before = notify::unread_count(db, kenji.id).await.unwrap();
        assert_eq!(notify::read_all(db, kenji.id, now).await.unwrap(), before);
        assert_eq!(notify::unread_count(db, kenji.id).await.unwrap(), 0);
        let rows = notification::Entity::find()
            .filter(notification::Column::UserId.eq(kenji.id))
            .count(db)
            .await
            .unwrap();
        assert!(rows > before);
    }
}
