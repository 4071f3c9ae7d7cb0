//! GS1 Digital Link paths from scanned QR codes (`/01/{gtin}/10/{lot}/21/{serial}`):
//! parsing must never panic, and a parsed link must print as a path that parses back to
//! the same link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use origine::domain::digital_link::DigitalLink;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(link) = DigitalLink::parse_path(path) else {
        return;
    };
    let printed = link.path();
    assert_eq!(
        DigitalLink::parse_path(&printed).as_ref(),
        Ok(&link),
        "{path:?} parsed, printed as {printed:?}, which does not parse back the same"
    );
    assert_eq!(printed, DigitalLink::parse_path(&printed).unwrap().path());
    assert_eq!(
        DigitalLink::new(&link.gtin, link.lot.as_deref(), link.serial.as_deref()).as_ref(),
        Ok(&link)
    );
    let _ = link.uri("https://origine.example.it/");
});
