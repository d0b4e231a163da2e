//! `verify_certificate`: the public verify page's three checks of a certificate this site
//! issued, with what the certificate says (no prices). Anyone may ask; nothing is stored.

use leptos::prelude::*;

use domain::trade::views::CertificateVerification;

use crate::error::AppError;

#[server(prefix = "/sf")]
pub async fn verify_certificate(number: String) -> Result<CertificateVerification, AppError> {
    let number = number.trim();
    if number.is_empty()
        || number.len() > 64
        || !number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/.".contains(&b))
    {
        return Err(AppError::NotFound);
    }
    let state = crate::session::state()?;
    let found = domain::issuance::register::verify_number(
        &state.db,
        &state.issuer,
        &state.status_lists,
        number,
        chrono::Utc::now(),
    )
    .await?;
    let Some((cert, v)) = found else {
        return Err(AppError::NotFound);
    };
    let mut view = domain::issuance::register::public_view(&cert, &v);
    if let Some(id) = cert.replaces_id {
        view.replaces = domain::issuance::register::number_of(&state.db, id).await?;
    }
    Ok(view)
}
