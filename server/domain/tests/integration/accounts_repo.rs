//! Staff accounts, password sign-in, sessions and the audit log against real databases
//! (SQLite, and PostgreSQL when available).

use crate::common;

use chrono::{Duration, Utc};
use domain::DomainError;
use domain::auth::audit::{self, Actor};
use domain::auth::role::Role;
use domain::auth::sessions::{self, SessionPolicy};
use domain::auth::users::{self, SignInError};

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn the_first_admin_signs_in_with_a_password() {
    for t in common::databases().await {
        let now = Utc::now();
        let admin = users::create_staff(
            &t.db,
            " Ops@Example.com ",
            "",
            Role::Admin,
            PASSWORD,
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        assert_eq!(admin.email, "ops@example.com", "{}", t.engine);
        assert_eq!(admin.display_name, "ops");
        assert_eq!(admin.role, Role::Admin);

        let ok = users::authenticate_password(&t.db, "OPS@example.com", PASSWORD)
            .await
            .unwrap();
        assert_eq!(ok.id, admin.id);
        for (email, pw) in [
            ("ops@example.com", "a wrong passphrase!"),
            ("nobody@example.com", PASSWORD),
            ("not an email", PASSWORD),
        ] {
            assert!(
                matches!(
                    users::authenticate_password(&t.db, email, pw).await,
                    Err(SignInError::BadCredentials)
                ),
                "{}: {email}",
                t.engine
            );
        }

        let events = audit::recent(&t.db, 10).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "user.create");
        assert_eq!(events[0].actor, "cli");
        assert_eq!(events[0].target, "ops@example.com");
        assert!(!events[0].detail.contains(PASSWORD));
    }
}

#[tokio::test]
async fn bad_accounts_are_refused_and_nothing_is_written() {
    for t in common::databases().await {
        let now = Utc::now();
        users::create_staff(
            &t.db,
            "a@example.com",
            "A",
            Role::Staff,
            PASSWORD,
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let cases: [(&str, Role, &str, &str); 4] = [
            ("A@example.com", Role::Staff, PASSWORD, "already exists"),
            ("b@example.com", Role::Staff, "short", "at least 12"),
            ("b@", Role::Staff, PASSWORD, "e-mail"),
            ("b@example.com", Role::Buyer, PASSWORD, "only staff"),
        ];
        for (email, role, pw, needle) in cases {
            let err = users::create_staff(&t.db, email, "", role, pw, &Actor::Cli, now)
                .await
                .unwrap_err();
            assert!(err.to_string().contains(needle), "{}: {err}", t.engine);
            if needle == "already exists" {
                assert!(matches!(err, DomainError::Conflict(_)));
            }
        }
        assert_eq!(users::count(&t.db).await.unwrap(), 1, "{}", t.engine);
        assert_eq!(audit::recent(&t.db, 10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn sessions_rotate_expire_and_can_be_ended_server_side() {
    for t in common::databases().await {
        let now = Utc::now();
        let policy = SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(8),
        };
        let user = users::create_staff(
            &t.db,
            "s@example.com",
            "S",
            Role::Staff,
            PASSWORD,
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let first = sessions::start(
            &t.db,
            user.id,
            None,
            Some("192.0.2.7"),
            Some("test"),
            policy,
            now,
        )
        .await
        .unwrap();
        let live = sessions::resume(&t.db, &first.token, policy, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(live.user.id, user.id, "{}", t.engine);
        assert_eq!(live.csrf_token, first.csrf_token);

        // Signing in again from the same browser replaces the session: a new id, the old dead.
        let second = sessions::start(&t.db, user.id, Some(&first.token), None, None, policy, now)
            .await
            .unwrap();
        assert_ne!(*second.token, *first.token);
        assert!(
            sessions::resume(&t.db, &first.token, policy, now)
                .await
                .unwrap()
                .is_none()
        );

        // Activity keeps a session alive up to the absolute limit; idleness ends it.
        let mut at = now;
        for _ in 0..10 {
            at += Duration::minutes(25);
            assert!(
                sessions::resume(&t.db, &second.token, policy, at)
                    .await
                    .unwrap()
                    .is_some(),
                "{}: active at {at}",
                t.engine
            );
        }
        let at = now + Duration::hours(8);
        assert!(
            sessions::resume(&t.db, &second.token, policy, at)
                .await
                .unwrap()
                .is_none()
        );

        let third = sessions::start(&t.db, user.id, None, None, None, policy, now)
            .await
            .unwrap();
        let idle = now + Duration::minutes(31);
        assert!(
            sessions::resume(&t.db, &third.token, policy, idle)
                .await
                .unwrap()
                .is_none()
        );

        let a = sessions::start(&t.db, user.id, None, None, None, policy, now)
            .await
            .unwrap();
        let b = sessions::start(&t.db, user.id, None, None, None, policy, now)
            .await
            .unwrap();
        assert_eq!(sessions::end_all_for_user(&t.db, user.id).await.unwrap(), 2);
        assert!(
            sessions::resume(&t.db, &a.token, policy, now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::resume(&t.db, &b.token, policy, now)
                .await
                .unwrap()
                .is_none()
        );

        let c = sessions::start(&t.db, user.id, None, None, None, policy, now)
            .await
            .unwrap();
        sessions::end(&t.db, &c.token).await.unwrap();
        assert!(
            sessions::resume(&t.db, &c.token, policy, now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::resume(&t.db, "forged-token", policy, now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::resume(&t.db, "", policy, now)
                .await
                .unwrap()
                .is_none()
        );

        // The periodic purge deletes what can no longer be resumed, idle or past its limit.
        sessions::end_all_for_user(&t.db, user.id).await.unwrap();
        let _idle = sessions::start(&t.db, user.id, None, None, None, policy, now)
            .await
            .unwrap();
        let busy = sessions::start(&t.db, user.id, None, None, None, policy, now)
            .await
            .unwrap();
        let later = now + Duration::minutes(20);
        assert!(
            sessions::resume(&t.db, &busy.token, policy, later)
                .await
                .unwrap()
                .is_some()
        );
        let purge_at = now + Duration::minutes(31);
        assert_eq!(
            sessions::purge_expired(&t.db, policy, purge_at)
                .await
                .unwrap(),
            1,
            "{}: only the idle session",
            t.engine
        );
        assert!(
            sessions::resume(&t.db, &busy.token, policy, purge_at)
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            sessions::purge_expired(&t.db, policy, now + Duration::hours(8))
                .await
                .unwrap(),
            1
        );
    }
}
