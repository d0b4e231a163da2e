//! The fonts PDFs are drawn with, and which one draws each character.
//!
//! Latin, Greek, Cyrillic and Vietnamese come from Noto Sans, compiled into the binary (the
//! `notosans` crate), so a PDF can always be written. Japanese, Chinese and Korean come from
//! Noto Sans CJK and Thai from Noto Sans Thai, read once per process from the machine's font
//! directories (Debian's `fonts-noto-cjk` and `fonts-noto-core`, which `.ci/ensure-tools`
//! installs; `PORTFRONT_FONT_DIR` adds a directory searched first). Each character is drawn with
//! the first font of the chain that has a glyph for it, so a Japanese company name inside an
//! English quote prints as real glyphs, not as empty boxes.
//!
//! Han characters are shared by Chinese, Japanese and Korean but drawn differently in each;
//! [`HanStyle`] picks the face of the CJK collection that suits the document's reader.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use krilla::text::Font;

use super::PdfError;

/// The two weights documents use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The regional glyph forms for Han characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HanStyle {
    Japanese,
    Korean,
    SimplifiedChinese,
}

impl HanStyle {
    /// The style for a reader of this language (a BCP 47 tag such as `ja`, `ko`, `zh-Hans`);
    /// Japanese forms for every other language.
    pub fn for_language(tag: &str) -> HanStyle {
        let lang = tag.split(['-', '_']).next().unwrap_or_default();
        match lang.to_ascii_lowercase().as_str() {
            "ko" => HanStyle::Korean,
            "zh" => HanStyle::SimplifiedChinese,
            _ => HanStyle::Japanese,
        }
    }

    /// The style for a document addressed to this country (ISO 3166 alpha-2).
    pub fn for_country(code: &str) -> HanStyle {
        match code {
            "KR" => HanStyle::Korean,
            "CN" | "SG" => HanStyle::SimplifiedChinese,
            _ => HanStyle::Japanese,
        }
    }

    /// The family-name suffix of the matching face in the Noto Sans CJK collection.
    fn family_suffix(self) -> &'static str {
        match self {
            HanStyle::Japanese => " JP",
            HanStyle::Korean => " KR",
            HanStyle::SimplifiedChinese => " SC",
        }
    }
}

/// The font files looked for on the machine, by file name.
const CJK_REGULAR: &str = "NotoSansCJK-Regular.ttc";
const CJK_BOLD: &str = "NotoSansCJK-Bold.ttc";
const THAI_REGULAR: &str = "NotoSansThai-Regular.ttf";
const THAI_BOLD: &str = "NotoSansThai-Bold.ttf";

/// Scripts the fallback fonts add, for the start-up report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontReport {
    /// `("CJK", Some(path))`, `("Thai", None)`, …
    pub scripts: Vec<(&'static str, Option<PathBuf>)>,
}

impl FontReport {
    /// The Debian packages that would add the missing scripts.
    pub fn missing_packages(&self) -> Vec<&'static str> {
        self.scripts
            .iter()
            .filter(|(_, p)| p.is_none())
            .map(|(script, _)| match *script {
                "CJK" => "fonts-noto-cjk",
                _ => "fonts-noto-core",
            })
            .collect()
    }
}

/// A font file read into memory for the life of the process.
struct Loaded {
    data: &'static [u8],
}

struct Installed {
    cjk_regular: Option<Loaded>,
    cjk_bold: Option<Loaded>,
    thai_regular: Option<Loaded>,
    thai_bold: Option<Loaded>,
}

/// The directories searched, in order.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("PORTFRONT_FONT_DIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
    }
    dirs.push("/usr/local/share/fonts".into());
    dirs.push("/usr/share/fonts".into());
    dirs
}

/// The first file with this name under `dirs` (searched to a depth of four).
fn find(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    fn walk(dir: &Path, name: &str, depth: u8) -> Option<PathBuf> {
        let entries = std::fs::read_dir(dir).ok()?;
        let mut subdirs = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name() == name && path.is_file() {
                return Some(path);
            }
            if depth > 0 && path.is_dir() {
                subdirs.push(path);
            }
        }
        subdirs.sort();
        subdirs.into_iter().find_map(|d| walk(&d, name, depth - 1))
    }
    dirs.iter().find_map(|d| walk(d, name, 4))
}

fn load(dirs: &[PathBuf], name: &str) -> Option<Loaded> {
    let path = find(dirs, name)?;
    let bytes = std::fs::read(&path).ok()?;
    // A font must parse before it is kept.
    let count = ttf_parser::fonts_in_collection(&bytes).unwrap_or(1);
    if (0..count).all(|i| ttf_parser::Face::parse(&bytes, i).is_err()) {
        return None;
    }
    Some(Loaded {
        data: Box::leak(bytes.into_boxed_slice()),
    })
}

static INSTALLED: LazyLock<Installed> = LazyLock::new(|| {
    let dirs = font_dirs();
    Installed {
        cjk_regular: load(&dirs, CJK_REGULAR),
        cjk_bold: load(&dirs, CJK_BOLD),
        thai_regular: load(&dirs, THAI_REGULAR),
        thai_bold: load(&dirs, THAI_BOLD),
    }
});

/// Which fallback fonts the machine has (looks for the files without reading them; a PDF
/// reads them on first use).
pub fn report() -> FontReport {
    let dirs = font_dirs();
    FontReport {
        scripts: vec![
            ("CJK", find(&dirs, CJK_REGULAR)),
            ("Thai", find(&dirs, THAI_REGULAR)),
        ],
    }
}

/// One face of the chain.
#[derive(Clone)]
struct Face {
    font: Font,
    face: ttf_parser::Face<'static>,
    upem: f32,
}

impl Face {
    fn new(data: &'static [u8], index: u32) -> Option<Face> {
        let face = ttf_parser::Face::parse(data, index).ok()?;
        let font = Font::new(data.into(), index)?;
        Some(Face {
            upem: f32::from(face.units_per_em()),
            font,
            face,
        })
    }

    fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// The advance of `c` in ems.
    fn advance(&self, c: char) -> f32 {
        self.face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .map_or(0.6, |a| f32::from(a) / self.upem)
    }
}

/// The index of the collection's face whose family name ends with `suffix`.
fn face_index(data: &[u8], suffix: &str) -> Option<u32> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count).find(|&i| {
        ttf_parser::Face::parse(data, i).is_ok_and(|f| {
            f.names().into_iter().any(|n| {
                n.name_id == ttf_parser::name_id::FAMILY
                    && n.to_string().is_some_and(|s| s.ends_with(suffix))
            })
        })
    })
}

/// Characters that belong to the character before them (combining marks, joiners, variation
/// selectors): they are drawn with that character's font and never start a line.
pub fn is_attached(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x200C | 0x200D | 0xFE00..=0xFE0F | 0x3099 | 0x309A)
}

/// The fonts of one document: a chain per weight, Noto Sans first.
#[derive(Clone)]
pub struct FontSet {
    regular: Vec<Face>,
    bold: Vec<Face>,
}

impl FontSet {
    /// The chain for a document whose Han characters take `han` forms.
    pub fn new(han: HanStyle) -> Result<FontSet, PdfError> {
        let latin_regular = Face::new(notosans::REGULAR_TTF, 0).ok_or(PdfError::Font)?;
        let latin_bold = Face::new(notosans::BOLD_TTF, 0).ok_or(PdfError::Font)?;
        let i = &*INSTALLED;
        let cjk = |l: &Option<Loaded>| {
            l.as_ref().and_then(|l| {
                let index = face_index(l.data, han.family_suffix()).unwrap_or(0);
                Face::new(l.data, index)
            })
        };
        let plain = |l: &Option<Loaded>| l.as_ref().and_then(|l| Face::new(l.data, 0));
        let thai_regular = plain(&i.thai_regular);
        let cjk_regular = cjk(&i.cjk_regular);
        // A missing bold face falls back to the regular one of the same script.
        let thai_bold = plain(&i.thai_bold).or_else(|| thai_regular.clone());
        let cjk_bold = cjk(&i.cjk_bold).or_else(|| cjk_regular.clone());
        let chain = |latin: Face, thai: Option<Face>, cjk: Option<Face>| {
            std::iter::once(latin).chain(thai).chain(cjk).collect()
        };
        Ok(FontSet {
            regular: chain(latin_regular, thai_regular, cjk_regular),
            bold: chain(latin_bold, thai_bold, cjk_bold),
        })
    }

    fn chain(&self, weight: Weight) -> &[Face] {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The index in the chain of the first font with a glyph for `c` (the first font when
    /// none has one).
    fn pick(&self, weight: Weight, c: char) -> usize {
        self.chain(weight)
            .iter()
            .position(|f| f.has(c))
            .unwrap_or(0)
    }

    /// `text` cut into runs that one font draws: (font, byte range).
    pub fn runs(&self, text: &str, weight: Weight) -> Vec<(Font, std::ops::Range<usize>)> {
        let chain = self.chain(weight);
        let mut runs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        for (at, c) in text.char_indices() {
            let end = at + c.len_utf8();
            // Spaces and marks stay with the run before them.
            let pick = (!(c.is_whitespace() || is_attached(c))).then(|| self.pick(weight, c));
            match (runs.last_mut(), pick) {
                (Some((_, range)), None) => range.end = end,
                (Some((font, range)), Some(p)) if *font == p => range.end = end,
                (_, p) => runs.push((p.unwrap_or(0), at..end)),
            }
        }
        runs.into_iter()
            .map(|(i, r)| (chain[i].font.clone(), r))
            .collect()
    }

    /// The width of `text` in ems (glyph advances, without kerning).
    pub fn width_em(&self, text: &str, weight: Weight) -> f32 {
        let chain = self.chain(weight);
        let mut font = 0;
        text.chars()
            .map(|c| {
                if !(c.is_whitespace() || is_attached(c)) {
                    font = self.pick(weight, c);
                }
                chain[font].advance(c)
            })
            .sum()
    }

    /// The characters of `text` that no font of the chain can draw.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace() && !is_attached(*c))
            .filter(|&c| !self.regular.iter().any(|f| f.has(c)))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and words the buyers of the RCEP countries write.
    pub(crate) const SCRIPTS: [(&str, &str); 6] = [
        ("ja", "大阪工業株式会社 — 見積書、有効期限"),
        ("zh-Hans", "上海洋山港 报价单 有效期至"),
        ("ko", "부산항 주식회사 견적서"),
        ("th", "บริษัท กรุงเทพ จำกัด ใบเสนอราคา"),
        ("vi", "Công ty TNHH Cảng Cái Mép — Báo giá"),
        ("ms", "Sdn. Bhd. Pelabuhan Klang — Sebut harga"),
    ];

    #[test]
    fn every_rcep_script_has_a_glyph() {
        let report = report();
        assert!(
            report.missing_packages().is_empty(),
            "fallback fonts missing ({report:?}): install Debian's {} (make test-tools does)",
            report.missing_packages().join(" ")
        );
        for (lang, text) in SCRIPTS {
            let fonts = FontSet::new(HanStyle::for_language(lang)).unwrap();
            assert_eq!(fonts.missing(text), Vec::<char>::new(), "{lang}: {text}");
        }
    }

    #[test]
    fn runs_switch_font_by_script_and_keep_marks_with_their_base() {
        let fonts = FontSet::new(HanStyle::Japanese).unwrap();
        let text = "Osaka 大阪 กรุงเทพ";
        let runs = fonts.runs(text, Weight::Regular);
        let pieces: Vec<&str> = runs.iter().map(|(_, r)| &text[r.clone()]).collect();
        assert_eq!(pieces, ["Osaka ", "大阪 ", "กรุงเทพ"]);
        // Thai vowel marks never start a run of their own.
        let thai = "กรุงเทพ";
        assert_eq!(fonts.runs(thai, Weight::Bold).len(), 1);
        assert!(fonts.width_em("大阪", Weight::Regular) > fonts.width_em("ab", Weight::Regular));
    }

    #[test]
    fn han_forms_follow_the_reader() {
        assert_eq!(HanStyle::for_language("ja"), HanStyle::Japanese);
        assert_eq!(HanStyle::for_language("ko-KR"), HanStyle::Korean);
        assert_eq!(
            HanStyle::for_language("zh-Hans"),
            HanStyle::SimplifiedChinese
        );
        assert_eq!(HanStyle::for_language("en"), HanStyle::Japanese);
        assert_eq!(HanStyle::for_country("KR"), HanStyle::Korean);
        assert_eq!(HanStyle::for_country("CN"), HanStyle::SimplifiedChinese);
        let data = INSTALLED.cjk_regular.as_ref().expect("Noto Sans CJK").data;
        let jp = face_index(data, " JP").unwrap();
        let kr = face_index(data, " KR").unwrap();
        assert_ne!(jp, kr);
    }
}
