//! Sample documents: a full Certificate of Origin (every optional box filled) and a Declaration
//! of Origin, with a fixed demo key. Used by the golden-file tests, the benchmarks, the PDF
//! preview and the demo dataset. Clearly fictitious parties; not for production signing.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::content::{
    Attestation, CountryOfOriginNote, DocumentKind, ExporterDeclaration, GoodsItem, HsEdition,
    HsSubheading, Invoice, OriginConferring, OriginContent, OriginContentData, OriginalProof,
    Packages, Party, Producer, Quantity, RcepParty, Rec20Unit, Reference, Text,
    ThirdPartyInvoicing, Transport, validity_end,
};
use super::keys::IssuerKey;
use super::vc::CredentialSettings;
use crate::codes::{CountryCode, Currency, UnLocode};
use crate::money::Money;

/// The seed of the demo signing key. Public knowledge: never use it outside tests and demos.
pub const DEMO_KEY_SEED: [u8; 32] = [0x5a; 32];

/// The demo key (deterministic, so signatures in golden files are stable).
pub fn demo_key() -> IssuerKey {
    IssuerKey::from_secret_bytes(&DEMO_KEY_SEED)
}

// The helpers below turn fixed, valid literals into values; they cannot fail.

#[expect(clippy::unwrap_used, reason = "fixed literals that are valid text")]
fn t(s: &str) -> Text {
    Text::parse(s).unwrap()
}

#[expect(
    clippy::unwrap_used,
    reason = "fixed literals that are valid references"
)]
fn r(s: &str) -> Reference {
    Reference::parse(s).unwrap()
}

#[expect(clippy::unwrap_used, reason = "fixed literals that are valid dates")]
fn d(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

#[expect(
    clippy::unwrap_used,
    reason = "fixed literals that are valid country codes"
)]
fn country(s: &str) -> CountryCode {
    CountryCode::parse(s).unwrap()
}

#[expect(clippy::unwrap_used, reason = "fixed literals that are RCEP parties")]
fn party_rcep(s: &str) -> RcepParty {
    RcepParty::parse(s).unwrap()
}

#[expect(
    clippy::unwrap_used,
    reason = "fixed literals that are valid UN/LOCODEs"
)]
fn locode(s: &str) -> UnLocode {
    UnLocode::parse(s).unwrap()
}

#[expect(clippy::unwrap_used, reason = "fixed literals that are valid amounts")]
fn usd(amount: &str) -> Money {
    Money::new(
        Decimal::from_str(amount).unwrap(),
        Currency::parse("USD").unwrap(),
    )
}

#[expect(
    clippy::unwrap_used,
    reason = "fixed literals: valid criteria, HS codes, units and positive quantities"
)]
fn line_values(
    basis: &str,
    hs: &str,
    unit: &str,
    qty: u32,
) -> (OriginConferring, HsSubheading, Quantity) {
    (
        OriginConferring::parse(basis).unwrap(),
        HsSubheading::parse(hs).unwrap(),
        Quantity::new(Decimal::from(qty), Rec20Unit::parse(unit).unwrap()).unwrap(),
    )
}

const PRODUCTS: [(&str, &str, &str, &str); 5] = [
    (
        "Oak dining chair, assembled, lacquered",
        "940161",
        "RVC ACU",
        "PCE",
    ),
    ("Oak dining table 180 x 90 cm", "940360", "CTC", "PCE"),
    ("Bamboo floor mats, woven", "460121", "WO", "MTK"),
    (
        "Upholstered armchair, wooden frame",
        "940161",
        "PE DMI",
        "PCE",
    ),
    (
        "Chair seat cushions, polyester filling",
        "940490",
        "RVC",
        "SET",
    ),
];

/// Goods lines cycling through five furniture products.
pub fn sample_goods(count: usize, per_item_producer: Option<&Party>) -> Vec<GoodsItem> {
    (0..count)
        .map(|i| {
            let (desc, hs, basis, unit) = PRODUCTS[i % PRODUCTS.len()];
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let (mut origin, hs_code, quantity) = line_values(basis, hs, unit, 20 + n * 5);
            let rvc = origin.basis == crate::codes::OriginCriterion::RVC;
            if i == 0 {
                origin.country_of_origin_note = Some(CountryOfOriginNote::A);
            }
            GoodsItem {
                item_number: n,
                marks: t(if i % 2 == 0 { "NOF/KOBE/1-120" } else { "N/M" }),
                packages: Some(Packages {
                    count: 10 + n * 3,
                    kind: r(if i % 3 == 0 { "CT" } else { "PK" }),
                }),
                description: t(desc),
                hs_code,
                hs_edition: HsEdition::HS2022,
                origin_criterion: origin,
                country_of_origin: party_rcep(if i % 4 == 3 { "VN" } else { "CN" }),
                quantity,
                fob_value: rvc.then(|| usd(&format!("{}.50", 1000 + n * 137))),
                invoice_number: Some(r(if i % 2 == 0 {
                    "INV-2026-0815"
                } else {
                    "INV-2026-0816"
                })),
                producer: per_item_producer.cloned().map(|mut p| {
                    if i % 2 == 1 {
                        p.name = t("Yiwu Chair Works Co., Ltd.");
                    }
                    p
                }),
            }
        })
        .collect()
}

fn exporter() -> Party {
    Party {
        name: t("Ningbo Oak Furniture Co., Ltd. (SAMPLE)"),
        address: t("88 Harbour Road, Beilun District, Ningbo, Zhejiang 315800"),
        country: country("CN"),
    }
}

fn consignee() -> Party {
    Party {
        name: t("Kobe Interiors K.K. (SAMPLE)"),
        address: t("1-2-3 Minatojima-nakamachi, Chuo-ku, Kobe, Hyogo 650-0046"),
        country: country("JP"),
    }
}

fn transport() -> Transport {
    Transport {
        departure_date: d("2026-11-22"),
        vessel: Some(t("MV PACIFIC HARMONY")),
        voyage: Some(r("0123E")),
        port_of_loading: locode("CNNGB"),
        port_of_discharge: locode("JPUKB"),
    }
}

fn invoices() -> Vec<Invoice> {
    vec![
        Invoice {
            number: r("INV-2026-0815"),
            date: d("2026-11-18"),
        },
        Invoice {
            number: r("INV-2026-0816"),
            date: d("2026-11-19"),
        },
    ]
}

/// A Certificate of Origin with every optional box used: producer per item, third-party
/// invoicing, back-to-back (of an approved exporter's declaration), issued retroactively,
/// replaces and remarks. (A certified true copy cannot replace: see [`certified_true_copy`].)
pub fn full_certificate(goods: usize) -> OriginContentData {
    let issue = d("2026-11-25");
    let original = OriginalProof {
        kind: DocumentKind::DeclarationOfOrigin,
        approved_exporter_code: Some(r("VN-AE-0815-2026")),
        number: r("VN-RCEP-2026-004711"),
        issue_date: d("2026-09-01"),
        valid_until: d("2027-09-01"),
        exporting_party: party_rcep("VN"),
    };
    let producer = Party {
        name: t("Ningbo Oak Furniture Co., Ltd. Factory 2"),
        address: t("12 Industrial Park Road, Cixi, Ningbo"),
        country: country("CN"),
    };
    OriginContentData {
        kind: DocumentKind::CertificateOfOrigin,
        number: r("PF-CO-2026-000007"),
        exporting_party: party_rcep("CN"),
        importing_party: party_rcep("JP"),
        issue_date: issue,
        valid_until: validity_end(issue, Some(&original)),
        exporter: exporter(),
        producer: Producer::PerItem,
        consignee: consignee(),
        transport: transport(),
        invoices: invoices(),
        third_party_invoicing: Some(ThirdPartyInvoicing {
            operator_name: t("Harbour Trading Pte. Ltd. (SAMPLE)"),
            operator_country: country("SG"),
        }),
        back_to_back: Some(original),
        issued_retroactively: true,
        certified_true_copy: false,
        replaces: Some(r("PF-CO-2026-000006")),
        remarks: Some(t(
            "Replaces PF-CO-2026-000006 (wrong consignee address). Goods shipped under B/L NGBKOB0123.",
        )),
        goods: sample_goods(goods, Some(&producer)),
        exporter_declaration: ExporterDeclaration {
            place: t("Ningbo"),
            date: d("2026-11-21"),
            signatory: t("Li Wei, Export Manager"),
        },
        attestation: Attestation::IssuingBody {
            name: t("SANDBOX Issuing Body (not a real authority)"),
            place: t("Ningbo"),
            date: issue,
        },
    }
}

/// An approved exporter's Declaration of Origin with `goods` lines.
pub fn declaration(goods: usize) -> OriginContentData {
    let issue = d("2026-11-20");
    OriginContentData {
        kind: DocumentKind::DeclarationOfOrigin,
        number: r("PF-DOO-2026-000042"),
        exporting_party: party_rcep("CN"),
        importing_party: party_rcep("JP"),
        issue_date: issue,
        valid_until: validity_end(issue, None),
        exporter: exporter(),
        producer: Producer::Known { party: exporter() },
        consignee: consignee(),
        transport: transport(),
        invoices: invoices(),
        third_party_invoicing: None,
        back_to_back: None,
        issued_retroactively: false,
        certified_true_copy: false,
        replaces: None,
        remarks: None,
        goods: sample_goods(goods, None),
        exporter_declaration: ExporterDeclaration {
            place: t("Ningbo"),
            date: issue,
            signatory: t("Li Wei, Export Manager"),
        },
        attestation: Attestation::ApprovedExporter {
            authorisation_code: r("CNAE-3302-0001"),
        },
    }
}

/// Checks sample content (it is valid by construction; a failure here is a bug in this file).
pub fn checked(data: OriginContentData) -> Result<OriginContent, super::content::BuildRefusal> {
    OriginContent::new(data)
}

/// Credential settings for the sample site `https://shop.example`.
pub fn settings(number: &str, issued_at: DateTime<Utc>, status_index: usize) -> CredentialSettings {
    CredentialSettings {
        id: format!("https://shop.example/api/v1/eco/{number}"),
        issuer: "did:web:shop.example".into(),
        issued_at,
        status_list_url: "https://shop.example/status/1".into(),
        status_index,
        schema_url: "https://shop.example/schemas/rcep-origin-credential/v1.json".into(),
        context_url: "https://shop.example/contexts/rcep-origin/v1.jsonld".into(),
        authority_artefact: None,
    }
}

/// A sample order as the order module would hand it to [`super::builder::build`]: `lines`
/// lines cycling through the five sample products, with the catalog's origin data.
pub fn order(
    lines: usize,
) -> (
    super::builder::IssueOptions,
    super::builder::ExporterProfile,
    super::builder::OrderInput,
    std::collections::BTreeMap<String, super::builder::ProductOrigin>,
) {
    use super::builder::{
        ExporterProfile, IssueOptions, OrderInput, OrderLine, ProducerDisclosure, ProductOrigin,
    };
    let goods = sample_goods(PRODUCTS.len(), None);
    let catalog = goods
        .iter()
        .enumerate()
        .map(|(i, g)| {
            (
                format!("PF-SKU-{i}"),
                ProductOrigin {
                    hs_code: crate::codes::HsCode::parse(g.hs_code.as_str()).ok(),
                    hs_edition: Some(g.hs_edition),
                    origin_criterion: Some(g.origin_criterion.basis),
                    modifiers: g.origin_criterion.modifiers.clone(),
                    country_of_origin: Some(g.country_of_origin.country().clone()),
                    producer: Some(exporter()),
                },
            )
        })
        .collect();
    let order_lines = (0..lines)
        .map(|i| {
            let g = &goods[i % goods.len()];
            OrderLine {
                sku: format!("PF-SKU-{}", i % goods.len()),
                description: g.description.to_string(),
                quantity: g.quantity.value(),
                unit: g.quantity.unit().as_str().to_owned(),
                fob_value: Some(usd("1500.00")),
                packages: g.packages.clone(),
                marks: None,
                invoice_number: None,
            }
        })
        .collect();
    let options = IssueOptions {
        kind: DocumentKind::DeclarationOfOrigin,
        number: r("PF-DOO-2026-000042"),
        issue_date: d("2026-11-20"),
        issued_retroactively: false,
        certified_true_copy: false,
        replaces: None,
        producer: ProducerDisclosure::FromProducts,
        issuing_body: None,
    };
    let profile = ExporterProfile {
        party: exporter(),
        declaration_place: t("Ningbo"),
        signatory: t("Li Wei, Export Manager"),
        approved_exporter_code: Some(r("CNAE-3302-0001")),
    };
    let order = OrderInput {
        importing_party: country("JP"),
        consignee: consignee(),
        transport: transport(),
        invoices: invoices(),
        third_party_invoicing: None,
        back_to_back: None,
        remarks: None,
        lines: order_lines,
    };
    (options, profile, order, catalog)
}

/// A certified true copy of the full certificate (it reproduces it, so it replaces nothing).
pub fn certified_true_copy(goods: usize) -> OriginContentData {
    let mut d = full_certificate(goods);
    d.certified_true_copy = true;
    d.replaces = None;
    d.remarks = Some(t("Certified true copy of PF-CO-2026-000007."));
    d
}
