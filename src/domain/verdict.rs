//! What a verification report concludes: its overall status and its check of a unit
//! label's serial.

use super::words::words;

words! {
    /// The report's overall status.
    pub enum ReportStatus {
        /// Every check passed; certificate and producer stand.
        Valid = "valid",
        /// The certificate or its producer is suspended.
        Suspended = "suspended",
        /// The certificate or its producer is revoked.
        Revoked = "revoked",
        /// Every check passed but the unit label looks copied.
        Suspicious = "suspicious",
        /// A check failed.
        Invalid = "invalid",
    }
}

words! {
    /// The report's check of the serial a unit label carries.
    pub enum SerialCheck {
        /// The serial is in the lot and its token is right.
        Ok = "ok",
        /// No serial was given (a lot label, or the certificate itself).
        NotSerialised = "not_serialised",
        /// The lot has no numbered units, or the token is missing or wrong.
        Unknown = "unknown",
        /// The serial is outside the lot's units.
        OutOfRange = "out_of_range",
        /// The serial was scanned too often, from too many places.
        Suspicious = "suspicious",
    }
}

impl SerialCheck {
    /// False when the label could not have been printed by Origine for this lot.
    pub fn label_is_genuine(self) -> bool {
        matches!(self, Self::Ok | Self::NotSerialised | Self::Suspicious)
    }
}
