//! UN/EDIFACT status messages — IFTSTA (status report), COARRI (loading/discharge report),
//! CODECO (gate-in/gate-out report) — to events, with a partner profile saying what the codes
//! mean. The interchange is checked before anything is mapped: `UNA` service characters, the
//! release character, `UNT` segment counts and references, `UNZ` message count, terminated
//! segments. Tokenising is done by the `edifact-rs` crate; everything after is ours.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use edifact_rs::{ServiceStringAdvice, Token, Tokenizer};
use sha2::{Digest, Sha256};

use super::super::codes::{
    ContainerNumber, DocumentType, EmptyIndicator, EquipmentEventType, EventClassifier, ImoNumber,
    ModeOfTransport, MovementType, ShortCode,
};
use super::super::error::{EdifactError, FeedError};
use super::super::event::{
    DocumentReference, Equipment, EventId, EventKind, FeedItem, Reference, ShipmentReference,
    SourceId, TransportCall, Vessel,
};
use super::super::locations::LocationMaster;
use super::profile::{PartnerProfile, StatusMapping};
use super::{Draft, EventDraft, LocationDraft, check_size};

/// Parses an EDIFACT interchange (or bare messages) into feed items with a partner profile.
pub fn parse(
    body: &[u8],
    source: &SourceId,
    profile: &PartnerProfile,
    master: &LocationMaster,
) -> Result<Vec<FeedItem>, FeedError> {
    check_size(body)?;
    let (ssa, segments) = tokenize(body)?;
    let lex = Lex { ssa };
    let messages = split_messages(&segments, &lex)?;
    let mut items = Vec::new();
    for m in messages {
        for d in map_message(&m, &lex, profile)? {
            items.push(d.finish(source, master, &profile.locode_aliases));
        }
    }
    Ok(items)
}

/// One segment: its number (1-based, `UNA` not counted), tag, byte offset and raw elements
/// (each a list of components, release sequences not yet resolved).
#[derive(Debug)]
struct Seg<'a> {
    n: usize,
    tag: &'a str,
    offset: usize,
    elements: Vec<Vec<&'a str>>,
}

fn err_at(offset: usize, problem: impl Into<String>) -> EdifactError {
    EdifactError {
        segment: None,
        tag: None,
        element: None,
        component: None,
        offset,
        problem: problem.into(),
    }
}

impl<'a> Seg<'a> {
    fn err(
        &self,
        element: Option<usize>,
        component: Option<usize>,
        problem: impl Into<String>,
    ) -> EdifactError {
        EdifactError {
            segment: Some(self.n),
            tag: Some(self.tag.to_owned()),
            element,
            component,
            offset: self.offset,
            problem: problem.into(),
        }
    }

    /// Raw component `c` of element `e` (both 1-based), if present and not empty.
    fn raw(&self, e: usize, c: usize) -> Option<&'a str> {
        self.elements
            .get(e.checked_sub(1)?)
            .and_then(|el| el.get(c.checked_sub(1)?))
            .copied()
            .filter(|s| !s.is_empty())
    }
}

/// The service characters in force and what to do with release sequences.
struct Lex {
    ssa: ServiceStringAdvice,
}

impl Lex {
    fn is_service(&self, b: u8) -> bool {
        b == self.ssa.component_sep
            || b == self.ssa.element_sep
            || b == self.ssa.release_char
            || b == self.ssa.segment_term
            || (self.ssa.is_repetition_active() && b == self.ssa.repetition_sep)
    }

    /// Resolves release sequences; a release character before anything but a service
    /// character is an error (ISO 9735 allows it only there).
    fn unescape<'v>(&self, raw: &'v str) -> Result<Cow<'v, str>, String> {
        let rc = self.ssa.release_char;
        if !raw.as_bytes().contains(&rc) {
            return Ok(Cow::Borrowed(raw));
        }
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == rc {
                match bytes.get(i + 1) {
                    Some(&next) if self.is_service(next) => {
                        out.push(next);
                        i += 2;
                    }
                    Some(&next) => {
                        return Err(format!(
                            "stray release character '{}' before '{}': it may only precede a service character",
                            char::from(rc),
                            char::from(next)
                        ));
                    }
                    None => {
                        return Err(format!(
                            "stray release character '{}' at the end of the value",
                            char::from(rc)
                        ));
                    }
                }
            } else {
                out.push(b);
                i += 1;
            }
        }
        String::from_utf8(out)
            .map(Cow::Owned)
            .map_err(|_| "the value is not valid UTF-8".to_owned())
    }

    /// Component `c` of element `e`, release sequences resolved; `None` when absent or empty.
    fn get<'v>(
        &self,
        seg: &Seg<'v>,
        e: usize,
        c: usize,
    ) -> Result<Option<Cow<'v, str>>, EdifactError> {
        match seg.raw(e, c) {
            None => Ok(None),
            Some(raw) => self
                .unescape(raw)
                .map(Some)
                .map_err(|p| seg.err(Some(e), Some(c), p)),
        }
    }

    fn require<'v>(
        &self,
        seg: &Seg<'v>,
        e: usize,
        c: usize,
        what: &str,
    ) -> Result<Cow<'v, str>, EdifactError> {
        self.get(seg, e, c)?
            .ok_or_else(|| seg.err(Some(e), (c > 1).then_some(c), format!("missing {what}")))
    }
}

/// Reads the service string advice and splits the input into segments.
fn tokenize(body: &[u8]) -> Result<(ServiceStringAdvice, Vec<Seg<'_>>), EdifactError> {
    let start = body
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0xEF | 0xBB | 0xBF))
        .unwrap_or(body.len());
    if start == body.len() {
        return Err(err_at(0, "the body is empty: expected UNA, UNB or UNH"));
    }
    let rest = &body[start..];
    if rest.starts_with(b"UNA") {
        if rest.len() < 9 {
            return Err(err_at(
                start,
                format!(
                    "UNA is cut short: it needs 6 service characters after UNA, found {}",
                    rest.len() - 3
                ),
            ));
        }
        if rest[3..9]
            .iter()
            .any(|b| !b.is_ascii() || b.is_ascii_control())
        {
            return Err(err_at(
                start,
                "UNA: service characters must be printable ASCII",
            ));
        }
    }
    // A byte-order mark or blank lines before the interchange are not part of it: the UNA
    // (when there is one) is read where the interchange starts.
    let ssa = ServiceStringAdvice::from_bytes(rest).map_err(|_| {
        err_at(
            start,
            "UNA: the component, element, release, repetition and segment characters must be \
             distinct, printable and not letters or digits",
        )
    })?;
    let mut segments: Vec<Seg<'_>> = Vec::new();
    let mut open: Option<Seg<'_>> = None;
    let mut n = 0;
    for token in Tokenizer::new(rest, ssa) {
        let token = token.map_err(|e| tokenizer_error(&e, n + 1, open.as_ref(), start))?;
        match token {
            Token::SegmentTag { value, span } => {
                n += 1;
                open = Some(Seg {
                    n,
                    tag: value,
                    offset: span.start + start,
                    elements: Vec::new(),
                });
            }
            Token::DataElement { value, .. } | Token::RepeatElement { value, .. } => {
                if let Some(s) = open.as_mut() {
                    s.elements.push(vec![value]);
                }
            }
            Token::ComponentElement { value, .. } => {
                if let Some(s) = open.as_mut() {
                    match s.elements.last_mut() {
                        Some(el) => el.push(value),
                        None => s.elements.push(vec!["", value]),
                    }
                }
            }
            Token::SegmentTerminator { .. } => {
                if let Some(s) = open.take() {
                    segments.push(s);
                }
            }
        }
    }
    if let Some(s) = open {
        return Err(s.err(
            None,
            None,
            format!(
                "the segment is not terminated: the input ends before its '{}'",
                char::from(ssa.segment_term)
            ),
        ));
    }
    Ok((ssa, segments))
}

/// The tokenizer's error in our terms; its offsets count from `start` (where the interchange
/// begins in the body).
fn tokenizer_error(
    e: &edifact_rs::EdifactError,
    n: usize,
    open: Option<&Seg<'_>>,
    start: usize,
) -> EdifactError {
    use edifact_rs::EdifactError as E;
    let (offset, problem) = match e {
        E::InvalidReleaseSequence { offset } => (
            start + *offset,
            "stray release character at the end of the input: nothing follows it".to_owned(),
        ),
        E::InvalidSegmentTag(tag) => (
            open.map_or(0, |s| s.offset),
            format!(
                "'{}' is not a segment tag (3 upper-case letters); is a segment terminator missing or misplaced?",
                tag.chars().take(20).collect::<String>()
            ),
        ),
        E::InvalidDelimiter { byte, offset } => (
            start + *offset,
            format!(
                "a segment cannot start with the delimiter '{}'",
                char::from(*byte).escape_default()
            ),
        ),
        E::InvalidText { offset } => (start + *offset, "the text is not valid UTF-8".to_owned()),
        E::SegmentTooLong { offset, limit } => (
            start + *offset,
            format!("the segment is longer than {limit} bytes; is a segment terminator missing?"),
        ),
        other => (open.map_or(0, |s| s.offset), other.to_string()),
    };
    EdifactError {
        segment: Some(n),
        tag: None,
        element: None,
        component: None,
        offset,
        problem,
    }
}

/// A message: its UNH, body segments, and the interchange date as fallback update time.
struct Message<'s, 'a> {
    unh: &'s Seg<'a>,
    body: &'s [Seg<'a>],
    interchange_time: Option<NaiveDateTime>,
}

fn parse_count(lex: &Lex, seg: &Seg<'_>, e: usize, what: &str) -> Result<usize, EdifactError> {
    let text = lex.require(seg, e, 1, what)?;
    text.parse()
        .map_err(|_| seg.err(Some(e), None, format!("{what} '{text}' is not a number")))
}

fn split_messages<'s, 'a>(
    segs: &'s [Seg<'a>],
    lex: &Lex,
) -> Result<Vec<Message<'s, 'a>>, EdifactError> {
    let mut messages = Vec::new();
    let mut unb: Option<&Seg<'a>> = None;
    let mut interchange_time = None;
    let mut unz_seen = false;
    let mut i = 0;
    while i < segs.len() {
        let s = &segs[i];
        if unz_seen {
            return Err(s.err(None, None, "segment after UNZ: the interchange has ended"));
        }
        match s.tag {
            "UNB" => {
                if unb.is_some() || !messages.is_empty() {
                    return Err(s.err(None, None, "UNB must come first, and only once"));
                }
                unb = Some(s);
                if let (Some(d), Some(t)) = (lex.get(s, 4, 1)?, lex.get(s, 4, 2)?) {
                    interchange_time =
                        NaiveDateTime::parse_from_str(&format!("{d}{t}"), "%y%m%d%H%M").ok();
                }
                i += 1;
            }
            "UNG" | "UNE" => i += 1,
            "UNH" => {
                let reference = lex.require(s, 1, 1, "message reference number")?;
                let end = segs[i + 1..]
                    .iter()
                    .position(|x| matches!(x.tag, "UNT" | "UNH" | "UNZ"))
                    .map(|p| i + 1 + p);
                let Some(end) = end.filter(|&e| segs[e].tag == "UNT") else {
                    return Err(s.err(
                        None,
                        None,
                        format!("message '{reference}' has no UNT trailer"),
                    ));
                };
                let unt = &segs[end];
                let declared = parse_count(lex, unt, 1, "segment count")?;
                let actual = end - i + 1;
                if declared != actual {
                    return Err(unt.err(
                        Some(1),
                        None,
                        format!(
                            "UNT declares {declared} segments but the message has {actual} (UNH to UNT inclusive)"
                        ),
                    ));
                }
                let unt_ref = lex.require(unt, 2, 1, "message reference number")?;
                if unt_ref != reference {
                    return Err(unt.err(
                        Some(2),
                        None,
                        format!("UNT names message '{unt_ref}' but UNH opened '{reference}'"),
                    ));
                }
                messages.push(Message {
                    unh: s,
                    body: &segs[i + 1..end],
                    interchange_time,
                });
                i = end + 1;
            }
            "UNZ" => {
                let Some(unb) = unb else {
                    return Err(s.err(None, None, "UNZ without UNB"));
                };
                let declared = parse_count(lex, s, 1, "message count")?;
                if declared != messages.len() {
                    return Err(s.err(
                        Some(1),
                        None,
                        format!(
                            "UNZ declares {declared} messages but the interchange has {}",
                            messages.len()
                        ),
                    ));
                }
                let zref = lex.get(s, 2, 1)?;
                let bref = lex.get(unb, 5, 1)?;
                if zref != bref {
                    return Err(s.err(
                        Some(2),
                        None,
                        format!(
                            "UNZ names interchange '{}' but UNB opened '{}'",
                            zref.unwrap_or_default(),
                            bref.unwrap_or_default()
                        ),
                    ));
                }
                unz_seen = true;
                i += 1;
            }
            "UNT" => return Err(s.err(None, None, "UNT without UNH")),
            other => {
                return Err(s.err(
                    None,
                    None,
                    format!("{other} outside a message: expected UNH"),
                ));
            }
        }
    }
    if let Some(b) = unb.filter(|_| !unz_seen) {
        return Err(b.err(None, None, "the interchange has no UNZ trailer"));
    }
    if messages.is_empty() {
        return Err(err_at(0, "no message (UNH … UNT) found"));
    }
    Ok(messages)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MessageType {
    Iftsta,
    Coarri,
    Codeco,
}

/// What one level of a message (message, consignment, status or equipment group) says.
#[derive(Default, Clone)]
struct Facts<'s, 'a> {
    documents: Vec<DocumentReference>,
    references: Vec<ShipmentReference>,
    times: Vec<&'s Seg<'a>>,
    updated: Option<&'s Seg<'a>>,
    locations: Vec<(String, LocationDraft)>,
    transport: Option<TransportCall>,
    equipment: Option<Equipment>,
}

impl<'s, 'a> Facts<'s, 'a> {
    fn absorb(
        &mut self,
        s: &'s Seg<'a>,
        lex: &Lex,
        profile: &PartnerProfile,
    ) -> Result<(), EdifactError> {
        match s.tag {
            "RFF" => {
                let q = lex.get(s, 1, 1)?;
                if let (Some(q), Some(v)) = (q, lex.get(s, 1, 2)?) {
                    if let Some(kind) = profile.references.get(q.as_ref()) {
                        self.documents.push(document(s, *kind, &v, 1, Some(2))?);
                    } else if let Some(kind) = profile.shipment_references.get(q.as_ref()) {
                        self.references.push(ShipmentReference {
                            kind: ShortCode::parse(kind.as_str())
                                .map_err(|e| s.err(Some(1), Some(1), e.to_string()))?,
                            reference: reference(s, &v, 1, Some(2))?,
                        });
                    }
                }
            }
            "CNI" => {
                if let Some(v) = lex.get(s, 2, 1)? {
                    self.documents
                        .push(document(s, DocumentType::TRD, &v, 2, None)?);
                }
            }
            "DTM" => {
                let q = lex.require(s, 1, 1, "date/time qualifier")?;
                if q == "137" {
                    self.updated = Some(s);
                } else if profile.time_qualifiers.contains_key(q.as_ref()) {
                    self.times.push(s);
                }
            }
            "LOC" => {
                let q = lex.require(s, 1, 1, "location qualifier")?.into_owned();
                if q != "147" {
                    let code = lex.get(s, 2, 1)?.map(Cow::into_owned);
                    let facility = lex.get(s, 3, 1)?.map(Cow::into_owned);
                    let name = lex.get(s, 2, 4)?.map(Cow::into_owned);
                    self.locations.push((
                        q,
                        LocationDraft {
                            name,
                            code,
                            facility,
                            ..LocationDraft::default()
                        },
                    ));
                }
            }
            "TDT" => {
                let stage = lex.get(s, 1, 1)?;
                let mode = match lex.get(s, 3, 1)?.as_deref() {
                    Some("1") => Some(ModeOfTransport::VESSEL),
                    Some("2") => Some(ModeOfTransport::RAIL),
                    Some("3") => Some(ModeOfTransport::TRUCK),
                    Some("8") => Some(ModeOfTransport::BARGE),
                    _ => None,
                };
                // The main carriage is the vessel; pre- and on-carriage legs are not tracked.
                if stage.as_deref() == Some("20") || mode == Some(ModeOfTransport::VESSEL) {
                    let voyage = lex
                        .get(s, 2, 1)?
                        .map(|v| reference(s, &v, 2, None))
                        .transpose()?;
                    let carrier = lex
                        .get(s, 5, 1)?
                        .map(|v| reference(s, &v, 5, Some(1)))
                        .transpose()?;
                    let imo = match (lex.get(s, 8, 1)?, lex.get(s, 8, 2)?.as_deref()) {
                        (Some(id), Some("146")) => Some(
                            ImoNumber::parse(&id)
                                .map_err(|e| s.err(Some(8), Some(1), e.to_string()))?,
                        ),
                        _ => None,
                    };
                    let name = lex
                        .get(s, 8, 4)?
                        .map(|v| reference(s, &v, 8, Some(4)))
                        .transpose()?;
                    self.transport = Some(TransportCall {
                        sequence: None,
                        mode: mode.or(Some(ModeOfTransport::VESSEL)),
                        vessel: (imo.is_some() || name.is_some()).then_some(Vessel { imo, name }),
                        export_voyage: voyage,
                        import_voyage: None,
                        service: None,
                        carrier,
                    });
                }
            }
            "EQD" => {
                let q = lex.require(s, 1, 1, "equipment qualifier")?;
                if q == "CN" {
                    let number = lex.require(s, 2, 1, "container number")?;
                    let reference = ContainerNumber::parse_format(&number)
                        .map_err(|e| s.err(Some(2), None, e.to_string()))?;
                    let iso_code = lex.get(s, 3, 1)?.and_then(|c| ShortCode::parse(&c).ok());
                    let movement = match lex.get(s, 5, 1)?.as_deref() {
                        Some("2") => Some(MovementType::EXPORT),
                        Some("3") => Some(MovementType::IMPORT),
                        Some("6") => Some(MovementType::TRANSSHIPMENT),
                        _ => None,
                    };
                    let empty = match lex.get(s, 6, 1)?.as_deref() {
                        Some("4") => Some(EmptyIndicator::EMPTY),
                        Some("5") => Some(EmptyIndicator::LADEN),
                        _ => None,
                    };
                    self.equipment = Some(Equipment {
                        reference,
                        iso_code,
                        empty,
                        movement,
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn reference(s: &Seg<'_>, v: &str, e: usize, c: Option<usize>) -> Result<Reference, EdifactError> {
    Reference::parse(v).map_err(|err| s.err(Some(e), c, err.to_string()))
}

fn document(
    s: &Seg<'_>,
    kind: DocumentType,
    v: &str,
    e: usize,
    c: Option<usize>,
) -> Result<DocumentReference, EdifactError> {
    Ok(DocumentReference {
        kind,
        reference: reference(s, v, e, c)?,
    })
}

/// Converts a DTM segment's time (formats 101, 102, 201, 203, 204, 205, 303, 304): local
/// ones in the given zone, the others at the offset they carry.
fn dtm_time(s: &Seg<'_>, lex: &Lex, tz: Tz) -> Result<DateTime<FixedOffset>, EdifactError> {
    let value = lex.require(s, 1, 2, "date/time value")?;
    let format = lex.get(s, 1, 3)?;
    let format = format.as_deref().unwrap_or(match value.len() {
        6 => "101",
        8 => "102",
        10 => "201",
        14 => "204",
        _ => "203",
    });
    let bad = |what: &str| {
        s.err(
            Some(1),
            Some(2),
            format!("'{value}' is not a valid {what} (format {format})"),
        )
    };
    let local = |naive: NaiveDateTime| {
        tz.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.fixed_offset())
            .ok_or_else(|| bad("local time in the partner's zone"))
    };
    // A time followed by a zone: `len` characters of `pattern`, then the zone.
    let zoned = |len: usize, pattern: &str, what: &str| {
        if value.len() <= len || !value.is_char_boundary(len) {
            return Err(bad(what));
        }
        let (dt, zone) = value.split_at(len);
        let naive = NaiveDateTime::parse_from_str(dt, pattern).map_err(|_| bad(what))?;
        let offset = zone_offset(zone).ok_or_else(|| bad("time zone (+hh, +hhmm or UTC)"))?;
        offset
            .from_local_datetime(&naive)
            .single()
            .ok_or_else(|| bad(what))
    };
    let date = |pattern: &str, what: &str| {
        NaiveDate::parse_from_str(&value, pattern)
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| bad(what))
            .and_then(local)
    };
    match format {
        "101" => date("%y%m%d", "date YYMMDD"),
        "102" => date("%Y%m%d", "date CCYYMMDD"),
        "201" => NaiveDateTime::parse_from_str(&value, "%y%m%d%H%M")
            .map_err(|_| bad("date/time YYMMDDHHMM"))
            .and_then(local),
        "203" => NaiveDateTime::parse_from_str(&value, "%Y%m%d%H%M")
            .map_err(|_| bad("date/time CCYYMMDDHHMM"))
            .and_then(local),
        "204" => NaiveDateTime::parse_from_str(&value, "%Y%m%d%H%M%S")
            .map_err(|_| bad("date/time CCYYMMDDHHMMSS"))
            .and_then(local),
        "205" => zoned(12, "%Y%m%d%H%M", "date/time with offset CCYYMMDDHHMMZHHMM"),
        "303" => zoned(12, "%Y%m%d%H%M", "date/time with zone CCYYMMDDHHMMZZZ"),
        "304" => zoned(14, "%Y%m%d%H%M%S", "date/time with zone CCYYMMDDHHMMSSZZZ"),
        other => Err(s.err(
            Some(1),
            Some(3),
            format!(
                "date/time format '{other}' is not supported (use 101, 102, 201, 203, 204, 205, 303 or 304)"
            ),
        )),
    }
}

fn zone_offset(zone: &str) -> Option<FixedOffset> {
    if matches!(zone, "UTC" | "Z" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = match digits.len() {
        2 => (digits.parse().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// The event location of a group: for a loading the place of loading (`LOC+9`), for a
/// discharge the place of discharge (`LOC+11`), else the first qualifier of the profile's
/// order (activity place, terminal, discharge port, loading port by default) — at the group's
/// own level first, then the consignment's, then the message's.
fn pick_location(
    levels: &[&Facts<'_, '_>],
    kind: &EventKind,
    profile: &PartnerProfile,
) -> Option<LocationDraft> {
    let first = match kind {
        EventKind::Equipment {
            code: EquipmentEventType::LOAD,
            ..
        } => Some("9"),
        EventKind::Equipment {
            code: EquipmentEventType::DISC,
            ..
        } => Some("11"),
        _ => None,
    };
    for q in first
        .into_iter()
        .chain(profile.location_order.iter().map(String::as_str))
    {
        for f in levels {
            if let Some((_, l)) = f.locations.iter().find(|(lq, _)| lq == q) {
                return Some(l.clone());
            }
        }
    }
    levels
        .iter()
        .find_map(|f| f.locations.first().map(|(_, l)| l.clone()))
}

/// An event ID derived from the facts, stable across re-sends and corrections of the same
/// movement, so the upsert rules replace instead of duplicating.
fn derived_id(parts: &[&str]) -> Result<EventId, String> {
    let id = format!("edi-{}", parts.join("-"));
    let id = if id.chars().count() > 100 {
        let digest = Sha256::digest(id.as_bytes());
        format!("edi-{}", hex::encode(&digest[..16]))
    } else {
        id
    };
    EventId::parse(&id).map_err(|e| e.to_string())
}

fn map_message<'s, 'a>(
    m: &Message<'s, 'a>,
    lex: &Lex,
    profile: &PartnerProfile,
) -> Result<Vec<Draft>, EdifactError> {
    let kind_text = lex.require(m.unh, 2, 1, "message type")?;
    let mtype = match kind_text.as_ref() {
        "IFTSTA" => MessageType::Iftsta,
        "COARRI" => MessageType::Coarri,
        "CODECO" => MessageType::Codeco,
        other => {
            return Err(m.unh.err(
                Some(2),
                None,
                format!("message type '{other}' is not supported (IFTSTA, COARRI or CODECO)"),
            ));
        }
    };
    let Some(bgm) = m.body.iter().find(|s| s.tag == "BGM") else {
        return Err(m.unh.err(None, None, "the message has no BGM segment"));
    };
    let bgm_code = lex.require(bgm, 1, 1, "document name code")?;
    let bgm_number = lex.get(bgm, 2, 1)?;
    let cancellation = lex.get(bgm, 3, 1)?.as_deref() == Some("1");
    let document_event = match mtype {
        MessageType::Iftsta => None,
        MessageType::Coarri | MessageType::Codeco => {
            let table = if mtype == MessageType::Coarri {
                &profile.coarri_documents
            } else {
                &profile.codeco_documents
            };
            Some(*table.get(bgm_code.as_ref()).ok_or_else(|| {
                let mut known: Vec<&str> = table.keys().map(String::as_str).collect();
                known.sort_unstable();
                bgm.err(
                    Some(1),
                    None,
                    format!(
                        "document name code '{bgm_code}' has no mapping in profile '{}' (known: {})",
                        profile.name,
                        known.join(", ")
                    ),
                )
            })?)
        }
    };

    // Split the body into levels: message → consignment (CNI) → status (STS) for IFTSTA,
    // message → equipment (EQD) for COARRI/CODECO.
    let mut message = Facts::default();
    let mut consignments: Vec<Facts<'s, 'a>> = Vec::new();
    let mut groups: Vec<(&'s Seg<'a>, Option<usize>, Facts<'s, 'a>)> = Vec::new();
    let mut in_group = false;
    for s in m.body {
        match (mtype, s.tag) {
            (MessageType::Iftsta, "CNI") => {
                let mut c = Facts::default();
                c.absorb(s, lex, profile)?;
                consignments.push(c);
                in_group = false;
            }
            (MessageType::Iftsta, "STS") => {
                groups.push((s, consignments.len().checked_sub(1), Facts::default()));
                in_group = true;
            }
            (MessageType::Coarri | MessageType::Codeco, "EQD") => {
                let mut g = Facts::default();
                g.absorb(s, lex, profile)?;
                groups.push((s, None, g));
                in_group = true;
            }
            _ => {
                let target = match (in_group, groups.last_mut(), consignments.last_mut()) {
                    (true, Some((_, _, g)), _) => g,
                    (_, _, Some(c)) => c,
                    _ => &mut message,
                };
                target.absorb(s, lex, profile)?;
            }
        }
    }
    if groups.is_empty() {
        let what = if mtype == MessageType::Iftsta {
            "STS"
        } else {
            "EQD"
        };
        return Err(m.unh.err(
            None,
            None,
            format!("the message has no {what} segment: nothing to report"),
        ));
    }

    let mut drafts = Vec::with_capacity(groups.len());
    let no_consignment = Facts::default();
    for (start, consignment, group) in &groups {
        let consignment = consignment
            .and_then(|i| consignments.get(i))
            .unwrap_or(&no_consignment);
        let levels = [group, consignment, &message];
        let kind = match document_event {
            Some(code) => EventKind::Equipment {
                code,
                equipment: group.equipment.clone(),
            },
            None => {
                let code = lex.require(start, 2, 1, "status code")?;
                let mapping = profile.status_codes.get(code.as_ref()).ok_or_else(|| {
                    let mut known: Vec<&str> =
                        profile.status_codes.keys().map(String::as_str).collect();
                    known.sort_unstable();
                    start.err(
                        Some(2),
                        None,
                        format!(
                            "unknown status code '{code}' (profile '{}' knows {})",
                            profile.name,
                            known.join(", ")
                        ),
                    )
                })?;
                let equipment = levels.iter().find_map(|f| f.equipment.clone());
                match *mapping {
                    StatusMapping::Transport(code) => EventKind::Transport { code },
                    StatusMapping::Equipment(code) => EventKind::Equipment { code, equipment },
                    StatusMapping::Shipment(code) => EventKind::Shipment {
                        code,
                        document_type: None,
                        reason: None,
                    },
                }
            }
        };
        let location = pick_location(&levels, &kind, profile);
        let tz = profile.timezone_at(
            location
                .as_ref()
                .and_then(|l| l.code.as_deref())
                .map(|c| profile.locode_aliases.get(c).map_or(c, String::as_str)),
        );
        let Some(time_seg) = levels.iter().find_map(|f| f.times.first().copied()) else {
            let mut known: Vec<&str> = profile.time_qualifiers.keys().map(String::as_str).collect();
            known.sort_unstable();
            return Err(start.err(
                None,
                None,
                format!(
                    "no DTM with an event-time qualifier ({}) for this {}",
                    known.join(", "),
                    if mtype == MessageType::Iftsta {
                        "status"
                    } else {
                        "container"
                    }
                ),
            ));
        };
        let qualifier = lex.require(time_seg, 1, 1, "date/time qualifier")?;
        let classifier = profile
            .time_qualifiers
            .get(qualifier.as_ref())
            .copied()
            .unwrap_or(EventClassifier::ACT);
        let event_time = dtm_time(time_seg, lex, tz)?;
        let updated_time = match levels.iter().find_map(|f| f.updated) {
            Some(u) => dtm_time(u, lex, profile.timezone)?,
            None => match m.interchange_time {
                Some(t) => profile
                    .timezone
                    .from_local_datetime(&t)
                    .earliest()
                    .map_or(event_time, |t| t.fixed_offset()),
                None => event_time,
            },
        }
        .with_timezone(&Utc);
        let mut documents: Vec<DocumentReference> = levels
            .iter()
            .flat_map(|f| f.documents.iter().cloned())
            .collect();
        documents.sort();
        documents.dedup();
        let references: Vec<ShipmentReference> = levels
            .iter()
            .flat_map(|f| f.references.iter().cloned())
            .collect();
        let transport_call = levels.iter().find_map(|f| f.transport.clone());
        let subject = match &kind {
            EventKind::Equipment {
                equipment: Some(e), ..
            } => e.reference.to_string(),
            _ => documents
                .iter()
                .find(|d| d.kind == DocumentType::TRD)
                .or(documents.first())
                .map(|d| d.reference.to_string())
                .or_else(|| bgm_number.as_ref().map(|b| b.to_string()))
                .unwrap_or_default(),
        };
        let loc_code = location
            .as_ref()
            .and_then(|l| l.code.clone())
            .unwrap_or_default();
        let voyage = transport_call
            .as_ref()
            .and_then(|t| t.voyage())
            .map(|v| v.to_string())
            .unwrap_or_default();
        let event_id = derived_id(&[
            kind.code(),
            classifier.as_str(),
            &subject,
            &loc_code,
            &voyage,
        ])
        .map_err(|p| start.err(None, None, p))?;
        if cancellation {
            drafts.push(Draft::Retraction {
                event_id,
                updated_time,
            });
            continue;
        }
        drafts.push(Draft::Event(Box::new(EventDraft {
            event_id,
            kind,
            classifier,
            event_time,
            updated_time,
            location,
            transport_call,
            documents,
            references,
            flags: Vec::new(),
            delay_reason: None,
            change_remark: None,
        })));
    }
    Ok(drafts)
}
