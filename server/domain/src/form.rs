//! Checking a submitted form: every problem is collected with the field it belongs to, a
//! stable code the UI translates, and an English message (logs, API, fallback).

use serde::{Deserialize, Serialize};

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's name (`name`, `country`, …).
    pub field: String,
    /// Stable code: `required`, `too_long`, `invalid`, … (UI key `form_error_<code>`).
    pub code: String,
    /// The problem in English, with specifics (limits, the offending value).
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Collects field problems while a form is read.
#[derive(Debug, Default)]
pub struct FormCheck {
    errors: Vec<FieldError>,
}

impl FormCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        // One message per field is enough for a person to act on.
        if !self.has(field) {
            self.errors.push(FieldError {
                field: field.to_owned(),
                code: code.to_owned(),
                message: message.into(),
            });
        }
    }

    /// Whether `field` already has a problem.
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// A required text: trimmed, at least one and at most `max` characters, no control
    /// characters except line breaks when `multiline`.
    pub fn text(&mut self, field: &str, value: &str, max: usize, multiline: bool) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "required", "this field is required");
        } else {
            self.check_text(field, v, max, multiline);
        }
        v.to_owned()
    }

    /// An optional text: `None` when blank.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        self.check_text(field, v, max, false);
        Some(v.to_owned())
    }

    fn check_text(&mut self, field: &str, v: &str, max: usize, multiline: bool) {
        if v.chars().count() > max {
            self.add(field, "too_long", format!("use at most {max} characters"));
        } else if v
            .chars()
            .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        {
            self.add(field, "invalid", "remove the control characters");
        }
    }

    /// A whole number in `min..=max`.
    pub fn integer(&mut self, field: &str, value: &str, min: i64, max: i64) -> i64 {
        match value.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            Ok(_) => {
                self.add(
                    field,
                    "out_of_range",
                    format!("enter a whole number from {min} to {max}"),
                );
                min
            }
            Err(_) if value.trim().is_empty() => {
                self.add(field, "required", "this field is required");
                min
            }
            Err(_) => {
                self.add(field, "not_a_number", "enter a whole number, like 100");
                min
            }
        }
    }

    /// The problems found, or `Ok` when there are none.
    pub fn finish(self) -> Result<(), crate::DomainError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(crate::DomainError::Fields(self.errors))
        }
    }

    /// The problems found so far.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_bounded() {
        let mut c = FormCheck::new();
        assert_eq!(c.text("name", "  Acme  ", 10, false), "Acme");
        c.text("empty", "   ", 10, false);
        c.text("long", "abcdefghijk", 10, false);
        c.text("ctrl", "a\u{7}b", 10, false);
        assert_eq!(c.text("note", "a\nb", 10, true), "a\nb");
        assert_eq!(c.optional_text("phone", " ", 10), None);
        let codes: Vec<_> = c
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("empty", "required"),
                ("long", "too_long"),
                ("ctrl", "invalid")
            ]
        );
    }

    #[test]
    fn numbers_are_checked_and_one_error_per_field() {
        let mut c = FormCheck::new();
        assert_eq!(c.integer("moq", "12", 1, 100), 12);
        c.integer("a", "x", 1, 5);
        c.integer("b", "9", 1, 5);
        c.integer("c", "", 1, 5);
        c.add("a", "other", "second problem");
        let err = c.finish().unwrap_err();
        let crate::DomainError::Fields(list) = err else {
            panic!("expected field errors");
        };
        let codes: Vec<_> = list.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["not_a_number", "out_of_range", "required"]);
    }
}
