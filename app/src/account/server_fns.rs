//! Server functions of the account pages: who is signed in, their account, company onboarding.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::auth::Role;
use domain::views::{CompanyForm, CompanyInfo, SessionRow};

use crate::error::AppError;

/// The signed-in person as pages see them (the CSRF token goes into their forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub csrf: String,
    /// Unread notifications (filled by `get_viewer`, for the header).
    #[serde(default)]
    pub unread_notifications: u64,
}

#[cfg(feature = "ssr")]
pub(crate) fn viewer_of(s: &domain::auth::sessions::ActiveSession) -> Viewer {
    Viewer {
        email: s.user.email.clone(),
        display_name: s.user.display_name.clone(),
        role: s.user.role,
        csrf: s.csrf_token.clone(),
        unread_notifications: 0,
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
    let Some(s) = crate::session::current().await? else {
        return Ok(None);
    };
    let mut viewer = viewer_of(&s);
    let db = crate::session::state()?.db.clone();
    viewer.unread_notifications = domain::notify::unread_count(&db, s.user.id).await?;
    Ok(Some(viewer))
}

/// The account page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountData {
    pub viewer: Viewer,
    pub company: Option<CompanyInfo>,
    /// Providers linked to the account, and whether it has a password.
    pub identities: Vec<String>,
    pub has_password: bool,
    /// Two-step sign-in: on, how many recovery codes are left, and whether the site requires
    /// it of this person (staff under `PORTFRONT_REQUIRE_STAFF_2FA=1`: it cannot be turned off).
    pub totp_enabled: bool,
    pub recovery_codes_left: u64,
    pub two_factor_required: bool,
    /// The person's live sessions, this one marked.
    pub sessions: Vec<SessionRow>,
    /// Every configured provider (to connect the ones not in `identities`).
    pub providers: Vec<ProviderLink>,
}

#[server(prefix = "/sf")]
pub async fn get_account() -> Result<AccountData, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let s = crate::session::require_signed_in().await?;
    let state = crate::session::state()?;
    let db = state.db.clone();
    let now = chrono::Utc::now();
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
    let recovery_codes_left = if s.user.totp_enabled {
        domain::auth::two_factor::recovery_codes_left(&db, s.user.id).await?
    } else {
        0
    };
    let sessions = domain::auth::sessions::list_for_user(&db, s.user.id, state.sessions, now)
        .await?
        .into_iter()
        .map(|row| SessionRow {
            current: row.session_id == s.session_id,
            id: row.session_id.to_string(),
            created_at: domain::views::time_text(row.created_at),
            last_seen_at: domain::views::time_text(row.last_seen_at),
            ip: row.ip,
            user_agent: row.user_agent,
        })
        .collect();
    Ok(AccountData {
        viewer: viewer_of(&s),
        company,
        identities,
        has_password,
        totp_enabled: s.user.totp_enabled,
        recovery_codes_left,
        two_factor_required: state.require_staff_2fa && s.user.role.is_staff(),
        sessions,
        providers: state.providers.to_vec(),
    })
}

/// What the set-up of two-step sign-in shows: the secret to type and its QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// Base32 in groups of four.
    pub secret: String,
    /// An inline SVG of the `otpauth://` address.
    pub qr_svg: String,
}

/// Starts setting up two-step sign-in: a new secret, not asked at sign-in until confirmed.
#[server(prefix = "/sf", endpoint = "act/begin_two_factor")]
pub async fn begin_two_factor(csrf: String) -> Result<TwoFactorSetup, AppError> {
    let s = crate::session::require_signed_in().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let state = crate::session::state()?;
    let enrolment =
        domain::auth::two_factor::begin(&state.db, s.user.id, &state.site_name, chrono::Utc::now())
            .await?;
    Ok(TwoFactorSetup {
        secret: enrolment.secret,
        qr_svg: enrolment.qr_svg,
    })
}

/// Confirms the set-up with a first code; returns the recovery codes (shown once).
#[server(prefix = "/sf", endpoint = "act/confirm_two_factor")]
pub async fn confirm_two_factor(csrf: String, code: String) -> Result<Vec<String>, AppError> {
    let s = crate::session::require_signed_in().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let db = crate::session::state()?.db.clone();
    let now = chrono::Utc::now();
    let codes = domain::auth::two_factor::confirm(
        &db,
        &crate::session::actor(&s),
        s.user.id,
        &code,
        crate::session::client_ip().as_deref(),
        now,
    )
    .await?;
    // A code from the app just proved who this is.
    domain::auth::sessions::confirm_identity(&db, s.session_id, now).await?;
    Ok(codes)
}

/// New recovery codes (the old ones stop working). Needs a recent proof of identity.
#[server(prefix = "/sf", endpoint = "act/renew_recovery_codes")]
pub async fn renew_recovery_codes(csrf: String) -> Result<Vec<String>, AppError> {
    let s = crate::session::require_signed_in().await?;
    crate::session::check_csrf(&s, &csrf)?;
    crate::session::require_recent_auth(&s)?;
    Ok(domain::auth::two_factor::renew_recovery_codes(
        &crate::session::state()?.db,
        &crate::session::actor(&s),
        s.user.id,
        crate::session::client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?)
}

/// Turns two-step sign-in off. Needs a recent proof of identity; refused for staff when the
/// site requires it.
#[server(prefix = "/sf", endpoint = "act/disable_two_factor")]
pub async fn disable_two_factor(csrf: String) -> Result<(), AppError> {
    let s = crate::session::require_signed_in().await?;
    crate::session::check_csrf(&s, &csrf)?;
    let state = crate::session::state()?;
    if state.require_staff_2fa && s.user.role.is_staff() {
        return Err(AppError::Forbidden.answered());
    }
    crate::session::require_recent_auth(&s)?;
    domain::auth::two_factor::disable(
        &state.db,
        &crate::session::actor(&s),
        s.user.id,
        crate::session::client_ip().as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
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
