//! The quote as an A4 PDF: seller and buyer, the quote's number, version, dates and terms, the
//! priced lines (continued on further pages with the column heads repeated), subtotal, freight,
//! insurance and total, payment terms, and a page footer.
//!
//! The layout is language-neutral: the caller passes a [`QuoteSheet`] whose labels and values
//! are already written in the reader's language (`app::trade::quote_sheet` builds it from the RFQ
//! detail and the UI's translations), and the font chain of `crate::pdf` prints every RCEP
//! script. The sheet is plain data (the app builds it without the PDF stack); [`render`] needs
//! the `pdf` feature.

use chrono::{DateTime, Utc};

#[cfg(feature = "pdf")]
mod layout;
#[cfg(feature = "pdf")]
pub use layout::render;

/// Everything printed on the quote, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSheet {
    /// BCP 47 tag of the text (`ja`, `en`, …): the PDF's language and the Han glyph forms.
    pub language: String,
    /// "Quotation".
    pub title: String,
    /// The PDF's document title (metadata), e.g. "Quotation Q-2026-00012 version 2".
    pub document_title: String,
    /// A mark over the title when this is not a quote to accept as it stands ("DRAFT").
    pub mark: Option<String>,
    /// The exporter: first line its name, then its address lines.
    pub seller: Vec<String>,
    /// Heading of the buyer box ("Buyer").
    pub buyer_heading: String,
    /// The buyer company: first line its name.
    pub buyer: Vec<String>,
    /// Number, version, dates, RFQ and PO numbers under the title: (label, value).
    pub facts: Vec<(String, String)>,
    /// Heading of the terms box ("Terms").
    pub terms_heading: String,
    /// Incoterm and place, destination, currency, …: (label, value).
    pub terms: Vec<(String, String)>,
    /// Column heads: number, item, quantity, unit price, lead time, amount.
    pub columns: [String; 6],
    /// One row per line, in the same order as `columns`.
    pub lines: Vec<[String; 6]>,
    /// Subtotal, freight, insurance, …, and the total last (printed bold).
    pub totals: Vec<(String, String)>,
    /// Paragraphs under the totals: (heading, text), e.g. payment terms.
    pub notes: Vec<(String, String)>,
    /// Left part of every page's footer.
    pub footer: String,
    /// The page label with `{page}` and `{pages}`, e.g. "Page {page} of {pages}".
    pub page_label: String,
    /// Written as the PDF's creation date.
    pub generated_at: DateTime<Utc>,
}

/// A filled-in Japanese sheet with `lines` lines naming goods in several RCEP scripts, for
/// previews (`make eco-pdf-preview`) and tests; `language` picks the Han forms.
pub fn sample(language: &str, lines: usize) -> QuoteSheet {
    let row = |i: usize| {
        [
            (i + 1).to_string(),
            "ステンレス製ボールバルブ DN50 — Van bi inox, วาล์วบอล, 스테인리스 볼 밸브".to_owned(),
            "1,200 pcs".to_owned(),
            "12.40".to_owned(),
            "30日".to_owned(),
            "14,880.00".to_owned(),
        ]
    };
    QuoteSheet {
        language: language.into(),
        title: "見積書".into(),
        document_title: "見積書 Q-2026-00012 第2版".into(),
        mark: Some("下書き".into()),
        seller: vec![
            "Harbourline Manufacturing Co., Ltd.".into(),
            "88 Gangcheng Road, Ningbo".into(),
            "China".into(),
        ],
        buyer_heading: "買い手".into(),
        buyer: vec![
            "大阪工業株式会社".into(),
            "大阪市北区 1-2-3".into(),
            "日本".into(),
        ],
        facts: vec![
            ("見積番号".into(), "Q-2026-00012".into()),
            ("版".into(), "2".into()),
            ("有効期限".into(), "2026-12-31".into()),
        ],
        terms_heading: "条件".into(),
        terms: vec![
            ("インコタームズ".into(), "CIF 大阪".into()),
            ("通貨".into(), "USD".into()),
        ],
        columns: [
            "No.".into(),
            "品目".into(),
            "数量".into(),
            "単価".into(),
            "納期".into(),
            "金額".into(),
        ],
        lines: (0..lines).map(row).collect(),
        totals: vec![
            ("小計".into(), "14,880.00".into()),
            ("運賃".into(), "800.00".into()),
            ("合計".into(), "USD 15,680.00".into()),
        ],
        notes: vec![(
            "支払条件".into(),
            "30% 前払い、残金は船積書類と引き換え。".into(),
        )],
        footer: "Q-2026-00012 第2版".into(),
        page_label: "{page} / {pages} ページ".into(),
        // 2026-12-03T09:00:00Z.
        generated_at: DateTime::from_timestamp(1_796_288_400, 0).unwrap_or_default(),
    }
}
