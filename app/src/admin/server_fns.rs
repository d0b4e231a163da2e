//! Server functions of the admin panel. Reads need a staff session; people, API clients and
//! settings need an admin; every write also checks the session's CSRF token and is written
//! with its audit record in one transaction (`domain`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::views::{
    ApiClientRow, AuditRecord, CategoryForm, CategoryRow, CompanyInfo, Counts, ExporterProfile,
    Paged, ProductForm, ProductRow, UserRow,
};

use crate::account::server_fns::Viewer;
use crate::error::AppError;

/// Rows per page in admin lists.
pub const PER_PAGE: u64 = 20;

#[cfg(feature = "ssr")]
use crate::session::{actor, check_csrf, client_ip, require_admin, require_staff, state};

#[cfg(feature = "ssr")]
fn page_number(page: u64) -> u64 {
    page.clamp(1, 100_000)
}

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// The panel's frame: who is signed in (staff only).
#[server(prefix = "/sf")]
pub async fn admin_viewer() -> Result<Viewer, AppError> {
    Ok(crate::account::server_fns::viewer_of(
        &require_staff().await?,
    ))
}

/// The dashboard: live counts and the latest audit events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub counts: Counts,
    pub recent: Vec<AuditRecord>,
}

#[server(prefix = "/sf")]
pub async fn admin_dashboard() -> Result<Dashboard, AppError> {
    require_staff().await?;
    let db = state()?.db.clone();
    Ok(Dashboard {
        counts: domain::dashboard::counts(&db, chrono::Utc::now()).await?,
        recent: domain::auth::audit::recent(&db, 10).await?,
    })
}

#[server(prefix = "/sf")]
pub async fn admin_users(q: String, page: u64) -> Result<Paged<UserRow>, AppError> {
    require_admin().await?;
    let page = page_number(page);
    let (items, total) =
        domain::auth::people::list(&state()?.db, &q, page, PER_PAGE, chrono::Utc::now()).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[server(prefix = "/sf", endpoint = "act/admin_set_role")]
pub async fn admin_set_role(csrf: String, user_id: String, role: String) -> Result<(), AppError> {
    let s = require_admin().await?;
    check_csrf(&s, &csrf)?;
    crate::session::require_recent_auth(&s)?;
    let role = domain::auth::Role::parse(&role)
        .ok_or_else(|| AppError::BadRequest(format!("unknown role {role:?}")))?;
    domain::auth::people::set_role(
        &state()?.db,
        &s.user,
        parse_id(&user_id)?,
        role,
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

#[server(prefix = "/sf", endpoint = "act/admin_set_disabled")]
pub async fn admin_set_disabled(
    csrf: String,
    user_id: String,
    disabled: bool,
) -> Result<(), AppError> {
    let s = require_admin().await?;
    check_csrf(&s, &csrf)?;
    domain::auth::people::set_disabled(
        &state()?.db,
        &s.user,
        parse_id(&user_id)?,
        disabled,
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

#[server(prefix = "/sf", endpoint = "act/admin_end_sessions")]
pub async fn admin_end_sessions(csrf: String, user_id: String) -> Result<u64, AppError> {
    let s = require_admin().await?;
    check_csrf(&s, &csrf)?;
    Ok(domain::auth::people::end_sessions(
        &state()?.db,
        &s.user,
        parse_id(&user_id)?,
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?)
}

#[server(prefix = "/sf")]
pub async fn admin_companies(q: String, page: u64) -> Result<Paged<CompanyInfo>, AppError> {
    require_staff().await?;
    let page = page_number(page);
    let (items, total) = domain::auth::companies::list(&state()?.db, &q, page, PER_PAGE).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[server(prefix = "/sf")]
pub async fn admin_audit(q: String, page: u64) -> Result<Paged<AuditRecord>, AppError> {
    require_staff().await?;
    let page = page_number(page);
    let (items, total) = domain::auth::audit::page(&state()?.db, &q, page, PER_PAGE).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

#[cfg(feature = "ssr")]
fn client_row(c: domain::auth::api_clients::ApiClientInfo) -> ApiClientRow {
    use domain::views::time_text;
    ApiClientRow {
        scopes: c.scopes.to_string(),
        created_at: time_text(c.created_at),
        revoked_at: c.revoked_at.map(time_text),
        last_used_at: c.last_used_at.map(time_text),
        client_id: c.client_id,
        name: c.name,
    }
}

#[server(prefix = "/sf")]
pub async fn admin_api_clients() -> Result<Vec<ApiClientRow>, AppError> {
    require_admin().await?;
    Ok(domain::auth::api_clients::list(&state()?.db)
        .await?
        .into_iter()
        .map(client_row)
        .collect())
}

/// A new client and its secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiClient {
    pub client: ApiClientRow,
    pub client_secret: String,
}

#[server(prefix = "/sf", endpoint = "act/admin_create_api_client")]
pub async fn admin_create_api_client(
    csrf: String,
    name: String,
    #[server(default)] scopes: Vec<String>,
) -> Result<NewApiClient, AppError> {
    use sea_orm::TransactionTrait;
    let s = require_admin().await?;
    check_csrf(&s, &csrf)?;
    crate::session::require_recent_auth(&s)?;
    let mut c = domain::form::FormCheck::new();
    if let Err(e) = domain::auth::api_clients::validate_name(&name) {
        c.add("name", "invalid", e.to_string());
    }
    if scopes.is_empty() {
        c.add("scopes", "required", "tick at least one scope");
    }
    c.finish()?;
    let db = state()?.db.clone();
    let now = chrono::Utc::now();
    let txn = db.begin().await.map_err(domain::DomainError::from)?;
    let created = domain::auth::api_clients::create(&txn, &name, &scopes.join(" "), now).await?;
    domain::auth::audit::record(
        &txn,
        domain::auth::audit::AuditEntry {
            actor: &actor(&s),
            action: "api_client.create",
            target: &created.info.client_id,
            ip: client_ip().as_deref(),
            detail: serde_json::json!({ "name": created.info.name, "scopes": created.info.scopes.to_string() }),
        },
        now,
    )
    .await?;
    txn.commit().await.map_err(domain::DomainError::from)?;
    Ok(NewApiClient {
        client_secret: created.client_secret.to_string(),
        client: client_row(created.info),
    })
}

#[server(prefix = "/sf", endpoint = "act/admin_revoke_api_client")]
pub async fn admin_revoke_api_client(csrf: String, client_id: String) -> Result<(), AppError> {
    use sea_orm::TransactionTrait;
    let s = require_admin().await?;
    check_csrf(&s, &csrf)?;
    let db = state()?.db.clone();
    let now = chrono::Utc::now();
    let txn = db.begin().await.map_err(domain::DomainError::from)?;
    domain::auth::api_clients::revoke(&txn, &client_id, now).await?;
    domain::auth::audit::record(
        &txn,
        domain::auth::audit::AuditEntry {
            actor: &actor(&s),
            action: "api_client.revoke",
            target: &client_id,
            ip: client_ip().as_deref(),
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    txn.commit().await.map_err(domain::DomainError::from)?;
    Ok(())
}

#[server(prefix = "/sf")]
pub async fn admin_exporter_profile() -> Result<ExporterProfile, AppError> {
    require_admin().await?;
    Ok(domain::exporter::load(&state()?.db)
        .await?
        .unwrap_or_default())
}

#[server(prefix = "/sf", endpoint = "act/admin_save_exporter_profile")]
pub async fn admin_save_exporter_profile(
    csrf: String,
    form: ExporterProfile,
) -> Result<ExporterProfile, AppError> {
    let s = require_admin().await?;
    check_csrf(&s, &csrf)?;
    Ok(domain::exporter::save(
        &state()?.db,
        &form,
        &actor(&s),
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?)
}

#[server(prefix = "/sf")]
pub async fn admin_products(q: String, page: u64) -> Result<Paged<ProductRow>, AppError> {
    require_staff().await?;
    let page = page_number(page);
    let (items, total) =
        domain::catalog::admin::list_products(&state()?.db, &q, page, PER_PAGE).await?;
    Ok(Paged {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The product editor's data: the form (blank for a new product) and the categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub form: ProductForm,
    pub categories: Vec<CategoryRow>,
}

#[server(prefix = "/sf")]
pub async fn admin_product(id: String, locale: String) -> Result<ProductEditor, AppError> {
    require_staff().await?;
    let db = state()?.db.clone();
    let categories = domain::catalog::admin::list_categories(&db).await?;
    let form = if id == "new" {
        ProductForm {
            locale: "en".into(),
            currency: "USD".into(),
            unit: "PCE".into(),
            moq: "1".into(),
            order_increment: "1".into(),
            incoterms: "FOB".into(),
            ..ProductForm::default()
        }
    } else {
        domain::catalog::admin::product_form(&db, parse_id(&id)?, &locale).await?
    };
    Ok(ProductEditor { form, categories })
}

#[server(prefix = "/sf", endpoint = "act/admin_save_product")]
pub async fn admin_save_product(
    csrf: String,
    id: String,
    form: ProductForm,
) -> Result<String, AppError> {
    let s = require_staff().await?;
    check_csrf(&s, &csrf)?;
    let st = state()?;
    let id = if id == "new" {
        None
    } else {
        Some(parse_id(&id)?)
    };
    let (saved, _slug) = domain::catalog::admin::save_product(
        &st.db,
        id,
        &form,
        &actor(&s),
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    st.catalog_changed();
    Ok(saved.to_string())
}

#[server(prefix = "/sf", endpoint = "act/admin_delete_product")]
pub async fn admin_delete_product(csrf: String, id: String) -> Result<(), AppError> {
    let s = require_staff().await?;
    check_csrf(&s, &csrf)?;
    let st = state()?;
    domain::catalog::admin::delete_product(
        &st.db,
        parse_id(&id)?,
        &actor(&s),
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    st.catalog_changed();
    Ok(())
}

#[server(prefix = "/sf")]
pub async fn admin_categories() -> Result<Vec<CategoryRow>, AppError> {
    require_staff().await?;
    Ok(domain::catalog::admin::list_categories(&state()?.db).await?)
}

#[server(prefix = "/sf")]
pub async fn admin_category(id: String, locale: String) -> Result<CategoryForm, AppError> {
    require_staff().await?;
    if id == "new" {
        return Ok(CategoryForm {
            locale: "en".into(),
            position: "10".into(),
            ..CategoryForm::default()
        });
    }
    Ok(domain::catalog::admin::category_form(&state()?.db, parse_id(&id)?, &locale).await?)
}

#[server(prefix = "/sf", endpoint = "act/admin_save_category")]
pub async fn admin_save_category(
    csrf: String,
    id: String,
    form: CategoryForm,
) -> Result<String, AppError> {
    let s = require_staff().await?;
    check_csrf(&s, &csrf)?;
    let st = state()?;
    let id = if id == "new" {
        None
    } else {
        Some(parse_id(&id)?)
    };
    let saved = domain::catalog::admin::save_category(
        &st.db,
        id,
        &form,
        &actor(&s),
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    st.catalog_changed();
    Ok(saved.to_string())
}

#[server(prefix = "/sf", endpoint = "act/admin_delete_category")]
pub async fn admin_delete_category(csrf: String, id: String) -> Result<(), AppError> {
    let s = require_staff().await?;
    check_csrf(&s, &csrf)?;
    let st = state()?;
    domain::catalog::admin::delete_category(
        &st.db,
        parse_id(&id)?,
        &actor(&s),
        client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    st.catalog_changed();
    Ok(())
}
