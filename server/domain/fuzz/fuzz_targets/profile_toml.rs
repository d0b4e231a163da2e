//! Partner profiles: TOML and JSON loading never panic, whatever the text.
#![no_main]

use domain::logistics::PartnerProfile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = PartnerProfile::from_toml(text);
        let _ = PartnerProfile::from_json(text);
    }
});
