//! Two-step sign-in, pending sign-ins, recent authentication and the session list against
//! real databases (SQLite, and PostgreSQL when available).

use crate::common;

use chrono::{Duration, Utc};
use domain::DomainError;
use domain::auth::audit::{self, Actor};
use domain::auth::role::Role;
use domain::auth::sessions::{self, SessionPolicy};
use domain::auth::two_factor::{self, Factor};
use domain::auth::users;

const PASSWORD: &str = "a long enough passphrase";

async fn staff(db: &sea_orm::DatabaseConnection, email: &str) -> users::UserInfo {
    users::create_staff(
        db,
        email,
        "",
        Role::Admin,
        PASSWORD,
        &Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("staff account")
}

#[tokio::test]
async fn enrolment_needs_a_right_code_and_each_code_works_once() {
    for t in common::databases().await {
        let now = Utc::now();
        let user = staff(&t.db, "ops@example.com").await;
        let actor = Actor::User {
            id: user.id,
            email: user.email.clone(),
        };
        // Nothing to verify before enrolment is confirmed.
        let setup = two_factor::begin(&t.db, user.id, "Harbourline: Industrial", now)
            .await
            .unwrap();
        assert!(
            setup.otpauth_url.starts_with("otpauth://totp/"),
            "{}",
            setup.otpauth_url
        );
        assert!(setup.otpauth_url.contains("issuer=Harbourline"));
        assert!(setup.qr_svg.starts_with("<svg"));
        let code = two_factor::code_at(&setup.secret, now).unwrap();
        assert_eq!(
            two_factor::verify(&t.db, user.id, &code, now)
                .await
                .unwrap(),
            None
        );
        assert!(
            !users::find(&t.db, user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );

        // A wrong first code changes nothing and says which field.
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        match two_factor::confirm(&t.db, &actor, user.id, &wrong, None, now).await {
            Err(DomainError::Fields(list)) => {
                assert_eq!(list[0].field, "code", "{}", t.engine);
                assert_eq!(list[0].code, "wrong_code");
            }
            other => panic!("{}: {other:?}", t.engine),
        }
        assert!(
            !users::find(&t.db, user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );

        let codes = two_factor::confirm(&t.db, &actor, user.id, &code, Some("192.0.2.1"), now)
            .await
            .unwrap();
        assert_eq!(codes.len(), two_factor::RECOVERY_CODES);
        assert!(
            users::find(&t.db, user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );
        assert_eq!(
            two_factor::recovery_codes_left(&t.db, user.id)
                .await
                .unwrap(),
            10
        );
        // Enrolment spent the confirming code's step: it does not sign in again.
        assert_eq!(
            two_factor::verify(&t.db, user.id, &code, now)
                .await
                .unwrap(),
            None
        );
        // The next step's code works once.
        let later = now + Duration::seconds(30);
        let next = two_factor::code_at(&setup.secret, later).unwrap();
        assert_eq!(
            two_factor::verify(&t.db, user.id, &next, later)
                .await
                .unwrap(),
            Some(Factor::Totp),
            "{}",
            t.engine
        );
        assert_eq!(
            two_factor::verify(&t.db, user.id, &next, later)
                .await
                .unwrap(),
            None
        );
        // A code from long ago or a malformed one is refused.
        let old = two_factor::code_at(&setup.secret, now - Duration::minutes(5)).unwrap();
        for bad in [
            old.as_str(),
            "",
            "12345",
            "not a code at all",
            "9".repeat(100).as_str(),
        ] {
            assert_eq!(
                two_factor::verify(&t.db, user.id, bad, later)
                    .await
                    .unwrap(),
                None,
                "{}: {bad:?}",
                t.engine
            );
        }
        // Recovery codes: upper case and spaces are fine, each once.
        let typed = format!(" {} ", codes[0].to_uppercase());
        assert_eq!(
            two_factor::verify(&t.db, user.id, &typed, later)
                .await
                .unwrap(),
            Some(Factor::RecoveryCode)
        );
        assert_eq!(
            two_factor::verify(&t.db, user.id, &codes[0], later)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            two_factor::recovery_codes_left(&t.db, user.id)
                .await
                .unwrap(),
            9
        );

        // Renewing replaces every code; the old ones stop working.
        let renewed = two_factor::renew_recovery_codes(&t.db, &actor, user.id, None, later)
            .await
            .unwrap();
        assert_eq!(
            two_factor::verify(&t.db, user.id, &codes[1], later)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            two_factor::verify(&t.db, user.id, &renewed[0], later)
                .await
                .unwrap(),
            Some(Factor::RecoveryCode)
        );
        // A second enrolment while it is on is refused.
        assert!(matches!(
            two_factor::begin(&t.db, user.id, "Portfront", later).await,
            Err(DomainError::Conflict(_))
        ));

        two_factor::disable(&t.db, &actor, user.id, None, later)
            .await
            .unwrap();
        assert!(
            !users::find(&t.db, user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );
        assert_eq!(
            two_factor::verify(&t.db, user.id, &renewed[1], later)
                .await
                .unwrap(),
            None
        );
        assert!(matches!(
            two_factor::disable(&t.db, &actor, user.id, None, later).await,
            Err(DomainError::Conflict(_))
        ));

        let actions: Vec<String> = audit::recent(&t.db, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for action in [
            "two_factor.enable",
            "two_factor.recovery_codes",
            "two_factor.disable",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{}: {actions:?}",
                t.engine
            );
        }
        // No audit detail holds a recovery code.
        for e in audit::recent(&t.db, 10).await.unwrap() {
            assert!(!e.detail.contains(&codes[2]), "{}", e.detail);
        }
    }
}

#[tokio::test]
async fn a_pending_sign_in_signs_nobody_in_and_wrong_codes_end_it() {
    for t in common::databases().await {
        let now = Utc::now();
        let policy = SessionPolicy::default();
        let user = staff(&t.db, "pending@example.com").await;
        let pending = sessions::start_pending(&t.db, user.id, None, Some("192.0.2.7"), None, now)
            .await
            .unwrap();
        assert_eq!(pending.expires_at, now + sessions::PENDING_FACTOR_FOR);
        // Not a session.
        assert!(
            sessions::resume(&t.db, &pending.token, policy, now)
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.engine
        );
        assert!(
            sessions::list_for_user(&t.db, user.id, policy, now)
                .await
                .unwrap()
                .is_empty()
        );
        let found = sessions::resume_pending(&t.db, &pending.token, now)
            .await
            .unwrap()
            .expect("pending sign-in");
        assert_eq!(found.user.id, user.id);
        // Expired after its few minutes.
        assert!(
            sessions::resume_pending(&t.db, &pending.token, now + Duration::minutes(6))
                .await
                .unwrap()
                .is_none()
        );

        let pending = sessions::start_pending(&t.db, user.id, None, None, None, now)
            .await
            .unwrap();
        let found = sessions::resume_pending(&t.db, &pending.token, now)
            .await
            .unwrap()
            .unwrap();
        for attempt in 1..=sessions::MAX_FACTOR_FAILURES {
            let usable = sessions::record_factor_failure(&t.db, found.session_id)
                .await
                .unwrap();
            assert_eq!(usable, attempt < sessions::MAX_FACTOR_FAILURES, "{attempt}");
        }
        assert!(
            sessions::resume_pending(&t.db, &pending.token, now)
                .await
                .unwrap()
                .is_none()
        );

        // A full session replaces the pending one (its token given as `previous`).
        let pending = sessions::start_pending(&t.db, user.id, None, None, None, now)
            .await
            .unwrap();
        let full = sessions::start(
            &t.db,
            user.id,
            Some(&pending.token),
            None,
            None,
            policy,
            now,
        )
        .await
        .unwrap();
        assert!(
            sessions::resume_pending(&t.db, &pending.token, now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::resume(&t.db, &full.token, policy, now)
                .await
                .unwrap()
                .is_some()
        );
    }
}

#[tokio::test]
async fn recent_authentication_and_the_session_list() {
    for t in common::databases().await {
        let policy = SessionPolicy::default();
        // Whole seconds: PostgreSQL keeps microseconds.
        let start = chrono::SubsecRound::trunc_subsecs(Utc::now(), 0);
        let user = staff(&t.db, "sessions@example.com").await;
        let mine = sessions::start(
            &t.db,
            user.id,
            None,
            Some("192.0.2.1"),
            Some("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"),
            policy,
            start,
        )
        .await
        .unwrap();
        let other = sessions::start(&t.db, user.id, None, Some("192.0.2.2"), None, policy, start)
            .await
            .unwrap();
        let third = sessions::start(&t.db, user.id, None, None, None, policy, start)
            .await
            .unwrap();

        let later = start + Duration::minutes(11);
        let s = sessions::resume(&t.db, &mine.token, policy, later)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.authenticated_at, start, "{}", t.engine);
        assert!(s.recently_authenticated(start + Duration::minutes(9)));
        assert!(!s.recently_authenticated(later));
        sessions::confirm_identity(&t.db, s.session_id, later)
            .await
            .unwrap();
        let s = sessions::resume(&t.db, &mine.token, policy, later)
            .await
            .unwrap()
            .unwrap();
        assert!(s.recently_authenticated(later));

        let list = sessions::list_for_user(&t.db, user.id, policy, later)
            .await
            .unwrap();
        assert_eq!(list.len(), 3, "{}", t.engine);
        assert_eq!(list[0].session_id, s.session_id, "most recently used first");

        // Someone else's session cannot be ended through one's own list.
        let stranger = staff(&t.db, "stranger@example.com").await;
        let theirs = sessions::start(&t.db, stranger.id, None, None, None, policy, start)
            .await
            .unwrap();
        let their_id = sessions::resume(&t.db, &theirs.token, policy, start)
            .await
            .unwrap()
            .unwrap()
            .session_id;
        assert!(!sessions::end_own(&t.db, user.id, their_id).await.unwrap());
        assert!(
            sessions::resume(&t.db, &theirs.token, policy, start)
                .await
                .unwrap()
                .is_some()
        );

        let other_id = list
            .iter()
            .find(|row| row.ip.as_deref() == Some("192.0.2.2"))
            .unwrap()
            .session_id;
        assert!(sessions::end_own(&t.db, user.id, other_id).await.unwrap());
        assert!(
            sessions::resume(&t.db, &other.token, policy, later)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            sessions::end_others(&t.db, user.id, s.session_id)
                .await
                .unwrap(),
            1
        );
        assert!(
            sessions::resume(&t.db, &third.token, policy, later)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::resume(&t.db, &mine.token, policy, later)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            sessions::resume(&t.db, &theirs.token, policy, start)
                .await
                .unwrap()
                .is_some()
        );
    }
}
