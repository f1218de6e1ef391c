//! A meeting pack: one exchange file per attendee agency of a meeting, each holding the meeting
//! and only the cases that agency may see, written before the meeting so every attendee comes
//! with the same papers.

use uuid::Uuid;

use super::ExportReport;
use crate::{Vault, bundle::BundleError};

/// One attendee agency and its file, or why none was written for it.
pub type PackResult = (Uuid, Result<ExportReport, String>);

impl Vault {
    /// Writes one bundle per attendee agency (that has a verified site) into `dir`: each holds
    /// the meeting and only the cases that agency may see. Returns (agency, file or why not).
    pub fn export_meeting_pack(
        &mut self,
        meeting: Uuid,
        dir: &std::path::Path,
    ) -> Result<Vec<PackResult>, BundleError> {
        let m = self.meeting(meeting)?;
        std::fs::create_dir_all(dir).map_err(|source| BundleError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut out = Vec::new();
        let me = self.me.agency;
        for a in m.attendees.iter().filter(|a| **a != me) {
            let name = self.agency(*a).map(|x| x.name).unwrap_or_else(|_| a.to_string());
            let file = dir.join(format!("{}-{}-{}.kasane", m.date, sanitize(&name), &a.to_string()[..8]));
            let r = self
                .export_bundle(*a, false, &file, &mut |_| {})
                .map_err(|e| e.to_string());
            out.push((*a, r));
        }
        self.audit_now(
            "meeting.pack",
            Some(meeting.to_string()),
            Some(format!("{} agencies", out.len())),
        )?;
        Ok(out)
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' })
        .collect()
}
