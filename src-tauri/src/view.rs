//! Shapes shared by several commands: dates as ISO plus 和暦 (both computed by the engine), clearable
//! field changes, ids, and mirrors of the engine's choice enums. The mirrors convert with exhaustive
//! matches, so a choice the engine adds fails the build here instead of drifting silently.

use kasane::{Date, PartialDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{CommandError, for_field};

/// A date (possibly only a year or a year and month) as the engine writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DateView {
    /// "1948-05-01", "1948-05" or "1948".
    pub iso: String,
    /// "昭和23年5月1日", "昭和23年5月", "昭和23年".
    pub wareki: String,
}

impl From<Date> for DateView {
    fn from(d: Date) -> Self {
        DateView {
            iso: d.to_string(),
            wareki: kasane::wareki(d),
        }
    }
}

impl From<PartialDate> for DateView {
    fn from(d: PartialDate) -> Self {
        DateView {
            iso: d.iso(),
            wareki: d.wareki(),
        }
    }
}

/// A change to a field that may be cleared: `value: null` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Change<T> {
    pub value: Option<T>,
}

pub(crate) fn id(what: &'static str, s: &str) -> Result<Uuid, CommandError> {
    Uuid::parse_str(s.trim()).map_err(|_| CommandError::bad_id(what, s))
}

pub(crate) fn ids(what: &'static str, list: &[String]) -> Result<Vec<Uuid>, CommandError> {
    list.iter().map(|s| id(what, s)).collect()
}

pub(crate) fn id_text(id: Uuid) -> String {
    id.to_string()
}

/// Text as typed, None when blank: the engine treats blank as absent, and sending None keeps the op
/// free of empty fields.
pub(crate) fn optional(text: String) -> Option<String> {
    if text.trim().is_empty() { None } else { Some(text) }
}

/// A complete date typed in any form the engine reads (和暦 or ISO); blank means "not given".
pub(crate) fn date_input(field: &'static str, text: &str) -> Result<Option<Date>, CommandError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    kasane::parse_date(text)
        .map(Some)
        .map_err(CommandError::from)
        .map_err(for_field(field))
}

/// A possibly partial date (birth, death); blank means unknown.
pub(crate) fn partial_date_input(field: &'static str, text: &str) -> Result<Option<PartialDate>, CommandError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    PartialDate::parse(text)
        .map(Some)
        .map_err(CommandError::from)
        .map_err(for_field(field))
}

macro_rules! mirror {
    ($(#[$m:meta])* $name:ident => $engine:path { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }
        impl From<$engine> for $name {
            fn from(v: $engine) -> Self {
                use $engine as E;
                match v { $(E::$variant => $name::$variant),+ }
            }
        }
        impl From<$name> for $engine {
            fn from(v: $name) -> Self {
                use $engine as E;
                match v { $($name::$variant => E::$variant),+ }
            }
        }
        impl $name {
            /// In the engine's order (the order forms offer them).
            pub fn all() -> Vec<$name> {
                <$engine>::ALL.iter().map(|v| $name::from(*v)).collect()
            }
        }
    };
}
// Other modules mirror their own engine choices with it (audit: the kinds of action).
pub(crate) use mirror;

mirror!(CaseStatus => kasane::CaseStatus {
    Intake = "intake", Assessment = "assessment", Planning = "planning", Active = "active", Closed = "closed",
});
mirror!(Risk => kasane::Risk { Low = "low", Medium = "medium", High = "high", Urgent = "urgent" });
mirror!(Sex => kasane::Sex { Female = "female", Male = "male", Other = "other", Unanswered = "unanswered" });
mirror!(NoteKind => kasane::NoteKind {
    Visit = "visit", Office = "office", Phone = "phone", Email = "email", Meeting = "meeting",
    Accompany = "accompany", Other = "other",
});
mirror!(ClosureReason => kasane::ClosureReason {
    GoalsMet = "goals-met", MovedAway = "moved-away", Died = "died", PersonsWish = "persons-wish",
    Transferred = "transferred", NoLongerNeeded = "no-longer-needed", Unreachable = "unreachable", Other = "other",
});
mirror!(ContactOutcome => kasane::ContactOutcome {
    Met = "met", NotHome = "not-home", Refused = "refused", PhoneOnly = "phone-only", LeftNote = "left-note", Other = "other",
});
mirror!(ConsentHow => kasane::ConsentHow { Written = "written", Verbal = "verbal", Other = "other" });
mirror!(ConsentGiver => kasane::ConsentGiver {
    Person = "person", LegalRepresentative = "legal-representative", Guardian = "guardian", OtherProxy = "other-proxy",
});
mirror!(ConsentPurpose => kasane::ConsentPurpose {
    JusotekiShienKaigi = "jusoteki-shien-kaigi", ShienChoseiKaigi = "shien-chosei-kaigi", Referral = "referral",
    CoordinatedSupport = "coordinated-support",
});
mirror!(InfoKind => kasane::InfoKind { Basic = "basic", Health = "health", Finances = "finances", Progress = "progress" });
mirror!(RelationKind => kasane::RelationKind { ParentChild = "parent-child", Partner = "partner" });
mirror!(PartnerStatus => kasane::PartnerStatus {
    Married = "married", Cohabiting = "cohabiting", Separated = "separated", Divorced = "divorced",
});

mirror!(ActionStatus => kasane::ActionStatus {
    NotStarted = "not-started", InProgress = "in-progress", Done = "done", CouldNot = "could-not", DidNot = "did-not",
});
mirror!(ActionTag => kasane::ActionTag {
    Participation = "participation", Outreach = "outreach", CommunityResource = "community-resource",
});
mirror!(IntakeRoute => kasane::IntakeRoute {
    Visit = "visit", Phone = "phone", Family = "family", Referral = "referral", Outreach = "outreach",
    Community = "community", Other = "other",
});
mirror!(Visitor => kasane::Visitor { Person = "person", Family = "family", Related = "related" });
mirror!(GoalTerm => kasane::GoalTerm { Long = "long", Short = "short" });
mirror!(GoalResult => kasane::GoalResult { Met = "met", Partly = "partly", NotMet = "not-met" });
mirror!(ReferralStatus => kasane::ReferralStatus {
    Requested = "requested", Accepted = "accepted", Declined = "declined", Completed = "completed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_use_the_engines_codes_so_the_ui_and_the_cli_speak_the_same_words() {
        for s in kasane::CaseStatus::ALL {
            let json = serde_json::to_value(CaseStatus::from(*s)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(s.code()),
                "status {s:?} must keep the engine's code"
            );
        }
        for k in kasane::NoteKind::ALL {
            let json = serde_json::to_value(NoteKind::from(*k)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(k.code()),
                "note kind {k:?} must keep the engine's code"
            );
        }
        for r in kasane::Risk::ALL {
            let json = serde_json::to_value(Risk::from(*r)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(r.code()),
                "risk {r:?} must keep the engine's code"
            );
        }
        for s in kasane::Sex::ALL {
            let json = serde_json::to_value(Sex::from(*s)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(s.code()),
                "sex {s:?} must keep the engine's code"
            );
        }
        for g in kasane::ConsentGiver::ALL {
            assert_eq!(
                serde_json::to_value(ConsentGiver::from(*g)).expect("serialises"),
                serde_json::Value::from(g.code())
            );
        }
        for p in kasane::ConsentPurpose::ALL {
            assert_eq!(
                serde_json::to_value(ConsentPurpose::from(*p)).expect("serialises"),
                serde_json::Value::from(p.code())
            );
        }
        for k in kasane::InfoKind::ALL {
            assert_eq!(
                serde_json::to_value(InfoKind::from(*k)).expect("serialises"),
                serde_json::Value::from(k.code())
            );
        }
        for h in kasane::ConsentHow::ALL {
            let json = serde_json::to_value(ConsentHow::from(*h)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(h.code()),
                "consent method {h:?} must keep the engine's code"
            );
        }
        for k in kasane::RelationKind::ALL {
            let json = serde_json::to_value(RelationKind::from(*k)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(k.code()),
                "relation kind {k:?} must keep the engine's code"
            );
        }
        for s in kasane::PartnerStatus::ALL {
            let json = serde_json::to_value(PartnerStatus::from(*s)).expect("serialises");
            assert_eq!(
                json,
                serde_json::Value::from(s.code()),
                "partner status {s:?} must keep the engine's code"
            );
        }
    }
}
