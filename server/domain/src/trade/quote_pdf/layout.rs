//! Drawing a [`QuoteSheet`] with krilla.

use krilla::Document;
use krilla::color::rgb;
use krilla::metadata::Metadata;

use super::QuoteSheet;
use crate::pdf::pen::PAD;
use crate::pdf::{A4_H, A4_W, FontSet, HanStyle, PdfError, Pen, Weight, a4, pdf_date};

const MARGIN: f32 = 40.0;
const INNER: f32 = A4_W - 2.0 * MARGIN;
/// Widths of the number, quantity, unit price, lead time and amount columns; the item
/// column takes the rest.
const NUMBER_W: f32 = 24.0;
const FIXED_W: [f32; 4] = [72.0, 76.0, 56.0, 84.0];
const BODY: f32 = 8.5;
const FOOTER_Y: f32 = A4_H - 24.0;
/// The lowest a table row or note may reach.
const BOTTOM: f32 = A4_H - 48.0;

fn column_x() -> [(f32, f32); 6] {
    let item_w = INNER - NUMBER_W - FIXED_W.iter().sum::<f32>();
    let widths = [
        NUMBER_W, item_w, FIXED_W[0], FIXED_W[1], FIXED_W[2], FIXED_W[3],
    ];
    let mut out = [(0.0, 0.0); 6];
    let mut x = MARGIN;
    for (i, w) in widths.into_iter().enumerate() {
        out[i] = (x, w);
        x += w;
    }
    out
}

/// Columns after the item's are numbers, aligned right.
fn right_aligned(column: usize) -> bool {
    column >= 2
}

fn row_height(fonts: &FontSet, cells: &[String; 6], weight: Weight) -> f32 {
    column_x()
        .iter()
        .zip(cells)
        .map(|((_, w), c)| fonts.wrap(c, w - 2.0 * PAD, BODY, weight).len() as f32)
        .fold(1.0, f32::max)
        * BODY
        * 1.22
        + 2.0 * PAD
}

fn draw_row(pen: &mut Pen<'_, '_>, y: f32, cells: &[String; 6], weight: Weight) -> f32 {
    let h = row_height(pen.fonts, cells, weight);
    for (i, ((x, w), cell)) in column_x().iter().zip(cells).enumerate() {
        let lines = pen.wrap(cell, w - 2.0 * PAD, BODY, weight);
        for (n, line) in lines.iter().enumerate() {
            let base = y + PAD + BODY + BODY * 1.22 * n as f32;
            if right_aligned(i) {
                pen.right(x + w - PAD, base, BODY, weight, line);
            } else {
                pen.text(x + PAD, base, BODY, weight, line);
            }
        }
    }
    pen.fill_rects(
        &[(MARGIN, y + h - 0.4, INNER, 0.4)],
        rgb::Color::new(170, 170, 170),
    );
    h
}

fn table_head(pen: &mut Pen<'_, '_>, sheet: &QuoteSheet, y: f32) -> f32 {
    let h = row_height(pen.fonts, &sheet.columns, Weight::Bold);
    pen.fill_rects(&[(MARGIN, y, INNER, h)], rgb::Color::new(232, 236, 241));
    pen.set_colour(rgb::Color::black());
    draw_row(pen, y, &sheet.columns, Weight::Bold);
    y + h
}

/// Label/value rows; returns the height used.
fn fact_rows(
    pen: &mut Pen<'_, '_>,
    x: f32,
    top: f32,
    width: f32,
    rows: &[(String, String)],
) -> f32 {
    let label_w = width * 0.42;
    let mut y = top;
    for (label, value) in rows {
        let used_label = pen.block(x, y, label_w - 6.0, BODY, Weight::Bold, label);
        let used_value = pen.block(
            x + label_w,
            y,
            width - label_w,
            BODY,
            Weight::Regular,
            value,
        );
        y += used_label.max(used_value) + 2.0;
    }
    y - top
}

/// The first page's header; returns where the table starts.
fn header(pen: &mut Pen<'_, '_>, sheet: &QuoteSheet) -> f32 {
    let left_w = INNER * 0.5;
    let right_x = MARGIN + left_w + 16.0;
    let right_w = INNER - left_w - 16.0;
    // Seller on the left.
    let mut y = MARGIN;
    if let Some((name, address)) = sheet.seller.split_first() {
        y += pen.block(MARGIN, y, left_w, 13.0, Weight::Bold, name) + 2.0;
        y += pen.block(
            MARGIN,
            y,
            left_w,
            BODY,
            Weight::Regular,
            &address.join("\n"),
        );
    }
    // Title, mark and facts on the right.
    let mut ry = MARGIN;
    if let Some(mark) = &sheet.mark {
        let w = pen.width(mark, 11.0, Weight::Bold) + 12.0;
        pen.stamp(A4_W - MARGIN - w, ry, mark);
        ry += 28.0;
    }
    pen.right(A4_W - MARGIN, ry + 20.0, 20.0, Weight::Bold, &sheet.title);
    ry += 32.0;
    ry += fact_rows(pen, right_x, ry, right_w, &sheet.facts);
    let mut y = y.max(ry) + 14.0;
    // Buyer and terms boxes.
    let box_w = (INNER - 12.0) / 2.0;
    let top = y;
    let buyer_text = sheet.buyer.join("\n");
    let buyer_h = 16.0
        + pen
            .wrap(&buyer_text, box_w - 2.0 * PAD - 4.0, BODY, Weight::Regular)
            .len() as f32
            * BODY
            * 1.22;
    let terms_x = MARGIN + box_w + 12.0;
    // Draw the terms first to learn their height, then both frames at the taller one.
    pen.text(
        terms_x + PAD + 2.0,
        top + 11.0,
        7.5,
        Weight::Bold,
        &sheet.terms_heading,
    );
    let terms_h = 16.0
        + fact_rows(
            pen,
            terms_x + PAD + 2.0,
            top + 14.0,
            box_w - 2.0 * PAD - 4.0,
            &sheet.terms,
        );
    pen.text(
        MARGIN + PAD + 2.0,
        top + 11.0,
        7.5,
        Weight::Bold,
        &sheet.buyer_heading,
    );
    if let Some((name, rest)) = sheet.buyer.split_first() {
        let used = pen.block(
            MARGIN + PAD + 2.0,
            top + 14.0,
            box_w - 2.0 * PAD - 4.0,
            BODY,
            Weight::Bold,
            name,
        );
        pen.block(
            MARGIN + PAD + 2.0,
            top + 14.0 + used,
            box_w - 2.0 * PAD - 4.0,
            BODY,
            Weight::Regular,
            &rest.join("\n"),
        );
    }
    let h = buyer_h.max(terms_h) + 6.0;
    pen.stroke_rect(MARGIN, top, box_w, h, 0.7);
    pen.stroke_rect(terms_x, top, box_w, h, 0.7);
    y = top + h + 16.0;
    y
}

/// A following page's header; returns where the table starts.
fn continuation_header(pen: &mut Pen<'_, '_>, sheet: &QuoteSheet) -> f32 {
    pen.text(
        MARGIN,
        MARGIN + 12.0,
        11.0,
        Weight::Bold,
        &sheet.document_title,
    );
    if let Some(mark) = &sheet.mark {
        let w = pen.width(mark, 11.0, Weight::Bold) + 12.0;
        pen.stamp(A4_W - MARGIN - w, MARGIN - 4.0, mark);
    }
    MARGIN + 30.0
}

fn footer(pen: &mut Pen<'_, '_>, sheet: &QuoteSheet, page: usize, pages: usize) {
    pen.rule(MARGIN, FOOTER_Y - 10.0, INNER, 0.4);
    let label = sheet
        .page_label
        .replace("{page}", &page.to_string())
        .replace("{pages}", &pages.to_string());
    let label_w = pen.width(&label, 7.0, Weight::Regular);
    let lines = pen.wrap(&sheet.footer, INNER - label_w - 16.0, 7.0, Weight::Regular);
    if let Some(first) = lines.first() {
        pen.text(MARGIN, FOOTER_Y, 7.0, Weight::Regular, first);
    }
    pen.right(A4_W - MARGIN, FOOTER_Y, 7.0, Weight::Regular, &label);
}

/// The totals and notes; their height.
fn tail_height(fonts: &FontSet, sheet: &QuoteSheet) -> f32 {
    let totals = sheet.totals.len() as f32 * (BODY * 1.22 + 4.0) + 10.0;
    let notes: f32 = sheet
        .notes
        .iter()
        .map(|(_, text)| {
            14.0 + fonts.wrap(text, INNER, BODY, Weight::Regular).len() as f32 * BODY * 1.22 + 8.0
        })
        .sum();
    totals + notes
}

fn draw_tail(pen: &mut Pen<'_, '_>, sheet: &QuoteSheet, top: f32) {
    let cols = column_x();
    let value_right = cols[5].0 + cols[5].1 - PAD;
    let label_right = cols[4].0 + cols[4].1 - PAD;
    let mut y = top + 6.0;
    let count = sheet.totals.len();
    for (i, (label, value)) in sheet.totals.iter().enumerate() {
        let last = i + 1 == count;
        let weight = if last { Weight::Bold } else { Weight::Regular };
        if last {
            pen.rule(cols[3].0, y, value_right + PAD - cols[3].0, 0.8);
            y += 3.0;
        }
        y += BODY * 1.22;
        pen.right(label_right, y, BODY, weight, label);
        pen.right(value_right, y, BODY, weight, value);
        y += 4.0;
    }
    y += 10.0;
    for (heading, text) in &sheet.notes {
        pen.text(MARGIN, y + BODY, BODY, Weight::Bold, heading);
        y += 14.0;
        y += pen.block(MARGIN, y, INNER, BODY, Weight::Regular, text) + 8.0;
    }
}

/// Draws the whole quote into `document`; returns the number of pages. `pages` is the total
/// the footers print (0 in the counting pass).
fn draw(
    document: &mut Document,
    fonts: &FontSet,
    sheet: &QuoteSheet,
    pages: usize,
) -> Result<usize, PdfError> {
    let mut page_no = 1;
    let mut page = document.start_page_with(a4()?);
    let mut surface = page.surface();
    let mut pen = Pen {
        s: &mut surface,
        fonts,
    };
    let mut y = header(&mut pen, sheet);
    y = table_head(&mut pen, sheet, y);
    let mut lines = sheet.lines.iter().peekable();
    loop {
        while let Some(cells) = lines.peek() {
            let h = row_height(fonts, cells, Weight::Regular);
            if y + h > BOTTOM {
                break;
            }
            y += draw_row(&mut pen, y, cells, Weight::Regular);
            lines.next();
        }
        let done = lines.peek().is_none();
        if done && y + tail_height(fonts, sheet) <= BOTTOM {
            draw_tail(&mut pen, sheet, y);
            footer(&mut pen, sheet, page_no, pages);
            break;
        }
        footer(&mut pen, sheet, page_no, pages);
        surface.finish();
        page.finish();
        page_no += 1;
        page = document.start_page_with(a4()?);
        surface = page.surface();
        pen = Pen {
            s: &mut surface,
            fonts,
        };
        y = continuation_header(&mut pen, sheet);
        if !done {
            y = table_head(&mut pen, sheet, y);
        } else {
            draw_tail(&mut pen, sheet, y);
            footer(&mut pen, sheet, page_no, pages);
            break;
        }
    }
    surface.finish();
    page.finish();
    Ok(page_no)
}

/// Renders the quote; returns the PDF and its number of pages.
pub fn render(sheet: &QuoteSheet) -> Result<(Vec<u8>, usize), PdfError> {
    let fonts = FontSet::new(HanStyle::for_language(&sheet.language))?;
    // A counting pass first, so that every footer can say "of N".
    let pages = draw(&mut Document::new(), &fonts, sheet, 0)?;
    let mut document = Document::new();
    draw(&mut document, &fonts, sheet, pages)?;
    let seller = sheet.seller.first().cloned().unwrap_or_default();
    document.set_metadata(
        Metadata::new()
            .title(sheet.document_title.clone())
            .language(sheet.language.clone())
            .authors(vec![seller])
            .creator("Portfront".into())
            .producer("Portfront (krilla)".into())
            .creation_date(pdf_date(sheet.generated_at)),
    );
    let pdf = document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    Ok((pdf, pages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::embedded_fonts as base_fonts;
    use crate::trade::quote_pdf::sample;

    #[test]
    fn a_japanese_quote_embeds_the_fonts_of_every_script_it_prints() {
        let (pdf, pages) = render(&sample("ja", 3)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pages, 1);
        let fonts = base_fonts(&pdf);
        assert!(
            fonts.iter().any(|f| f.starts_with("NotoSansCJKjp")),
            "{fonts:?}"
        );
        assert!(
            fonts.iter().any(|f| f.starts_with("NotoSansThai")),
            "{fonts:?}"
        );
        assert!(
            fonts.iter().any(|f| f.starts_with("NotoSans-")),
            "{fonts:?}"
        );
        let sheet = sample("ja", 1);
        let set = FontSet::new(HanStyle::Japanese).unwrap();
        for text in sheet.lines[0].iter().chain([&sheet.title, &sheet.buyer[0]]) {
            assert_eq!(set.missing(text), Vec::<char>::new(), "{text}");
        }
    }

    #[test]
    fn han_forms_follow_the_language_of_the_quote() {
        let (pdf, _) = render(&sample("ko", 1)).unwrap();
        assert!(
            base_fonts(&pdf)
                .iter()
                .any(|f| f.starts_with("NotoSansCJKkr"))
        );
        let (pdf, _) = render(&sample("zh-Hans", 1)).unwrap();
        assert!(
            base_fonts(&pdf)
                .iter()
                .any(|f| f.starts_with("NotoSansCJKsc"))
        );
    }

    #[test]
    fn many_lines_continue_on_further_pages_with_the_totals_once() {
        let (_, pages) = render(&sample("en", 60)).unwrap();
        assert!(pages >= 3, "60 wrapped lines need three pages, got {pages}");
        let (pdf, pages_one) = render(&sample("en", 0)).unwrap();
        assert_eq!(pages_one, 1);
        assert!(String::from_utf8_lossy(&pdf).contains("/Lang"));
    }
}
