//! Server functions of the account pages: who is signed in, their account, company onboarding.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::auth::Role;
use domain::views::{CompanyForm, CompanyInfo};

use crate::error::AppError;

/// The signed-in person as pages see them (the CSRF token goes into their forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub csrf: String,
}

#[cfg(feature = "ssr")]
pub(crate) fn viewer_of(s: &domain::auth::sessions::ActiveSession) -> Viewer {
    Viewer {
        email: s.user.email.clone(),
        display_name: s.user.display_name.clone(),
        role: s.user.role,
        csrf: s.csrf_token.clone(),
    }
}

/// A configured OpenID provider as the sign-in page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderLink {
    pub id: String,
    pub display_name: String,
}

/// The providers offered on the sign-in page.
#[server(prefix = "/sf")]
pub async fn get_sign_in_providers() -> Result<Vec<ProviderLink>, AppError> {
    Ok(crate::session::state()?.providers.to_vec())
}

/// The signed-in person, or `None`.
#[server(prefix = "/sf")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    Ok(crate::session::current().await?.as_ref().map(viewer_of))
}

/// The account page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountData {
    pub viewer: Viewer,
    pub company: Option<CompanyInfo>,
    /// Providers linked to the account, and whether it has a password.
    pub identities: Vec<String>,
    pub has_password: bool,
}

#[server(prefix = "/sf")]
pub async fn get_account() -> Result<AccountData, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let s = crate::session::require_signed_in().await?;
    let db = crate::session::state()?.db.clone();
    let company = domain::auth::companies::company_of(&db, s.user.id).await?;
    let identities = domain::entities::user_identity::Entity::find()
        .filter(domain::entities::user_identity::Column::UserId.eq(s.user.id))
        .all(&db)
        .await
        .map_err(domain::DomainError::from)?
        .into_iter()
        .map(|i| i.provider)
        .collect();
    let has_password = domain::entities::user::Entity::find_by_id(s.user.id)
        .one(&db)
        .await
        .map_err(domain::DomainError::from)?
        .is_some_and(|u| u.password_hash.is_some());
    Ok(AccountData {
        viewer: viewer_of(&s),
        company,
        identities,
        has_password,
    })
}

/// Creates the signed-in buyer's company; they become its administrator.
#[server(prefix = "/sf", endpoint = "act/onboard_company")]
pub async fn onboard_company(csrf: String, form: CompanyForm) -> Result<CompanyInfo, AppError> {
    let s = crate::session::require_signed_in().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    Ok(domain::auth::companies::onboard(
        &db,
        s.user.id,
        &form,
        crate::session::client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?)
}
