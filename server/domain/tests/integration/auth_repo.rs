//! API clients against real databases (SQLite, and PostgreSQL when available): create, list,
//! authenticate, revoke — and nothing stored that could replay a secret.

use crate::common;

use domain::DomainError;
use domain::auth::Scope;
use domain::auth::api_clients::{self, ClientAuthError};

#[tokio::test]
async fn clients_authenticate_until_revoked() {
    for t in common::databases().await {
        let now = chrono::Utc::now();
        let created =
            api_clients::create(&t.db, "Forwarder portal", "shipments:read eco:read", now)
                .await
                .unwrap();
        let id = created.info.client_id.clone();
        assert!(
            created.info.scopes.contains(Scope::ShipmentsRead),
            "{}",
            t.engine
        );
        assert!(created.info.last_used_at.is_none());

        let ok = api_clients::authenticate(&t.db, &id, &created.client_secret, now)
            .await
            .unwrap();
        assert_eq!(ok.client_id, id, "{}", t.engine);
        assert!(ok.last_used_at.is_some(), "use is recorded");
        assert_eq!(
            api_clients::current_scopes(&t.db, &id).await.unwrap(),
            Some(created.info.scopes.clone()),
            "{}: an active client holds its scopes",
            t.engine
        );

        assert!(matches!(
            api_clients::authenticate(&t.db, &id, "pfs_wrong", now).await,
            Err(ClientAuthError::BadCredentials)
        ));
        assert!(matches!(
            api_clients::authenticate(&t.db, "pfc_unknown", &created.client_secret, now).await,
            Err(ClientAuthError::BadCredentials)
        ));

        let revoked = api_clients::revoke(&t.db, &id, now).await.unwrap();
        assert!(!revoked.is_active());
        let again = api_clients::revoke(&t.db, &id, now + chrono::Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            again.revoked_at, revoked.revoked_at,
            "the first revocation time stays"
        );
        assert_eq!(
            api_clients::current_scopes(&t.db, &id).await.unwrap(),
            None,
            "a revoked client holds nothing"
        );
        assert!(matches!(
            api_clients::authenticate(&t.db, &id, &created.client_secret, now).await,
            Err(ClientAuthError::Revoked)
        ));
        assert!(matches!(
            api_clients::revoke(&t.db, "pfc_unknown", now).await,
            Err(DomainError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn bad_names_and_scopes_are_refused_and_nothing_is_written() {
    for t in common::databases().await {
        let now = chrono::Utc::now();
        for (name, scopes, field) in [
            ("", "catalog:read", "name"),
            (&*"n".repeat(81), "catalog:read", "name"),
            ("ok", "", "scopes"),
            ("ok", "catalog:read catalog:write", "scopes"),
        ] {
            match api_clients::create(&t.db, name, scopes, now).await {
                Err(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field, "{}", t.engine),
                other => panic!("{}: expected a refusal, got {other:?}", t.engine),
            }
        }
        assert!(
            api_clients::list(&t.db).await.unwrap().is_empty(),
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn the_list_is_newest_first_and_never_holds_the_secret() {
    for t in common::databases().await {
        let t0 = chrono::Utc::now();
        let a = api_clients::create(&t.db, "First", "catalog:read", t0)
            .await
            .unwrap();
        let b = api_clients::create(
            &t.db,
            "Second",
            "orders:read",
            t0 + chrono::Duration::seconds(5),
        )
        .await
        .unwrap();
        let list = api_clients::list(&t.db).await.unwrap();
        let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Second", "First"], "{}", t.engine);
        let json = serde_json::to_string(&list).unwrap();
        assert!(!json.contains(a.client_secret.as_str()));
        assert!(!json.contains(b.client_secret.as_str()));
        let found = api_clients::find(&t.db, &b.info.client_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.scopes.to_string(), "orders:read");
    }
}
