//! Feed adapters against the shared samples (golden tests) and against bad input.
#![cfg(feature = "logistics")]

use domain::logistics::adapters::{dcsa2, dcsa3, edifact};
use domain::logistics::codes::{
    DocumentType, EmptyIndicator, EquipmentEventType, EventClassifier, EventType, IotEventCode,
    IotEventType, ModeOfTransport, MovementType, ReeferEventType, ReferenceType, ShipmentEventType,
    TemperatureUnit, TransportEventType,
};
use domain::logistics::event::{EventFlag, EventKind};
use domain::logistics::{
    Event, FeedError, FeedItem, LocationMaster, LocationStatus, PartnerProfile, SignatureError,
    SourceId,
};
use rust_decimal::Decimal;

const HMAC_VECTOR: &str = include_str!("../data/logistics/dcsa2-callback-hmac-vector.txt");
const DCSA3_LOAD: &str = include_str!("../data/logistics/dcsa3-equipment-load-at-caimep.json");
const IFTSTA_LOAD: &str = include_str!("../data/logistics/iftsta-loaded-at-caimep.edi");
const COARRI_DISC: &str = include_str!("../data/logistics/coarri-discharge-at-portklang.edi");
const CODECO_GTIN: &str = include_str!("../data/logistics/codeco-gatein-at-caimep.edi");

fn source() -> SourceId {
    SourceId::parse("crx").expect("valid source")
}

fn master() -> &'static LocationMaster {
    LocationMaster::embedded()
}

fn profile() -> &'static PartnerProfile {
    PartnerProfile::default_profile()
}

/// Reads `label: value` from the HMAC vector file.
fn vector_field(label: &str) -> String {
    HMAC_VECTOR
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .expect("the vector file has this line")
        .trim()
        .to_owned()
}

fn vector() -> (String, String, String) {
    let secret = vector_field("secret (base64, as exchanged at subscription):");
    let body = vector_field("raw body (UTF-8, no trailing newline):");
    let header = vector_field("header: Notification-Signature:");
    (secret, body, header)
}

fn only_event(items: Vec<FeedItem>) -> Event {
    assert_eq!(items.len(), 1, "{items:?}");
    match items.into_iter().next().expect("one item") {
        FeedItem::Event(e) => *e,
        FeedItem::Retraction(r) => panic!("expected an event, got {r:?}"),
    }
}

fn edi(text: &str) -> Result<Vec<FeedItem>, FeedError> {
    edifact::parse(text.as_bytes(), &source(), profile(), master())
}

fn edi_err(text: &str) -> String {
    edi(text).expect_err("the input is refused").to_string()
}

// --- DCSA 2.2 signature ---------------------------------------------------------------

#[test]
fn accepts_the_shared_hmac_vector() {
    let (secret, body, header) = vector();
    assert_eq!(body, r#"[{"eventID":"e1","eventType":"TRANSPORT"}]"#);
    dcsa2::verify_signature(Some(&header), &secret, body.as_bytes()).unwrap();
    assert_eq!(dcsa2::sign(&secret, body.as_bytes()).unwrap(), header);
}

#[test]
fn rejects_unsigned_dcsa2_callback() {
    let (secret, body, _) = vector();
    let e = dcsa2::receive(None, &secret, body.as_bytes(), &source(), master()).unwrap_err();
    assert_eq!(e, FeedError::Signature(SignatureError::Missing));
}

#[test]
fn rejects_wrongly_signed_dcsa2_callback() {
    let (secret, body, header) = vector();
    let tampered = body.replace("e1", "e2");
    assert_eq!(
        dcsa2::verify_signature(Some(&header), &secret, tampered.as_bytes()),
        Err(SignatureError::Mismatch)
    );
    let other_secret = "AAAA";
    assert_eq!(
        dcsa2::verify_signature(Some(&header), other_secret, body.as_bytes()),
        Err(SignatureError::Mismatch)
    );
    for bad in ["sha1=abcd", "sha256=xyz", "sha256=abcd", "eaf1199d7f"] {
        assert_eq!(
            dcsa2::verify_signature(Some(bad), &secret, body.as_bytes()),
            Err(SignatureError::Malformed),
            "{bad}"
        );
    }
    assert_eq!(
        dcsa2::verify_signature(Some(&header), "not base64!", body.as_bytes()),
        Err(SignatureError::BadSecret)
    );
}

#[test]
fn signed_vector_body_is_refused_for_missing_fields_with_its_place() {
    let (secret, body, header) = vector();
    let e = dcsa2::receive(Some(&header), &secret, body.as_bytes(), &source(), master())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "JSON line 1 column 41 at [0]: missing field `eventClassifierCode`"
    );
}

// --- DCSA 2.2 body --------------------------------------------------------------------

const DCSA2_BODY: &str = r#"[
  {"eventID": "crx-ARRI-EST-MYPKG-512S", "eventType": "TRANSPORT", "eventClassifierCode": "EST",
   "eventDateTime": "2026-03-14T08:00:00+08:00", "eventCreatedDateTime": "2026-03-10T02:00:00Z",
   "transportEventTypeCode": "ARRI", "delayReasonCode": "WEA", "changeRemark": "Weather",
   "transportCall": {"transportCallSequenceNumber": 3, "carrierServiceCode": "SEA1",
     "exportVoyageNumber": "512S", "UNLocationCode": "MYPKG", "modeOfTransport": "VESSEL",
     "vessel": {"vesselIMONumber": "9321483", "vesselName": "EXAMPLE TRADER",
                "vesselOperatorCarrierCode": "CRX"}},
   "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": "BK7781234"}]},
  {"eventID": "crx-GTIN-ABCU1234560-VNCMT", "eventType": "EQUIPMENT", "eventClassifierCode": "ACT",
   "eventDateTime": "2026-03-10T14:05:00+07:00", "eventCreatedDateTime": "2026-03-10T07:10:00Z",
   "equipmentEventTypeCode": "GTIN", "equipmentReference": "ABCU1234560",
   "ISOEquipmentCode": "45G1", "emptyIndicatorCode": "LADEN",
   "eventLocation": {"locationName": "Cai Mep", "UNLocationCode": "VNCMT",
                     "latitude": "10.5369", "longitude": "107.0323"},
   "documentReferences": [{"documentReferenceType": "BKG", "documentReferenceValue": "BK7781234"}]}
]"#;

#[test]
fn parses_a_dcsa2_callback_with_transport_and_equipment_events() {
    let items = dcsa2::parse(DCSA2_BODY.as_bytes(), &source(), master()).unwrap();
    assert_eq!(items.len(), 2);
    let arri = items[0].as_event().unwrap();
    assert_eq!(
        arri.kind,
        EventKind::Transport {
            code: TransportEventType::ARRI
        }
    );
    assert_eq!(arri.classifier, EventClassifier::EST);
    assert_eq!(arri.unlocode().unwrap().as_str(), "MYPKG");
    assert_eq!(arri.delay_reason.as_ref().unwrap().as_str(), "WEA");
    let tc = arri.transport_call.as_ref().unwrap();
    assert_eq!(
        tc.vessel.as_ref().unwrap().imo.as_ref().unwrap().as_str(),
        "9321483"
    );
    assert_eq!(tc.voyage().unwrap().as_str(), "512S");
    assert_eq!(tc.carrier.as_ref().unwrap().as_str(), "CRX");
    assert!(arri.references("BK7781234"));
    let gtin = items[1].as_event().unwrap();
    assert_eq!(gtin.kind.code(), "GTIN");
    let loc = gtin.location.as_ref().unwrap();
    assert!((loc.coordinates.unwrap().lon - 107.0323).abs() < 1e-9);
}

// --- DCSA 3.0 -------------------------------------------------------------------------

#[test]
fn golden_dcsa3_equipment_load_at_cai_mep() {
    let e = only_event(dcsa3::parse(DCSA3_LOAD.as_bytes(), &source(), master()).unwrap());
    assert_eq!(e.event_id.as_str(), "crx-LOAD-ABCU1234560-VNCMT-512S");
    assert_eq!(e.classifier, EventClassifier::ACT);
    let EventKind::Equipment {
        code,
        equipment: Some(eq),
    } = &e.kind
    else {
        panic!("{:?}", e.kind)
    };
    assert_eq!(*code, EquipmentEventType::LOAD);
    assert_eq!(eq.reference.as_str(), "ABCU1234560");
    assert_eq!(eq.iso_code.as_ref().unwrap().as_str(), "45G1");
    assert_eq!(eq.empty, Some(EmptyIndicator::LADEN));
    assert_eq!(eq.movement, Some(MovementType::EXPORT));
    assert_eq!(e.event_time.to_rfc3339(), "2026-03-12T07:42:00+07:00");
    assert_eq!(e.updated_time.to_rfc3339(), "2026-03-12T00:50:13+00:00");
    let loc = e.location.as_ref().unwrap();
    assert_eq!(loc.code.as_ref().unwrap().status, LocationStatus::Known);
    assert_eq!(loc.facility_type.as_ref().unwrap().as_str(), "POTE");
    assert!((loc.coordinates.unwrap().lat - 10.5369).abs() < 1e-9);
    let tc = e.transport_call.as_ref().unwrap();
    assert_eq!(tc.sequence, Some(2));
    assert_eq!(tc.voyage().unwrap().as_str(), "512S");
    assert_eq!(
        tc.vessel.as_ref().unwrap().name.as_ref().unwrap().as_str(),
        "EXAMPLE TRADER"
    );
    assert_eq!(tc.carrier.as_ref().unwrap().as_str(), "CRX");
    assert!(e.references("BK7781234") && e.references("BL0099887"));
    assert!(e.flags.is_empty(), "{:?}", e.flags);
}

#[test]
fn dcsa3_accepts_a_bare_array_and_retractions() {
    let body = r#"[
      {"eventID": "x1", "eventUpdatedDateTime": "2026-03-13T00:00:00Z", "isRetracted": true},
      {"eventID": "x2", "eventUpdatedDateTime": "2026-03-13T00:00:00Z", "retractedEventID": "x0"}
    ]"#;
    let items = dcsa3::parse(body.as_bytes(), &source(), master()).unwrap();
    let ids: Vec<_> = items
        .iter()
        .map(|i| match i {
            FeedItem::Retraction(r) => r.event_id.as_str().to_owned(),
            FeedItem::Event(_) => panic!("retraction expected"),
        })
        .collect();
    assert_eq!(ids, ["x1", "x0"]);
}

#[test]
fn dcsa3_keeps_and_flags_unknown_locations() {
    let body = DCSA3_LOAD.replace("\"VNCMT\"", "\"VNZZZ\"");
    let e = only_event(dcsa3::parse(body.as_bytes(), &source(), master()).unwrap());
    assert_eq!(
        e.flags,
        vec![EventFlag::UnknownLocation {
            code: "VNZZZ".to_owned()
        }]
    );
    assert!(e.unlocode().is_none());
}

fn dcsa3_err(body: &str) -> String {
    dcsa3::parse(body.as_bytes(), &source(), master())
        .expect_err("the body is refused")
        .to_string()
}

#[test]
fn rejects_malformed_json_with_line_and_column() {
    let e = dcsa3_err("{\"events\": [\n  {\"eventID\": \"a\",,}\n]}");
    assert_eq!(
        e,
        "JSON line 2 column 19 at events[0]: key must be a string"
    );
    assert!(dcsa3_err("").starts_with("JSON line 1 column 0"));
    let e = dcsa3_err("[] trailing");
    assert!(e.contains("trailing"), "{e}");
}

#[test]
fn rejects_wrong_types_naming_the_field() {
    let body = DCSA3_LOAD.replace(
        "\"transportCallSequenceNumber\": 2",
        "\"transportCallSequenceNumber\": \"two\"",
    );
    let e = dcsa3_err(&body);
    assert!(
        e.starts_with("JSON line 11 column")
            && e.contains("at events[0].transportDetails.transportCall.transportCallSequenceNumber: invalid type: string \"two\", expected u32"),
        "{e}"
    );
}

#[test]
fn rejects_missing_required_fields() {
    let body = DCSA3_LOAD.replace("\"eventDateTime\": \"2026-03-12T07:42:00+07:00\",", "");
    let e = dcsa3_err(&body);
    assert!(
        e.contains("at events[0]: missing field `eventDateTime`"),
        "{e}"
    );
    let body = DCSA3_LOAD.replace(", \"equipmentEventTypeCode\": \"LOAD\"", "");
    let e = dcsa3_err(&body);
    assert!(
        e.contains("an EQUIPMENT event needs eventClassification.equipmentEventTypeCode"),
        "{e}"
    );
}

#[test]
fn keeps_and_flags_a_bad_container_check_digit() {
    let body = DCSA3_LOAD.replace(
        "\"equipmentReference\": \"ABCU1234560\"",
        "\"equipmentReference\": \"ABCU1234561\"",
    );
    let e = only_event(dcsa3::parse(body.as_bytes(), &source(), master()).expect("kept"));
    assert!(
        e.flags.contains(&EventFlag::BadCheckDigit {
            reference: "ABCU1234561".into()
        }),
        "{:?}",
        e.flags
    );
    // Stored and read back, it is the same event (the store keeps it as sent).
    let json = serde_json::to_string(&e).expect("json");
    assert_eq!(serde_json::from_str::<Event>(&json).expect("reads back"), e);
    // A number that is not one at all still refuses the event, with its path.
    let bad = DCSA3_LOAD.replace(
        "\"equipmentReference\": \"ABCU1234560\"",
        "\"equipmentReference\": \"ABC1234560\"",
    );
    let err = dcsa3_err(&bad);
    assert!(
        err.contains("at events[0].equipmentDetails.equipmentReference: container number"),
        "{err}"
    );
}

#[test]
fn keeps_and_flags_codes_outside_the_dcsa_lists() {
    // An unlisted type code costs the event nothing: kept, flagged, moving nothing.
    let body = DCSA3_LOAD.replace("\"LOAD\"", "\"LODE\"");
    let e = dcsa3_one(&body);
    assert_eq!(
        e.kind,
        EventKind::Unrecognised {
            event_type: EventType::EQUIPMENT,
            code: "LODE".into()
        }
    );
    assert!(
        e.flags.contains(&EventFlag::UnknownCode {
            field: "eventClassification.equipmentEventTypeCode".into(),
            code: "LODE".into()
        }),
        "{:?}",
        e.flags
    );
    assert!(e.references("BK7781234"), "it still names its shipment");
    let body = DCSA3_LOAD.replace("\"typeCode\": \"TRD\"", "\"typeCode\": \"XBL\"");
    let e = dcsa3_one(&body);
    assert!(
        e.references("BL0099887"),
        "a document of an unlisted type still links"
    );
    assert!(
        e.flags
            .iter()
            .any(|f| matches!(f, EventFlag::UnknownCode { code, .. } if code == "XBL"))
    );
    // The classifier and the numbers with check digits are not open lists.
    let body = DCSA3_LOAD.replace("\"ACT\"", "\"GUESS\"");
    assert!(dcsa3_err(&body).contains("use PLN, EST or ACT"));
    let body = DCSA3_LOAD.replace(
        "\"vesselIMONumber\": \"9321483\"",
        "\"vesselIMONumber\": \"9321484\"",
    );
    assert!(dcsa3_err(&body).contains("vesselIMONumber: IMO number"));
}

// --- EDIFACT --------------------------------------------------------------------------

#[test]
fn golden_iftsta_loaded_at_cai_mep_matches_the_dcsa3_sample() {
    let e = only_event(edi(IFTSTA_LOAD).unwrap());
    let dcsa = only_event(dcsa3::parse(DCSA3_LOAD.as_bytes(), &source(), master()).unwrap());
    assert_eq!(e.kind.code(), "LOAD");
    assert_eq!(e.classifier, EventClassifier::ACT);
    // Local time at Cai Mep, the same instant the DCSA sample reports.
    assert_eq!(e.event_time, dcsa.event_time);
    assert_eq!(e.event_time.to_rfc3339(), "2026-03-12T07:42:00+07:00");
    // The message date (DTM+137) is in the partner's zone: UTC in the default profile.
    assert_eq!(e.updated_time.to_rfc3339(), "2026-03-12T08:15:00+00:00");
    assert_eq!(e.unlocode().unwrap().as_str(), "VNCMT");
    assert!(e.references("BK7781234") && e.references("BL0099887"));
    let tc = e.transport_call.as_ref().unwrap();
    assert_eq!(tc.voyage().unwrap().as_str(), "512S");
    assert_eq!(tc.carrier.as_ref().unwrap().as_str(), "CRX");
    let v = tc.vessel.as_ref().unwrap();
    assert_eq!(v.imo.as_ref().unwrap().as_str(), "9321483");
    assert_eq!(v.name.as_ref().unwrap().as_str(), "EXAMPLE TRADER");
    let EventKind::Equipment {
        equipment: Some(eq),
        ..
    } = &e.kind
    else {
        panic!()
    };
    assert_eq!(eq.reference.as_str(), "ABCU1234560");
    assert_eq!(e.event_id.as_str(), "edi-LOAD-ACT-ABCU1234560-VNCMT-512S");
}

#[test]
fn golden_coarri_transshipment_discharge_at_port_klang() {
    let e = only_event(edi(COARRI_DISC).unwrap());
    assert_eq!(e.kind.code(), "DISC");
    assert_eq!(e.unlocode().unwrap().as_str(), "MYPKG");
    assert_eq!(e.event_time.to_rfc3339(), "2026-03-14T11:30:00+08:00");
    let EventKind::Equipment {
        equipment: Some(eq),
        ..
    } = &e.kind
    else {
        panic!()
    };
    assert_eq!(eq.movement, Some(MovementType::TRANSSHIPMENT));
    assert_eq!(eq.empty, Some(EmptyIndicator::LADEN));
    assert_eq!(e.flags, vec![EventFlag::NoDocumentReference]);
}

#[test]
fn golden_codeco_gate_in_at_cai_mep_terminal() {
    let e = only_event(edi(CODECO_GTIN).unwrap());
    assert_eq!(e.kind.code(), "GTIN");
    assert_eq!(e.event_time.to_rfc3339(), "2026-03-10T14:05:00+07:00");
    let loc = e.location.as_ref().unwrap();
    assert_eq!(
        loc.code
            .as_ref()
            .unwrap()
            .unlocode
            .as_ref()
            .unwrap()
            .as_str(),
        "VNCMT"
    );
    assert_eq!(loc.facility.as_deref(), Some("CMIT"));
    assert!(e.references("BK7781234"));
    // The road leg (TDT+1) does not replace the vessel of the main carriage.
    let tc = e.transport_call.as_ref().unwrap();
    assert_eq!(tc.voyage().unwrap().as_str(), "512S");
}

#[test]
fn honours_una_and_the_release_character() {
    let text = "UNA|*.! ~UNH*1*IFTSTA|D|99B|UN~BGM*23*ST1*9~STS*1*AE~RFF*BN|BK!*77~\
                DTM*334|202603120742|203~LOC*175*VNCMT|139|6~UNT*7*1~";
    let e = only_event(edi(text).unwrap());
    assert!(e.references("BK*77"), "{:?}", e.documents);
}

#[test]
fn a_cancellation_retracts_the_event_it_names() {
    let cancel = IFTSTA_LOAD.replace("BGM+23+ST100045+9'", "BGM+23+ST100046+1'");
    let items = edi(&cancel).unwrap();
    let FeedItem::Retraction(r) = &items[0] else {
        panic!("{items:?}")
    };
    let original = only_event(edi(IFTSTA_LOAD).unwrap());
    assert_eq!(r.event_id, original.event_id);
}

#[test]
fn rejects_a_bad_una() {
    assert_eq!(
        edi_err("UNA:+"),
        "byte 0: UNA is cut short: it needs 6 service characters after UNA, found 2"
    );
    let e = edi_err("UNA::.? 'UNH+1+IFTSTA:D:99B:UN'");
    assert!(e.starts_with("byte 0: UNA: the component, element"), "{e}");
}

#[test]
fn rejects_a_wrong_unt_count() {
    let e = edi_err(&IFTSTA_LOAD.replace("UNT+12+1'", "UNT+11+1'"));
    assert_eq!(
        e,
        "segment 13 (UNT), element 1: UNT declares 11 segments but the message has 12 (UNH to UNT inclusive)"
    );
    let e = edi_err(&IFTSTA_LOAD.replace("UNT+12+1'", "UNT+12+2'"));
    assert!(
        e.contains("UNT names message '2' but UNH opened '1'"),
        "{e}"
    );
    let e = edi_err(&IFTSTA_LOAD.replace("UNZ+1+100045'", "UNZ+2+100045'"));
    assert!(
        e.contains("UNZ declares 2 messages but the interchange has 1"),
        "{e}"
    );
}

#[test]
fn rejects_an_unterminated_segment() {
    let text = COARRI_DISC.trim_end().trim_end_matches('\'');
    assert_eq!(
        edi_err(text),
        "segment 10 (UNT): the segment is not terminated: the input ends before its '''"
    );
}

#[test]
fn rejects_a_stray_release_character() {
    let e = edi_err(&IFTSTA_LOAD.replace("RFF+BN:BK7781234'", "RFF+BN:BK77?81234'"));
    assert_eq!(
        e,
        "segment 5 (RFF), element 1, component 2: stray release character '?' before '8': it may only precede a service character"
    );
    let e = edi_err("UNH+1+IFTSTA:D:99B:UN'BGM+23+ST1+9?");
    assert!(
        e.contains("stray release character at the end of the input"),
        "{e}"
    );
}

#[test]
fn rejects_unknown_status_codes_and_document_names() {
    let e = edi_err(&IFTSTA_LOAD.replace("STS+1+AE'", "STS+1+Z9'"));
    assert!(
        e.starts_with("segment 7 (STS), element 2: unknown status code 'Z9' (profile 'default' knows AE, CR, GI, GO, UV, VA, VD)"),
        "{e}"
    );
    let e = edi_err(&COARRI_DISC.replace("BGM+98+", "BGM+99+"));
    assert!(
        e.starts_with("segment 2 (BGM), element 1: document name code '99' has no mapping in profile 'default'"),
        "{e}"
    );
    let e = edi_err(&COARRI_DISC.replace("COARRI", "INVOIC"));
    assert!(e.contains("message type 'INVOIC' is not supported"), "{e}");
}

#[test]
fn rejects_bad_container_and_imo_numbers_in_edifact() {
    // A wrong check digit is kept and flagged; a number that is no container number is refused.
    let kept = only_event(edi(&CODECO_GTIN.replace("ABCU1234560", "ABCU1234569")).expect("kept"));
    assert!(
        kept.flags.contains(&EventFlag::BadCheckDigit {
            reference: "ABCU1234569".into()
        }),
        "{:?}",
        kept.flags
    );
    let e = edi_err(&CODECO_GTIN.replace("ABCU1234560", "ABCX1234560"));
    assert!(
        e.starts_with("segment 5 (EQD), element 2: container number"),
        "{e}"
    );
    let e = edi_err(&CODECO_GTIN.replace("9321483:146", "9321480:146"));
    assert!(
        e.starts_with("segment 3 (TDT), element 8, component 1: IMO number"),
        "{e}"
    );
}

#[test]
fn rejects_bad_dates_and_missing_times() {
    let e = edi_err(&CODECO_GTIN.replace("DTM+7:202603101405:203", "DTM+7:202613101405:203"));
    assert!(
        e.contains("element 1, component 2: '202613101405' is not a valid date/time CCYYMMDDHHMM"),
        "{e}"
    );
    let e = edi_err(&CODECO_GTIN.replace("DTM+7:202603101405:203'", "DTM+999:202603101405:203'"));
    assert!(
        e.contains("segment 5 (EQD): no DTM with an event-time qualifier"),
        "{e}"
    );
}

#[test]
fn edifact_keeps_unknown_locations_flagged() {
    let e = only_event(edi(&CODECO_GTIN.replace("LOC+165+VNCMT", "LOC+165+VNQQQ")).unwrap());
    assert!(e.flags.contains(&EventFlag::UnknownLocation {
        code: "VNQQQ".to_owned()
    }));
}

#[test]
fn partner_aliases_map_locations_in_edifact() {
    let e = only_event(edi(&CODECO_GTIN.replace("LOC+165+VNCMT", "LOC+165+VNCMP")).unwrap());
    let code = e.location.as_ref().unwrap().code.as_ref().unwrap();
    assert_eq!(code.status, LocationStatus::Alias);
    assert_eq!(code.unlocode.as_ref().unwrap().as_str(), "VNCMT");
}

#[test]
fn iftsta_with_two_consignments_and_an_interchange_of_two_messages() {
    let message = |n: u32| {
        format!(
            "UNH+{n}+IFTSTA:D:99B:UN'BGM+23+ST{n}+9'DTM+137:202603140900:203'\
             CNI+1+BL0099887'STS+1+UV'DTM+334:202603141130:203'LOC+175+MYPKG:139:6'\
             EQD+CN+ABCU1234560+45G1:102:5++6+5'\
             CNI+2+BL0099888'RFF+BN:BK0000002'STS+1+VA'DTM+132:202603201800:203'LOC+175+JPTYO:139:6'\
             TDT+20+513N+1++CRX:172:20+++9321483:146'UNT+15+{n}'"
        )
    };
    let text = format!(
        "UNB+UNOC:3+CARRIERX+OURSHOP+260314:0900+7'{}{}UNZ+2+7'",
        message(1),
        message(2)
    );
    let items = edi(&text).unwrap();
    assert_eq!(items.len(), 4);
    let first = items[0].as_event().unwrap();
    assert_eq!(first.kind.code(), "DISC");
    assert_eq!(first.event_time.to_rfc3339(), "2026-03-14T11:30:00+08:00");
    assert!(first.references("BL0099887") && !first.references("BK0000002"));
    let second = items[1].as_event().unwrap();
    assert_eq!(second.kind.code(), "ARRI");
    assert_eq!(second.classifier, EventClassifier::EST);
    assert_eq!(second.event_time.to_rfc3339(), "2026-03-20T18:00:00+09:00");
    // The booking after the second CNI belongs to the second consignment only.
    assert!(second.references("BL0099888") && second.references("BK0000002"));
    // The same facts in the second message give the same event IDs: an upsert, not a copy.
    assert_eq!(items[0].key(), items[2].key());
}

fn dcsa3_one(body: &str) -> Event {
    only_event(dcsa3::parse(body.as_bytes(), &source(), master()).expect("the body reads"))
}

#[test]
fn dcsa3_reads_the_fields_where_the_3_0_spec_puts_them() {
    let e = dcsa3_one(
        r#"{"events":[{"eventID":"t1","eventDateTime":"2026-03-13T09:00:00+07:00",
        "eventUpdatedDateTime":"2026-03-13T01:00:00Z",
        "eventClassification":{"eventTypeCode":"TRANSPORT","eventClassifierCode":"EST","transportEventTypeCode":"ARRI"},
        "eventLocation":{"UNLocationCode":"VNCMT","facility":{"facilityCode":"CMIT","facilityCodeListProvider":"SMDG"}},
        "transportDetails":{"delayReasonCodes":["WEA","ANA"],"changeRemark":"Typhoon","transportCall":{
          "modeOfTransport":"VESSEL",
          "serviceCodeOrReference":{"carrierServiceCode":"CVX"},
          "exportVoyageNumberOrReference":{"carrierVoyageNumber":"512S"},
          "vesselTransport":{"vesselIMONumber":"9321483","vesselName":"EXAMPLE TRADER","operatorCarrierCode":"CRX"}}}}]}"#,
    );
    assert_eq!(e.delay_reason.as_ref().map(|d| d.as_str()), Some("WEA"));
    assert_eq!(e.change_remark.as_deref(), Some("Typhoon"));
    assert_eq!(
        e.location.as_ref().and_then(|l| l.facility.as_deref()),
        Some("CMIT")
    );
    let tc = e.transport_call.as_ref().expect("transport call");
    assert_eq!(tc.service.as_ref().map(|s| s.as_str()), Some("CVX"));
    assert_eq!(tc.carrier.as_ref().map(|c| c.as_str()), Some("CRX"));
}

#[test]
fn dcsa3_reads_the_shipment_reason_from_shipment_details() {
    let e = dcsa3_one(
        r#"{"events":[{"eventID":"s1","eventDateTime":"2026-03-13T09:00:00+07:00",
        "eventUpdatedDateTime":"2026-03-13T01:00:00Z",
        "eventClassification":{"eventTypeCode":"SHIPMENT","eventClassifierCode":"ACT","shipmentEventTypeCode":"REJE","documentTypeCode":"SHI"},
        "shipmentDetails":{"reason":"Consignee address missing","documentReference":{"typeCode":"BKG","reference":"BK1"}}}]}"#,
    );
    match &e.kind {
        EventKind::Shipment { reason, .. } => {
            assert_eq!(reason.as_deref(), Some("Consignee address missing"));
        }
        other => panic!("not a shipment event: {other:?}"),
    }
}

#[test]
fn dcsa3_takes_a_retraction_of_only_the_id_and_the_flag() {
    let items = dcsa3::parse(
        br#"{"events":[{"eventID":"crx-LOAD-1","isRetracted":true}]}"#,
        &source(),
        master(),
    )
    .expect("reads");
    match items.as_slice() {
        [FeedItem::Retraction(r)] => assert_eq!(r.event_id.as_str(), "crx-LOAD-1"),
        other => panic!("expected one retraction: {other:?}"),
    }
}

#[test]
fn dcsa3_parse_each_keeps_the_good_events_and_names_the_bad_one() {
    let good = serde_json::to_string(
        &serde_json::from_str::<serde_json::Value>(DCSA3_LOAD).expect("sample")["events"][0],
    )
    .expect("json");
    let body = format!(
        r#"{{"events":[{good},{{"eventID":"x","eventDateTime":"2026-03-12T07:42:00+07:00","eventUpdatedDateTime":"2026-03-12T00:50:13Z","eventClassification":{{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"GUESS","equipmentEventTypeCode":"LOAD"}}}},{{"eventID":"z","eventDateTime":"2026-03-12T07:42:00+07:00","eventUpdatedDateTime":"2026-03-12T00:50:13Z","eventClassification":{{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"ZZZZ"}}}}]}}"#
    );
    let d = dcsa3::parse_each(body.as_bytes(), &source(), master()).expect("the body reads");
    assert_eq!(d.items.len(), 2, "the good event and the unlisted one");
    assert_eq!(d.unusable.len(), 1);
    assert_eq!(d.unusable[0].index, 1);
    assert!(
        d.unusable[0].path.starts_with("events[1]"),
        "{:?}",
        d.unusable
    );
    assert!(d.unusable[0].problem.contains("GUESS"), "{:?}", d.unusable);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert_eq!(
        d.warnings[0].path,
        "events[2].eventClassification.equipmentEventTypeCode"
    );
    assert!(d.warnings[0].problem.contains("ZZZZ"), "{:?}", d.warnings);
    // Broken JSON is still refused as a whole, with its place.
    let err = dcsa3::parse_each(b"{\"events\": [", &source(), master()).expect_err("broken");
    assert!(err.to_string().contains("line 1"), "{err}");
}

fn dcsa3_event(classification: &str, extra: &str) -> String {
    format!(
        r#"{{"events":[{{"eventID":"e1","eventDateTime":"2026-03-12T07:42:00+07:00","eventUpdatedDateTime":"2026-03-12T00:50:13Z",
        "eventClassification":{classification},
        "eventLocation":{{"UNLocationCode":"VNCMT"}},
        "equipmentDetails":{{"equipmentReference":"APZU4812090","ISOEquipmentCode":"22GP"}}{extra}}}]}}"#
    )
}

#[test]
fn dcsa3_reads_iot_events() {
    let e = dcsa3_one(&dcsa3_event(
        r#"{"eventTypeCode":"IOT","eventClassifierCode":"ACT","iotEventTypeCode":"DETC"}"#,
        r#","iotDetails":{"iotEventCode":"DRO"}"#,
    ));
    assert_eq!(e.kind.event_type(), EventType::IOT);
    assert_eq!(e.kind.code(), "DRO");
    match &e.kind {
        EventKind::Iot {
            code,
            detail,
            equipment,
        } => {
            assert_eq!(*code, IotEventType::DETC);
            assert_eq!(*detail, Some(IotEventCode::DRO));
            assert_eq!(
                equipment.as_ref().unwrap().reference.as_str(),
                "APZU4812090"
            );
        }
        other => panic!("{other:?}"),
    }
    // Without the detail it is a plain detection.
    let e = dcsa3_one(&dcsa3_event(
        r#"{"eventTypeCode":"IOT","eventClassifierCode":"ACT","iotEventTypeCode":"DETC"}"#,
        "",
    ));
    assert_eq!(e.kind.code(), "DETC");
    // An IoT event carrying another type's code is refused, naming both.
    let err = dcsa3::parse(
        dcsa3_event(
            r#"{"eventTypeCode":"IOT","eventClassifierCode":"ACT","equipmentEventTypeCode":"LOAD"}"#,
            "",
        )
        .as_bytes(),
        &source(),
        master(),
    )
    .expect_err("mixed codes")
    .to_string();
    assert!(
        err.contains("an IOT event carries iotEventTypeCode, not equipmentEventTypeCode"),
        "{err}"
    );
}

#[test]
fn dcsa3_reads_reefer_measurements() {
    let e = dcsa3_one(&dcsa3_event(
        r#"{"eventTypeCode":"REEFER","eventClassifierCode":"ACT","reeferEventTypeCode":"MEAS"}"#,
        r#","reeferDetails":{"temperatureUnit":"CEL","internalSetpointTemperature":-18,
            "ambientMeasuredTemperature":31.5,
            "temperatureProbeMeasurements":[{"USDAProbeNumber":1,"measuredTemperatureValue":-17.8}],
            "measuredParameters":{"o2Percentage":21,"co2Percentage":"0.04","humidityPercentage":85}}"#,
    ));
    let EventKind::Reefer {
        code,
        reading: Some(r),
        ..
    } = &e.kind
    else {
        panic!("{:?}", e.kind)
    };
    assert_eq!(*code, ReeferEventType::MEAS);
    assert_eq!(r.unit, Some(TemperatureUnit::CEL));
    assert_eq!(r.setpoint, Some(Decimal::from(-18)));
    assert_eq!(r.probes, vec![Decimal::new(-178, 1)]);
    assert_eq!(r.ambient, Some(Decimal::new(315, 1)));
    assert_eq!(r.co2_percentage, Some(Decimal::new(4, 2)));
    assert_eq!(r.humidity_percentage, Some(Decimal::from(85)));
    // The reading survives the store (decimals are kept exactly).
    let json = serde_json::to_string(&e).expect("json");
    assert_eq!(serde_json::from_str::<Event>(&json).expect("reads back"), e);
    let err = dcsa3::parse(
        dcsa3_event(
            r#"{"eventTypeCode":"REEFER","eventClassifierCode":"ACT","reeferEventTypeCode":"MEAS"}"#,
            r#","reeferDetails":{"ambientMeasuredTemperature":"warm"}"#,
        )
        .as_bytes(),
        &source(),
        master(),
    )
    .expect_err("not a number")
    .to_string();
    assert!(
        err.contains("reeferDetails.ambientMeasuredTemperature must be a number"),
        "{err}"
    );
}

#[test]
fn dcsa3_reads_every_document_type_and_the_shipment_references() {
    let e = dcsa3_one(
        r#"{"events":[{"eventID":"s2","eventDateTime":"2026-03-13T09:00:00+07:00",
        "eventUpdatedDateTime":"2026-03-13T01:00:00Z",
        "eventClassification":{"eventTypeCode":"SHIPMENT","eventClassifierCode":"ACT","shipmentEventTypeCode":"ISSU","documentTypeCode":"CEO"},
        "shipmentDetails":{
          "documentReference":{"typeCode":"CEO","reference":"ECO-VN-2026-0001"},
          "additionalDocumentReferences":[{"typeCode":"INV","reference":"INV-881"},{"typeCode":"DEO","reference":"DO-12"}],
          "documentReferenceReplacements":[{"oldReferences":[{"typeCode":"BKG","reference":"BK-OLD"}],"newReferences":[{"typeCode":"BKG","reference":"BK-NEW"}]}],
          "shipmentReferences":[{"typeCode":"PO","reference":"PO-4711"},{"typeCode":"FF","reference":"FWD-9"}]}}]}"#,
    );
    match &e.kind {
        EventKind::Shipment {
            code,
            document_type,
            ..
        } => {
            assert_eq!(*code, ShipmentEventType::ISSU);
            assert_eq!(*document_type, Some(DocumentType::CEO));
        }
        other => panic!("{other:?}"),
    }
    for r in [
        "ECO-VN-2026-0001",
        "INV-881",
        "DO-12",
        "BK-OLD",
        "BK-NEW",
        "PO-4711",
        "FWD-9",
    ] {
        assert!(e.references(r), "{r}: {:?} {:?}", e.documents, e.references);
    }
    let po = e
        .references
        .iter()
        .find(|r| r.reference.as_str() == "PO-4711")
        .unwrap();
    assert_eq!(po.reference_type(), Some(ReferenceType::PO));
    assert!(
        e.flags
            .iter()
            .all(|f| !matches!(f, EventFlag::UnknownCode { .. })),
        "{:?}",
        e.flags
    );
    // The 3.0 amendment codes are in the list.
    for code in ["AMCF", "CACF", "PSDL", "UPDT", "VOID"] {
        assert!(ShipmentEventType::parse(code).is_ok(), "{code}");
    }
}

#[test]
fn dcsa3_reads_a_multimodal_transport_call() {
    let e = dcsa3_one(
        r#"{"events":[{"eventID":"t9","eventDateTime":"2026-03-13T09:00:00+07:00","eventUpdatedDateTime":"2026-03-13T01:00:00Z",
        "eventClassification":{"eventTypeCode":"TRANSPORT","eventClassifierCode":"PLN","transportEventTypeCode":"DEPA"},
        "eventLocation":{"UNLocationCode":"VNCMT"},
        "transportDetails":{"transportCall":{"modeOfTransport":"MULTIMODAL"}}}]}"#,
    );
    assert_eq!(
        e.transport_call.as_ref().and_then(|t| t.mode),
        Some(ModeOfTransport::MULTIMODAL)
    );
}

fn dcsa2_event(fields: &str) -> String {
    format!(
        r#"[{{"eventID":"v2-1","eventType":"SHIPMENT","eventClassifierCode":"ACT","eventDateTime":"2026-03-10T10:00:00+07:00","eventCreatedDateTime":"2026-03-10T03:00:00Z",{fields}}}]"#
    )
}

#[test]
fn dcsa2_reads_references_and_the_oog_document() {
    let items = dcsa2::parse(
        dcsa2_event(
            r#""shipmentEventTypeCode":"APPR","documentTypeCode":"OOG","documentID":"OOG-77",
            "references":[{"referenceType":"PO","referenceValue":"PO-4711"},{"referenceType":"SI","referenceValue":"SHP-3"}]"#,
        )
        .as_bytes(),
        &source(),
        master(),
    )
    .expect("reads");
    let e = only_event(items);
    assert!(e.references("OOG-77"));
    assert!(e.references("PO-4711") && e.references("SHP-3"));
    assert_eq!(e.documents.first().map(|d| d.kind), Some(DocumentType::OOG));
    // An unlisted reference type is kept under its code and flagged.
    let e = only_event(
        dcsa2::parse(
            dcsa2_event(
                r#""shipmentEventTypeCode":"APPR","documentTypeCode":"BKG","documentID":"BK-1",
                "references":[{"referenceType":"ZZ","referenceValue":"X-1"}]"#,
            )
            .as_bytes(),
            &source(),
            master(),
        )
        .expect("reads"),
    );
    assert!(e.references("X-1"));
    assert!(e.flags.contains(&EventFlag::UnknownCode {
        field: "references[].referenceType".into(),
        code: "ZZ".into()
    }));
}

#[test]
fn dcsa2_sends_3_0_event_types_to_the_3_0_endpoint() {
    let err = dcsa2::parse(
        br#"[{"eventID":"i1","eventType":"IOT","eventClassifierCode":"ACT","eventDateTime":"2026-03-10T10:00:00+07:00","eventCreatedDateTime":"2026-03-10T03:00:00Z"}]"#,
        &source(),
        master(),
    )
    .expect_err("2.2 has no IoT events")
    .to_string();
    assert!(err.contains("send it to the 3.0 endpoint"), "{err}");
}

#[test]
fn edifact_takes_the_place_of_loading_for_a_loading_and_of_discharge_for_a_discharge() {
    // A loading report naming both ports: the event happened at the place of loading.
    let text = "UNH+1+IFTSTA:D:99B:UN'BGM+23+ST9+9'RFF+BN:BK1'STS+1+AE'DTM+334:202603120742:203'\
                LOC+11+MYPKG:139:6'LOC+9+VNCMT:139:6'EQD+CN+ABCU1234560'UNT+9+1'";
    let e = only_event(edi(text).unwrap());
    assert_eq!(e.kind.code(), "LOAD");
    assert_eq!(e.unlocode().unwrap().as_str(), "VNCMT");
    let text = text.replace("STS+1+AE'", "STS+1+UV'");
    let e = only_event(edi(&text).unwrap());
    assert_eq!(e.kind.code(), "DISC");
    assert_eq!(e.unlocode().unwrap().as_str(), "MYPKG");
    // Other events follow the profile's order (the place of discharge before loading).
    let text = text.replace("STS+1+UV'", "STS+1+VA'");
    let e = only_event(edi(&text).unwrap());
    assert_eq!(e.unlocode().unwrap().as_str(), "MYPKG");
}

#[test]
fn edifact_reads_every_dtm_format() {
    let at = |dtm: &str| {
        let text = format!(
            "UNH+1+IFTSTA:D:99B:UN'BGM+23+ST9+9'RFF+BN:BK1'STS+1+VA'{dtm}LOC+175+VNCMT:139:6'UNT+7+1'"
        );
        edi(&text).map(|items| only_event(items).event_time.to_rfc3339())
    };
    // Local formats take the port's zone (Cai Mep: UTC+7).
    assert_eq!(
        at("DTM+334:260312:101'").unwrap(),
        "2026-03-12T00:00:00+07:00"
    );
    assert_eq!(
        at("DTM+334:20260312:102'").unwrap(),
        "2026-03-12T00:00:00+07:00"
    );
    assert_eq!(
        at("DTM+334:2603120742:201'").unwrap(),
        "2026-03-12T07:42:00+07:00"
    );
    assert_eq!(
        at("DTM+334:202603120742:203'").unwrap(),
        "2026-03-12T07:42:00+07:00"
    );
    assert_eq!(
        at("DTM+334:20260312074205:204'").unwrap(),
        "2026-03-12T07:42:05+07:00"
    );
    // Formats with a zone keep it.
    assert_eq!(
        at("DTM+334:202603120042?+0000:205'").unwrap(),
        "2026-03-12T00:42:00+00:00"
    );
    assert_eq!(
        at("DTM+334:202603120842?+08:303'").unwrap(),
        "2026-03-12T08:42:00+08:00"
    );
    assert_eq!(
        at("DTM+334:20260312004205UTC:304'").unwrap(),
        "2026-03-12T00:42:05+00:00"
    );
    let e = at("DTM+334:202603120042:205'").unwrap_err().to_string();
    assert!(e.contains("is not a valid date/time with offset"), "{e}");
    let e = at("DTM+334:202603120042:999'").unwrap_err().to_string();
    assert!(
        e.contains("use 101, 102, 201, 203, 204, 205, 303 or 304"),
        "{e}"
    );
}

#[test]
fn edifact_keeps_order_and_party_references() {
    let text = IFTSTA_LOAD.replace(
        "RFF+BN:BK7781234'",
        "RFF+BN:BK7781234'RFF+ON:PO-4711'RFF+CU:SHP-3'",
    );
    let text = text.replace("UNT+12+1'", "UNT+14+1'");
    let e = only_event(edi(&text).unwrap());
    assert!(e.references("PO-4711") && e.references("SHP-3"));
    let kinds: Vec<&str> = e.references.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, vec!["PO", "SI"]);
}

#[test]
fn edifact_reads_past_a_byte_order_mark_and_groups() {
    let text = format!("\u{feff}\r\n  {IFTSTA_LOAD}");
    let e = only_event(edi(&text).unwrap());
    assert!(e.references("BK7781234"));
    // A UNA with other service characters still works behind the mark.
    let custom = "\u{feff}UNA|*.! ~UNH*1*IFTSTA|D|99B|UN~BGM*23*ST1*9~STS*1*AE~RFF*BN|BK7~\
                  DTM*334|202603120742|203~LOC*175*VNCMT|139|6~UNT*7*1~";
    assert!(only_event(edi(custom).unwrap()).references("BK7"));
    // Functional groups (UNG … UNE) around the messages.
    let grouped = IFTSTA_LOAD
        .replace(
            "UNH+1+IFTSTA",
            "UNG+IFTSTA+CARRIERX+OURSHOP+260312:0815+1+UN+D:99B'UNH+1+IFTSTA",
        )
        .replace("UNT+12+1'", "UNT+12+1'UNE+1+1'");
    assert!(only_event(edi(&grouped).unwrap()).references("BK7781234"));
}
