//! Certificates of Origin through an issuing body: the `server sandbox-authority` process over
//! real HTTP (OAuth2 client credentials, submit, poll) — issued with the body's number and
//! its artefact bound by digest; told to fail (retried with backoff, then issued); told to
//! reject (the reasons reach the job, nothing is issued); wrong client credentials (refused,
//! nothing issued).

use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use domain::entities::{certificate, eco_job, order};
use domain::issuance::{Issuer, register};
use domain::trade::forms::ExportDataForm;
use domain::trade::order::OrderStatus;
use domain::trade::store::{self, Caller};
use domain::trade::{Party, Source};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::authority::{Authority, AuthorityConfig};

/// A running sandbox authority process; killed when dropped.
struct Sandbox {
    child: std::process::Child,
    url: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox(args: &[&str]) -> Sandbox {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("sandbox-authority")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("SANDBOX_FAIL")
        .env_remove("SANDBOX_REJECT")
        .env_remove("SANDBOX_DELAY_MS")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary starts the sandbox");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.split("listening on ").nth(1) {
                let _ = tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the sandbox says where it listens");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Sandbox { child, url }
}

fn staff() -> Caller {
    Caller {
        user_id: None,
        name: "test@portfront".into(),
        party: Party::Staff,
        company_id: None,
        source: Source::Ui,
    }
}

/// A demo database whose exporter issues through an issuing body, with the Thai order
/// cleared for export.
async fn database() -> (
    sea_orm::DatabaseConnection,
    tempfile::TempDir,
    Issuer,
    String,
) {
    let dir = tempfile::tempdir().expect("test setup");
    let url = format!("sqlite://{}/eco.db?mode=rwc", dir.path().display());
    let db = domain::db::connect(&url).await.expect("test setup");
    use migration::MigratorTrait;
    migration::Migrator::up(&db, None)
        .await
        .expect("test setup");
    let issuer = Issuer::new(
        domain::eco::keys::KeyRing::new(domain::eco::sample::demo_key()),
        "https://shop.example.com",
        domain::eco::numbering::NumberPrefix::parse("PF").expect("test setup"),
    )
    .expect("test setup");
    let now = Utc::now();
    domain::catalog::demo::seed(&db).await.expect("test setup");
    domain::trade::demo::seed(&db, now)
        .await
        .expect("test setup");
    domain::issuance::demo::seed(&db, &issuer, now)
        .await
        .expect("test setup");
    let mut profile = domain::exporter::load(&db)
        .await
        .expect("test setup")
        .expect("test setup");
    profile.issuing_mode = domain::exporter::ISSUING_BODY.into();
    profile.issuing_body_name = "SANDBOX Issuing Body (not a real authority)".into();
    profile.issuing_body_place = "Ningbo".into();
    domain::exporter::save(
        &db,
        &profile,
        &domain::auth::audit::Actor::System,
        None,
        now,
    )
    .await
    .expect("test setup");
    let o = order::Entity::find()
        .filter(order::Column::PoNumber.eq("BM-PO-3302"))
        .one(&db)
        .await
        .expect("test setup")
        .expect("test setup");
    store::save_export_data(
        &db,
        &staff(),
        &o.number,
        &ExportDataForm {
            invoice_number: "HL-INV-2026-0500".into(),
            invoice_date: now.date_naive().to_string(),
            shipment_references: "MSKU1234565".into(),
            departure_date: (now + chrono::Duration::days(3)).date_naive().to_string(),
            vessel: "Wan Hai 316".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .expect("test setup");
    store::transition_order(
        &db,
        &staff(),
        &o.number,
        OrderStatus::ReadyToShip,
        None,
        now,
    )
    .await
    .expect("test setup");
    store::export_order(&db, &staff(), &o.number, now)
        .await
        .expect("test setup");
    (db, dir, issuer, o.number)
}

fn authority(url: &str, secret: &str) -> Authority {
    Authority::from_config(Some(&AuthorityConfig {
        base_url: url.to_owned(),
        client_id: "sandbox-client".into(),
        client_secret: secret.into(),
    }))
    .expect("test setup")
}

/// Runs worker rounds (making retries due at once) until the order's certificate state is
/// one of `done`, or gives up after 15 s.
async fn until(
    db: &sea_orm::DatabaseConnection,
    issuer: &Issuer,
    authority: &Authority,
    number: &str,
    done: &[&str],
) -> domain::trade::views::OrderEco {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        server::eco_worker::round(db, issuer, authority).await;
        let eco = store::order_detail(db, &staff(), number)
            .await
            .expect("test setup")
            .eco
            .expect("test setup");
        if done.contains(&eco.state.as_str()) {
            return eco;
        }
        assert!(std::time::Instant::now() < deadline, "stuck at {eco:?}");
        eco_job::Entity::update_many()
            .col_expr(
                eco_job::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::seconds(1)),
            )
            .exec(db)
            .await
            .expect("test setup");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_certificate_of_origin_comes_from_the_sandbox_body_over_http() {
    let body = sandbox(&["--delay-ms", "300", "--fail", "1"]);
    let (db, _dir, issuer, number) = database().await;
    let authority = authority(&body.url, "sandbox-secret");
    let eco = until(&db, &issuer, &authority, &number, &["issued", "rejected"]).await;
    assert_eq!(eco.state, "issued", "{eco:?}");
    assert_eq!(eco.kind.as_deref(), Some("CertificateOfOrigin"));
    let cert_number = eco.number.unwrap();
    assert!(
        cert_number.starts_with("SBX-"),
        "the body's number: {cert_number}"
    );
    let cert = register::by_number(&db, &cert_number)
        .await
        .unwrap()
        .unwrap();
    assert!(
        cert.application_reference.starts_with("PF-CO-"),
        "{}",
        cert.application_reference
    );
    let vc: serde_json::Value = serde_json::from_str(&cert.credential).unwrap();
    assert_eq!(vc["type"][1], "RcepCertificateOfOrigin");
    assert!(
        vc["relatedResource"][0]["digestSRI"]
            .as_str()
            .unwrap()
            .starts_with("sha256-"),
        "{vc}"
    );
    assert_eq!(
        vc["credentialSubject"]["attestation"]["name"],
        "SANDBOX Issuing Body (not a real authority)"
    );
    let lists = register::StatusListCache::default();
    let (_, v) = register::verify_number(&db, &issuer, &lists, &cert_number, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert!(v.report.valid, "{:?}", v.report);
    drop(body);
}

#[tokio::test]
async fn a_rejecting_body_or_wrong_credentials_issue_nothing() {
    let body = sandbox(&["--reject"]);
    let (db, _dir, issuer, number) = database().await;
    let eco = until(
        &db,
        &issuer,
        &authority(&body.url, "sandbox-secret"),
        &number,
        &["rejected"],
    )
    .await;
    assert!(
        eco.problems.iter().any(|p| p.problem.contains("SANDBOX")),
        "{:?}",
        eco.problems
    );
    let o = order::Entity::find()
        .filter(order::Column::Number.eq(&number))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let none = certificate::Entity::find()
        .filter(certificate::Column::OrderId.eq(o.id))
        .all(&db)
        .await
        .unwrap();
    assert!(none.is_empty());

    // Retried with the wrong secret: the body refuses the client, the job says so.
    register::retry_order(&db, &number, Utc::now())
        .await
        .unwrap();
    let eco = until(
        &db,
        &issuer,
        &authority(&body.url, "not-the-secret"),
        &number,
        &["rejected"],
    )
    .await;
    assert!(
        eco.problems
            .iter()
            .any(|p| p.problem.contains("client credentials")),
        "{:?}",
        eco.problems
    );
    drop(body);
}
