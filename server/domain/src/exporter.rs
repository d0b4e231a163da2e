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

/// The issuing modes (`exporter_profile.issuing_mode`).
pub const APPROVED_EXPORTER: &str = "approved_exporter";
pub const ISSUING_BODY: &str = "issuing_body";

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
            declaration_place: m.declaration_place.unwrap_or_default(),
            issuing_mode: m.issuing_mode,
            issuing_body_name: m.issuing_body_name.unwrap_or_default(),
            issuing_body_place: m.issuing_body_place.unwrap_or_default(),
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
    let declaration_place = c.optional_text("declaration_place", &form.declaration_place, 120);
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
    let issuing_mode = match form.issuing_mode.trim() {
        "" | APPROVED_EXPORTER => APPROVED_EXPORTER,
        ISSUING_BODY => ISSUING_BODY,
        _ => {
            c.add(
                "issuing_mode",
                "invalid",
                "choose how certificates are issued: as an approved exporter or by an issuing body",
            );
            APPROVED_EXPORTER
        }
    };
    let body_required = issuing_mode == ISSUING_BODY;
    let issuing_body_name = if body_required {
        Some(c.text("issuing_body_name", &form.issuing_body_name, 200, false))
    } else {
        c.optional_text("issuing_body_name", &form.issuing_body_name, 200)
    };
    let issuing_body_place = if body_required {
        Some(c.text("issuing_body_place", &form.issuing_body_place, 120, false))
    } else {
        c.optional_text("issuing_body_place", &form.issuing_body_place, 120)
    };
    if issuing_mode == APPROVED_EXPORTER && code.is_none() && !form.issuing_mode.trim().is_empty() {
        c.add(
            "approved_exporter_code",
            "required",
            "an approved exporter signs with its authorisation code: enter it, or choose the issuing-body mode",
        );
    }
    c.finish()?;
    let txn = db.begin().await?;
    let existing = exporter_profile::Entity::find_by_id(1).one(&txn).await?;
    let previous_mode = existing.as_ref().map(|e| e.issuing_mode.clone());
    let model = exporter_profile::ActiveModel {
        id: Set(1),
        legal_name: Set(legal_name),
        address: Set(address),
        country: Set(country),
        approved_exporter_code: Set(code),
        signatory_name: Set(signatory_name),
        signatory_title: Set(signatory_title),
        contact_email: Set(contact_email),
        declaration_place: Set(declaration_place),
        issuing_mode: Set(issuing_mode.to_owned()),
        issuing_body_name: Set(issuing_body_name),
        issuing_body_place: Set(issuing_body_place),
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
            // Switching the issuing mode is named in the record.
            detail: match previous_mode.as_deref() {
                Some(from) if from != issuing_mode => {
                    serde_json::json!({ "issuing_mode": { "from": from, "to": issuing_mode } })
                }
                None => serde_json::json!({ "issuing_mode": { "to": issuing_mode } }),
                _ => serde_json::json!({}),
            },
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(load(db).await?.unwrap_or_default())
}
