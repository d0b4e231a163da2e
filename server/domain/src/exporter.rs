//! The exporter's own profile (legal name, address, country, approved-exporter code,
//! signatory): edited in the admin panel, printed on certificates of origin.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionSession, TransactionTrait,
};

use crate::DomainResult;
use crate::auth::audit::{self, Actor, AuditEntry};
use crate::auth::users::normalize_email;
use crate::codes::CountryCode;
use crate::entities::exporter_profile;
use crate::form::FormCheck;
pub use crate::views::ExporterProfile;

/// The profile, or `None` until someone saves it.
pub async fn load<C: ConnectionTrait>(db: &C) -> DomainResult<Option<ExporterProfile>> {
    Ok(exporter_profile::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|m| ExporterProfile {
            legal_name: m.legal_name,
            address: m.address,
            country: m.country,
            approved_exporter_code: m.approved_exporter_code.unwrap_or_default(),
            signatory_name: m.signatory_name,
            signatory_title: m.signatory_title,
            contact_email: m.contact_email.unwrap_or_default(),
        }))
}

/// Checks and saves the profile with an audit record, in one transaction.
pub async fn save<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    form: &ExporterProfile,
    actor: &Actor,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<ExporterProfile> {
    let mut c = FormCheck::new();
    let legal_name = c.text("legal_name", &form.legal_name, 200, false);
    let address = c.text("address", &form.address, 500, true);
    let country = form.country.trim().to_ascii_uppercase();
    if country.is_empty() {
        c.add("country", "required", "choose the exporter's country");
    } else if !CountryCode::parse(&country).is_ok_and(|cc| cc.is_rcep_party()) {
        c.add(
            "country",
            "not_rcep",
            "the exporter must be in one of the 15 RCEP countries to issue RCEP certificates",
        );
    }
    let code = c.optional_text("approved_exporter_code", &form.approved_exporter_code, 64);
    if let Some(code) = &code
        && !code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "-/. ".contains(ch))
    {
        c.add(
            "approved_exporter_code",
            "invalid",
            "use letters, digits, '-', '/', '.' and spaces only, as printed on the authorisation",
        );
    }
    let signatory_name = c.text("signatory_name", &form.signatory_name, 120, false);
    let signatory_title = c.text("signatory_title", &form.signatory_title, 120, false);
    let contact_email = c.optional_text("contact_email", &form.contact_email, 254);
    let contact_email = match contact_email.map(|e| normalize_email(&e)).transpose() {
        Ok(e) => e,
        Err(_) => {
            c.add(
                "contact_email",
                "invalid_email",
                "enter an e-mail address like exports@company.com",
            );
            None
        }
    };
    c.finish()?;
    let txn = db.begin().await?;
    let existing = exporter_profile::Entity::find_by_id(1).one(&txn).await?;
    let model = exporter_profile::ActiveModel {
        id: Set(1),
        legal_name: Set(legal_name),
        address: Set(address),
        country: Set(country),
        approved_exporter_code: Set(code),
        signatory_name: Set(signatory_name),
        signatory_title: Set(signatory_title),
        contact_email: Set(contact_email),
        updated_at: Set(now),
    };
    if existing.is_some() {
        model.update(&txn).await?;
    } else {
        model.insert(&txn).await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "settings.exporter_profile",
            target: "exporter profile",
            ip,
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(load(db).await?.unwrap_or_default())
}
