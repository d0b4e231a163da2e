//! Buyer companies: the onboarding form a buyer fills in after their first sign-in, and the
//! lists the admin panel shows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::audit::{self, Actor, AuditEntry};
use super::role::Role;
use crate::codes::CountryCode;
use crate::entities::{company, company_member, user};
use crate::form::FormCheck;
use crate::views::{CompanyForm, CompanyInfo, time_text};
use crate::{DomainError, DomainResult};

/// A checked [`CompanyForm`].
struct ValidCompany {
    name: String,
    country: String,
    address: String,
    registration_id: String,
    contact_phone: Option<String>,
}

fn validate(form: &CompanyForm) -> DomainResult<ValidCompany> {
    let mut c = FormCheck::new();
    let name = c.text("name", &form.name, 200, false);
    if !c.has("name") && name.chars().count() < 2 {
        c.add("name", "too_short", "use at least 2 characters");
    }
    let country = form.country.trim().to_ascii_uppercase();
    if country.is_empty() {
        c.add("country", "required", "choose the company's country");
    } else if !CountryCode::parse(&country).is_ok_and(|cc| cc.is_rcep_party()) {
        c.add(
            "country",
            "not_rcep",
            "choose one of the 15 RCEP countries; we sell under the RCEP agreement only",
        );
    }
    let address = c.text("address", &form.address, 500, true);
    let registration_id = c.text("registration_id", &form.registration_id, 64, false);
    let contact_phone = c.optional_text("contact_phone", &form.contact_phone, 40);
    if let Some(phone) = &contact_phone
        && (!phone
            .chars()
            .all(|ch| ch.is_ascii_digit() || " +-().".contains(ch))
            || phone.chars().filter(char::is_ascii_digit).count() < 6)
    {
        c.add(
            "contact_phone",
            "invalid_phone",
            "enter a phone number with digits, spaces, + - ( ) only, like +81 3 1234 5678",
        );
    }
    c.finish()?;
    Ok(ValidCompany {
        name,
        country,
        address,
        registration_id,
        contact_phone,
    })
}

/// Creates the buyer's company and makes them its `buyer_admin`, in one transaction with the
/// audit record. Refuses when the user already belongs to a company or is staff.
pub async fn onboard<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: uuid::Uuid,
    form: &CompanyForm,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<CompanyInfo> {
    let v = validate(form)?;
    let txn = db.begin().await?;
    // The session's own touches write meanwhile: read under the write lock.
    crate::db::write_lock_first(&txn).await?;
    let u = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("user"))?;
    if Role::parse(&u.role).is_some_and(Role::is_staff) {
        return Err(DomainError::Conflict(
            "staff accounts do not belong to a buyer company".into(),
        ));
    }
    if company_member::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(DomainError::Conflict(
            "your account already belongs to a company".into(),
        ));
    }
    let id = uuid::Uuid::now_v7();
    let model = company::ActiveModel {
        id: Set(id),
        name: Set(v.name),
        country: Set(v.country),
        address: Set(v.address),
        registration_id: Set(v.registration_id),
        contact_phone: Set(v.contact_phone),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    company_member::ActiveModel {
        user_id: Set(user_id),
        company_id: Set(id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let email = u.email.clone();
    let mut active: user::ActiveModel = u.into();
    active.role = Set(Role::BuyerAdmin.as_str().to_owned());
    active.updated_at = Set(now);
    active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor: &Actor::User { id: user_id, email },
            action: "company.create",
            target: &model.name,
            ip,
            detail: serde_json::json!({ "company_id": id, "country": model.country }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(info(model, 1))
}

fn info(m: company::Model, members: u64) -> CompanyInfo {
    CompanyInfo {
        id: m.id.to_string(),
        name: m.name,
        country: m.country,
        address: m.address,
        registration_id: m.registration_id,
        contact_phone: m.contact_phone,
        members,
        created_at: time_text(m.created_at),
    }
}

/// The company a user belongs to, if any.
pub async fn company_of<C: ConnectionTrait>(
    db: &C,
    user_id: uuid::Uuid,
) -> DomainResult<Option<CompanyInfo>> {
    let Some(member) = company_member::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(m) = company::Entity::find_by_id(member.company_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let members = member_count(db, m.id).await?;
    Ok(Some(info(m, members)))
}

async fn member_count<C: ConnectionTrait>(db: &C, company_id: uuid::Uuid) -> DomainResult<u64> {
    Ok(company_member::Entity::find()
        .filter(company_member::Column::CompanyId.eq(company_id))
        .count(db)
        .await?)
}

/// One page of companies, newest first, optionally filtered by name or registration id.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    query: &str,
    page: u64,
    per_page: u64,
) -> DomainResult<(Vec<CompanyInfo>, u64)> {
    let mut select = company::Entity::find();
    let q = query.trim();
    if !q.is_empty() {
        let pattern = crate::db::like_pattern(q);
        select = select.filter(
            Condition::any()
                .add(crate::db::lower_like(company::Column::Name, &pattern))
                .add(crate::db::lower_like(
                    company::Column::RegistrationId,
                    &pattern,
                )),
        );
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(company::Column::CreatedAt)
        .order_by_desc(company::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let members = member_count(db, m.id).await?;
        out.push(info(m, members));
    }
    Ok((out, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CompanyForm {
        CompanyForm {
            name: "Sakura Trading KK".into(),
            country: "jp".into(),
            address: "1-2-3 Marunouchi, Chiyoda-ku, Tokyo".into(),
            registration_id: "T1234567890123".into(),
            contact_phone: "+81 3 1234 5678".into(),
        }
    }

    #[test]
    fn a_complete_form_passes() {
        let v = validate(&form()).unwrap();
        assert_eq!(v.country, "JP");
        assert_eq!(v.contact_phone.as_deref(), Some("+81 3 1234 5678"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CompanyForm {
            name: "A".into(),
            country: "US".into(),
            address: " ".into(),
            registration_id: "x".repeat(65),
            contact_phone: "call me".into(),
        };
        let Err(DomainError::Fields(errors)) = validate(&bad) else {
            panic!("expected field errors");
        };
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("name", "too_short"),
                ("country", "not_rcep"),
                ("address", "required"),
                ("registration_id", "too_long"),
                ("contact_phone", "invalid_phone"),
            ]
        );
    }
}
