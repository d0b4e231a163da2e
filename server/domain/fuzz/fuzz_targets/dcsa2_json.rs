//! DCSA 2.2 callbacks: signature check and parsing never panic, whatever the bytes.
#![no_main]

use domain::logistics::adapters::dcsa2;
use domain::logistics::{LocationMaster, SourceId};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceId::parse("fuzz") else {
        return;
    };
    let master = LocationMaster::embedded();
    // As the webhook sees it: the first line is the header value, the rest the body.
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        None => (None, data),
    };
    let _ = dcsa2::receive(header, SECRET, body, &source, master);
    // And the parser alone, as if the signature had matched.
    let _ = dcsa2::parse(data, &source, master);
});
