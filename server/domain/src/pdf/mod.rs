//! What every PDF the site writes shares: the font chain (Latin compiled in, CJK and Thai from
//! the machine, chosen per character) and a pen that measures, wraps and draws text and boxes
//! on a `krilla` surface. The e-CO (`eco::pdf`) and the quote (`trade::quote_pdf`) are drawn
//! with it.

pub mod fonts;
pub(crate) mod pen;

use chrono::{DateTime, Datelike, Timelike, Utc};
use thiserror::Error;

pub use fonts::{FontReport, FontSet, HanStyle, Weight};
pub(crate) use pen::Pen;

/// Why a PDF could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PdfError {
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("the verification URL is too long for a QR code")]
    QrCode,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

impl From<PdfError> for crate::DomainError {
    fn from(e: PdfError) -> Self {
        crate::DomainError::invalid("PDF", e.to_string())
    }
}

/// A4 portrait, in points.
pub const A4_W: f32 = 595.28;
pub const A4_H: f32 = 841.89;

/// A UTC time as the PDF's metadata writes it.
pub(crate) fn pdf_date(t: DateTime<Utc>) -> krilla::metadata::DateTime {
    krilla::metadata::DateTime::new(u16::try_from(t.year()).unwrap_or(2026))
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// A new A4 page.
pub(crate) fn a4() -> Result<krilla::page::PageSettings, PdfError> {
    krilla::page::PageSettings::from_wh(A4_W, A4_H).ok_or(PdfError::Font)
}

/// The fonts a PDF written here embeds, by PostScript name without the subset tag
/// (`/BaseFont /ABCDEF+NotoSansCJKjp-Regular` → `NotoSansCJKjp-Regular`), sorted, each once:
/// how checks tell which scripts a document was drawn with.
pub fn embedded_fonts(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut names: Vec<String> = text
        .split("/BaseFont")
        .skip(1)
        .filter_map(|rest| {
            rest.trim_start()
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .next()
        })
        .map(|n| n.split('+').next_back().unwrap_or(n).to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}
