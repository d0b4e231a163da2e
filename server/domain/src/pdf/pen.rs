//! Drawing on a page: text through the font chain (measured, wrapped, aligned), rectangles,
//! check boxes and captioned boxes.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::fonts::{FontSet, Weight, is_attached};

/// Inner padding of a box.
pub(crate) const PAD: f32 = 3.5;

/// Characters after which a line may break without a space (Han, kana, CJK punctuation).
fn breaks_after(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3001..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF01..=0xFF60)
}

/// Punctuation that must not start a line (it joins the piece before it).
fn closes(c: char) -> bool {
    "、。，．）」』】〕〉》！？：；ー・％".contains(c)
}

/// A paragraph cut where a line may break: (a space comes before, the piece).
fn pieces(paragraph: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for word in paragraph.split_whitespace() {
        let mut first = true;
        let mut cur = String::new();
        for c in word.chars() {
            if cur.is_empty()
                && !first
                && (closes(c) || is_attached(c))
                && let Some((_, last)) = out.last_mut()
            {
                last.push(c);
                continue;
            }
            cur.push(c);
            if breaks_after(c) {
                out.push((first, std::mem::take(&mut cur)));
                first = false;
            }
        }
        if !cur.is_empty() {
            out.push((first, cur));
        }
    }
    out
}

impl FontSet {
    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.width_em(text, weight) * size
    }

    /// Breaks `text` into lines no wider than `width`: at spaces, after Han and kana
    /// characters, and inside a word only when the word alone is too wide.
    pub fn wrap(&self, text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for (space, piece) in pieces(paragraph) {
                let candidate = if line.is_empty() {
                    piece.clone()
                } else if space {
                    format!("{line} {piece}")
                } else {
                    format!("{line}{piece}")
                };
                if self.width(&candidate, size, weight) <= width || line.is_empty() {
                    line = candidate;
                    // A single piece wider than the box is cut by characters.
                    while self.width(&line, size, weight) > width && line.chars().count() > 1 {
                        let mut head = String::new();
                        for c in line.chars() {
                            let longer = format!("{head}{c}");
                            if !head.is_empty()
                                && !is_attached(c)
                                && self.width(&longer, size, weight) > width
                            {
                                break;
                            }
                            head = longer;
                        }
                        if head.len() == line.len() {
                            break;
                        }
                        let rest = line[head.len()..].to_owned();
                        lines.push(head);
                        line = rest;
                    }
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = piece;
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// A pen on one page's surface.
pub(crate) struct Pen<'a, 'b> {
    pub s: &'a mut Surface<'b>,
    pub fonts: &'a FontSet,
}

impl Pen<'_, '_> {
    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.fonts.width(text, size, weight)
    }

    pub fn wrap(&self, text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
        self.fonts.wrap(text, width, size, weight)
    }

    /// One line of text from its baseline's left end, each script in its own font.
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let mut x = x;
        for (font, range) in self.fonts.runs(text, weight) {
            let run = &text[range];
            if !run.trim().is_empty() {
                self.s.draw_text(
                    Point::from_xy(x, y),
                    font,
                    size,
                    run,
                    false,
                    TextDirection::Auto,
                );
            }
            x += self.fonts.width(run, size, weight);
        }
    }

    #[cfg(feature = "eco")]
    pub fn centred(&mut self, cx: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let w = self.width(text, size, weight);
        self.text(cx - w / 2.0, y, size, weight, text);
    }

    /// One line ending at `right`.
    pub fn right(&mut self, right: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let w = self.width(text, size, weight);
        self.text(right - w, y, size, weight, text);
    }

    /// Writes wrapped text from the top-left corner; returns the height used.
    pub fn block(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        size: f32,
        weight: Weight,
        text: &str,
    ) -> f32 {
        let lead = size * 1.22;
        let lines = self.wrap(text, width, size, weight);
        for (i, line) in lines.iter().enumerate() {
            self.text(x, top + size + lead * i as f32, size, weight, line);
        }
        lead * lines.len() as f32
    }

    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let Some(rect) = Rect::from_xywh(x, y, w, h) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        if let Some(path) = pb.finish() {
            self.s.set_fill(None);
            self.s.set_stroke(Some(Stroke {
                width,
                ..Stroke::default()
            }));
            self.s.draw_path(&path);
            self.s.set_stroke(None);
            self.s.set_fill(Some(Fill::default()));
        }
    }

    /// A horizontal rule.
    pub fn rule(&mut self, x: f32, y: f32, w: f32, width: f32) {
        self.fill_rects(&[(x, y, w, width)], rgb::Color::black());
    }

    pub fn fill_rects(&mut self, rects: &[(f32, f32, f32, f32)], color: rgb::Color) {
        let mut pb = PathBuilder::new();
        for &(x, y, w, h) in rects {
            if let Some(r) = Rect::from_xywh(x, y, w, h) {
                pb.push_rect(r);
            }
        }
        if let Some(path) = pb.finish() {
            self.s.set_stroke(None);
            self.s.set_fill(Some(Fill {
                paint: color.into(),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            }));
            self.s.draw_path(&path);
            self.s.set_fill(Some(Fill::default()));
        }
    }

    #[cfg(feature = "eco")]
    pub fn checkbox(&mut self, x: f32, y: f32, checked: bool, label: &str, size: f32) {
        self.stroke_rect(x, y, 8.0, 8.0, 0.7);
        if checked {
            self.text(x + 1.1, y + 7.3, 8.5, Weight::Bold, "X");
        }
        self.text(x + 12.0, y + 7.2, size, Weight::Regular, label);
    }

    /// A box with its number and caption; returns the y where content starts.
    #[cfg(feature = "eco")]
    pub fn labelled(&mut self, x: f32, y: f32, w: f32, h: f32, caption: &str) -> f32 {
        self.stroke_rect(x, y, w, h, 0.8);
        let used = self.block(x + PAD, y + 1.5, w - 2.0 * PAD, 6.3, Weight::Bold, caption);
        y + 1.5 + used + 1.0
    }

    pub fn set_colour(&mut self, color: rgb::Color) {
        self.s.set_fill(Some(Fill {
            paint: color.into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
    }

    /// A framed mark in red (ISSUED RETROACTIVELY, DRAFT, …) from its top-left corner.
    pub fn stamp(&mut self, x: f32, y: f32, text: &str) {
        let size = 11.0;
        let w = self.width(text, size, Weight::Bold) + 12.0;
        let red = rgb::Color::new(190, 20, 30);
        self.set_colour(red);
        self.text(x + 6.0, y + 15.0, size, Weight::Bold, text);
        self.s.set_stroke(Some(Stroke {
            width: 1.6,
            paint: red.into(),
            ..Stroke::default()
        }));
        if let Some(r) = Rect::from_xywh(x, y, w, 21.0) {
            let mut pb = PathBuilder::new();
            pb.push_rect(r);
            if let Some(path) = pb.finish() {
                self.s.set_fill(None);
                self.s.draw_path(&path);
            }
        }
        self.s.set_stroke(None);
        self.s.set_fill(Some(Fill::default()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::HanStyle;

    #[test]
    fn japanese_wraps_between_characters_and_keeps_punctuation_on_the_line() {
        let fonts = FontSet::new(HanStyle::Japanese).unwrap();
        let text = "大阪工業株式会社様、本見積書の有効期限は三十日です。";
        let lines = fonts.wrap(text, 60.0, 10.0, Weight::Regular);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.concat(), text, "nothing added or lost");
        for line in &lines {
            assert!(
                fonts.width(line, 10.0, Weight::Regular) <= 60.0 + 0.01,
                "{line}"
            );
            assert!(!line.starts_with(['、', '。']), "{line}");
        }
    }

    #[test]
    fn latin_wraps_at_spaces_and_thai_marks_stay_with_their_base() {
        let fonts = FontSet::new(HanStyle::Japanese).unwrap();
        let lines = fonts.wrap("Cost and freight to Cai Mep", 70.0, 10.0, Weight::Regular);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Cost and freight to Cai Mep");
        let thai = "ใบเสนอราคาสำหรับบริษัทกรุงเทพจำกัด";
        let lines = fonts.wrap(thai, 40.0, 10.0, Weight::Regular);
        assert_eq!(lines.concat(), thai);
        for line in lines {
            assert!(!line.starts_with(is_attached), "{line}");
        }
    }
}
