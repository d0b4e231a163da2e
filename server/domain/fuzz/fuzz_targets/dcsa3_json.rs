//! DCSA 3.0 bodies: parsing, upsert and the shipment picture never panic, whatever the bytes.
#![no_main]

use domain::logistics::adapters::dcsa3;
use domain::logistics::{EventStore, LocationMaster, PictureOptions, ShipmentPicture, SourceId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceId::parse("fuzz") else {
        return;
    };
    let master = LocationMaster::embedded();
    if let Ok(items) = dcsa3::parse(data, &source, master) {
        let mut store = EventStore::new();
        store.apply_all(items);
        let references: Vec<String> = store
            .events()
            .flat_map(|e| e.documents.iter().map(|d| d.reference.to_string()))
            .collect();
        for r in references.iter().take(4) {
            let _ = ShipmentPicture::build(&store.shipment(r), master, &PictureOptions::default());
        }
    }
});
