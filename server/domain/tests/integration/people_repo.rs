//! Buyers signing in with a provider identity, company onboarding, people management, the
//! exporter profile and catalog administration, against real databases (SQLite, and
//! PostgreSQL when available). Refusals must leave nothing half-written.

use crate::common;

use chrono::Utc;
use domain::DomainError;
use domain::auth::audit::{self, Actor};
use domain::auth::people::{self, IdentityError, Matched, VerifiedIdentity};
use domain::auth::role::Role;
use domain::auth::{companies, sessions, users};
use domain::views::{CategoryForm, CompanyForm, ExporterProfile, ProductForm};
use sea_orm::{EntityTrait, PaginatorTrait};

fn identity(subject: &str, email: &str, verified: bool) -> VerifiedIdentity {
    VerifiedIdentity {
        provider: "local".into(),
        subject: subject.into(),
        email: Some(email.into()),
        email_verified: verified,
        trusted_email: true,
        name: Some("Ana Sato".into()),
    }
}

fn company() -> CompanyForm {
    CompanyForm {
        name: "Sakura Trading KK".into(),
        country: "JP".into(),
        address: "1-2-3 Marunouchi, Tokyo".into(),
        registration_id: "T1234567890123".into(),
        contact_phone: String::new(),
    }
}

#[tokio::test]
async fn identities_are_matched_by_subject_then_linked_by_verified_email() {
    for t in common::databases().await {
        let now = Utc::now();
        let (ana, how) = people::sign_in_with_identity(
            &t.db,
            &identity("sub-1", "Ana@Sakura.example", true),
            None,
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            (ana.role, how),
            (Role::Buyer, Matched::Created),
            "{}",
            t.engine
        );
        assert_eq!(ana.email, "ana@sakura.example");
        let (again, how) = people::sign_in_with_identity(
            &t.db,
            &identity("sub-1", "changed@x.example", true),
            None,
            now,
        )
        .await
        .unwrap();
        assert_eq!((again.id, how), (ana.id, Matched::Known));

        // A staff account is never linked by e-mail, however verified the address…
        let staff = users::create_staff(
            &t.db,
            "ops@harbourline.example",
            "Ops",
            Role::Staff,
            "long enough password",
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let refused = people::sign_in_with_identity(
            &t.db,
            &identity("sub-2", "ops@harbourline.example", true),
            None,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, IdentityError::LinkRefused),
            "{}: {refused}",
            t.engine
        );
        let _ = staff;
        // …a buyer's is, when a trusted provider verified both addresses…
        let (linked, how) = people::sign_in_with_identity(
            &t.db,
            &identity("sub-5", "ana@sakura.example", true),
            None,
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            (linked.id, how),
            (ana.id, Matched::LinkedByEmail),
            "{}",
            t.engine
        );
        // …but not on the word of a provider that is not trusted for e-mail…
        let untrusted = VerifiedIdentity {
            trusted_email: false,
            ..identity("sub-6", "ana@sakura.example", true)
        };
        assert!(matches!(
            people::sign_in_with_identity(&t.db, &untrusted, None, now).await,
            Err(IdentityError::UnverifiedEmail)
        ));
        // …and an account made from an unverified address never becomes linkable by it.
        let (bo, how) = people::sign_in_with_identity(
            &t.db,
            &identity("sub-7", "bo@sakura.example", false),
            None,
            now,
        )
        .await
        .unwrap();
        assert_eq!(how, Matched::Created);
        let later = people::sign_in_with_identity(
            &t.db,
            &identity("sub-8", "bo@sakura.example", true),
            None,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(later, IdentityError::LinkRefused),
            "{}: {later}",
            t.engine
        );
        let _ = bo;
        // An unverified address never takes over an account.
        let err = people::sign_in_with_identity(
            &t.db,
            &identity("sub-3", "ana@sakura.example", false),
            None,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, IdentityError::UnverifiedEmail),
            "{}",
            t.engine
        );
        let no_email = VerifiedIdentity {
            email: None,
            ..identity("sub-4", "", true)
        };
        assert!(matches!(
            people::sign_in_with_identity(&t.db, &no_email, None, now).await,
            Err(IdentityError::NoEmail)
        ));
        assert_eq!(
            users::count(&t.db).await.unwrap(),
            3,
            "refusals created nobody (ana, the staff member, bo)"
        );
        assert_eq!(
            domain::entities::user_identity::Entity::find()
                .count(&t.db)
                .await
                .unwrap(),
            3,
            "ana's two identities and bo's"
        );
        let links = audit::page(&t.db, "identity.link", 1, 50).await.unwrap();
        assert_eq!(links.1, 1, "{}: the one link is audited", t.engine);
    }
}

#[tokio::test]
async fn onboarding_creates_one_company_and_refusals_write_nothing() {
    for t in common::databases().await {
        let now = Utc::now();
        let (ana, _) = people::sign_in_with_identity(
            &t.db,
            &identity("sub-1", "ana@sakura.example", true),
            None,
            now,
        )
        .await
        .unwrap();
        let bad = CompanyForm {
            country: "US".into(),
            ..company()
        };
        assert!(matches!(
            companies::onboard(&t.db, ana.id, &bad, None, now).await,
            Err(DomainError::Fields(_))
        ));
        assert!(
            companies::company_of(&t.db, ana.id)
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.engine
        );
        let c = companies::onboard(&t.db, ana.id, &company(), Some("192.0.2.7"), now)
            .await
            .unwrap();
        assert_eq!((c.name.as_str(), c.members), ("Sakura Trading KK", 1));
        assert_eq!(
            users::find(&t.db, ana.id).await.unwrap().unwrap().role,
            Role::BuyerAdmin
        );
        assert!(matches!(
            companies::onboard(&t.db, ana.id, &company(), None, now).await,
            Err(DomainError::Conflict(_))
        ));
        let (list, total) = companies::list(&t.db, "sakura", 1, 20).await.unwrap();
        assert_eq!((list.len(), total), (1, 1));
        assert_eq!(
            companies::list(&t.db, "nothing-like-it", 1, 20)
                .await
                .unwrap()
                .1,
            0
        );
        let events = audit::recent(&t.db, 10).await.unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.action == "company.create" && e.ip.as_deref() == Some("192.0.2.7"))
        );
    }
}

#[tokio::test]
async fn admins_change_roles_disable_people_and_end_sessions() {
    for t in common::databases().await {
        let now = Utc::now();
        let admin = users::create_staff(
            &t.db,
            "admin@harbourline.example",
            "Admin",
            Role::Admin,
            "long enough password",
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let staff = users::create_staff(
            &t.db,
            "staff@harbourline.example",
            "Staff",
            Role::Staff,
            "long enough password",
            &Actor::Cli,
            now,
        )
        .await
        .unwrap();
        let (buyer, _) = people::sign_in_with_identity(
            &t.db,
            &identity("sub-1", "ana@sakura.example", true),
            None,
            now,
        )
        .await
        .unwrap();
        let s = sessions::start(&t.db, buyer.id, None, None, None, Default::default(), now)
            .await
            .unwrap();

        // Staff may not manage people; nobody changes their own account.
        assert!(
            people::set_role(&t.db, &staff, buyer.id, Role::BuyerAdmin, None, now)
                .await
                .is_err()
        );
        assert!(
            people::set_disabled(&t.db, &admin, admin.id, true, None, now)
                .await
                .is_err()
        );

        let updated = people::set_role(&t.db, &admin, buyer.id, Role::BuyerAdmin, None, now)
            .await
            .unwrap();
        assert_eq!(updated.role, Role::BuyerAdmin, "{}", t.engine);
        assert!(
            sessions::resume(&t.db, &s.token, Default::default(), now)
                .await
                .unwrap()
                .is_none(),
            "a role change ends the person's sessions"
        );
        let s = sessions::start(&t.db, buyer.id, None, None, None, Default::default(), now)
            .await
            .unwrap();
        let disabled = people::set_disabled(&t.db, &admin, buyer.id, true, None, now)
            .await
            .unwrap();
        assert!(disabled.disabled);
        assert!(
            sessions::resume(&t.db, &s.token, Default::default(), now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            people::sign_in_with_identity(
                &t.db,
                &identity("sub-1", "ana@sakura.example", true),
                None,
                now
            )
            .await,
            Err(IdentityError::Disabled)
        ));
        people::set_disabled(&t.db, &admin, buyer.id, false, None, now)
            .await
            .unwrap();
        sessions::start(&t.db, buyer.id, None, None, None, Default::default(), now)
            .await
            .unwrap();
        assert_eq!(
            people::end_sessions(&t.db, &admin, buyer.id, None, now)
                .await
                .unwrap(),
            1
        );

        // A company member cannot become staff.
        companies::onboard(&t.db, buyer.id, &company(), None, now)
            .await
            .unwrap();
        assert!(matches!(
            people::set_role(&t.db, &admin, buyer.id, Role::Staff, None, now).await,
            Err(DomainError::Conflict(_))
        ));

        let (rows, total) = people::list(&t.db, "sakura", 1, 20, now).await.unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        assert_eq!(rows[0].company.as_deref(), Some("Sakura Trading KK"));
        assert_eq!(rows[0].identities, ["local"]);
        let actions: Vec<String> = audit::page(&t.db, "user.", 1, 50)
            .await
            .unwrap()
            .0
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "user.role",
            "user.disable",
            "user.enable",
            "user.sessions_end",
        ] {
            assert!(
                actions.iter().any(|x| x == a),
                "{}: {a} in {actions:?}",
                t.engine
            );
        }
    }
}

#[tokio::test]
async fn the_exporter_profile_is_checked_and_saved() {
    for t in common::databases().await {
        let now = Utc::now();
        assert!(domain::exporter::load(&t.db).await.unwrap().is_none());
        let mut p = ExporterProfile {
            legal_name: "Harbourline Industrial Co., Ltd.".into(),
            address: "88 Nguyen Hue, District 1, Ho Chi Minh City".into(),
            country: "vn".into(),
            approved_exporter_code: "VN-AE-0042".into(),
            signatory_name: "Tran Thi Lan".into(),
            signatory_title: "Export Manager".into(),
            contact_email: "Exports@Harbourline.example".into(),
            ..Default::default()
        };
        let saved = domain::exporter::save(&t.db, &p, &Actor::Cli, None, now)
            .await
            .unwrap();
        assert_eq!(
            (saved.country.as_str(), saved.contact_email.as_str()),
            ("VN", "exports@harbourline.example"),
            "{}",
            t.engine
        );
        p.signatory_name = " ".into();
        p.country = "FR".into();
        let Err(DomainError::Fields(errors)) =
            domain::exporter::save(&t.db, &p, &Actor::Cli, None, now).await
        else {
            panic!("expected field errors");
        };
        assert_eq!(errors.len(), 2);
        assert_eq!(
            domain::exporter::load(&t.db)
                .await
                .unwrap()
                .unwrap()
                .signatory_name,
            "Tran Thi Lan"
        );
        assert_eq!(saved.issuing_mode, "approved_exporter", "{}", t.engine);
        // The issuing-body mode needs the body's name and place; the switch is audited.
        p.signatory_name = "Tran Thi Lan".into();
        p.country = "VN".into();
        p.issuing_mode = "issuing_body".into();
        let Err(DomainError::Fields(errors)) =
            domain::exporter::save(&t.db, &p, &Actor::Cli, None, now).await
        else {
            panic!("expected field errors");
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["issuing_body_name", "issuing_body_place"]);
        p.issuing_body_name = "VCCI Ho Chi Minh City".into();
        p.issuing_body_place = "Ho Chi Minh City".into();
        let saved = domain::exporter::save(&t.db, &p, &Actor::Cli, None, now)
            .await
            .unwrap();
        assert_eq!(saved.issuing_mode, "issuing_body");
        let audit = domain::entities::audit_event::Entity::find()
            .all(&t.db)
            .await
            .unwrap();
        assert!(
            audit
                .iter()
                .any(|a| a.detail.contains(r#""from":"approved_exporter""#)
                    && a.detail.contains(r#""to":"issuing_body""#)),
            "{}: the switch is in the audit log",
            t.engine
        );
        p.issuing_mode = "by_fax".into();
        assert!(
            domain::exporter::save(&t.db, &p, &Actor::Cli, None, now)
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn products_and_categories_are_administered_with_validation() {
    use domain::catalog::admin;
    for t in common::databases().await {
        let now = Utc::now();
        let actor = Actor::Cli;
        let cat = admin::save_category(
            &t.db,
            None,
            &CategoryForm {
                slug: "garden".into(),
                position: "5".into(),
                locale: "en".into(),
                name: "Garden".into(),
                description: String::new(),
            },
            &actor,
            None,
            now,
        )
        .await
        .unwrap();
        let form = ProductForm {
            sku: "PF-GD-0001".into(),
            slug: "teak-bench".into(),
            category_id: cat.to_string(),
            locale: "en".into(),
            name: "Teak bench".into(),
            summary: "A teak bench.".into(),
            description: "Solid teak.".into(),
            unit: "PCE".into(),
            moq: "50".into(),
            order_increment: "10".into(),
            currency: "USD".into(),
            price_on_request: false,
            price_tiers: "50 = 120.00\n200 = 110.00".into(),
            lead_time_min_days: "30".into(),
            lead_time_max_days: "45".into(),
            incoterms: "FOB CIF".into(),
            port_of_loading: "VNSGN".into(),
            hs_code: "940169".into(),
            country_of_origin: "VN".into(),
            origin_criterion: "CTC".into(),
            rvc_percent: String::new(),
            tariff_shift: String::new(),
            featured: false,
            published: true,
            ..Default::default()
        };
        let (id, slug) = admin::save_product(&t.db, None, &form, &actor, None, now)
            .await
            .unwrap();
        assert_eq!(slug, "teak-bench");
        let detail = domain::catalog::repo::product_by_slug(&t.db, "en", "teak-bench")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.name, "Teak bench", "{}", t.engine);

        // A Japanese text is added without touching the English one.
        let ja = ProductForm {
            locale: "ja".into(),
            name: "チーク材ベンチ".into(),
            ..form.clone()
        };
        admin::save_product(&t.db, Some(id), &ja, &actor, None, now)
            .await
            .unwrap();
        assert_eq!(
            admin::product_form(&t.db, id, "en").await.unwrap().name,
            "Teak bench"
        );
        assert_eq!(
            admin::product_form(&t.db, id, "ja").await.unwrap().name,
            "チーク材ベンチ"
        );

        // Search ignores case for every letter, not only ASCII, on both engines.
        let vi = ProductForm {
            locale: "vi".into(),
            name: "GHẾ BĂNG GỖ TẾCH ĐÀ LẠT".into(),
            summary: "Ghế băng ngoài trời".into(),
            description: "Gỗ tếch ÉPÉE".into(),
            ..form.clone()
        };
        admin::save_product(&t.db, Some(id), &vi, &actor, None, now)
            .await
            .unwrap();
        for typed in ["đà lạt", "ĐÀ LẠT", "Đà Lạt", "ghế băng gỗ", "épée", "ÉPÉE"]
        {
            let params = domain::catalog::model::ListingParams {
                q: Some(typed.into()),
                ..Default::default()
            };
            let found = domain::catalog::repo::search_products(
                &t.db,
                "vi",
                &domain::catalog::model::ProductFilter::parse(&params).unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(
                found
                    .items
                    .iter()
                    .map(|c| c.slug.as_str())
                    .collect::<Vec<_>>(),
                ["teak-bench"],
                "{}: {typed:?}",
                t.engine
            );
        }
        let (rows, _) = admin::list_products(&t.db, "đà lạt", 1, 20).await.unwrap();
        assert_eq!(rows.len(), 1, "{}: the admin list finds it too", t.engine);

        // Duplicates and bad fields are refused and leave the product as it was.
        let dup = ProductForm {
            slug: "other-bench".into(),
            ..form.clone()
        };
        let Err(DomainError::Fields(errors)) =
            admin::save_product(&t.db, None, &dup, &actor, None, now).await
        else {
            panic!("expected the SKU clash");
        };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("sku", "taken")
        );
        let broken = ProductForm {
            price_tiers: "lots".into(),
            ..form.clone()
        };
        assert!(
            admin::save_product(&t.db, Some(id), &broken, &actor, None, now)
                .await
                .is_err()
        );
        assert!(
            admin::product_form(&t.db, id, "en")
                .await
                .unwrap()
                .price_tiers
                .contains("200 = 110")
        );

        let (rows, total) = admin::list_products(&t.db, "teak", 1, 20).await.unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        assert!(matches!(
            admin::delete_category(&t.db, cat, &actor, None, now).await,
            Err(DomainError::Conflict(_))
        ));
        admin::delete_product(&t.db, id, &actor, None, now)
            .await
            .unwrap();
        admin::delete_category(&t.db, cat, &actor, None, now)
            .await
            .unwrap();
        assert!(admin::list_categories(&t.db).await.unwrap().is_empty());
        let actions: Vec<String> = audit::recent(&t.db, 20)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "category.create",
            "product.create",
            "product.update",
            "product.delete",
            "category.delete",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a}");
        }
    }
}
