//! Words for trade codes in the buyer's language: countries, units, origin criteria, and the
//! messages for rejected filters and quantities.

use domain::catalog::model::{FilterError, MAX_PAGE, MAX_SEARCH_CHARS};
use domain::catalog::pricing::QuantityError;
use domain::codes::{CountryCode, OriginCriterion, UnitCode};

use crate::i18n::{Locale, Messages, fill};

/// The country's name, or its code when the UI has no name for it.
pub fn country_name(t: &'static Messages, code: &CountryCode) -> String {
    let name = match code.as_str() {
        "AU" => t.country_au,
        "BN" => t.country_bn,
        "CN" => t.country_cn,
        "ID" => t.country_id,
        "JP" => t.country_jp,
        "KH" => t.country_kh,
        "KR" => t.country_kr,
        "LA" => t.country_la,
        "MM" => t.country_mm,
        "MY" => t.country_my,
        "NZ" => t.country_nz,
        "PH" => t.country_ph,
        "SG" => t.country_sg,
        "TH" => t.country_th,
        "VN" => t.country_vn,
        other => return other.to_owned(),
    };
    name.to_owned()
}

/// The unit's name ("pieces", "kg", …).
pub fn unit_name(t: &'static Messages, unit: UnitCode) -> &'static str {
    match unit {
        UnitCode::PCE => t.unit_pce,
        UnitCode::SET => t.unit_set,
        UnitCode::PR => t.unit_pr,
        UnitCode::KGM => t.unit_kgm,
        UnitCode::TNE => t.unit_tne,
        UnitCode::MTR => t.unit_mtr,
        UnitCode::MTK => t.unit_mtk,
        UnitCode::LTR => t.unit_ltr,
        UnitCode::CT => t.unit_ct,
        UnitCode::BG => t.unit_bg,
        UnitCode::RO => t.unit_ro,
    }
}

/// What the RCEP origin criterion means, in a sentence.
pub fn criterion_explained(t: &'static Messages, c: OriginCriterion) -> &'static str {
    match c {
        OriginCriterion::WO => t.criterion_wo,
        OriginCriterion::PE => t.criterion_pe,
        OriginCriterion::CTC => t.criterion_ctc,
        OriginCriterion::RVC => t.criterion_rvc,
        OriginCriterion::CR => t.criterion_cr,
    }
}

/// Why a listing filter was refused.
pub fn filter_error(t: &'static Messages, e: FilterError) -> String {
    match e {
        FilterError::Page => fill(t.filter_error_page, &[("max", &MAX_PAGE)]),
        FilterError::SearchTooLong => fill(
            t.filter_error_search_too_long,
            &[("max", &MAX_SEARCH_CHARS)],
        ),
        FilterError::Category => t.filter_error_category.to_owned(),
        FilterError::Origin => t.filter_error_origin.to_owned(),
        FilterError::MoqMin => t.filter_error_moq_min.to_owned(),
        FilterError::MoqMax => t.filter_error_moq_max.to_owned(),
        FilterError::MoqRange => t.filter_error_moq_range.to_owned(),
    }
}

/// Why a quantity cannot be ordered, with the quantities that can.
pub fn quantity_error(locale: Locale, unit: UnitCode, e: &QuantityError) -> String {
    let t = locale.messages();
    let n = |v: u64| locale.format_count(v);
    let unit = unit_name(t, unit);
    match *e {
        QuantityError::BelowMoq { moq } => {
            fill(t.qty_error_below_moq, &[("moq", &n(moq)), ("unit", &unit)])
        }
        QuantityError::NotAnIncrement {
            moq,
            increment,
            lower,
            upper,
        } => fill(
            t.qty_error_increment,
            &[
                ("increment", &n(increment)),
                ("moq", &n(moq)),
                ("lower", &n(lower)),
                ("upper", &n(upper)),
                ("unit", &unit),
            ],
        ),
        QuantityError::TooLarge { max } => {
            fill(t.qty_error_too_large, &[("max", &n(max)), ("unit", &unit)])
        }
    }
}
