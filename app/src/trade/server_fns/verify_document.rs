//! `verify_document`: the verify page's upload — a credential (VC JSON) or an e-CO PDF, sent
//! as hex text — checked like `POST /api/v1/eco/verify`. Anyone may ask; nothing is stored.

use leptos::prelude::*;

use domain::trade::views::CertificateVerification;

use crate::error::AppError;

/// The largest file the page accepts (the API's limit for a credential is 1 MiB too).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

#[server(prefix = "/sf", endpoint = "verify_document")]
pub async fn verify_document(hex: String) -> Result<CertificateVerification, AppError> {
    let too_large = || {
        AppError::BadRequest(format!(
            "the file is larger than {} KB; upload the certificate's PDF or its credential JSON",
            MAX_UPLOAD_BYTES / 1024
        ))
    };
    if hex.len() > 2 * MAX_UPLOAD_BYTES {
        return Err(too_large());
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect();
    let bytes =
        bytes.ok_or_else(|| AppError::BadRequest("the upload could not be read".to_owned()))?;
    let state = crate::session::state()?;
    let presented = if bytes.starts_with(b"%PDF-") {
        match domain::eco::pdf::extract_credential(&bytes) {
            Ok(vc) => domain::eco::verify::Presented::from_value(vc),
            Err(e) => Err(Box::new(domain::eco::VerificationReport::unreadable(
                format!("the PDF holds no readable credential: {e}"),
            ))),
        }
    } else {
        domain::eco::verify::Presented::read(&bytes)
    };
    let verification = match presented {
        Ok(p) => {
            domain::issuance::register::verify_presented(
                &state.db,
                &state.issuer,
                &state.status_lists,
                &p,
                chrono::Utc::now(),
            )
            .await?
        }
        Err(report) => domain::issuance::register::Verification {
            report: *report,
            register: None,
        },
    };
    Ok(domain::issuance::register::upload_view(&verification))
}
