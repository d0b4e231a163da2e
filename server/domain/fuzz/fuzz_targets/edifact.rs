//! EDIFACT interchanges: tokenising, envelope checks and mapping never panic, whatever the bytes.
#![no_main]

use domain::logistics::adapters::edifact;
use domain::logistics::{LocationMaster, PartnerProfile, SourceId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceId::parse("fuzz") else {
        return;
    };
    let _ = edifact::parse(
        data,
        &source,
        PartnerProfile::default_profile(),
        LocationMaster::embedded(),
    );
});
