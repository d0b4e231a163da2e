//! The human-readable e-CO: an A4 PDF/A-3b laid out like Form RCEP (boxes 1–17), goods table
//! continued on further sheets, ISSUED RETROACTIVELY / CERTIFIED TRUE COPY marks, a QR code of
//! the verification URL, and the signed VC JSON embedded as an associated file.
//!
//! Drawn with `krilla` (typst's PDF writer: PDF/A-3 validation, embedded files, font subsetting)
//! through `crate::pdf`: Noto Sans compiled in, Noto Sans CJK and Thai from the machine, chosen
//! per character, so exporter, producer and consignee names in any RCEP script print as glyphs
//! (Han forms as the importing country writes them).

use chrono::{DateTime, Utc};
use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::metadata::Metadata;
use serde_json::Value;

use super::content::{Attestation, DocumentKind, GoodsItem, OriginContent, Party, Producer};
use crate::money::format_decimal;
pub use crate::pdf::PdfError;
use crate::pdf::pen::PAD;
use crate::pdf::{A4_H, A4_W, FontSet, HanStyle, Pen, Weight, a4, pdf_date};

/// What the PDF needs besides the content.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The public verification page, e.g. `https://shop.example/verify/PF-DOO-2026-000042`.
    pub verification_url: String,
    /// Written as the PDF's creation date.
    pub generated_at: DateTime<Utc>,
}

const MARGIN: f32 = 28.0;
const INNER: f32 = A4_W - 2.0 * MARGIN;
/// Height of boxes 14–17 at the foot of the first sheet.
const BOTTOM_BOXES: f32 = 200.0;

fn party_text(p: &Party) -> String {
    format!(
        "{}\n{}\n{}",
        p.name,
        p.address,
        country_name(p.country.as_str())
    )
}

fn country_name(code: &str) -> String {
    let name = match code {
        "AU" => "Australia",
        "BN" => "Brunei Darussalam",
        "KH" => "Cambodia",
        "CN" => "China",
        "ID" => "Indonesia",
        "JP" => "Japan",
        "KR" => "Republic of Korea",
        "LA" => "Lao PDR",
        "MY" => "Malaysia",
        "MM" => "Myanmar",
        "NZ" => "New Zealand",
        "PH" => "Philippines",
        "SG" => "Singapore",
        "TH" => "Thailand",
        "VN" => "Viet Nam",
        other => return other.to_owned(),
    };
    name.to_owned()
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%d %b %Y").to_string()
}

/// Column layout of boxes 6–13: (left edge offset, width).
const COLS: [(f32, &str); 8] = [
    (30.0, "6. Item number"),
    (68.0, "7. Marks and numbers on packages"),
    (
        129.0,
        "8. Number and kind of packages; description of goods",
    ),
    (44.0, "9. HS code (6-digit)"),
    (46.0, "10. Origin conferring criterion"),
    (42.0, "11. RCEP country of origin"),
    (76.0, "12. Quantity and value (FOB) where RVC is applied"),
    (0.0, "13. Invoice number(s) and date(s)"),
];

fn col_widths() -> [f32; 8] {
    let mut w = [0.0; 8];
    let mut used = 0.0;
    for (i, (cw, _)) in COLS.iter().enumerate().take(7) {
        w[i] = *cw;
        used += cw;
    }
    w[7] = INNER - used;
    w
}

fn item_cells(item: &GoodsItem, content: &OriginContent) -> [String; 8] {
    let packages = match &item.packages {
        Some(p) => format!("{} {} of ", p.count, p.kind),
        None => "In bulk: ".to_owned(),
    };
    let mut description = format!("{packages}{}", item.description);
    if let Some(p) = &item.producer {
        description.push_str(&format!("\nProducer: {}, {}", p.name, p.country));
    }
    let mut criterion = item.origin_criterion.display();
    if let Some(note) = item.origin_criterion.country_of_origin_note {
        criterion.push_str(match note {
            super::content::CountryOfOriginNote::A => "\n(2.6.6(a))",
            super::content::CountryOfOriginNote::B => "\n(2.6.6(b))",
        });
    }
    let mut quantity = format!(
        "{} {}",
        item.quantity.value(),
        item.quantity.unit().as_str()
    );
    if let Some(fob) = &item.fob_value {
        quantity.push_str(&format!(
            "\nFOB {} {}",
            fob.currency,
            format_decimal(fob.amount, fob.currency.minor_units())
        ));
    }
    let invoices = match &item.invoice_number {
        Some(no) => {
            let date = content
                .data()
                .invoices
                .iter()
                .find(|i| i.number == *no)
                .map(|i| day(i.date))
                .unwrap_or_default();
            format!("{no}\n{date}")
        }
        None => content
            .data()
            .invoices
            .iter()
            .map(|i| format!("{}\n{}", i.number, day(i.date)))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    [
        item.item_number.to_string(),
        item.marks.to_string(),
        description,
        item.hs_code.dotted(),
        criterion,
        item.country_of_origin.as_str().to_owned(),
        quantity,
        invoices,
    ]
}

const ROW_SIZE: f32 = 7.2;

fn row_height(pen: &Pen<'_, '_>, cells: &[String; 8]) -> f32 {
    let widths = col_widths();
    cells
        .iter()
        .zip(widths)
        .map(|(c, w)| pen.wrap(c, w - 2.0 * PAD, ROW_SIZE, Weight::Regular).len() as f32)
        .fold(1.0, f32::max)
        * ROW_SIZE
        * 1.22
        + 2.0 * PAD
}

fn table_header(pen: &mut Pen<'_, '_>, y: f32) -> f32 {
    let widths = col_widths();
    let mut x = MARGIN;
    let h = 34.0;
    for ((_, caption), w) in COLS.iter().zip(widths) {
        pen.stroke_rect(x, y, w, h, 0.8);
        pen.block(x + 2.0, y + 1.5, w - 4.0, 6.2, Weight::Bold, caption);
        x += w;
    }
    y + h
}

fn draw_row(pen: &mut Pen<'_, '_>, y: f32, h: f32, cells: &[String; 8]) {
    let widths = col_widths();
    let mut x = MARGIN;
    for (cell, w) in cells.iter().zip(widths) {
        pen.stroke_rect(x, y, w, h, 0.5);
        pen.block(
            x + PAD,
            y + PAD - 1.0,
            w - 2.0 * PAD,
            ROW_SIZE,
            Weight::Regular,
            cell,
        );
        x += w;
    }
}

fn qr(pen: &mut Pen<'_, '_>, x: f32, y: f32, size: f32, url: &str) -> Result<(), PdfError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| PdfError::QrCode)?;
    let n = code.width();
    let quiet = 2usize;
    let module = size / (n + 2 * quiet) as f32;
    let colors = code.to_colors();
    let mut rects = Vec::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (cx, cy) = (i % n + quiet, i / n + quiet);
            // Slight overlap avoids hairline gaps between modules in some viewers.
            rects.push((
                x + cx as f32 * module,
                y + cy as f32 * module,
                module + 0.05,
                module + 0.05,
            ));
        }
    }
    pen.fill_rects(&rects, rgb::Color::black());
    Ok(())
}

fn stamp(pen: &mut Pen<'_, '_>, x: f32, y: f32, text: &str) {
    pen.stamp(x, y, text);
}

fn page_footer(pen: &mut Pen<'_, '_>, page: usize, pages: usize, number: &str, url: &str) {
    let y = A4_H - MARGIN + 10.0;
    pen.text(
        MARGIN,
        y,
        6.5,
        Weight::Regular,
        &format!("{number} \u{2014} electronic credential (W3C VC 2.0, eddsa-jcs-2022) embedded in this PDF; verify at {url}"),
    );
    let label = format!("Page {page} of {pages}");
    let w = pen.width(&label, 6.5, Weight::Regular);
    pen.text(A4_W - MARGIN - w, y, 6.5, Weight::Regular, &label);
}

/// Renders the PDF/A-3b document with the signed credential embedded.
pub fn render(
    content: &OriginContent,
    signed_vc: &Value,
    options: &PdfOptions,
) -> Result<Vec<u8>, PdfError> {
    render_counting_pages(content, signed_vc, options).map(|(pdf, _)| pdf)
}

/// [`render`], also telling how many sheets the goods needed.
pub fn render_counting_pages(
    content: &OriginContent,
    signed_vc: &Value,
    options: &PdfOptions,
) -> Result<(Vec<u8>, usize), PdfError> {
    let d = content.data();
    let fonts = FontSet::new(HanStyle::for_country(d.importing_party.as_str()))?;
    let is_co = d.kind == DocumentKind::CertificateOfOrigin;
    let number = d.number.as_str();

    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let date = pdf_date(options.generated_at);
    let title = if is_co {
        "RCEP Certificate of Origin"
    } else {
        "RCEP Declaration of Origin"
    };
    document.set_metadata(
        Metadata::new()
            .title(format!("{title} {number}"))
            .language("en".into())
            .creator("Portfront".into())
            .producer("Portfront e-CO engine (krilla)".into())
            .creation_date(date),
    );
    let vc_bytes =
        serde_json::to_vec_pretty(signed_vc).map_err(|e| PdfError::Write(e.to_string()))?;
    document.embed_file(EmbeddedFile {
        path: format!("{number}.vc.json"),
        mime_type: MimeType::new("application/vc"),
        description: Some(format!(
            "Signed W3C Verifiable Credential of {number} (eddsa-jcs-2022)"
        )),
        association_kind: AssociationKind::Source,
        data: vc_bytes.into(),
        modification_date: Some(date),
        compress: Some(true),
        location: None,
    });

    // Paginate the goods: rows that fit on the first sheet, the rest on continuation sheets.
    let first_table_top = MARGIN + 26.0 + 264.0;
    let first_limit = A4_H - MARGIN - BOTTOM_BOXES;
    let cont_limit = A4_H - MARGIN - 14.0;
    let mut pages: Vec<Vec<(usize, f32)>> = vec![Vec::new()];
    {
        let mut page = document.start_page_with(a4()?);
        let mut surface = page.surface();
        let pen = Pen {
            s: &mut surface,
            fonts: &fonts,
        };
        let mut y = first_table_top + 34.0;
        let mut limit = first_limit - 12.0;
        for (i, item) in d.goods.iter().enumerate() {
            let h = row_height(&pen, &item_cells(item, content));
            if y + h > limit && pages.last().is_some_and(|p| !p.is_empty()) {
                pages.push(Vec::new());
                y = MARGIN + 62.0 + 34.0;
                limit = cont_limit - 12.0;
            }
            if let Some(p) = pages.last_mut() {
                p.push((i, h));
            }
            y += h;
        }
        // Page 1 is drawn below with this surface.
        draw_first_page(
            &mut Pen {
                s: &mut surface,
                fonts: &fonts,
            },
            content,
            options,
            &pages,
        )?;
        surface.finish();
        page.finish();
    }
    for (p, rows) in pages.iter().enumerate().skip(1) {
        let mut page = document.start_page_with(a4()?);
        let mut surface = page.surface();
        let mut pen = Pen {
            s: &mut surface,
            fonts: &fonts,
        };
        let kind = if is_co {
            "CERTIFICATE OF ORIGIN FORM RCEP"
        } else {
            "DECLARATION OF ORIGIN (RCEP)"
        };
        pen.text(
            MARGIN,
            MARGIN + 12.0,
            11.0,
            Weight::Bold,
            &format!("{kind} \u{2014} CONTINUATION SHEET"),
        );
        pen.text(
            MARGIN,
            MARGIN + 28.0,
            8.5,
            Weight::Regular,
            &format!(
                "Certificate No. {number}    Sheet {} of {}",
                p + 1,
                pages.len()
            ),
        );
        pen.text(
            MARGIN,
            MARGIN + 42.0,
            7.5,
            Weight::Regular,
            &format!(
                "Exporter: {}    Consignee: {}",
                d.exporter.name, d.consignee.name
            ),
        );
        if d.certified_true_copy {
            stamp(
                &mut pen,
                A4_W - MARGIN - 170.0,
                MARGIN,
                "CERTIFIED TRUE COPY",
            );
        }
        let mut y = table_header(&mut pen, MARGIN + 62.0);
        for &(i, h) in rows {
            if let Some(item) = d.goods.get(i) {
                draw_row(&mut pen, y, h, &item_cells(item, content));
            }
            y += h;
        }
        if p + 1 < pages.len() {
            pen.text(
                MARGIN,
                y + 10.0,
                7.0,
                Weight::Bold,
                "Continued on the next sheet",
            );
        } else {
            pen.text(
                MARGIN,
                y + 10.0,
                7.0,
                Weight::Bold,
                &format!("End of goods list ({} items)", d.goods.len()),
            );
        }
        page_footer(
            &mut pen,
            p + 1,
            pages.len(),
            number,
            &options.verification_url,
        );
        surface.finish();
        page.finish();
    }
    let pdf = document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    Ok((pdf, pages.len()))
}

fn draw_first_page(
    pen: &mut Pen<'_, '_>,
    content: &OriginContent,
    options: &PdfOptions,
    pages: &[Vec<(usize, f32)>],
) -> Result<(), PdfError> {
    let d = content.data();
    let is_co = d.kind == DocumentKind::CertificateOfOrigin;
    let left_w = INNER * 0.52;
    let right_x = MARGIN + left_w;
    let right_w = INNER - left_w;
    let top = MARGIN + 26.0;

    // Boxes 1–4 on the left.
    let heights = [62.0, 62.0, 62.0, 78.0];
    let mut y = top;
    let producer = match &d.producer {
        Producer::Known { party } => party_text(party),
        Producer::Confidential => "CONFIDENTIAL".into(),
        Producer::NotAvailable => "NOT AVAILABLE".into(),
        Producer::PerItem => "See the producer under each item in box 8".into(),
    };
    // The order of the official specimen: exporter, consignee, producer, transport.
    let captions = [
        "1. Goods consigned from (Exporter's name, address and country)",
        "2. Goods consigned to (Importer's or Consignee's name, address and country)",
        "3. Producer's name, address and country (if known)",
        "4. Means of transport and route (if known)",
    ];
    let t = &d.transport;
    let transport = format!(
        "Departure date: {}\nVessel's name / voyage: {}{}\nPort of loading: {}\nPort of discharge: {}",
        day(t.departure_date),
        t.vessel
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_else(|| "\u{2014}".into()),
        t.voyage
            .as_ref()
            .map(|v| format!(" / {v}"))
            .unwrap_or_default(),
        t.port_of_loading,
        t.port_of_discharge,
    );
    let texts = [
        party_text(&d.exporter),
        party_text(&d.consignee),
        producer,
        transport,
    ];
    for i in 0..4 {
        let cy = pen.labelled(MARGIN, y, left_w, heights[i], captions[i]);
        pen.block(
            MARGIN + PAD + 4.0,
            cy,
            left_w - 2.0 * PAD - 4.0,
            7.8,
            Weight::Regular,
            &texts[i],
        );
        y += heights[i];
    }

    // Title block on the right.
    let title_h = 170.0;
    pen.stroke_rect(right_x, top, right_w, title_h, 0.8);
    let cx = right_x + right_w / 2.0;
    let label = if is_co {
        "Certificate No."
    } else {
        "Reference No."
    };
    pen.text(right_x + PAD, top + 10.0, 6.5, Weight::Bold, label);
    pen.text(
        right_x + PAD + 58.0,
        top + 11.0,
        10.0,
        Weight::Bold,
        d.number.as_str(),
    );
    pen.centred(
        cx,
        top + 36.0,
        7.2,
        Weight::Bold,
        "REGIONAL COMPREHENSIVE ECONOMIC PARTNERSHIP AGREEMENT",
    );
    let (l1, l2) = if is_co {
        ("CERTIFICATE OF ORIGIN", "FORM RCEP")
    } else {
        ("DECLARATION OF ORIGIN", "BY AN APPROVED EXPORTER")
    };
    pen.centred(cx, top + 56.0, 13.0, Weight::Bold, l1);
    pen.centred(cx, top + 72.0, 11.0, Weight::Bold, l2);
    pen.centred(
        cx,
        top + 90.0,
        8.0,
        Weight::Regular,
        &format!(
            "Issued in {}    Importing Party: {}",
            country_name(d.exporting_party.as_str()),
            country_name(d.importing_party.as_str())
        ),
    );
    pen.centred(
        cx,
        top + 103.0,
        7.5,
        Weight::Regular,
        &format!(
            "Date of issue: {}    Valid until: {}",
            day(d.issue_date),
            day(d.valid_until)
        ),
    );
    // QR code of the verification URL.
    let qr_size = 62.0;
    qr(
        pen,
        right_x + PAD,
        top + title_h - qr_size - 2.0,
        qr_size,
        &options.verification_url,
    )?;
    let text_x = right_x + PAD + qr_size + 4.0;
    pen.block(
        text_x,
        top + title_h - 56.0,
        right_w - qr_size - 2.0 * PAD - 6.0,
        6.5,
        Weight::Regular,
        &format!(
            "Scan to verify the signature, status and issuer of this e-CO:\n{}",
            options.verification_url
        ),
    );
    if let Some(replaced) = &d.replaces {
        pen.text(
            text_x,
            top + title_h - 6.0,
            6.5,
            Weight::Bold,
            &format!("Replaces {replaced}"),
        );
    }

    // Box 5.
    let b5_y = top + title_h;
    let b5_h = heights.iter().sum::<f32>() - title_h;
    let cy = pen.labelled(right_x, b5_y, right_w, b5_h, "5. For official use");
    pen.checkbox(
        right_x + PAD + 4.0,
        cy + 2.0,
        false,
        "Preferential treatment given",
        7.0,
    );
    pen.checkbox(
        right_x + PAD + 4.0,
        cy + 14.0,
        false,
        "Preferential treatment not given (please state reason/s)",
        7.0,
    );
    pen.text(
        right_x + PAD + 4.0,
        b5_y + b5_h - 6.0,
        6.3,
        Weight::Regular,
        "Signature of authorised signatory of the customs authority of the importing Party",
    );

    // Marks.
    if d.certified_true_copy {
        stamp(
            pen,
            right_x + right_w - 150.0,
            MARGIN - 4.0,
            "CERTIFIED TRUE COPY",
        );
    }
    if d.issued_retroactively {
        stamp(pen, MARGIN, MARGIN - 4.0, "ISSUED RETROACTIVELY");
    }

    // Goods table, boxes 6–13.
    let mut y = table_header(pen, top + heights.iter().sum::<f32>());
    for &(i, h) in pages.first().map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(item) = d.goods.get(i) {
            draw_row(pen, y, h, &item_cells(item, content));
        }
        y += h;
    }
    let table_bottom = A4_H - MARGIN - BOTTOM_BOXES;
    if pages.len() > 1 {
        pen.text(
            MARGIN + PAD,
            y + 9.0,
            7.0,
            Weight::Bold,
            &format!(
                "Continued on {} continuation sheet(s): {} items in total",
                pages.len() - 1,
                d.goods.len()
            ),
        );
    } else {
        pen.text(
            MARGIN + PAD,
            y + 9.0,
            7.0,
            Weight::Regular,
            "*** End of goods list ***",
        );
    }
    pen.stroke_rect(
        MARGIN,
        top + heights.iter().sum::<f32>(),
        INNER,
        table_bottom - (top + heights.iter().sum::<f32>()),
        0.8,
    );

    // Box 14: remarks.
    let b14_y = table_bottom;
    let b14_h = 44.0;
    let cy = pen.labelled(MARGIN, b14_y, INNER, b14_h, "14. Remarks");
    let mut remarks = Vec::new();
    if let Some(r) = &d.remarks {
        remarks.push(r.to_string());
    }
    if let Some(b) = &d.back_to_back {
        remarks.push(format!(
            "Back-to-back: original {} {} issued {} in {}, valid until {}{}.",
            match b.kind {
                DocumentKind::CertificateOfOrigin => "Certificate of Origin",
                DocumentKind::DeclarationOfOrigin => "Declaration of Origin",
            },
            b.number,
            day(b.issue_date),
            country_name(b.exporting_party.as_str()),
            day(b.valid_until),
            b.approved_exporter_code
                .as_ref()
                .map(|c| format!(", first exporter's approved-exporter code {c}"))
                .unwrap_or_default()
        ));
    }
    if let Some(tp) = &d.third_party_invoicing {
        remarks.push(format!(
            "Third-party invoicing by {}, {}.",
            tp.operator_name,
            country_name(tp.operator_country.as_str())
        ));
    }
    pen.block(
        MARGIN + PAD + 4.0,
        cy,
        INNER - 2.0 * PAD - 4.0,
        7.0,
        Weight::Regular,
        &remarks.join(" "),
    );

    // Boxes 15 and 16.
    let b15_y = b14_y + b14_h;
    let b15_h = 132.0;
    let half = INNER / 2.0;
    let cy = pen.labelled(
        MARGIN,
        b15_y,
        half,
        b15_h,
        "15. Declaration by the exporter or producer",
    );
    let decl = format!(
        "The undersigned hereby declares that the above details and statement are correct and that the goods covered in this {} comply with the requirements specified for these goods in the Regional Comprehensive Economic Partnership Agreement. These goods are exported to: {} (importing Party)",
        if is_co { "Certificate" } else { "Declaration" },
        country_name(d.importing_party.as_str())
    );
    let used = pen.block(
        MARGIN + PAD,
        cy,
        half - 2.0 * PAD,
        7.0,
        Weight::Regular,
        &decl,
    );
    let e = &d.exporter_declaration;
    pen.block(
        MARGIN + PAD,
        cy + used + 8.0,
        half - 2.0 * PAD,
        7.6,
        Weight::Bold,
        &format!("{}, {}\n{}", e.place, day(e.date), e.signatory),
    );
    pen.text(
        MARGIN + PAD,
        b15_y + b15_h - 6.0,
        6.3,
        Weight::Regular,
        "Place and date, name, signature and company of authorised signatory",
    );

    let cy = pen.labelled(MARGIN + half, b15_y, half, b15_h, "16. Certification");
    match &d.attestation {
        Attestation::IssuingBody { name, place, date } => {
            let used = pen.block(MARGIN + half + PAD, cy, half - 2.0 * PAD, 7.0, Weight::Regular,
                "On the basis of control carried out, it is hereby certified that the information herein is correct and that the goods described comply with the origin requirements specified in the RCEP Agreement.");
            pen.block(
                MARGIN + half + PAD,
                cy + used + 8.0,
                half - 2.0 * PAD,
                7.6,
                Weight::Bold,
                &format!("{name}\n{place}, {}", day(*date)),
            );
            pen.text(
                MARGIN + half + PAD,
                b15_y + b15_h - 6.0,
                6.3,
                Weight::Regular,
                "Place and date, signature and stamp of the issuing body",
            );
        }
        Attestation::ApprovedExporter { authorisation_code } => {
            let used = pen.block(MARGIN + half + PAD, cy, half - 2.0 * PAD, 7.0, Weight::Regular,
                "Declaration of Origin made out by an approved exporter of the exporting Party under Chapter 3 of the RCEP Agreement. No certification by an issuing body is required.");
            pen.block(
                MARGIN + half + PAD,
                cy + used + 8.0,
                half - 2.0 * PAD,
                8.0,
                Weight::Bold,
                &format!("Approved exporter authorisation code:\n{authorisation_code}"),
            );
        }
    }

    // Box 17: flags.
    let b17_y = b15_y + b15_h;
    let b17_h = A4_H - MARGIN - b17_y;
    let cy = pen.labelled(MARGIN, b17_y, INNER, b17_h, "17.");
    let third = INNER / 3.0;
    pen.checkbox(
        MARGIN + PAD + 16.0,
        cy - 9.0,
        d.back_to_back.is_some(),
        "Back-to-back Certificate of Origin",
        7.2,
    );
    pen.checkbox(
        MARGIN + third + 10.0,
        cy - 9.0,
        d.third_party_invoicing.is_some(),
        "Third-party invoicing",
        7.2,
    );
    pen.checkbox(
        MARGIN + 2.0 * third,
        cy - 9.0,
        d.issued_retroactively,
        "Issued retroactively",
        7.2,
    );

    page_footer(
        pen,
        1,
        pages.len(),
        d.number.as_str(),
        &options.verification_url,
    );
    Ok(())
}

/// The largest embedded credential [`extract_credential`] inflates.
const MAX_EMBEDDED_BYTES: u64 = 1024 * 1024;

/// Finds the signed credential embedded in an e-CO PDF (for the verify page's PDF upload).
///
/// This reads the embedded-file streams of PDFs as this module writes them (direct `/Length`,
/// optional `/FlateDecode`); it is not a general PDF parser. Returns a reason when nothing
/// usable is found.
pub fn extract_credential(pdf: &[u8]) -> Result<Value, String> {
    use std::io::Read;
    if !pdf.starts_with(b"%PDF-") {
        return Err("the file is not a PDF".into());
    }
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)
            .and_then(|h| h.windows(needle.len()).position(|w| w == needle))
            .map(|p| p + from)
    };
    let mut from = 0;
    while let Some(at) = find(pdf, b"/EmbeddedFile", from) {
        from = at + 1;
        // Skip the catalog's /EmbeddedFiles name tree.
        if pdf.get(at + 13) == Some(&b's') {
            continue;
        }
        let Some(dict_start) = pdf[..at].windows(2).rposition(|w| w == b"<<") else {
            continue;
        };
        let Some(stream_kw) = find(pdf, b"stream", at) else {
            continue;
        };
        let dict = String::from_utf8_lossy(&pdf[dict_start..stream_kw]);
        let Some(length) = dict.split("/Length").nth(1).and_then(|rest| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<usize>().ok()
        }) else {
            continue;
        };
        let mut data_start = stream_kw + "stream".len();
        if pdf.get(data_start) == Some(&b'\r') {
            data_start += 1;
        }
        if pdf.get(data_start) == Some(&b'\n') {
            data_start += 1;
        }
        let Some(raw) = pdf.get(data_start..data_start + length) else {
            continue;
        };
        let mut bytes = Vec::new();
        if dict.contains("/FlateDecode") {
            if flate2::read::ZlibDecoder::new(raw)
                .take(MAX_EMBEDDED_BYTES)
                .read_to_end(&mut bytes)
                .is_err()
            {
                continue;
            }
        } else {
            bytes.extend_from_slice(raw);
        }
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes)
            && value.get("proof").is_some()
        {
            return Ok(value);
        }
    }
    Err(
        "the PDF has no embedded signed credential (an e-CO PDF carries it as an attachment)"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eco::content::OriginContent;
    use crate::eco::proof::parse_datetime;
    use crate::eco::{sample, vc};

    pub(crate) fn render_sample(goods: usize, co: bool) -> (Vec<u8>, usize) {
        let data = if co {
            sample::full_certificate(goods)
        } else {
            sample::declaration(goods)
        };
        let content = OriginContent::new(data).unwrap();
        let at = parse_datetime("2026-11-25T09:00:00Z").unwrap();
        let signed = vc::issue(
            &content,
            &sample::settings(content.number(), at, 4711),
            &sample::demo_key(),
        )
        .unwrap();
        let options = PdfOptions {
            verification_url: format!("https://shop.example/verify/{}", content.number()),
            generated_at: at,
        };
        render_counting_pages(&content, &signed, &options).unwrap()
    }

    #[test]
    fn renders_a_pdf_a3_with_the_credential_embedded() {
        let (pdf, pages) = render_sample(3, true);
        assert_eq!(pages, 1);
        assert!(pdf.starts_with(b"%PDF-1."));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("pdfaid:part"), "XMP declares PDF/A");
        assert!(
            text.contains("/AFRelationship"),
            "the VC is an associated file"
        );
        assert!(text.contains("PF-CO-2026-000007.vc.json"));
    }

    #[test]
    fn the_embedded_credential_can_be_extracted_and_verified() {
        let (pdf, _) = render_sample(2, false);
        let vc = extract_credential(&pdf).unwrap();
        assert_eq!(vc["credentialSubject"]["number"], "PF-DOO-2026-000042");
        crate::eco::proof::verify(&vc, &sample::demo_key().verifying_key()).unwrap();
        assert!(extract_credential(b"%PDF-1.7 nothing here").is_err());
        assert!(extract_credential(b"{}").is_err());
    }

    #[test]
    fn a_fifty_item_certificate_continues_on_further_sheets() {
        let (_, pages) = render_sample(50, true);
        assert!(pages >= 3, "50 items need continuation sheets, got {pages}");
    }
}
