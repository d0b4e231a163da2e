//! Writes sample e-CO PDFs — a certificate with 3 goods items, one with 50 (several sheets), a
//! declaration of origin — and sample quote PDFs (Japanese, Korean, a 40-line one over several
//! pages) to `target/eco-pdf-preview/`, and PNG renderings of their pages where Debian's
//! `pdftoppm` is installed, for a person to look at the layout.
//!
//!     make eco-pdf-preview    (cargo run -p domain --example eco_pdf_preview)

use std::io::Write;

use domain::eco::content::OriginContent;
use domain::eco::pdf::{PdfOptions, render_counting_pages};
use domain::eco::proof::parse_datetime;
use domain::eco::{sample, vc};

/// Writes PNG pages beside the PDF when `pdftoppm` is there; tells whether it did.
fn png_pages(path: &std::path::Path, dir: &std::path::Path, name: &str) -> bool {
    std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "80"])
        .arg(path)
        .arg(dir.join(name))
        .status()
        .is_ok_and(|s| s.success())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/eco-pdf-preview");
    std::fs::create_dir_all(&dir)?;
    let at = parse_datetime("2026-11-25T09:00:00Z").ok_or("bad sample time")?;
    for (name, goods, certificate) in [
        ("co-full", 3, true),
        ("co-50-items", 50, true),
        ("doo", 2, false),
    ] {
        let data = if certificate {
            sample::full_certificate(goods)
        } else {
            sample::declaration(goods)
        };
        let content = OriginContent::new(data)?;
        let signed = vc::issue(
            &content,
            &sample::settings(content.number(), at, 4711),
            &sample::demo_key(),
        )?;
        let options = PdfOptions {
            verification_url: format!("https://shop.example/verify/{}", content.number()),
            generated_at: at,
        };
        let (pdf, sheets) = render_counting_pages(&content, &signed, &options)?;
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf)?;
        let png = png_pages(&path, &dir, name);
        writeln!(
            std::io::stdout(),
            "{} ({sheets} sheet(s)){}",
            path.display(),
            if png { ", PNG pages beside it" } else { "" }
        )?;
    }
    for (name, language, lines) in [
        ("quote-ja", "ja", 4),
        ("quote-ko", "ko", 2),
        ("quote-40-lines", "ja", 40),
    ] {
        let (pdf, pages) =
            domain::trade::quote_pdf::render(&domain::trade::quote_pdf::sample(language, lines))?;
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf)?;
        let png = png_pages(&path, &dir, name);
        writeln!(
            std::io::stdout(),
            "{} ({pages} page(s)){}",
            path.display(),
            if png { ", PNG pages beside it" } else { "" }
        )?;
    }
    Ok(())
}
