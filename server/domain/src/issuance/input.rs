//! What the e-CO builder needs, read from the order, its lines' products, the buyer company
//! and the exporter profile — and the pre-flight check that runs the builder without signing.
//! Nothing is guessed: a missing value becomes a [`Problem`] naming where to enter it.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::codes::{CountryCode, Currency, HsCode, OriginCriterion, UnLocode};
use crate::eco::builder::{
    ExporterProfile, IssueOptions, IssuingBody, OrderInput, OrderLine, ProducerDisclosure,
    ProductOrigin,
};
use crate::eco::content::{
    DocumentKind, HsEdition, Invoice, OriginModifier, Packages, Party, Problem, Reference, Text,
    Transport,
};
use crate::entities::{company, exporter_profile, order, order_line, product, product_translation};
use crate::money::Money;
use crate::{DomainError, DomainResult};

/// Everything the builder takes, or the problems found before it could even run.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub kind: DocumentKind,
    /// The issuing body of the exporter profile (a Certificate of Origin).
    pub issuing_body: Option<IssuingBody>,
    pub exporter: ExporterProfile,
    pub order: OrderInput,
    pub origins: BTreeMap<String, ProductOrigin>,
    pub producer: ProducerDisclosure,
}

/// The problems (document-level first) when something the builder needs is missing.
pub type Missing = Vec<Problem>;

fn text(problems: &mut Missing, field: &str, value: &str, fix: &str) -> Option<Text> {
    Text::parse(value)
        .map_err(|e| problems.push(Problem::document(field, e, fix)))
        .ok()
}

/// The exporter profile as the builder needs it.
type Exporter = (ExporterProfile, DocumentKind, Option<IssuingBody>);

fn exporter(profile: Option<exporter_profile::Model>, problems: &mut Missing) -> Option<Exporter> {
    let Some(p) = profile else {
        problems.push(Problem::document(
            "exporter",
            "the exporter profile is not filled in",
            "fill in the exporter profile under Admin → Settings",
        ));
        return None;
    };
    let fix = "complete the exporter profile under Admin → Settings";
    let name = text(problems, "exporter.name", &p.legal_name, fix);
    let address = text(problems, "exporter.address", &p.address, fix);
    let country = CountryCode::parse(&p.country)
        .map_err(|e| problems.push(Problem::document("exporter.country", e.to_string(), fix)))
        .ok();
    let place = text(
        problems,
        "exporterDeclaration.place",
        p.declaration_place.as_deref().unwrap_or_default(),
        "enter the place of the exporter's declaration in the exporter profile",
    );
    let signatory = text(
        problems,
        "exporterDeclaration.signatory",
        &format!("{}, {}", p.signatory_name.trim(), p.signatory_title.trim()),
        fix,
    );
    let code = p
        .approved_exporter_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .and_then(|c| {
            Reference::parse_line(c)
                .map_err(|e| problems.push(Problem::document("attestation", e, fix)))
                .ok()
        });
    let (kind, body) = if p.issuing_mode == "issuing_body" {
        let fix = "enter the issuing body's name and place in the exporter profile";
        let name = text(
            problems,
            "attestation.issuingBody",
            p.issuing_body_name.as_deref().unwrap_or_default(),
            fix,
        );
        let place = text(
            problems,
            "attestation.place",
            p.issuing_body_place.as_deref().unwrap_or_default(),
            fix,
        );
        (
            DocumentKind::CertificateOfOrigin,
            name.zip(place)
                .map(|(name, place)| IssuingBody { name, place }),
        )
    } else {
        (DocumentKind::DeclarationOfOrigin, None)
    };
    Some((
        ExporterProfile {
            party: Party {
                name: name?,
                address: address?,
                country: country?,
            },
            declaration_place: place?,
            signatory: signatory?,
            approved_exporter_code: code,
        },
        kind,
        body,
    ))
}

fn product_origin(p: &product::Model, problems: &mut Missing, line: usize) -> ProductOrigin {
    let modifiers: Vec<OriginModifier> = p
        .origin_modifiers
        .clone()
        .and_then(|m| serde_json::from_value(m).ok())
        .unwrap_or_default();
    let producer = match (&p.producer_name, &p.producer_address, &p.producer_country) {
        (Some(name), Some(address), Some(country)) => {
            match (
                Text::parse(name),
                Text::parse(address),
                CountryCode::parse(country),
            ) {
                (Ok(name), Ok(address), Ok(country)) => Some(Party {
                    name,
                    address,
                    country,
                }),
                _ => {
                    problems.push(Problem::line(
                        line,
                        "producer",
                        format!("product {}'s producer is incomplete", p.sku),
                        "enter the producer's name, address and country in the catalog",
                    ));
                    None
                }
            }
        }
        _ => None,
    };
    ProductOrigin {
        hs_code: HsCode::parse(&p.hs_code).ok(),
        hs_edition: p
            .hs_edition
            .as_deref()
            .and_then(|e| HsEdition::parse(e).ok()),
        origin_criterion: OriginCriterion::parse(&p.origin_criterion).ok(),
        modifiers,
        country_of_origin: CountryCode::parse(&p.country_of_origin).ok(),
        producer,
    }
}

/// Reads the builder's input for `order_id`; `Err(Ok(problems))` when data is missing before
/// the builder runs.
pub async fn gather<C: ConnectionTrait>(
    db: &C,
    order_id: Uuid,
) -> DomainResult<Result<Gathered, Missing>> {
    let o = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("order"))?;
    let mut problems = Missing::new();
    let profile = exporter_profile::Entity::find_by_id(1).one(db).await?;
    let exporter = exporter(profile, &mut problems);
    let company = company::Entity::find_by_id(o.company_id).one(db).await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(o.id))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?;
    let product_ids: Vec<Uuid> = lines.iter().filter_map(|l| l.product_id).collect();
    let products = product::Entity::find()
        .filter(product::Column::Id.is_in(product_ids))
        .all(db)
        .await?;
    // Goods are described by the product's English name where the line only names the SKU.
    let names: std::collections::HashMap<Uuid, String> = product_translation::Entity::find()
        .filter(product_translation::Column::ProductId.is_in(products.iter().map(|p| p.id)))
        .filter(product_translation::Column::Locale.eq("en"))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.product_id, t.name))
        .collect();
    let currency = Currency::parse(&o.currency).ok();

    let consignee = match &company {
        Some(c) => {
            let fix = "the buyer company's profile needs its name, address and country";
            match (
                Text::parse(&c.name),
                Text::parse(&c.address),
                CountryCode::parse(&c.country),
            ) {
                (Ok(name), Ok(address), Ok(country)) => Some(Party {
                    name,
                    address,
                    country,
                }),
                _ => {
                    problems.push(Problem::document(
                        "consignee",
                        "the buyer company's name, address or country is missing",
                        fix,
                    ));
                    None
                }
            }
        }
        None => {
            problems.push(Problem::document(
                "consignee",
                "the order's buyer company no longer exists",
                "the order cannot be certified",
            ));
            None
        }
    };
    let export_fix = "enter it in the order's export data";
    let discharge_code = o
        .port_of_discharge
        .clone()
        .unwrap_or_else(|| o.ship_to_port.clone());
    let port_of_discharge = UnLocode::parse(&discharge_code)
        .map_err(|e| {
            problems.push(Problem::document(
                "transport.portOfDischarge",
                e.to_string(),
                export_fix,
            ))
        })
        .ok();
    let port_of_loading = match o.port_of_loading.as_deref() {
        Some(p) => UnLocode::parse(p)
            .map_err(|e| {
                problems.push(Problem::document(
                    "transport.portOfLoading",
                    e.to_string(),
                    export_fix,
                ))
            })
            .ok(),
        None => {
            problems.push(Problem::document(
                "transport.portOfLoading",
                "the order has no port of loading",
                export_fix,
            ));
            None
        }
    };
    let departure_date = o.departure_date;
    if departure_date.is_none() {
        problems.push(Problem::document(
            "transport.departureDate",
            "the order has no departure date",
            "enter the planned departure date in the order's export data",
        ));
    }
    let vessel = o.vessel.as_deref().and_then(|v| Text::parse(v).ok());
    let voyage = o
        .voyage
        .as_deref()
        .and_then(|v| Reference::parse_line(v).ok());
    let invoice = match (&o.invoice_number, o.invoice_date) {
        (Some(n), Some(d)) => Reference::parse_line(n)
            .map_err(|e| problems.push(Problem::document("invoices", e, export_fix)))
            .ok()
            .map(|number| Invoice { number, date: d }),
        _ => {
            problems.push(Problem::document(
                "invoices",
                "the order has no invoice number and date",
                export_fix,
            ));
            None
        }
    };
    // Importing Party: where the goods are discharged.
    let importing_party = port_of_discharge
        .as_ref()
        .and_then(|p| CountryCode::parse(p.country()).ok());

    let mut origins = BTreeMap::new();
    let mut order_lines = Vec::with_capacity(lines.len());
    let mut confidential = false;
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        let product = l
            .product_id
            .and_then(|id| products.iter().find(|p| p.id == id));
        let key = match product {
            Some(p) => {
                confidential |= p.producer_confidential;
                origins
                    .entry(p.sku.clone())
                    .or_insert_with(|| product_origin(p, &mut problems, n));
                p.sku.clone()
            }
            // A free-text line has no catalog origin data: the builder names the line.
            None => format!("line {n}"),
        };
        // The line's FOB value as entered; under FOB terms the invoiced amount is FOB.
        let fob_text = l
            .fob_value
            .as_deref()
            .or_else(|| (o.incoterm == "FOB").then_some(l.line_total.as_str()));
        let fob_value = match (fob_text, &currency) {
            (Some(v), Some(c)) => Decimal::from_str(v).ok().map(|d| Money::new(d, *c)),
            _ => None,
        };
        let packages = match (l.package_count, l.package_kind.as_deref()) {
            (Some(count), Some(kind)) if count > 0 => {
                Reference::parse_line(kind).ok().map(|kind| Packages {
                    count: u32::try_from(count).unwrap_or(0),
                    kind,
                })
            }
            _ => None,
        };
        let description = match product {
            Some(p) if l.description.trim().is_empty() || l.description.trim() == p.sku => names
                .get(&p.id)
                .cloned()
                .unwrap_or_else(|| l.description.clone()),
            _ => l.description.clone(),
        };
        order_lines.push(OrderLine {
            sku: key,
            description,
            quantity: Decimal::from(l.quantity),
            unit: l.unit.clone(),
            fob_value,
            packages,
            marks: l.marks.clone().filter(|m| !m.trim().is_empty()),
            invoice_number: invoice.as_ref().map(|i| i.number.clone()),
        });
    }

    let (
        Some((exporter, kind, issuing_body)),
        Some(consignee),
        Some(port_of_loading),
        Some(port_of_discharge),
        Some(departure_date),
        Some(invoice),
        Some(importing_party),
        true,
    ) = (
        exporter,
        consignee,
        port_of_loading,
        port_of_discharge,
        departure_date,
        invoice,
        importing_party,
        problems.is_empty(),
    )
    else {
        return Ok(Err(problems));
    };
    Ok(Ok(Gathered {
        kind,
        issuing_body,
        exporter,
        order: OrderInput {
            importing_party,
            consignee,
            transport: Transport {
                departure_date,
                vessel,
                voyage,
                port_of_loading,
                port_of_discharge,
            },
            invoices: vec![invoice],
            third_party_invoicing: None,
            back_to_back: None,
            remarks: None,
            lines: order_lines,
        },
        origins,
        producer: if confidential {
            ProducerDisclosure::Confidential
        } else {
            ProducerDisclosure::FromProducts
        },
    }))
}

/// The issue options for a new document of `kind` numbered `number` on `issue_date`.
pub fn options(
    gathered: &Gathered,
    number: Reference,
    issue_date: NaiveDate,
    replaces: Option<Reference>,
) -> IssueOptions {
    IssueOptions {
        kind: gathered.kind,
        number,
        issue_date,
        issued_retroactively: false,
        certified_true_copy: false,
        replaces,
        producer: gathered.producer,
        issuing_body: gathered.issuing_body.clone(),
    }
}

/// Runs the builder without signing: every problem that would stop issuance now.
pub async fn preflight<C: ConnectionTrait>(
    db: &C,
    order_id: Uuid,
    today: NaiveDate,
) -> DomainResult<Vec<Problem>> {
    let gathered = match gather(db, order_id).await? {
        Ok(g) => g,
        Err(problems) => return Ok(problems),
    };
    let placeholder =
        Reference::parse("PREFLIGHT").map_err(|e| DomainError::invalid("number", e))?;
    let options = options(&gathered, placeholder, today, None);
    Ok(
        match crate::eco::build(
            &options,
            &gathered.exporter,
            &gathered.order,
            &gathered.origins,
        ) {
            Ok(_) => Vec::new(),
            Err(refusal) => refusal.problems,
        },
    )
}

/// [`preflight`] for the order numbered `number`.
pub async fn preflight_order<C: ConnectionTrait>(
    db: &C,
    number: &str,
    today: NaiveDate,
) -> DomainResult<Vec<Problem>> {
    let o = order::Entity::find()
        .filter(order::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found(format!("order {}", number.trim())))?;
    preflight(db, o.id, today).await
}
