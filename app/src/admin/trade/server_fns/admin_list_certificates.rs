//! `admin_list_certificates`: a page of the e-CO register (by status, kind and part of a
//! certificate or order number), and the orders whose certificate is still on its way or
//! was refused.

use leptos::prelude::*;

use domain::trade::views::{OpenEcoJob, RegisterQuery, RegisterRow};
use domain::views::Paged;

use crate::error::AppError;

/// The register page's data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertificateRegister {
    pub certificates: Paged<RegisterRow>,
    /// The oldest open jobs first (at most [`OPEN_SHOWN`]).
    pub open: Vec<OpenEcoJob>,
    pub open_total: u64,
}

/// How many open jobs the register page lists.
pub const OPEN_SHOWN: u64 = 10;

#[server(prefix = "/sf")]
pub async fn admin_list_certificates(
    query: RegisterQuery,
) -> Result<CertificateRegister, AppError> {
    crate::session::require_staff().await?;
    let db = crate::session::state()?.db.clone();
    let query = RegisterQuery {
        page: crate::trade::server_fns::page_number(query.page),
        ..query
    };
    let certificates = domain::issuance::browse::list(&db, &query).await?;
    let (open, open_total) = domain::issuance::browse::open_jobs(&db, OPEN_SHOWN).await?;
    Ok(CertificateRegister {
        certificates,
        open,
        open_total,
    })
}
