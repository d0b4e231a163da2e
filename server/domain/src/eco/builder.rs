//! Builds the origin content of an e-CO from an order, the catalog's origin data and the
//! exporter's profile — or refuses, line by line, naming what is missing. It never guesses:
//! no default HS code, criterion or country is ever filled in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::content::{
    Attestation, BuildRefusal, DocumentKind, ExporterDeclaration, GoodsItem, HsEdition,
    HsSubheading, Invoice, MAX_GOODS_ITEMS, OriginConferring, OriginContent, OriginContentData,
    OriginModifier, OriginalProof, Packages, Party, Problem, Producer, Quantity, RcepParty,
    Rec20Unit, Reference, Text, ThirdPartyInvoicing, Transport, validity_end,
};
use crate::codes::{CountryCode, HsCode, OriginCriterion};
use crate::money::Money;

/// The exporter as configured once: who it is, who signs, and its approved-exporter code.
#[derive(Debug, Clone)]
pub struct ExporterProfile {
    pub party: Party,
    /// Place written in the exporter's declaration (box 15).
    pub declaration_place: Text,
    /// Name and position of the person who signs the declaration.
    pub signatory: Text,
    /// Authorisation code of an approved exporter; required for a Declaration of Origin.
    pub approved_exporter_code: Option<Reference>,
}

/// The issuing body that certifies a Certificate of Origin (box 16).
#[derive(Debug, Clone)]
pub struct IssuingBody {
    pub name: Text,
    pub place: Text,
}

/// What the catalog knows about a product's origin. Every field may be missing: the builder
/// refuses rather than guesses.
#[derive(Debug, Clone, Default)]
pub struct ProductOrigin {
    pub hs_code: Option<HsCode>,
    pub hs_edition: Option<HsEdition>,
    pub origin_criterion: Option<OriginCriterion>,
    pub modifiers: Vec<OriginModifier>,
    pub country_of_origin: Option<CountryCode>,
    pub producer: Option<Party>,
}

/// One order line, as the order module hands it over.
#[derive(Debug, Clone)]
pub struct OrderLine {
    pub sku: String,
    pub description: String,
    pub quantity: Decimal,
    /// UN/ECE Rec 20 unit code as stored on the order.
    pub unit: String,
    /// FOB value of the line; needed when the product's basis is RVC, ignored otherwise.
    pub fob_value: Option<Money>,
    pub packages: Option<Packages>,
    /// Marks and numbers; `N/M` when none.
    pub marks: Option<String>,
    pub invoice_number: Option<Reference>,
}

/// The order-like input: parties, shipment, invoices and lines.
#[derive(Debug, Clone)]
pub struct OrderInput {
    pub importing_party: CountryCode,
    pub consignee: Party,
    pub transport: Transport,
    pub invoices: Vec<Invoice>,
    pub third_party_invoicing: Option<ThirdPartyInvoicing>,
    pub back_to_back: Option<OriginalProof>,
    pub remarks: Option<Text>,
    pub lines: Vec<OrderLine>,
}

/// How box 3 shows the producer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProducerDisclosure {
    /// Name the producers from the catalog (one for all items, or per item).
    FromProducts,
    Confidential,
    NotAvailable,
}

/// The issuance decision: kind, number, date and flags.
#[derive(Debug, Clone)]
pub struct IssueOptions {
    pub kind: DocumentKind,
    pub number: Reference,
    pub issue_date: NaiveDate,
    pub issued_retroactively: bool,
    pub certified_true_copy: bool,
    pub replaces: Option<Reference>,
    pub producer: ProducerDisclosure,
    /// Required for a Certificate of Origin.
    pub issuing_body: Option<IssuingBody>,
}

/// Builds and checks the content, or refuses with every problem found (per line where the
/// problem is on a line).
pub fn build(
    options: &IssueOptions,
    exporter: &ExporterProfile,
    order: &OrderInput,
    origins: &BTreeMap<String, ProductOrigin>,
) -> Result<OriginContent, BuildRefusal> {
    let mut problems = Vec::new();

    let exporting_party = RcepParty::new(exporter.party.country.clone())
        .map_err(|e| {
            problems.push(Problem::document(
                "exportingParty",
                e,
                "RCEP e-COs are issued by exporters in an RCEP Party",
            ))
        })
        .ok();
    let importing_party = RcepParty::new(order.importing_party.clone())
        .map_err(|e| {
            problems.push(Problem::document(
                "importingParty",
                e,
                "RCEP preference applies only to imports into an RCEP Party",
            ))
        })
        .ok();
    if order.lines.len() > MAX_GOODS_ITEMS {
        problems.push(Problem::document(
            "goods",
            format!(
                "the order has {} lines; a certificate holds at most {MAX_GOODS_ITEMS}",
                order.lines.len()
            ),
            "split the shipment over several certificates",
        ));
    }
    let attestation = match options.kind {
        DocumentKind::CertificateOfOrigin => match &options.issuing_body {
            Some(body) => Some(Attestation::IssuingBody {
                name: body.name.clone(),
                place: body.place.clone(),
                date: options.issue_date,
            }),
            None => {
                problems.push(Problem::document(
                    "attestation",
                    "no issuing body is configured for a Certificate of Origin",
                    "configure the issuing body, or issue a Declaration of Origin",
                ));
                None
            }
        },
        DocumentKind::DeclarationOfOrigin => match &exporter.approved_exporter_code {
            Some(code) => Some(Attestation::ApprovedExporter {
                authorisation_code: code.clone(),
            }),
            None => {
                problems.push(Problem::document(
                    "attestation",
                    "the exporter has no approved-exporter authorisation code",
                    "enter the authorisation code in the exporter profile",
                ));
                None
            }
        },
    };

    let mut goods = Vec::with_capacity(order.lines.len());
    for (i, line) in order.lines.iter().enumerate() {
        let n = i + 1;
        if let Some(item) = build_line(
            n,
            line,
            origins.get(&line.sku),
            options.producer,
            &mut problems,
        ) {
            goods.push(item);
        }
    }

    let producer = match options.producer {
        ProducerDisclosure::Confidential => Producer::Confidential,
        ProducerDisclosure::NotAvailable => Producer::NotAvailable,
        ProducerDisclosure::FromProducts => {
            let first = goods.first().and_then(|g: &GoodsItem| g.producer.clone());
            match first {
                Some(p) if goods.iter().all(|g| g.producer.as_ref() == Some(&p)) => {
                    for g in &mut goods {
                        g.producer = None;
                    }
                    Producer::Known { party: p }
                }
                _ => Producer::PerItem,
            }
        }
    };

    let (Some(exporting_party), Some(importing_party), Some(attestation), true) = (
        exporting_party,
        importing_party,
        attestation,
        problems.is_empty(),
    ) else {
        return Err(BuildRefusal { problems });
    };
    let data = OriginContentData {
        kind: options.kind,
        number: options.number.clone(),
        exporting_party,
        importing_party,
        issue_date: options.issue_date,
        valid_until: validity_end(options.issue_date, order.back_to_back.as_ref()),
        exporter: exporter.party.clone(),
        producer,
        consignee: order.consignee.clone(),
        transport: order.transport.clone(),
        invoices: order.invoices.clone(),
        third_party_invoicing: order.third_party_invoicing.clone(),
        back_to_back: order.back_to_back.clone(),
        issued_retroactively: options.issued_retroactively,
        certified_true_copy: options.certified_true_copy,
        replaces: options.replaces.clone(),
        remarks: order.remarks.clone(),
        goods,
        exporter_declaration: ExporterDeclaration {
            place: exporter.declaration_place.clone(),
            date: options.issue_date,
            signatory: exporter.signatory.clone(),
        },
        attestation,
    };
    OriginContent::new(data)
}

fn build_line(
    n: usize,
    line: &OrderLine,
    origin: Option<&ProductOrigin>,
    disclosure: ProducerDisclosure,
    problems: &mut Vec<Problem>,
) -> Option<GoodsItem> {
    let before = problems.len();
    let sku = &line.sku;
    let Some(origin) = origin else {
        problems.push(Problem::line(
            n,
            "originCriterion",
            format!("product {sku} has no origin data"),
            "enter the HS code, origin criterion and country of origin in the catalog",
        ));
        return None;
    };
    let description = Text::parse(&line.description)
        .map_err(|e| {
            problems.push(Problem::line(
                n,
                "description",
                e,
                "describe the goods as on the invoice",
            ))
        })
        .ok();
    let hs_code = match &origin.hs_code {
        Some(code) => Some(HsSubheading::from_code(code)),
        None => {
            problems.push(Problem::line(
                n,
                "hsCode",
                format!("product {sku} has no HS code"),
                "enter the product's 6-digit HS code in the catalog",
            ));
            None
        }
    };
    if origin.hs_edition.is_none() {
        problems.push(Problem::line(
            n,
            "hsEdition",
            format!("product {sku} has no HS edition"),
            "state which HS edition the code is written in (e.g. HS2022)",
        ));
    }
    let criterion = match origin.origin_criterion {
        Some(basis) => {
            let mut modifiers = origin.modifiers.clone();
            modifiers.sort();
            modifiers.dedup();
            Some(OriginConferring {
                basis,
                modifiers,
                country_of_origin_note: None,
            })
        }
        None => {
            let fix = if origin.modifiers.is_empty() {
                "set the product's RCEP origin criterion (WO, PE, CTC, RVC or CR) in the catalog"
            } else {
                "ACU and DMI only qualify a basis; set WO, PE, CTC, RVC or CR in the catalog"
            };
            problems.push(Problem::line(
                n,
                "originCriterion",
                format!("product {sku} lacks an origin criterion"),
                fix,
            ));
            None
        }
    };
    let country = match &origin.country_of_origin {
        Some(c) => RcepParty::new(c.clone())
            .map_err(|e| problems.push(Problem::line(n, "countryOfOrigin", e, "only goods originating in an RCEP Party qualify; remove the line or correct the country")))
            .ok(),
        None => {
            problems.push(Problem::line(n, "countryOfOrigin", format!("product {sku} has no country of origin"), "enter the RCEP country of origin in the catalog"));
            None
        }
    };
    let unit = Rec20Unit::parse(&line.unit)
        .map_err(|e| {
            problems.push(Problem::line(
                n,
                "quantity.unit",
                e,
                "use a UN/ECE Rec 20 code",
            ))
        })
        .ok();
    let quantity = unit.and_then(|u| {
        Quantity::new(line.quantity, u)
            .map_err(|e| {
                problems.push(Problem::line(
                    n,
                    "quantity.value",
                    e,
                    "the shipped quantity must be positive",
                ))
            })
            .ok()
    });
    let is_rvc = origin.origin_criterion == Some(OriginCriterion::RVC);
    let fob_value = if is_rvc {
        match line.fob_value {
            Some(v) if v.amount > Decimal::ZERO => Some(v.rounded()),
            Some(v) => {
                problems.push(Problem::line(
                    n,
                    "fobValue",
                    format!("the FOB value {v} is not positive"),
                    "enter the line's FOB value",
                ));
                None
            }
            None => {
                problems.push(Problem::line(
                    n,
                    "fobValue",
                    format!("product {sku} qualifies by RVC and the line has no FOB value"),
                    "enter the line's FOB value (RVC goods must show it)",
                ));
                None
            }
        }
    } else {
        None
    };
    let producer = match disclosure {
        ProducerDisclosure::FromProducts => match &origin.producer {
            Some(p) => Some(p.clone()),
            None => {
                problems.push(Problem::line(
                    n,
                    "producer",
                    format!("product {sku} has no producer"),
                    "enter the producer in the catalog, or show the producer as CONFIDENTIAL",
                ));
                None
            }
        },
        _ => None,
    };
    let marks = match &line.marks {
        Some(m) => Text::parse(m)
            .map_err(|e| {
                problems.push(Problem::line(
                    n,
                    "marks",
                    e,
                    "write the marks, or leave empty for N/M",
                ))
            })
            .ok(),
        None => Text::parse("N/M").ok(),
    };
    if problems.len() != before {
        return None;
    }
    Some(GoodsItem {
        item_number: u32::try_from(n).ok()?,
        marks: marks?,
        packages: line.packages.clone(),
        description: description?,
        hs_code: hs_code?,
        hs_edition: origin.hs_edition?,
        origin_criterion: criterion?,
        country_of_origin: country?,
        quantity: quantity?,
        fob_value,
        invoice_number: line.invoice_number.clone(),
        producer,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codes::{Currency, UnLocode};
    use crate::eco::content::tests::{date, text};
    use std::str::FromStr;

    pub(crate) fn exporter() -> ExporterProfile {
        ExporterProfile {
            party: Party {
                name: text("Ningbo Oak Furniture Co., Ltd."),
                address: text("88 Harbour Road, Beilun, Ningbo, Zhejiang"),
                country: CountryCode::parse("CN").unwrap(),
            },
            declaration_place: text("Ningbo"),
            signatory: text("Li Wei, Export Manager"),
            approved_exporter_code: Some(Reference::parse("CNAE-3302-0001").unwrap()),
        }
    }

    pub(crate) fn origin(hs: &str, basis: OriginCriterion) -> ProductOrigin {
        ProductOrigin {
            hs_code: Some(HsCode::parse(hs).unwrap()),
            hs_edition: Some(HsEdition::HS2022),
            origin_criterion: Some(basis),
            modifiers: vec![],
            country_of_origin: Some(CountryCode::parse("CN").unwrap()),
            producer: None,
        }
    }

    pub(crate) fn line(sku: &str, fob: Option<&str>) -> OrderLine {
        OrderLine {
            sku: sku.into(),
            description: format!("Goods of SKU {sku}"),
            quantity: Decimal::from(12),
            unit: "PCE".into(),
            fob_value: fob.map(|f| {
                Money::new(
                    Decimal::from_str(f).unwrap(),
                    Currency::parse("USD").unwrap(),
                )
            }),
            packages: Some(Packages {
                count: 3,
                kind: Reference::parse("CT").unwrap(),
            }),
            marks: None,
            invoice_number: None,
        }
    }

    pub(crate) fn order(lines: Vec<OrderLine>) -> OrderInput {
        OrderInput {
            importing_party: CountryCode::parse("JP").unwrap(),
            consignee: Party {
                name: text("Kobe Interiors K.K."),
                address: text("1-2-3 Minatojima, Chuo-ku, Kobe"),
                country: CountryCode::parse("JP").unwrap(),
            },
            transport: Transport {
                departure_date: date("2026-11-22"),
                vessel: Some(text("EVER GIVEN")),
                voyage: Some(Reference::parse("0123E").unwrap()),
                port_of_loading: UnLocode::parse("CNNGB").unwrap(),
                port_of_discharge: UnLocode::parse("JPUKB").unwrap(),
            },
            invoices: vec![Invoice {
                number: Reference::parse("INV-2026-0815").unwrap(),
                date: date("2026-11-20"),
            }],
            third_party_invoicing: None,
            back_to_back: None,
            remarks: None,
            lines,
        }
    }

    pub(crate) fn options(kind: DocumentKind) -> IssueOptions {
        IssueOptions {
            kind,
            number: Reference::parse("PF-DOO-2026-000042").unwrap(),
            issue_date: date("2026-11-20"),
            issued_retroactively: false,
            certified_true_copy: false,
            replaces: None,
            producer: ProducerDisclosure::Confidential,
            issuing_body: Some(IssuingBody {
                name: text("CCPIT Ningbo Sub-Council"),
                place: text("Ningbo"),
            }),
        }
    }

    fn catalog() -> BTreeMap<String, ProductOrigin> {
        BTreeMap::from([
            ("CHAIR".to_owned(), origin("940161", OriginCriterion::RVC)),
            (
                "TABLE".to_owned(),
                origin("9403.60.90", OriginCriterion::CTC),
            ),
        ])
    }

    fn refusal(
        order: &OrderInput,
        cat: &BTreeMap<String, ProductOrigin>,
    ) -> Vec<(Option<usize>, String)> {
        build(
            &options(DocumentKind::DeclarationOfOrigin),
            &exporter(),
            order,
            cat,
        )
        .unwrap_err()
        .problems
        .into_iter()
        .map(|p| (p.line, p.field))
        .collect()
    }

    #[test]
    fn builds_a_declaration_from_an_order() {
        let content = build(
            &options(DocumentKind::DeclarationOfOrigin),
            &exporter(),
            &order(vec![
                line("CHAIR", Some("480.004")),
                line("TABLE", Some("900")),
            ]),
            &catalog(),
        )
        .unwrap();
        let d = content.data();
        assert_eq!(d.goods.len(), 2);
        assert_eq!(d.goods[0].hs_code.as_str(), "940161");
        assert_eq!(
            d.goods[0].fob_value.unwrap().amount,
            Decimal::from_str("480.00").unwrap()
        );
        assert_eq!(d.goods[1].hs_code.as_str(), "940360");
        assert!(
            d.goods[1].fob_value.is_none(),
            "FOB is shown only for RVC lines"
        );
        assert_eq!(d.valid_until, date("2027-11-20"));
        assert_eq!(d.goods[0].marks.as_str(), "N/M");
    }

    #[test]
    fn rejects_line_without_hs_code() {
        let mut cat = catalog();
        cat.get_mut("TABLE").unwrap().hs_code = None;
        let order = order(vec![line("CHAIR", Some("1")), line("TABLE", None)]);
        assert_eq!(refusal(&order, &cat), vec![(Some(2), "hsCode".into())]);
    }

    #[test]
    fn rejects_line_without_origin_criterion() {
        let mut cat = catalog();
        cat.get_mut("TABLE").unwrap().origin_criterion = None;
        let order = order(vec![line("CHAIR", Some("1")), line("TABLE", None)]);
        let problems = build(
            &options(DocumentKind::DeclarationOfOrigin),
            &exporter(),
            &order,
            &cat,
        )
        .unwrap_err();
        assert_eq!(problems.problems.len(), 1);
        assert_eq!(
            problems.problems[0].to_string(),
            "line 2: originCriterion: product TABLE lacks an origin criterion \u{2014} set the product's RCEP origin criterion (WO, PE, CTC, RVC or CR) in the catalog"
        );
    }

    #[test]
    fn rejects_line_of_a_product_without_origin_data() {
        let order = order(vec![line("SOFA", None)]);
        assert_eq!(
            refusal(&order, &catalog()),
            vec![(Some(1), "originCriterion".into())]
        );
    }

    #[test]
    fn rejects_fob_missing_for_rvc_line() {
        let order = order(vec![line("TABLE", None), line("CHAIR", None)]);
        assert_eq!(
            refusal(&order, &catalog()),
            vec![(Some(2), "fobValue".into())]
        );
    }

    #[test]
    fn rejects_non_rcep_country_of_origin_on_a_line() {
        let mut cat = catalog();
        cat.get_mut("TABLE").unwrap().country_of_origin = Some(CountryCode::parse("US").unwrap());
        let order = order(vec![line("TABLE", None)]);
        assert_eq!(
            refusal(&order, &cat),
            vec![(Some(1), "countryOfOrigin".into())]
        );
    }

    #[test]
    fn rejects_importing_party_outside_rcep() {
        let mut order = order(vec![line("TABLE", None)]);
        order.importing_party = CountryCode::parse("US").unwrap();
        assert_eq!(
            refusal(&order, &catalog()),
            vec![(None, "importingParty".into())]
        );
    }

    #[test]
    fn rejects_more_than_fifty_order_lines() {
        let order = order((0..51).map(|_| line("TABLE", None)).collect());
        assert_eq!(refusal(&order, &catalog()), vec![(None, "goods".into())]);
    }

    #[test]
    fn rejects_declaration_when_exporter_has_no_approved_exporter_code() {
        let mut exporter = exporter();
        exporter.approved_exporter_code = None;
        let err = build(
            &options(DocumentKind::DeclarationOfOrigin),
            &exporter,
            &order(vec![line("TABLE", None)]),
            &catalog(),
        )
        .unwrap_err();
        assert_eq!(err.problems[0].field, "attestation");
    }

    #[test]
    fn rejects_line_with_an_invalid_unit_and_lists_every_problem() {
        let mut bad = line("TABLE", None);
        bad.unit = "pieces".into();
        let mut cat = catalog();
        cat.get_mut("TABLE").unwrap().hs_edition = None;
        assert_eq!(
            refusal(&order(vec![bad]), &cat),
            vec![
                (Some(1), "hsEdition".into()),
                (Some(1), "quantity.unit".into())
            ]
        );
    }

    #[test]
    fn names_one_producer_or_producers_per_item() {
        let mut opts = options(DocumentKind::DeclarationOfOrigin);
        opts.producer = ProducerDisclosure::FromProducts;
        let mut cat = catalog();
        let maker = exporter().party;
        cat.get_mut("TABLE").unwrap().producer = Some(maker.clone());
        cat.get_mut("CHAIR").unwrap().producer = Some(maker.clone());
        let lines = vec![line("TABLE", None), line("CHAIR", Some("5"))];
        let same = build(&opts, &exporter(), &order(lines.clone()), &cat).unwrap();
        assert_eq!(
            same.data().producer,
            Producer::Known {
                party: maker.clone()
            }
        );
        let mut other = maker;
        other.name = text("Yiwu Chair Works");
        cat.get_mut("CHAIR").unwrap().producer = Some(other);
        let per_item = build(&opts, &exporter(), &order(lines), &cat).unwrap();
        assert_eq!(per_item.data().producer, Producer::PerItem);
        assert!(per_item.data().goods.iter().all(|g| g.producer.is_some()));
    }
}
